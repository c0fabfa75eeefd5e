package fleet

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app"
	"pudo/app/carrier"
	"pudo/app/core"
	"pudo/app/cred"
	"pudo/app/testenv"
	"pudo/lockio"
	"pudo/lockio/simbus"
	"pudo/storage"
)

func testLog(tb testing.TB) *slog.Logger {
	if os.Getenv("PUDO_FLEET_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("t", tb.Name())
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// kiosk is one locker as main wires it: a real SQLite file, the built-in
// simulated lock board, the core, and the fleet link.
type kiosk struct {
	tb   testing.TB
	id   string
	dir  string
	cfg  Config
	keys []cred.PublicKey // the operator's keys it trusts
	// carriers are the carriers' seal keys ([carriers]).
	carriers map[string]carrier.PublicKey
	clock    func() time.Time // the store's clock; nil: the wall clock
	log      *slog.Logger     // the link's log; nil: testLog
	db       *storage.DB
	locks    *lockio.Controller
	sim      *simbus.Bus
	locker   *core.Locker
	link     *Link
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

func newKiosk(tb testing.TB, b *broker, id string, edit ...func(*Config)) *kiosk {
	tb.Helper()
	return newKioskKeys(tb, b, id, []cred.PublicKey{testOperator.Public()}, edit...)
}

// newKioskKeys is a kiosk trusting keys ([operator] public_keys).
func newKioskKeys(tb testing.TB, b *broker, id string, keys []cred.PublicKey, edit ...func(*Config)) *kiosk {
	tb.Helper()
	return newKioskCarriers(tb, b, id, keys, nil, edit...)
}

// newKioskCarriers is newKioskKeys knowing the carriers' seal keys.
func newKioskCarriers(tb testing.TB, b *broker, id string, keys []cred.PublicKey, carriers map[string]carrier.PublicKey,
	edit ...func(*Config)) *kiosk {
	tb.Helper()
	cfg := b.lockerConfig(tb, id)
	for _, e := range edit {
		e(&cfg)
	}
	k := &kiosk{tb: tb, id: id, dir: tb.TempDir(), cfg: cfg, keys: keys, carriers: carriers}
	k.start()
	tb.Cleanup(k.stop)
	// A first connection has no session yet: commands sent before the
	// subscription would reach nobody.
	testenv.Await(tb, id+"'s link up", k.link.Ready)
	return k
}

func (k *kiosk) start() {
	tb := k.tb
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	k.cancel = cancel
	db, secret, err := core.OpenData(ctx, k.dir, testLog(tb))
	must(tb, err)
	if k.clock != nil {
		db.Now = k.clock
	}
	boot, err := StartBoot(ctx, db, true)
	must(tb, err)
	lc := lockio.DefaultConfig()
	// A simulated door stays open until the driver has read it open
	// (closeSeenDoors): shut by the clock instead, it could close before a
	// poll starved on a loaded machine came back, and an opening nobody saw
	// stays pending until DidNotOpenAfter.
	lc.PollInterval, lc.SimAutoClose, lc.MinUnlockGap = lockio.Duration(40*time.Millisecond), 0, lockio.Duration(time.Millisecond)
	// The boards answer everything here: a poll timed out would only be
	// this process starved. The timeouts are ceilings.
	lc.PollTimeout, lc.ReplyTimeout = lockio.Duration(testenv.Patience), lockio.Duration(testenv.Patience)
	// Every simulated door opens: on a loaded machine its sensor may be
	// read seconds late, and "did not open" would be a guess from the
	// clock. These tests are about the link, so the window is a ceiling.
	lc.DidNotOpenAfter = lockio.Duration(testenv.Patience)
	sim, err := simbus.Start(lc)
	must(tb, err)
	k.sim = sim
	lc.Port = sim.Path()
	locks, err := lockio.Open(ctx, lc, testLog(tb))
	must(tb, err)
	locker := core.New(db, locks, secret, core.Options{KioskID: k.id, RemoteOpen: true, OperatorKeys: k.keys, DidNotOpen: testenv.Patience,
		Holds: []core.EventHold{EventHold()}, PINCost: core.PINCost{Time: 1, Memory: 8}, CodeCost: core.CodeCost{Time: 1, Memory: 8}, CarrierKeys: k.carriers}, testLog(tb))
	doors, err := core.Layout(app.DemoColumns(), 2)
	must(tb, err)
	must(tb, locker.SetUp(ctx, doors))
	must(tb, locker.Reconcile(ctx))
	link, err := New(k.cfg, k.id, locker.Office(), db, Options{Version: "test", Boot: boot, OperatorKeys: k.keys, LockBus: func() bool { return locks.Health().Up() },
		ClockSynced: func() bool { return true }}, cmp.Or(k.log, testLog(tb)).With("locker", k.id))
	must(tb, err)
	k.db, k.locks, k.locker, k.link = db, locks, locker, link
	k.wg.Go(func() { locker.Run(ctx, locks.Events()) })
	k.wg.Go(func() { closeSeenDoors(ctx, locks, sim) })
	k.wg.Go(func() {
		if err := link.Run(ctx); err != nil {
			tb.Errorf("link %s: %v", k.id, err)
		}
	})
}

// closeSeenDoors is the person at the kiosk: a door the driver has read
// open is shut again, as a shopper takes the parcel and closes it.
func closeSeenDoors(ctx context.Context, locks *lockio.Controller, sim *simbus.Bus) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for d, s := range locks.Sensors() {
			if s == lockio.SensorOpen && sim.Emu.IsOpen(d.Board, d.Channel) {
				sim.Emu.CloseDoor(d.Board, d.Channel)
			}
		}
	}
}

// stop shuts the kiosk down as main does: the link says goodbye.
func (k *kiosk) stop() {
	if k.cancel == nil {
		return
	}
	// The boards close first, while the pump still drains their events.
	// The simulated board's pty can block in a read that closing does not
	// wake (lockio/emulator): a stuck close must not hang the test.
	closed := make(chan struct{})
	go func() { k.locks.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(2 * time.Second): // not a budget: only a log line depends on it
		k.tb.Logf("%s: simulated lock board did not close", k.id)
	}
	k.cancel()
	k.wg.Wait()
	k.sim.Close()
	k.db.Close()
	k.cancel = nil
}

// dropOff is a courier scanning the parcel's label at the kiosk and
// closing the door.
func (k *kiosk) dropOff(parcelRef string) app.Rent {
	k.tb.Helper()
	ctx := context.Background()
	c, err := k.locker.LoginCourier(ctx, courierToken(k.tb, "c1"))
	must(k.tb, err)
	d, err := c.DropBooked(ctx, parcelRef)
	must(k.tb, err)
	k.closeAndDone(func() error { _, err := d.Done(ctx); return err })
	return d.Rent()
}

func (k *kiosk) closeAndDone(done func() error) {
	k.tb.Helper()
	from := k.lastSeq()
	testenv.AwaitOK(k.tb, "the door opened and closed again", func() error {
		err := done()
		// The opening settles when the sensor sees the door open, and the
		// parcel is in once it reads closed again.
		var pending *app.BeingOpenedError
		if err != nil && !(errors.Is(err, app.ErrDoorStillOpen) || errors.As(err, &pending)) {
			k.tb.Fatal(err)
		}
		return err
	})
	// Done stores the parcel as soon as the driver reads the door closed;
	// the engine records the close (door.closed) when it takes the
	// driver's event, maybe after: a test comparing the store before and
	// after would see it land later.
	testenv.Await(k.tb, "the engine to record the door's close (door.closed)", func() bool {
		return slices.Contains(k.eventKinds(from), string(app.EvDoorClosed))
	})
}

// pickup is a shopper typing the code.
func (k *kiosk) pickup(code string) {
	k.tb.Helper()
	ctx := context.Background()
	p, err := k.locker.PickupByCode(ctx, code)
	if err != nil {
		k.tb.Fatalf("pickup with %s: %v", code, err)
	}
	// The rent moves when the sensor sees its door open: wait for that,
	// as the shopper waits at the door.
	testenv.AwaitOK(k.tb, "the rent collected", func() error {
		r, err := k.locker.Office().Rent(ctx, p.Opening().RentID)
		must(k.tb, err)
		if r.State != app.RentCollected {
			return fmt.Errorf("rent %d still %s", r.ID, r.State)
		}
		return nil
	})
}

// eventKinds are the kinds of k's events after seq.
func (k *kiosk) eventKinds(seq int64) []string {
	var kinds []string
	must(k.tb, k.db.View(context.Background(), func(tx *storage.Tx) error {
		evs, err := tx.Events(seq, 1000)
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
		}
		return err
	}))
	return kinds
}

func (k *kiosk) lastSeq() int64 {
	var n int64
	must(k.tb, k.db.View(context.Background(), func(tx *storage.Tx) (err error) {
		n, err = tx.LastSeq()
		return err
	}))
	return n
}

// watcher is a consumer of the fleet's events: it drops duplicates by
// (locker, seq) as a consumer should, and checks that the first copies
// come in order without a gap.
type watcher struct {
	tb  testing.TB
	op  *Operator
	mu  sync.Mutex
	got map[string][]Event // first copies, in arrival order
	dup map[string]int
	bad []string
}

func newWatcher(tb testing.TB, b *broker, clientID string) *watcher {
	tb.Helper()
	cfg := b.operatorConfig()
	cfg.ClientID, cfg.SessionExpiry = clientID, time.Hour
	op, err := Dial(context.Background(), cfg, testLog(tb))
	must(tb, err)
	tb.Cleanup(op.Close)
	w := &watcher{tb: tb, op: op, got: map[string][]Event{}, dup: map[string]int{}}
	op.OnMessage(w.hear)
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	must(tb, op.Subscribe(ctx, topicRoot+"/"+testFleet+"/+/"+sufEvt))
	return w
}

func (w *watcher) hear(p *paho.Publish) {
	locker, rest, ok := lockerOf(testFleet, p.Topic)
	if !ok || rest != sufEvt {
		return
	}
	var e Event
	if err := json.Unmarshal(p.Payload, &e); err != nil {
		w.mu.Lock()
		w.bad = append(w.bad, "undecodable event: "+err.Error())
		w.mu.Unlock()
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	evs := w.got[locker]
	last := int64(0)
	if len(evs) > 0 {
		last = evs[len(evs)-1].Seq
	}
	switch {
	case e.Seq <= last:
		w.dup[locker]++
	case e.Seq != last+1:
		w.bad = append(w.bad, fmt.Sprintf("%s: seq %d after %d: a gap", locker, e.Seq, last))
		w.got[locker] = append(evs, e)
	default:
		w.got[locker] = append(evs, e)
	}
}

// waitFor waits until locker's events reach seq.
func (w *watcher) waitFor(locker string, seq int64) []Event {
	w.tb.Helper()
	var evs []Event
	testenv.AwaitOK(w.tb, fmt.Sprintf("%s's events up to %d", locker, seq), func() error {
		w.mu.Lock()
		evs = append([]Event{}, w.got[locker]...)
		bad := append([]string{}, w.bad...)
		w.mu.Unlock()
		if len(bad) > 0 {
			w.tb.Fatalf("events wrong: %v", bad)
		}
		if len(evs) > 0 && evs[len(evs)-1].Seq >= seq {
			return nil
		}
		if len(evs) == 0 {
			return errors.New("none arrived")
		}
		return fmt.Errorf("up to %d arrived", evs[len(evs)-1].Seq)
	})
	return evs
}

func (w *watcher) dups(locker string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dup[locker]
}

func kinds(evs []Event, rent int64) []string {
	var out []string
	for _, e := range evs {
		if e.RentID == rent {
			out = append(out, e.Kind)
		}
	}
	return out
}

// operator dials the broker as the operator.
func newOperator(tb testing.TB, b *broker) *Operator {
	tb.Helper()
	op, err := Dial(context.Background(), b.operatorConfig(), testLog(tb))
	must(tb, err)
	tb.Cleanup(op.Close)
	return op
}

func command(tb testing.TB, op *Operator, j *Journal, locker, name string, c Command) Result {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	r, err := op.Command(ctx, j, locker, name, c, time.Hour)
	if err != nil {
		tb.Fatalf("%s %s: %v", name, locker, err)
	}
	return r
}

// testOperator signs the couriers' tokens the kiosks of these tests trust.
var testOperator = cred.GenerateKey()

func courierToken(tb testing.TB, id string) string {
	tb.Helper()
	now := time.Now()
	text, err := cred.Sign(testOperator, cred.Claims{Kind: cred.Courier, Subject: id, Carrier: "TEST",
		Lockers: []string{cred.AllLockers}, IssuedAt: now, Expires: now.Add(time.Hour)})
	must(tb, err)
	return text
}
