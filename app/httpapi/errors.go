package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error is an answer other than success: an HTTP status, a stable code a
// client can branch on (listed in each API's OpenAPI document), and a
// message for people.
type Error struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration // sent as Retry-After when positive
	Allow      []string      // sent as Allow with a 405
}

func (e *Error) Error() string { return fmt.Sprintf("api: %d %s: %s", e.Status, e.Code, e.Message) }

// Errorf makes an *Error.
func Errorf(status int, code, format string, a ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, a...)}
}

// SetHeaders sets the headers the error carries (Allow, Retry-After).
func (e *Error) SetHeaders(w http.ResponseWriter) {
	if len(e.Allow) > 0 {
		w.Header().Set("Allow", strings.Join(e.Allow, ", "))
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
}

// ErrorBody is every error answer's JSON.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// WriteError answers with e as JSON, with its headers.
func WriteError(w http.ResponseWriter, e *Error, requestID string) {
	e.SetHeaders(w)
	WriteJSON(w, e.Status, ErrorBody{Error: ErrorDetail{Code: e.Code, Message: e.Message, RequestID: requestID}})
}

// WriteJSON answers with v. Answers are never cached: some hold a pickup
// code.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // "<key>" reads better than "\u003ckey\u003e" in a terminal
	enc.Encode(v)            // a failed write means the client left; nothing to do
}

// NotRouted tells a wrong method on a known path (405, with Allow) from an
// unknown path (404), for the catch-all route of a mux.
func NotRouted(mux *http.ServeMux, r *http.Request) *Error {
	var allow []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pat := mux.Handler(probe); pat != "/" && pat != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		e := Errorf(http.StatusMethodNotAllowed, "method_not_allowed", "%s is not allowed here; try %s", r.Method, strings.Join(allow, ", "))
		e.Allow = allow
		return e
	}
	return Errorf(http.StatusNotFound, "no_route", "no such endpoint: %s (see /v1/openapi.json)", r.URL.Path)
}

// IntParam reads a whole-number query parameter in lo..hi, def when
// absent.
func IntParam(v, name string, def, lo, hi int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, Errorf(http.StatusBadRequest, "invalid_parameter", "%s must be a whole number in %d..%d", name, lo, hi)
	}
	return n, nil
}

// OnlyParams refuses a query parameter not among names.
func OnlyParams(r *http.Request, names ...string) error {
	for k := range r.URL.Query() {
		known := false
		for _, n := range names {
			known = known || k == n
		}
		if !known {
			return Errorf(http.StatusBadRequest, "unknown_parameter", "%q is not a parameter of this request", Clip(k))
		}
	}
	return nil
}

// Clip keeps an echoed bad value short.
func Clip(s string) string {
	if r := []rune(s); len(r) > 16 {
		return string(r[:16]) + "…"
	}
	return s
}
