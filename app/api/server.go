package api

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"pudo/app/limit"
	"pudo/storage"
)

// Server is the kiosk's HTTP API. Make one with New, feed its Metrics, and
// Run it until ctx ends.
type Server struct {
	cfg      Config
	core     Core
	db       *storage.DB
	log      *slog.Logger
	keys     *keyring
	handler  http.Handler
	opens    *limit.Bucket
	throttle *throttle
	metrics  *Metrics
	hooks    []*deliverer
	now      func() time.Time
	idCodecs idCodecs

	// gate orders bookings against readers of per-owner events: a booking
	// holds it shared from Book until the rent's owner is recorded, and a
	// reader filtering events by owner holds it exclusively, so no reader
	// passes a rent's first events before it knows whose they are.
	gate sync.RWMutex
}

// New checks cfg and builds the server; nothing listens yet.
// ShareRemoteOpens makes b the cap on remote openings, so that the API and
// the fleet link together open no more doors a minute than the kiosk's
// rule allows. Call it before serving.
func (s *Server) ShareRemoteOpens(b *limit.Bucket) { s.opens = b }

func New(cfg Config, core Core, db *storage.DB, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	keys, err := loadKeys(cfg)
	if err != nil {
		return nil, err
	}
	kr, err := newKeyring(keys)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, core: core, db: db, log: log, keys: kr, now: time.Now, idCodecs: idCodecs{db: db}}
	s.opens = limit.New(cfg.RemoteOpenPerMinute, time.Minute, s.now)
	s.throttle = newThrottle(func() time.Time { return s.now() })
	s.metrics = newMetrics(db, core)
	// Shown from the start, at 0, so an alert rule has a series to watch.
	s.authFailures()
	s.throttledCounter("key:")
	s.throttledCounter("addr:")
	for _, w := range cfg.Webhooks {
		d, err := s.newDeliverer(w)
		if err != nil {
			return nil, err
		}
		s.hooks = append(s.hooks, d)
	}
	s.handler = s.routes()
	return s, nil
}

// Handler is the API as an http.Handler, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics is where other parts of the kiosk feed counters that /metrics
// shows beside those counted from the event log.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Run listens on the configured address and serves until ctx ends.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("api: listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln, and delivers webhooks, until ctx ends; then it stops
// taking requests, lets running ones finish for a few seconds and returns
// nil. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// Our own cancel stops the webhook goroutines should serving fail.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := s.start(ctx); err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	var wg sync.WaitGroup
	for _, d := range s.hooks {
		wg.Go(func() { d.run(ctx) })
	}
	wg.Go(func() { s.pruneLoop(ctx) })
	drained := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(drained)
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close() // a handler still runs after the grace period
		}
	})
	defer stop()
	s.log.Info("api listening", "addr", ln.Addr().String(), "tls", s.cfg.TLSCert != "",
		"remote_open", s.cfg.RemoteOpen, "keys", len(s.keys.keys), "webhooks", len(s.hooks))
	var err error
	if s.cfg.TLSCert != "" {
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		err = srv.ServeTLS(ln, s.cfg.TLSCert, s.cfg.TLSKey)
	} else {
		err = srv.Serve(ln)
	}
	// Serve returns as soon as the listener closes; wait for the drain so
	// no handler or deliverer outlives this call.
	cancel()
	<-drained
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("api: serve: %w", err)
}

// start settles what a previous run left, before any request: a pending
// Idempotency-Key now has an unknown outcome, since no request survives a
// restart; and a new webhook endpoint gets its cursor at the end of the
// log now, so it receives everything from this start on.
func (s *Server) start(ctx context.Context) error {
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		n, err := tx.AbandonIdems()
		if err != nil {
			return err
		}
		if n > 0 {
			s.log.Warn("idempotency keys abandoned by a restart", "count", n)
		}
		for _, d := range s.hooks {
			if err := d.initCursor(tx); err != nil {
				return err
			}
		}
		return nil
	})
}

// pruneLoop drops expired Idempotency-Keys, with the sealed pickup codes in
// their answers, once an hour.
func (s *Server) pruneLoop(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		err := s.db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.PruneIdems(s.now().Add(-s.cfg.IdempotencyTTL))
			return err
		})
		if err != nil && ctx.Err() == nil {
			s.log.Warn("prune idempotency keys", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Serve runs the API described by cfg until ctx ends. It returns nil at
// once when the API is not enabled.
func Serve(ctx context.Context, cfg Config, core Core, db *storage.DB, log *slog.Logger) error {
	if !cfg.Enabled {
		return nil
	}
	s, err := New(cfg, core, db, log)
	if err != nil {
		return err
	}
	return s.Run(ctx)
}
