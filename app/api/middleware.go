package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// routes builds the mux from the route table, behind logging and panic
// recovery. Unknown paths and methods get JSON errors like everything else.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.method+" "+rt.pattern, s.endpoint(rt))
	}
	mux.Handle("/", s.endpoint(route{handle: func(s *Server, w http.ResponseWriter, r *http.Request, _ principal) error {
		return notRouted(mux, r)
	}}))
	return s.logRequests(mux)
}

// notRouted tells a wrong method on a known path (405, with Allow) from an
// unknown path (404).
func notRouted(mux *http.ServeMux, r *http.Request) error {
	var allow []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pat := mux.Handler(probe); pat != "/" && pat != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		e := errorf(http.StatusMethodNotAllowed, "method_not_allowed", "%s is not allowed here; try %s", r.Method, strings.Join(allow, ", "))
		e.allow = allow
		return e
	}
	return errorf(http.StatusNotFound, "no_route", "no such endpoint: %s (see /v1/openapi.json)", r.URL.Path)
}

// endpoint wraps one route: authentication, scope check, error budget,
// error writing. A request with a valid key answers for its key, any other
// for its address; each 4xx spends from that client's budget, and a client
// past it gets 429 before anything else is done.
func (s *Server) endpoint(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := infoOf(r.Context())
		info.route = rt.pattern
		client := addrOf(r)
		var p principal
		var authErr *Error
		if rt.scopes != nil {
			p, authErr = s.authenticate(r, rt.scopes)
			if p.Name != "" {
				client, info.key = "key:"+p.Name, p.Name
			}
		}
		// The routes that need no key (health, the API's description)
		// tell nobody anything and answer everyone alike: a client
		// throttled for its errors may still ask whether the kiosk is up
		// and what the API is, or it would read its own 429 as an outage.
		open := rt.scopes == nil && rt.pattern != ""
		if wait, blocked := s.throttle.blocked(client); blocked && !open {
			s.throttledCounter(client).Inc()
			s.writeError(w, r, throttled(client, wait))
			return
		}
		rec := &recorder{ResponseWriter: w}
		switch {
		case authErr != nil:
			if authErr.Status == http.StatusUnauthorized {
				s.authFailures().Inc()
			}
			s.writeError(rec, r, authErr)
		default:
			if err := rt.handle(s, rec, r, p); err != nil {
				s.writeError(rec, r, err)
			}
		}
		if rec.status >= 400 && rec.status < 500 && rec.status != http.StatusTooManyRequests {
			s.throttle.spend(client)
		}
	})
}

func (s *Server) authFailures() *Counter {
	return s.metrics.Counter("pudo_api_auth_failures_total", "Requests with a missing or unknown API key.")
}

// throttledCounter counts 429s by what was throttled: by="key" or "addr".
func (s *Server) throttledCounter(client string) *Counter {
	by, _, _ := strings.Cut(client, ":")
	return s.metrics.Counter(`pudo_api_throttled_total{by="`+by+`"}`,
		"Requests refused with 429 because their API key or address kept getting 4xx answers.")
}

// authenticate finds the caller's key and checks its scope. A known key
// of the wrong scope comes back with its principal, so it answers for it.
func (s *Server) authenticate(r *http.Request, scopes []string) (principal, *Error) {
	tok, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		return principal{}, &Error{Status: http.StatusUnauthorized, Code: "unauthorized",
			Message: "send an API key as Authorization: Bearer <key>"}
	}
	p, ok := s.keys.lookup(tok)
	if !ok {
		return principal{}, &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "unknown API key"}
	}
	if !slices.Contains(scopes, p.Scope) {
		return p, errorf(http.StatusForbidden, "forbidden", "a %s key may not do this", p.Scope)
	}
	return p, nil
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := toError(err)
	info := infoOf(r.Context())
	if e.Status >= 500 {
		s.log.Error("api request failed", "req_id", info.id, "route", info.route, "err", err)
	} else {
		info.errCode = e.Code
	}
	e.header(w)
	writeJSON(w, e.Status, errorBody{Error: errorDetail{Code: e.Code, Message: e.Message, RequestID: info.id}})
}

// writeJSON answers with v. Answers are never cached: some hold a pickup code.
func writeJSON(w http.ResponseWriter, status int, v any) {
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

// reqInfo is what the log line of a request says, filled in as the request
// goes through. It never holds the key, a body or a code.
type reqInfo struct {
	id, route, key, errCode string
}

type infoKey struct{}

func infoOf(ctx context.Context) *reqInfo {
	if i, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// logRequests logs one line per request and turns a panic into a 500, so
// one bad request cannot take the kiosk's screen down with it.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{id: requestID()}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		rec := &recorder{ResponseWriter: w}
		rec.Header().Set("Pudo-Request-Id", info.id)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("api handler panicked", "req_id", info.id, "route", info.route, "panic", v)
				if rec.status == 0 {
					s.writeError(rec, r, fmt.Errorf("panic: %v", v))
				}
			}
			s.metrics.Counter(`pudo_api_requests_total{status="`+strconv.Itoa(rec.status)+`"}`, "API requests by status.").Inc()
			level := slog.LevelInfo
			if rec.status >= 500 {
				level = slog.LevelError
			}
			// The path, never the query (parcel references) or headers (keys).
			s.log.LogAttrs(r.Context(), level, "api request", slog.String("req_id", info.id),
				slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", info.route),
				slog.Int("status", rec.status), slog.String("key", info.key), slog.String("error", info.errCode),
				slog.Int64("bytes", rec.bytes), slog.Duration("took", time.Since(start)), slog.String("remote", r.RemoteAddr))
		}()
		next.ServeHTTP(rec, r)
	})
}

func requestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
