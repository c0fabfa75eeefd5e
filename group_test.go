package main

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
)

// The kiosk's shutdown: every part has stopped before any device closes,
// the devices close newest first, the database last.
func TestShutdownOrder(t *testing.T) {
	var mu sync.Mutex
	var order []string
	note := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, s)
	}
	parts := newGroup(context.Background(), slog.New(slog.DiscardHandler))
	started := make(chan struct{}, 2)
	for _, name := range []string{"engine", "api"} {
		parts.Go(name, func(ctx context.Context) error {
			started <- struct{}{}
			<-ctx.Done()
			note("part " + name)
			return nil
		})
	}
	<-started
	<-started
	sd := &shutdown{parts: parts, store: func() error { note("store"); return nil }}
	sd.device(func() error { note("locks"); return nil })
	sd.device(func() error { note("readers"); return nil })
	sd.run()
	if len(order) != 5 {
		t.Fatalf("order %v", order)
	}
	parted := order[:2]
	slices.Sort(parted)
	if !slices.Equal(parted, []string{"part api", "part engine"}) || !slices.Equal(order[2:], []string{"readers", "locks", "store"}) {
		t.Fatalf("shutdown order %v, want the parts, then readers, locks, store", order)
	}
}
