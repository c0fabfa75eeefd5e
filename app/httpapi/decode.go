package httpapi

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
)

// DecodeJSON reads exactly one JSON object of at most max bytes into dst,
// refusing unknown fields. Every failure is a 4xx *Error naming the cause.
func DecodeJSON(r *http.Request, max int64, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return Errorf(http.StatusUnsupportedMediaType, "unsupported_media_type", "send Content-Type: application/json")
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return Errorf(http.StatusRequestEntityTooLarge, "body_too_large", "the body exceeds %d bytes", max)
		}
		return Errorf(http.StatusBadRequest, "malformed_json", "the body could not be read")
	}
	return DecodeBody(body, dst)
}

// DecodeBody is the part of DecodeJSON after the body is read (fuzzers
// drive it).
func DecodeBody(body []byte, dst any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return Errorf(http.StatusBadRequest, "malformed_json", "the body is empty; send a JSON object")
	}
	if !utf8.Valid(body) {
		return Errorf(http.StatusBadRequest, "malformed_json", "the body is not UTF-8")
	}
	if at, ok := loneSurrogate(body); ok {
		// encoding/json would put U+FFFD in its place: what was sent would
		// not be what is stored, logged or shown.
		return Errorf(http.StatusBadRequest, "malformed_json", "a \\u escape at byte %d is half of a UTF-16 surrogate pair; send the character itself or both halves", at)
	}
	if err := strictKeys(body, FieldNames(dst)); err != nil {
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
			return JSONError(&FieldError{timeFields(dst), fmt.Sprintf("%q is not a time%s; send RFC 3339 such as 2026-01-31T18:00:00+01:00, with an offset within ±23:59",
				Clip(strings.Trim(pe.Value, `"`)), why)})
		}
		return JSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Errorf(http.StatusBadRequest, "malformed_json", "the body must hold one JSON object and nothing after it")
	}
	return nil
}

// JSONError turns what encoding/json or a request's own checks (a
// *FieldError) say into the *Error a client sees.
func JSONError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var fe *FieldError
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &fe):
		return Errorf(http.StatusUnprocessableEntity, "invalid_field", "%s: %s", fe.Field, fe.Msg)
	case errors.As(err, &se):
		return Errorf(http.StatusBadRequest, "malformed_json", "invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		if te.Field == "" {
			return Errorf(http.StatusBadRequest, "malformed_json", "the body must be a JSON object")
		}
		return Errorf(http.StatusBadRequest, "invalid_field", "%s must be a %s", te.Field, jsonKind(te.Type.Kind().String()))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(http.StatusBadRequest, "malformed_json", "the JSON ends too early")
	case err.Error() == `json: unknown field "pickup_code"`:
		// Every booking of either API: a caller that chose codes could
		// learn from the answers which codes are in use, and choose weak
		// ones.
		return Errorf(http.StatusBadRequest, "unknown_field", "pickup_code is no longer accepted: the locker makes every code and answers it once; to give one shopper several parcels under one code, send share_code_with")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return Errorf(http.StatusBadRequest, "unknown_field", "%s is not a field of this request", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return Errorf(http.StatusBadRequest, "malformed_json", "the body is not valid JSON")
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64", "float64":
		return "number"
	case "struct":
		return "JSON object"
	case "slice":
		return "JSON array"
	}
	return k
}

// FieldError is a well-formed field with a value the API refuses.
type FieldError struct{ Field, Msg string }

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// CheckRef accepts min..max printable characters, so a reference can go
// on a kiosk's screen and into a log without surprises.
func CheckRef(field, v string, min, max int) error {
	v = strings.TrimSpace(v)
	n := utf8.RuneCountInString(v)
	if n < min || n > max {
		if min > 0 && n == 0 {
			return &FieldError{field, "is required"}
		}
		return &FieldError{field, fmt.Sprintf("must be %d..%d characters", min, max)}
	}
	for _, r := range v {
		if !unicode.IsPrint(r) {
			return &FieldError{field, "must hold printable characters only"}
		}
	}
	return nil
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
