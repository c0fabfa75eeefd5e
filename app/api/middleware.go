package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"pudo/app/httpapi"
)

// routes builds the mux from the route table, behind logging and panic
// recovery. Unknown paths and methods get JSON errors like everything else.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.method+" "+rt.pattern, s.endpoint(rt))
	}
	mux.Handle("/", s.endpoint(route{handle: func(s *Server, w http.ResponseWriter, r *http.Request, _ principal) error {
		return httpapi.NotRouted(mux, r)
	}}))
	onPanic := func(w http.ResponseWriter, r *http.Request, err error) { s.writeError(w, r, err) }
	counted := func(status int) {
		s.metrics.Counter(`pudo_api_requests_total{status="`+strconv.Itoa(status)+`"}`, "API requests by status.").Inc()
	}
	// The log is read at each request: tests swap it after New.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.Logged(s.log, mux, onPanic, counted).ServeHTTP(w, r)
	})
}

// endpoint wraps one route: authentication, scope check, error budget,
// error writing. A request with a valid key answers for its key, any other
// for its address; each 4xx spends from that client's budget, and a client
// past it gets 429 before anything else is done.
func (s *Server) endpoint(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := httpapi.InfoOf(r.Context())
		info.Route = rt.pattern
		client := addrOf(r)
		var p principal
		var authErr *Error
		if rt.scopes != nil {
			p, authErr = s.authenticate(r, rt.scopes)
			if p.Name != "" {
				client, info.Key = "key:"+p.Name, p.Name
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
		rec := &httpapi.Recorder{ResponseWriter: w}
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
		if rec.Status >= 400 && rec.Status < 500 && rec.Status != http.StatusTooManyRequests {
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

// errorBody is every error answer's JSON (httpapi's).
type errorBody = httpapi.ErrorBody

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := toError(err)
	info := httpapi.InfoOf(r.Context())
	if e.Status >= 500 {
		s.log.Error("api request failed", "req_id", info.ID, "route", info.Route, "err", err)
	} else {
		info.ErrCode = e.Code
	}
	httpapi.WriteError(w, e, info.ID)
}

// writeJSON answers with v, never cached: some answers hold a pickup code.
var writeJSON = httpapi.WriteJSON
