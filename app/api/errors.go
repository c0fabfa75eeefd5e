package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"pudo/app"
	"pudo/app/core"
	"pudo/storage"
)

// Error is an answer other than success: an HTTP status, a stable code a
// client can branch on (listed in openapi.json), and a message for people.
type Error struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration // sent as Retry-After when positive
	allow      []string      // sent as Allow with a 405
}

func (e *Error) Error() string { return fmt.Sprintf("api: %d %s: %s", e.Status, e.Code, e.Message) }

func errorf(status int, code, format string, a ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, a...)}
}

// toError maps what the core and the store say to what a client sees.
// Anything unknown is a 500 whose details stay in the log.
func toError(err error) *Error {
	var e *Error
	var lo *core.LockedOutError
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
	{core.ErrNotFound, http.StatusNotFound, "not_found", "no such rent"},
	{storage.ErrNotFound, http.StatusNotFound, "not_found", "no such rent"},
	{core.ErrNoFreeDoor, http.StatusConflict, "no_free_door", "no free door of that size or larger"},
	{core.ErrBadBooking, http.StatusUnprocessableEntity, "invalid_field", "the booking is incomplete or contradicts itself"},
	{core.ErrBadSize, http.StatusUnprocessableEntity, "invalid_field", "size is not S, M or L"},
	{core.ErrRemoteOff, http.StatusForbidden, "remote_open_disabled", "remote opening is switched off at this kiosk"},
	{core.ErrDropStarted, http.StatusConflict, "drop_started", "the courier already opened this door; only staff at the kiosk can cancel now"},
	{core.ErrNotStored, http.StatusConflict, "not_stored", "the parcel has not been dropped off yet"},
	{core.ErrAlreadyStored, http.StatusConflict, "already_stored", "the parcel is already in its door"},
	{core.ErrExpired, http.StatusConflict, "expired", "the pickup window of this rent has passed"},
	{core.ErrAlreadyCollected, http.StatusConflict, "already_collected", "this parcel was already collected"},
	{core.ErrReclaimed, http.StatusConflict, "reclaimed", "the courier already took this parcel back"},
	{core.ErrCancelled, http.StatusConflict, "cancelled", "this booking was cancelled"},
	{core.ErrNotPickup, http.StatusConflict, "not_openable", "this rent is not a parcel to collect"},
	{core.ErrOutOfService, http.StatusConflict, "door_out_of_service", "the door of this rent is out of service"},
	// A hardware fault, not bad input; still 4xx by the API's contract: a
	// retry at once will not help, staff must look.
	{core.ErrDoorDidNotOpen, http.StatusConflict, "door_did_not_open", "the door did not open; staff have been told"},
	// The door decides: an opening not yet settled is never repeated.
	{app.ErrBeingOpened, http.StatusConflict, "being_opened", "the door is being opened; its outcome is not settled yet"},
	{app.ErrOutOfOrder, http.StatusServiceUnavailable, "out_of_order", "the door's lock board is not answering; nothing was opened"},
	{core.ErrWrongCode, http.StatusUnprocessableEntity, "wrong_code", "no parcel for this code"},
	{storage.ErrDoorTaken, http.StatusConflict, "conflict", "the door was taken meanwhile; try again"},
	{storage.ErrConflict, http.StatusConflict, "conflict", "the rent changed meanwhile; read it again"},
}

func (e *Error) header(w http.ResponseWriter) {
	if len(e.allow) > 0 {
		w.Header().Set("Allow", strings.Join(e.allow, ", "))
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
}
