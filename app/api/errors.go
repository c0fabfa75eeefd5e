package api

import (
	"errors"
	"net/http"
	"time"

	"pudo/app"
	"pudo/app/httpapi"
	"pudo/storage"
)

// Error is an answer other than success: an HTTP status, a stable code a
// client can branch on (listed in openapi.json), and a message for people.
// Its shape is httpapi's, the network's shop API's too.
type Error = httpapi.Error

var errorf = httpapi.Errorf

// toError maps what the core and the store say to what a client sees.
// Anything unknown is a 500 whose details stay in the log.
func toError(err error) *Error {
	var e *Error
	var lo *app.LockedOutError
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &lo):
		return &Error{Status: http.StatusTooManyRequests, Code: "locked_out",
			Message: "code entry is paused at this kiosk", RetryAfter: time.Until(lo.Until)}
	}
	for _, m := range errorMap {
		if errors.Is(err, m.err) {
			return &Error{Status: m.status, Code: m.code, Message: m.msg}
		}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "the kiosk could not do this; staff can see why in its log"}
}

var errorMap = []struct {
	err    error
	status int
	code   string
	msg    string
}{
	{app.ErrNotFound, http.StatusNotFound, "not_found", "no such rent"},
	{storage.ErrNotFound, http.StatusNotFound, "not_found", "no such rent"},
	{app.ErrNoFreeDoor, http.StatusConflict, "no_free_door", "no free door of that size or larger"},
	{app.ErrBadBooking, http.StatusUnprocessableEntity, "invalid_field", "the booking is incomplete or contradicts itself"},
	{app.ErrBadSize, http.StatusUnprocessableEntity, "invalid_field", "size is not S, M or L"},
	{app.ErrRemoteOff, http.StatusForbidden, "remote_open_disabled", "remote opening is switched off at this kiosk"},
	{app.ErrDropStarted, http.StatusConflict, "drop_started", "the courier already opened this door; only staff at the kiosk can cancel now"},
	{app.ErrNotStored, http.StatusConflict, "not_stored", "the parcel has not been dropped off yet"},
	{app.ErrAlreadyStored, http.StatusConflict, "already_stored", "the parcel is already in its door"},
	{app.ErrExpired, http.StatusConflict, "expired", "the pickup window of this rent has passed"},
	{app.ErrAlreadyCollected, http.StatusConflict, "already_collected", "this parcel was already collected"},
	{app.ErrReclaimed, http.StatusConflict, "reclaimed", "the courier already took this parcel back"},
	{app.ErrCancelled, http.StatusConflict, "cancelled", "this booking was cancelled"},
	{app.ErrNotPickup, http.StatusConflict, "not_openable", "this rent is not a parcel to collect"},
	{app.ErrOutOfService, http.StatusConflict, "door_out_of_service", "the door of this rent is out of service"},
	// A hardware fault, not bad input; still 4xx by the API's contract: a
	// retry at once will not help, staff must look.
	{app.ErrDoorDidNotOpen, http.StatusConflict, "door_did_not_open", "the door did not open; staff have been told"},
	// The door decides: an opening not yet settled is never repeated.
	{app.ErrBeingOpened, http.StatusConflict, "being_opened", "the door is being opened; its outcome is not settled yet"},
	{app.ErrOutOfOrder, http.StatusServiceUnavailable, "out_of_order", "the door's lock board is not answering; nothing was opened"},
	{app.ErrWrongCode, http.StatusUnprocessableEntity, "wrong_code", "no parcel for this code"},
	{storage.ErrDoorTaken, http.StatusConflict, "conflict", "the door was taken meanwhile; try again"},
	{storage.ErrConflict, http.StatusConflict, "conflict", "the rent changed meanwhile; read it again"},
}
