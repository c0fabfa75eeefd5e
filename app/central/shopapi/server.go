package shopapi

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"pudo/app/central"
	"pudo/app/central/store"
	"pudo/app/fleet"
	"pudo/app/httpapi"
)

// Commander sends a command signed with the operator's key and waits for
// the locker's answer until ctx ends (link.Ingest does it). A command it
// could not keep in central's commands table returns an error before
// anything went out; one kept but not answered in time goes out again at
// the locker's next sync.
type Commander interface {
	Command(ctx context.Context, locker, name string, cmd fleet.Command, b *store.Booking, sentBy string, ttl time.Duration) (fleet.Result, error)
}

// Replayer publishes a kept command again, byte for byte, and waits for
// the answer until ctx ends: a locker answers a command it has had with
// its first answer, pickup code included. A Commander that is one lets a
// booking answered after its request gave up (202) show its code to the
// same request again.
type Replayer interface {
	Replay(ctx context.Context, commandID string) (fleet.Result, error)
}

// Config tunes the API; zero values take the defaults.
type Config struct {
	// AnswerWait is how long a request waits for a locker's answer before
	// it answers 202.
	AnswerWait time.Duration
	// MaxBody bounds a request's body.
	MaxBody int64
	// IdempotencyTTL is how long an Idempotency-Key and its answer are
	// kept.
	IdempotencyTTL time.Duration
	Webhooks       WebhookConfig
	// Owner names this instance where instances share work (webhook
	// leases); default host and pid.
	Owner string
	Now   func() time.Time
}

func (c Config) withDefaults() Config {
	c.AnswerWait = cmp.Or(c.AnswerWait, 10*time.Second)
	c.MaxBody = cmp.Or(c.MaxBody, 16<<10)
	c.IdempotencyTTL = cmp.Or(c.IdempotencyTTL, 48*time.Hour)
	c.Webhooks = c.Webhooks.withDefaults()
	if c.Owner == "" {
		host, _ := os.Hostname()
		c.Owner = fmt.Sprintf("%s/%d", host, os.Getpid())
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Server is the shop API of one central instance.
type Server struct {
	cfg      Config
	st       *store.Store
	cmd      Commander
	replay   Replayer // nil: none
	log      *slog.Logger
	throttle *httpapi.Throttle
	handler  http.Handler
	wake     chan struct{} // nudges the webhook deliveries
}

// New builds the API; nothing runs yet.
func New(cfg Config, st *store.Store, cmd Commander, log *slog.Logger) *Server {
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, st: st, cmd: cmd, log: log, wake: make(chan struct{}, 1)}
	s.replay, _ = cmd.(Replayer)
	s.throttle = httpapi.NewThrottle(func() time.Time { return s.cfg.Now() })
	s.handler = s.routes()
	return s
}

func (s *Server) now() time.Time { return s.cfg.Now() }

// Handler is the API as an http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Run does the API's background work until ctx ends: the feed's places,
// webhook deliveries, and pruning of old Idempotency-Keys.
func (s *Server) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { s.sequence(ctx) })
	wg.Go(func() { s.deliver(ctx) })
	wg.Go(func() { s.prune(ctx) })
	wg.Wait()
}

// Mount is the shop API as an extension of `pudo central serve`: its
// routes under /v1/ and /healthz on the instance's listener (central's
// own /v1/enrol and /metrics stay as they are), its work for serve's
// lifetime.
func Mount(ctx context.Context, env central.Env) error {
	s := New(Config{}, env.Store, env.Link, env.Log.With("part", "shopapi"))
	env.Mux.Handle("/v1/", s.Handler())
	env.Mux.Handle("/healthz", s.Handler())
	s.Run(ctx)
	return nil
}

// sequence gives the feed's new entries their places, a few times a
// second; any instance may, one at a time does.
func (s *Server) sequence(ctx context.Context) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.st.FeedStep(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("shopapi: feed not sequenced", "err", err)
		}
		if n > 0 {
			s.nudge()
		}
	}
}

func (s *Server) nudge() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// prune drops expired Idempotency-Keys, with the sealed pickup codes in
// their answers, once an hour.
func (s *Server) prune(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := s.st.PruneIdems(ctx, s.now().Add(-s.cfg.IdempotencyTTL)); err != nil && ctx.Err() == nil {
			s.log.Warn("shopapi: idempotency keys not pruned", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
