package shopapi

import (
	"errors"
	"net/http"
	"slices"

	"pudo/app/central/store"
	"pudo/app/httpapi"
)

// principal is the shop a request comes from, by its key.
type principal struct {
	Shop     int64
	ShopName string
	Key      string
	Scopes   []string
	// token is the bearer key itself, kept only for the request's life to
	// seal idempotent answers; never logged or stored.
	token string
}

// routes builds the mux from the route table, behind logging and panic
// recovery. Unknown paths and methods get JSON errors like everything
// else.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.method+" "+rt.pattern, s.endpoint(rt))
	}
	mux.Handle("/", s.endpoint(route{handle: func(_ *Server, _ http.ResponseWriter, r *http.Request, _ principal) error {
		return httpapi.NotRouted(mux, r)
	}}))
	return httpapi.Logged(s.log, mux, func(w http.ResponseWriter, r *http.Request, err error) { s.writeError(w, r, err) }, nil)
}

// endpoint wraps one route: authentication, scope check, error budget,
// error writing. A request with a valid key answers for its key, any
// other for its address; each 4xx spends from that client's budget, and
// a client past it gets 429 before anything else is done. The routes that
// need no key answer everyone alike and spend nothing.
func (s *Server) endpoint(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := httpapi.InfoOf(r.Context())
		info.Route = rt.pattern
		client := httpapi.AddrOf(r)
		var p principal
		var authErr error
		if rt.scope != "" {
			p, authErr = s.authenticate(r, rt.scope)
			if p.Key != "" {
				client, info.Key = "key:"+p.ShopName+"/"+p.Key, p.ShopName+"/"+p.Key
			}
		}
		if rt.scope != "" {
			if wait, blocked := s.throttle.Blocked(client); blocked {
				s.writeError(w, r, httpapi.Throttled(client, wait))
				return
			}
		}
		rec := &httpapi.Recorder{ResponseWriter: w}
		switch {
		case authErr != nil:
			s.writeError(rec, r, authErr)
		default:
			if err := rt.handle(s, rec, r, p); err != nil {
				s.writeError(rec, r, err)
			}
		}
		if rt.scope != "" && rec.Status >= 400 && rec.Status < 500 && rec.Status != http.StatusTooManyRequests {
			s.throttle.Spend(client)
		}
	})
}

// authenticate finds the caller's key and checks its scope. A known key
// without the scope comes back with its principal, so it answers for it.
// The key is looked up by its SHA-256: a key is 256 random bits, so the
// lookup's timing tells nothing a guesser can use.
func (s *Server) authenticate(r *http.Request, scope string) (principal, error) {
	tok, ok := httpapi.Bearer(r.Header.Get("Authorization"))
	if !ok {
		return principal{}, &httpapi.Error{Status: http.StatusUnauthorized, Code: "unauthorized",
			Message: "send an API key as Authorization: Bearer <key>"}
	}
	k, err := s.st.LookupShopKey(r.Context(), httpapi.KeyDigest(tok))
	if errors.Is(err, store.ErrNotFound) {
		return principal{}, &httpapi.Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "unknown API key"}
	}
	if err != nil {
		return principal{}, err
	}
	p := principal{Shop: k.Shop, ShopName: k.ShopName, Key: k.Name, Scopes: k.Scopes, token: tok}
	if !slices.Contains(k.Scopes, scope) {
		return p, httpapi.Errorf(http.StatusForbidden, "forbidden", "this key lacks the %s scope", scope)
	}
	return p, nil
}

// writeError answers err as JSON: an *httpapi.Error as it is, anything
// else as a 500 whose details stay in the log.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *httpapi.Error
	info := httpapi.InfoOf(r.Context())
	if !errors.As(err, &e) {
		e = &httpapi.Error{Status: http.StatusInternalServerError, Code: "internal", Message: "central could not do this; the operator can see why in its log"}
	}
	switch {
	case httpapi.ClientGone(r, err):
		// The shop's client hung up (its timeout, a closed connection):
		// nothing failed here, and nobody reads the answer.
		info.ErrCode = "client_gone"
		s.log.Info("shopapi: client went away", "req_id", info.ID, "route", info.Route)
	case e.Status >= 500:
		s.log.Error("shopapi: request failed", "req_id", info.ID, "route", info.Route, "err", err)
	default:
		info.ErrCode = e.Code
	}
	httpapi.WriteError(w, e, info.ID)
}
