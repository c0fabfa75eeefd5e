package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"pudo/app/core"
)

// decodeJSON reads exactly one JSON object of at most max bytes into dst,
// refusing unknown fields. Every failure is a 4xx *Error naming the cause.
func decodeJSON(r *http.Request, max int64, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return errorf(http.StatusUnsupportedMediaType, "unsupported_media_type", "send Content-Type: application/json")
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(http.StatusRequestEntityTooLarge, "body_too_large", "the body exceeds %d bytes", max)
		}
		return errorf(http.StatusBadRequest, "malformed_json", "the body could not be read")
	}
	return decodeBody(body, dst)
}

// decodeBody is the part of decodeJSON the fuzzer drives.
func decodeBody(body []byte, dst any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return errorf(http.StatusBadRequest, "malformed_json", "the body is empty; send a JSON object")
	}
	if !utf8.Valid(body) {
		return errorf(http.StatusBadRequest, "malformed_json", "the body is not UTF-8")
	}
	if at, ok := loneSurrogate(body); ok {
		// encoding/json would put U+FFFD in its place: what was sent would
		// not be what is stored, logged or shown.
		return errorf(http.StatusBadRequest, "malformed_json", "a \\u escape at byte %d is half of a UTF-16 surrogate pair; send the character itself or both halves", at)
	}
	if err := strictKeys(body, fieldNames(dst)); err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var pe *time.ParseError
		if errors.As(err, &pe) {
			why := strings.TrimPrefix(pe.Message, ": ")
			if why != "" {
				why = " (" + why + ")"
			}
			return jsonError(&fieldError{timeFields(dst), fmt.Sprintf("%q is not a time%s; send RFC 3339 such as 2026-01-31T18:00:00+01:00, with an offset within ±23:59",
				clip(strings.Trim(pe.Value, `"`)), why)})
		}
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errorf(http.StatusBadRequest, "malformed_json", "the body must hold one JSON object and nothing after it")
	}
	return nil
}

func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var fe *fieldError
	switch {
	case errors.As(err, &fe):
		return errorf(http.StatusUnprocessableEntity, "invalid_field", "%s: %s", fe.field, fe.msg)
	case errors.As(err, &se):
		return errorf(http.StatusBadRequest, "malformed_json", "invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		if te.Field == "" {
			return errorf(http.StatusBadRequest, "malformed_json", "the body must be a JSON object")
		}
		return errorf(http.StatusBadRequest, "invalid_field", "%s must be a %s", te.Field, jsonKind(te.Type.Kind().String()))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(http.StatusBadRequest, "malformed_json", "the JSON ends too early")
	case err.Error() == `json: unknown field "pickup_code"`:
		return errorf(http.StatusBadRequest, "unknown_field", "pickup_code is no longer accepted: the locker makes every code and answers it once; to give one shopper several parcels under one code, send share_code_with")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errorf(http.StatusBadRequest, "unknown_field", "%s is not a field of this request", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return errorf(http.StatusBadRequest, "malformed_json", "the body is not valid JSON")
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64", "float64":
		return "number"
	case "struct":
		return "JSON object"
	}
	return k
}

// fieldError is a well-formed field with a value the API refuses.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

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
		return core.Booking{}, &fieldError{"size", fmt.Sprintf("%q is not S, M or L", clip(b.Size))}
	}
	if err := checkRef("parcel_ref", b.ParcelRef, 1, 64); err != nil {
		return core.Booking{}, err
	}
	if err := checkRef("recipient_ref", b.RecipientRef, 0, 128); err != nil {
		return core.Booking{}, err
	}
	if b.ShareCodeWith < 0 {
		return core.Booking{}, &fieldError{"share_code_with", "must be the id of one of your earlier bookings"}
	}
	if b.ShareCodeWith > 0 && strings.TrimSpace(b.RecipientRef) == "" {
		return core.Booking{}, &fieldError{"share_code_with", "needs recipient_ref, the same as the booking it names"}
	}
	if !b.ExpiresAt.IsZero() && (!b.ExpiresAt.After(now) || b.ExpiresAt.Sub(now) > maxHold) {
		return core.Booking{}, &fieldError{"expires_at", "must lie in the next 30 days"}
	}
	return core.Booking{Size: size, ParcelRef: strings.TrimSpace(b.ParcelRef), RecipientRef: strings.TrimSpace(b.RecipientRef),
		ShareCodeWith: b.ShareCodeWith, ExpiresAt: b.ExpiresAt, PreferLow: b.PreferLow}, nil
}

// checkRef accepts min..max printable characters, so a reference can go on
// the kiosk's screen and into the log without surprises.
func checkRef(field, v string, min, max int) error {
	v = strings.TrimSpace(v)
	n := utf8.RuneCountInString(v)
	if n < min || n > max {
		if min > 0 && n == 0 {
			return &fieldError{field, "is required"}
		}
		return &fieldError{field, fmt.Sprintf("must be %d..%d characters", min, max)}
	}
	for _, r := range v {
		if !unicode.IsPrint(r) {
			return &fieldError{field, "must hold printable characters only"}
		}
	}
	return nil
}

// clip keeps an echoed bad value short.
func clip(s string) string {
	if r := []rune(s); len(r) > 16 {
		return string(r[:16]) + "…"
	}
	return s
}

// loneSurrogate finds a \u escape in a JSON string that is half of a
// UTF-16 surrogate pair without the other half, and its byte offset.
// Bytes outside strings are left to the decoder.
func loneSurrogate(body []byte) (int, bool) {
	inString := false
	pendingHigh := -1 // offset of a high surrogate waiting for its low half
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !inString {
			inString = c == '"'
			continue
		}
		switch {
		case c == '"':
			if pendingHigh >= 0 {
				return pendingHigh, true
			}
			inString = false
			continue
		case c != '\\':
			if pendingHigh >= 0 {
				return pendingHigh, true
			}
			continue
		}
		if i+1 >= len(body) {
			return 0, false // bad JSON: the decoder names it
		}
		if body[i+1] != 'u' {
			if pendingHigh >= 0 {
				return pendingHigh, true
			}
			i++ // a two-byte escape such as \" or \\
			continue
		}
		if i+6 > len(body) {
			return 0, false
		}
		r, err := strconv.ParseUint(string(body[i+2:i+6]), 16, 16)
		if err != nil {
			return 0, false
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			if pendingHigh >= 0 {
				return pendingHigh, true
			}
			pendingHigh = i
		case r >= 0xDC00 && r <= 0xDFFF:
			if pendingHigh < 0 {
				return i, true
			}
			pendingHigh = -1
		default:
			if pendingHigh >= 0 {
				return pendingHigh, true
			}
		}
		i += 5
	}
	return 0, false
}

// timeFields names dst's time fields, for an error in one of them:
// encoding/json does not say which field a time came from.
func timeFields(dst any) string {
	t := reflect.TypeOf(dst)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var names []string
	if t != nil && t.Kind() == reflect.Struct {
		for f := range t.Fields() {
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); f.Type == reflect.TypeFor[time.Time]() && name != "" {
				names = append(names, name)
			}
		}
	}
	if len(names) == 0 {
		return "time"
	}
	return strings.Join(names, " or ")
}
