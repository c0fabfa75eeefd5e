package api

import (
	"context"
	"sync"
	"testing"
	"time"

	"pudo/app/core"
	"pudo/app/testenv"
	"pudo/storage"
)

type pinnedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *pinnedClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *pinnedClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// A receiver down for longer than the retention loses nothing: the event
// its endpoint is still retrying stays through the locker's prune, and so
// does everything after it; an endpoint not started yet holds nothing.
func TestPruneKeepsWhatAWebhookHasNotHad(t *testing.T) {
	rcv, url := newReceiver(t, hookSecret, 1<<30)
	hook := testHook(url, hookSecret)
	hook.BackoffMin, hook.BackoffMax = time.Hour, time.Hour // stuck on its first event
	holds := EventHolds(Config{Webhooks: []Webhook{hook, {Name: "never-started"}}})
	clock := &pinnedClock{t: time.Now()}
	f := newFixtureOpts(t, core.Options{Holds: holds}, func(c *Config) { c.Webhooks = []Webhook{hook} },
		func(s *Server) { s.db.Now = clock.Now })
	b := f.book("shopx", "HOLD-1")
	testenv.Await(t, "a try of the delivery", func() bool { return rcv.triesSoFar() >= 1 })
	booked := f.eventsOfKind(t, "rent.booked")
	if len(booked) != 1 || booked[0].RentID != b.Local {
		t.Fatalf("booked events %+v", booked)
	}
	for i := range 5 {
		f.book("shopx", "HOLD-X"+itoa(int64(i)))
	}
	clock.Add(100 * 24 * time.Hour)
	if _, err := f.locker.Prune(context.Background()); err != nil {
		t.Fatal(err)
	}
	var oldest int64
	err := f.db.View(context.Background(), func(tx *storage.Tx) error {
		evs, err := tx.Events(0, 1)
		if len(evs) > 0 {
			oldest = evs[0].Seq
		}
		return err
	})
	if err != nil || oldest > booked[0].Seq {
		t.Fatalf("oldest event after the prune %d (%v): the webhook's undelivered event %d went", oldest, err, booked[0].Seq)
	}
}
