package api

import (
	"fmt"
	"strings"
	"time"

	"pudo/app/core"
	"pudo/app/httpapi"
)

// Bodies are read as every Pudo API reads them (httpapi): one JSON
// object, strict about keys, every failure a 4xx naming its cause.
var (
	decodeJSON = httpapi.DecodeJSON
	decodeBody = httpapi.DecodeBody
	jsonError  = httpapi.JSONError
	fieldNames = httpapi.FieldNames
	checkRef   = httpapi.CheckRef
	clip       = httpapi.Clip
)

// fieldError is a well-formed field with a value the API refuses.
type fieldError = httpapi.FieldError

// bookingRequest is the body of POST /v1/rents.
type bookingRequest struct {
	Size         string    `json:"size"`
	ParcelRef    string    `json:"parcel_ref"`
	RecipientRef string    `json:"recipient_ref,omitempty"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
	PreferLow    bool      `json:"prefer_low,omitempty"`
	// ShareCodeWith is the id of an earlier booking of the caller's for
	// the same recipient_ref, whose code this parcel then opens with too.
	ShareCodeWith int64 `json:"share_code_with,omitempty"`
}

// maxHold bounds expires_at: a door held longer than this is a typo.
const maxHold = 30 * 24 * time.Hour

// booking checks the request and turns it into what the core takes.
func (b bookingRequest) booking(now time.Time) (core.Booking, error) {
	// Exactly as the schema has them: a lower-case "s" accepted here
	// would be refused by any client that validates against it.
	size := b.Size
	if size != "S" && size != "M" && size != "L" {
		return core.Booking{}, &fieldError{Field: "size", Msg: fmt.Sprintf("%q is not S, M or L", clip(b.Size))}
	}
	if err := checkRef("parcel_ref", b.ParcelRef, 1, 64); err != nil {
		return core.Booking{}, err
	}
	if err := checkRef("recipient_ref", b.RecipientRef, 0, 128); err != nil {
		return core.Booking{}, err
	}
	if b.ShareCodeWith < 0 {
		return core.Booking{}, &fieldError{Field: "share_code_with", Msg: "must be the id of one of your earlier bookings"}
	}
	if b.ShareCodeWith > 0 && strings.TrimSpace(b.RecipientRef) == "" {
		return core.Booking{}, &fieldError{Field: "share_code_with", Msg: "needs recipient_ref, the same as the booking it names"}
	}
	if !b.ExpiresAt.IsZero() && (!b.ExpiresAt.After(now) || b.ExpiresAt.Sub(now) > maxHold) {
		return core.Booking{}, &fieldError{Field: "expires_at", Msg: "must lie in the next 30 days"}
	}
	return core.Booking{Size: size, ParcelRef: strings.TrimSpace(b.ParcelRef), RecipientRef: strings.TrimSpace(b.RecipientRef),
		ShareCodeWith: b.ShareCodeWith, ExpiresAt: b.ExpiresAt, PreferLow: b.PreferLow}, nil
}
