package main

import (
	"context"
	"log/slog"
	"sync"
)

// group runs the kiosk's long-lived parts (the engine's event pump, house-
// keeping, the nightly self-test, the API, the scan pump), each in its own
// goroutine, and is their owner: Stop ends their context and waits for
// every one of them, so that main closes the devices and then the
// database only after nothing uses them any more.
type group struct {
	ctx    context.Context
	cancel context.CancelFunc
	log    *slog.Logger
	wg     sync.WaitGroup
}

func newGroup(ctx context.Context, log *slog.Logger) *group {
	ctx, cancel := context.WithCancel(ctx)
	return &group{ctx: ctx, cancel: cancel, log: log}
}

// Go runs part under the group's context. A part that fails is logged; the
// kiosk goes on serving its screen without it.
func (g *group) Go(name string, part func(ctx context.Context) error) {
	g.wg.Go(func() {
		if err := part(g.ctx); err != nil && g.ctx.Err() == nil {
			g.log.Error("part stopped", "part", name, "err", err)
		}
	})
}

// Stop ends every part and waits for them.
func (g *group) Stop() {
	g.cancel()
	g.wg.Wait()
}

// shutdown closes what the kiosk opened in the one safe order: first the
// parts stop, then the devices close, newest first, then the database.
type shutdown struct {
	parts   *group
	devices []func() error
	store   func() error
}

func (s *shutdown) device(close func() error) { s.devices = append(s.devices, close) }

func (s *shutdown) run() {
	if s.parts != nil {
		s.parts.Stop()
	}
	for i := len(s.devices) - 1; i >= 0; i-- {
		s.devices[i]()
	}
	if s.store != nil {
		s.store()
	}
}
