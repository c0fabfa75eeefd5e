package fleet

import (
	"context"
	"sync"
	"testing"
	"time"

	"pudo/app/cred"
	"pudo/app/testenv"
	"pudo/storage"
)

// testClock is a store clock a test moves on.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func (k *kiosk) oldestSeq() int64 {
	k.tb.Helper()
	var evs []storage.Event
	must(k.tb, k.db.View(context.Background(), func(tx *storage.Tx) (err error) {
		evs, err = tx.Events(0, 1)
		return err
	}))
	return evs[0].Seq
}

// A locker offline for longer than the retention keeps what the broker
// never acknowledged: the housekeeping prune leaves it, and when the
// broker is back every event goes out in order without a gap (the watcher
// fails on one). Only then does the prune let the old events go.
func TestOfflinePastTheRetention(t *testing.T) {
	b := startBroker(t)
	w := newWatcher(t, b, "watch-retention")
	clock := &testClock{t: time.Now()}
	k := &kiosk{tb: t, id: "L-RETAIN", dir: t.TempDir(), cfg: b.lockerConfig(t, "L-RETAIN"),
		keys: []cred.PublicKey{testOperator.Public()}, clock: clock.Now}
	k.start()
	t.Cleanup(k.stop)
	testenv.Await(t, "the link is up", k.link.Ready)
	k.churn(5)
	w.waitFor(k.id, k.lastSeq())
	b.Stop()
	k.pickup(k.walkIn("RET-1"))
	k.churn(50)
	offline := k.lastSeq()
	clock.Add(100 * 24 * time.Hour) // past the 90 days' retention
	if _, err := k.locker.Prune(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, acked := k.oldestSeq(), k.link.Acked(); got > acked+1 {
		t.Fatalf("pruning removed events %d..%d, which the broker never acknowledged", acked+1, got-1)
	}
	b.start()
	evs := w.waitFor(k.id, offline)
	t.Logf("%d events delivered after %d days offline", len(evs), 100)
	// The broker took them all; only the operator's word lets them go.
	if _, err := k.locker.Prune(context.Background()); err != nil {
		t.Fatal(err)
	}
	if k.oldestSeq() > 1 {
		t.Fatalf("events up to %d pruned on the broker's PUBACK alone, before the operator confirmed them", k.oldestSeq()-1)
	}
	confirm(t, b, k.id, offline, testOperator)
	testenv.Await(t, "the confirmed events are pruned", func() bool {
		_, err := k.locker.Prune(context.Background())
		return err == nil && k.oldestSeq() > offline
	})
}
