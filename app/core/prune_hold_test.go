package core

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"pudo/app/cred"
	"pudo/storage"
)

// cursors are readers of the event log as tests move them.
type cursors struct {
	mu  sync.Mutex
	at  map[string]int64
	off map[string]bool
}

func (c *cursors) set(name string, seq int64) { c.mu.Lock(); c.at[name] = seq; c.mu.Unlock() }

func (c *cursors) holds(names ...string) []EventHold {
	var hs []EventHold
	for _, n := range names {
		hs = append(hs, EventHold{Name: n, Delivered: func(*storage.Tx) (int64, bool, error) {
			c.mu.Lock()
			defer c.mu.Unlock()
			return c.at[n], !c.off[n], nil
		}})
	}
	return hs
}

func appendEvents(t *testing.T, db *storage.DB, n int) (last int64) {
	t.Helper()
	for range n {
		err := db.Update(context.Background(), func(tx *storage.Tx) error {
			e, err := tx.Append(storage.Event{Actor: "system", Kind: "test"})
			last = e.Seq
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return last
}

func oldestEvent(t *testing.T, db *storage.DB) storage.Event {
	t.Helper()
	var evs []storage.Event
	err := db.View(context.Background(), func(tx *storage.Tx) (err error) {
		evs, err = tx.Events(0, 1)
		return err
	})
	if err != nil || len(evs) == 0 {
		t.Fatalf("no events: %v", err)
	}
	return evs[0]
}

// Pruning keeps every event a reader of the log (the fleet link, a webhook)
// has not delivered, however old, and lets each go once the slowest has it.
func TestPruneKeepsWhatReadersHaveNotDelivered(t *testing.T) {
	ctx := context.Background()
	c := &cursors{at: map[string]int64{}, off: map[string]bool{"webhook new": true}}
	l, db, _ := newTestLockerOpts(t, Options{KioskID: "T1", OperatorKeys: []cred.PublicKey{testOperator.Public()},
		Holds: c.holds("the fleet link", "webhook shop", "webhook new")})
	clock := withClock(db)
	last := appendEvents(t, db, 30)
	c.set("webhook shop", last)
	clock.Add(120 * 24 * time.Hour) // a locker offline for four months
	if _, err := l.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if e := oldestEvent(t, db); e.Seq != 1 {
		t.Fatalf("the oldest event left is %d: events the link never sent were pruned", e.Seq)
	}
	c.set("the fleet link", 20) // the link sent a part of its backlog
	if _, err := l.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if e := oldestEvent(t, db); e.Seq != 21 {
		t.Fatalf("the oldest event left is %d, want 21: the first the link has not sent", e.Seq)
	}
	c.set("the fleet link", last)
	if _, err := l.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if e := oldestEvent(t, db); e.Seq <= last {
		t.Fatalf("the oldest event left is %d: delivered events older than the retention stayed", e.Seq)
	}
	if _, err := l.verifyEvents(ctx); err != nil {
		t.Fatalf("chain after the prunes: %v", err)
	}
}

// A reader that never delivers cannot grow the store for ever: past
// MaxUndelivered the oldest undelivered events go, an alert event says
// which and for whom, and the chain still verifies.
func TestPruneDropsPastTheBound(t *testing.T) {
	ctx := context.Background()
	c := &cursors{at: map[string]int64{}, off: map[string]bool{}}
	l, db, _ := newTestLockerOpts(t, Options{KioskID: "T1", Holds: c.holds("the fleet link", "webhook shop"), MaxUndelivered: 10})
	clock := withClock(db)
	last := appendEvents(t, db, 40)
	c.set("webhook shop", last)
	clock.Add(120 * 24 * time.Hour)
	if _, err := l.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	// The newest event always stays; of the older ones, the newest ten.
	if e := oldestEvent(t, db); e.Seq != last-10 {
		t.Fatalf("the oldest event left is %d, want %d", e.Seq, last-10)
	}
	var alert storage.Event
	err := db.View(ctx, func(tx *storage.Tx) error {
		evs, err := tx.Events(last, 10)
		for _, e := range evs {
			if e.Kind == "alert.events.dropped" {
				alert = e
			}
		}
		return err
	})
	if err != nil || !strings.Contains(alert.Detail, "events 1..") || !strings.Contains(alert.Detail, "the fleet link") ||
		strings.Contains(alert.Detail, "webhook shop") {
		t.Fatalf("alert = %+v, %v", alert, err)
	}
	if _, err := l.verifyEvents(ctx); err != nil {
		t.Fatalf("chain after dropping: %v", err)
	}
}
