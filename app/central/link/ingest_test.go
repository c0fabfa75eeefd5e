package link_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"pudo/app/central/link"
	"pudo/app/central/mqtttest"
	"pudo/app/central/pgtest"
	"pudo/app/central/sim"
	"pudo/app/central/store"
	"pudo/app/cred"
)

const testFleet = "test"

// rig is one broker, one PostgreSQL, central instances and simulated
// lockers, all stopped when the test ends.
type rig struct {
	t       *testing.T
	broker  *mqtttest.Broker
	pg      *pgtest.Server
	dbURL   string
	st      *store.Store
	key     cred.PrivateKey
	lockers []*sim.Locker
	ctx     context.Context
	wg      sync.WaitGroup
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{t: t, broker: mqtttest.Start(t), pg: pgtest.Start(t), key: cred.GenerateKey()}
	r.dbURL = r.pg.NewDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	r.ctx = ctx
	st, err := store.Open(ctx, r.dbURL, 16)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	r.st = st
	t.Cleanup(func() {
		cancel()
		r.wg.Wait()
		st.Close()
	})
	return r
}

func quiet() *slog.Logger {
	if os.Getenv("PUDO_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func (r *rig) config(instance string) link.Config {
	id := r.broker.OperatorIdentity()
	return link.Config{Broker: r.broker.TLSURL(), Fleet: testFleet, CAFile: id.CAFile, CertFile: id.CertFile, KeyFile: id.KeyFile,
		Instance: instance, Key: r.key, ConfirmEvery: 200 * time.Millisecond, HoleWait: time.Second, ResendEvery: 2 * time.Second}
}

// central starts an instance in this process. An event a locker
// publishes before any instance has subscribed is not kept by the broker
// (nobody holds the shared subscription yet), and a simulated locker, which
// sends its health only as it connects, would not tell of it: tests wait
// for Ready before their lockers commit.
func (r *rig) central(instance string) *link.Ingest {
	r.t.Helper()
	in, err := link.New(r.config(instance), r.st, quiet().With("instance", instance))
	if err != nil {
		r.t.Fatal(err)
	}
	r.wg.Go(func() { in.Run(r.ctx) })
	return in
}

// fleetOf starts n simulated lockers.
func (r *rig) fleetOf(n int, spread time.Duration) {
	u, _ := url.Parse(r.broker.TLSURL())
	for i := range n {
		id := fmt.Sprintf("SIM-%04d", i)
		l := sim.New(sim.Config{Broker: u, Fleet: testFleet, ID: id, TLS: r.broker.PKI.ClientTLS(r.t, id), Spread: spread,
			Keys: []cred.PublicKey{r.key.Public()}})
		r.lockers = append(r.lockers, l)
		r.wg.Go(func() { l.Run(r.ctx) })
	}
}

// waitFor polls cond with a ceiling of minutes, saying what it awaited.
func (r *rig) waitFor(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(4 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			r.t.Fatalf("still waiting after 4 minutes for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stored reports whether every locker's events are stored and confirmed.
func (r *rig) allConfirmed() bool {
	for _, l := range r.lockers {
		last, _, confirmed, _ := l.Counts()
		if confirmed != last {
			return false
		}
	}
	return true
}

// checkOnceInOrder holds the database to every locker's log: each seq
// once, 1..last.
func (r *rig) checkOnceInOrder() {
	r.t.Helper()
	for _, l := range r.lockers {
		last, _, _, _ := l.Counts()
		evs, err := r.st.Events(context.Background(), l.ID(), 0, int(last)+10)
		if err != nil {
			r.t.Fatal(err)
		}
		if int64(len(evs)) != last {
			r.t.Fatalf("%s: %d events stored, want %d", l, len(evs), last)
		}
		for i, e := range evs {
			if e.Seq != int64(i+1) {
				r.t.Fatalf("%s: event %d has seq %d", l, i, e.Seq)
			}
		}
	}
}

// Two instances share the lockers' messages; every event is stored once,
// in order, and confirmed back to its locker.
func TestTwoInstancesStoreEveryEventOnce(t *testing.T) {
	r := newRig(t)
	one, two := r.central("1"), r.central("2")
	r.fleetOf(10, 200*time.Millisecond)
	r.waitFor("both instances subscribed and every locker online", func() bool {
		for _, l := range r.lockers {
			if !l.Up() {
				return false
			}
		}
		return one.Ready() && two.Ready()
	})
	for range 5 {
		for _, l := range r.lockers {
			l.Commit(40)
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.waitFor("every event confirmed", r.allConfirmed)
	r.checkOnceInOrder()
	ls, err := r.st.Lockers(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 10 || !ls[0].Online {
		t.Fatalf("registry: %d lockers, first online %v", len(ls), len(ls) > 0 && ls[0].Online)
	}
}

// A locker whose body names another locker is refused and counted; its
// real events go on being stored.
func TestBodyNamingAnotherLockerIsRefused(t *testing.T) {
	r := newRig(t)
	in := r.central("1")
	r.fleetOf(2, 0)
	liar := r.lockers[0]
	r.waitFor("central subscribed and both lockers online", func() bool { return in.Ready() && r.lockers[0].Up() && r.lockers[1].Up() })
	liar.Lie(true)
	liar.Commit(1)
	r.waitFor("the lie refused", func() bool { return in.Stats.Refused.Load() >= 1 })
	lk, err := r.st.GetLocker(context.Background(), liar.ID())
	if err != nil || lk.Refused < 1 || lk.StoredThrough != 0 {
		t.Fatalf("liar's row: %+v, %v; want refused counted, nothing stored", lk, err)
	}
	if _, err := r.st.GetLocker(context.Background(), "SOMEONE-ELSE"); err == nil {
		t.Fatal("the locker the body named was registered")
	}
	// The refused event was acknowledged: the locker goes on, and the
	// hole it leaves is asked again (the sim's log still has seq 1).
	liar.Lie(false)
	liar.Commit(3)
	r.lockers[1].Commit(3)
	r.waitFor("both lockers' events confirmed after a resend", r.allConfirmed)
	r.checkOnceInOrder()
}

// An instance that stored a locker's events and stopped before it
// confirmed them leaves the confirmation to the database: another
// instance confirms though no event of that locker ever reaches it.
func TestConfirmationOwedByAStoppedInstance(t *testing.T) {
	r := newRig(t)
	cfg := r.config("1")
	cfg.ConfirmEvery = time.Hour // stores, never confirms
	first, err := link.New(cfg, r.st, quiet().With("instance", "1"))
	if err != nil {
		t.Fatal(err)
	}
	fctx, stopFirst := context.WithCancel(r.ctx)
	var firstDone sync.WaitGroup
	firstDone.Go(func() { first.Run(fctx) })
	r.fleetOf(1, 0)
	l := r.lockers[0]
	r.waitFor("the first instance subscribed and the locker online", func() bool { return first.Ready() && l.Up() })
	l.Commit(5)
	r.waitFor("the locker's 5 events stored by the first instance", func() bool {
		lk, err := r.st.GetLocker(context.Background(), l.ID())
		return err == nil && lk.StoredThrough == 5
	})
	stopFirst()
	firstDone.Wait()
	if _, _, confirmed, _ := l.Counts(); confirmed != 0 {
		t.Fatalf("the first instance confirmed through %d; it was not to confirm", confirmed)
	}
	r.central("2")
	r.waitFor("the second instance to confirm what the first stored", r.allConfirmed)
}
