package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"pudo/app/central"
	"pudo/app/central/store"
	"pudo/app/httpapi"
	"pudo/app/passhash"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config tunes the dashboard; zero values take the defaults.
type Config struct {
	// SessionIdle ends a session unused this long; SessionMax ends any.
	SessionIdle, SessionMax time.Duration
	Now                     func() time.Time
}

func (c Config) withDefaults() Config {
	if c.SessionIdle == 0 {
		c.SessionIdle = time.Hour
	}
	if c.SessionMax == 0 {
		c.SessionMax = 12 * time.Hour
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Server is the dashboard of one central instance.
type Server struct {
	cfg      Config
	st       *store.Store
	log      *slog.Logger
	pages    map[string]*template.Template
	logins   *httpapi.Throttle
	handler  http.Handler
	dummyPwd string // hashed against when a name is unknown: the same cost either way
}

// New builds the dashboard; nothing runs yet.
func New(cfg Config, st *store.Store, log *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg.withDefaults(), st: st, log: log}
	s.logins = httpapi.NewThrottle(func() time.Time { return s.cfg.Now() })
	if err := s.parse(); err != nil {
		return nil, err
	}
	s.dummyPwd = passhash.Hash("not anyone's password", passhash.DefaultCost)
	s.handler = s.routes()
	return s, nil
}

// Handler is the dashboard as an http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Mount is the dashboard as an extension of `pudo central serve`: its
// pages at / on the instance's listener (the APIs' /v1/..., /healthz and
// /metrics stay theirs), and its housekeeping for serve's lifetime.
func Mount(ctx context.Context, env central.Env) error {
	s, err := New(Config{}, env.Store, env.Log.With("part", "web"))
	if err != nil {
		return err
	}
	env.Mux.Handle("/", s.Handler())
	s.Run(ctx)
	return nil
}

// Run prunes ended sessions hourly until ctx ends.
func (s *Server) Run(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		now := s.cfg.Now()
		if _, err := s.st.PruneSessions(ctx, now, now.Add(-s.cfg.SessionIdle)); err != nil && ctx.Err() == nil {
			s.log.Warn("web: sessions not pruned", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// routes are every page. Pages that show something need a session; the
// one form that changes something (acknowledging) needs the operator role
// too; every POST needs the form token, and cross-origin ones are refused
// first.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", s.cached(http.FileServerFS(static))))
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.Handle("POST /logout", s.signedIn(roleRead, s.logout))
	mux.Handle("GET /{$}", s.signedIn(roleRead, s.lockersPage))
	mux.Handle("GET /lockers/{id}", s.signedIn(roleRead, s.lockerPage))
	mux.Handle("GET /alerts", s.signedIn(roleRead, s.alertsPage))
	mux.Handle("POST /alerts/{id}/ack", s.signedIn(roleOperator, s.ackAlert))
	mux.Handle("GET /events", s.signedIn(roleRead, s.eventsPage))
	mux.Handle("GET /parcels", s.signedIn(roleRead, s.parcelsPage))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, "No such page", "There is nothing at "+r.URL.Path+".")
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, "Refused", "This form came from another site; nothing was done.")
	}))
	return s.headers(cop.Handler(mux))
}

// headers are every answer's: no framing, no sniffing, nothing from
// elsewhere, no caching of pages that show the fleet.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// cached lets the browser keep the stylesheet a while.
func (s *Server) cached(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=300")
		next.ServeHTTP(w, r)
	})
}
