package central_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/central"
	"pudo/app/central/fleetcli"
	"pudo/app/central/mqtttest"
	"pudo/app/central/pgtest"
	"pudo/app/central/sim"
	"pudo/app/central/store"
	"pudo/app/core"
	"pudo/app/cred"
	"pudo/app/fleet"
	"pudo/app/testenv"
	"pudo/storage"
)

// The fault tests run `pudo central serve` as child processes: this test
// binary, started again with PUDO_CENTRAL_CHILD set, is central's Main.
func TestMain(m *testing.M) {
	if os.Getenv("PUDO_CENTRAL_CHILD") != "" {
		os.Exit(central.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	code := m.Run()
	closeBench()
	os.Exit(code)
}

const testFleet = "test"

// child is one `pudo central serve` process, started again after each
// kill with the same instance name (and so the same MQTT session).
type child struct {
	bin  string
	args []string
	log  string
	cmd  *exec.Cmd
	done chan struct{}
}

func (c *child) start(t testing.TB) {
	t.Helper()
	f, err := os.OpenFile(c.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c.cmd = exec.Command(c.bin, c.args...)
	c.cmd.Env = append(os.Environ(), "PUDO_CENTRAL_CHILD=1")
	c.cmd.Stdout, c.cmd.Stderr = f, f
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { cmd.Wait(); close(done) }(c.cmd, c.done)
}

func (c *child) kill() {
	c.cmd.Process.Kill()
	<-c.done
}

func (c *child) stop() {
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		c.kill()
	}
}

// faultRun is how hard TestFaultsLoseNothing pushes: the full run (100
// kills) without the race detector, as make test runs it; a lighter one
// under -race, where every step costs several times more and the suite
// shares the machine with every other package's.
type faultRun struct {
	kills   int
	tick    time.Duration // lockers commit a few events each tick
	backlog int           // events the locker away for long comes back with
}

func faultRunFor(race bool) faultRun {
	r := faultRun{kills: 100, tick: 20 * time.Millisecond, backlog: 3000}
	if race {
		r = faultRun{kills: 20, tick: 60 * time.Millisecond, backlog: 500}
	}
	if os.Getenv("PUDO_CENTRAL_KILLS") != "" {
		fmt.Sscan(os.Getenv("PUDO_CENTRAL_KILLS"), &r.kills)
	}
	return r
}

// Central instances are SIGKILLed at random, over and over, while lockers
// publish; the broker is killed (losing what it had not saved) and
// restarted; PostgreSQL is killed and restarted; one locker is away for a
// long while and comes back with its backlog. At the end every event is
// stored exactly once and in seq order per locker, and every hole was
// repaired by a resend. make test runs it without -race too, for the full
// hundred kills (faultRunFor).
func TestFaultsLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault run takes minutes")
	}
	run := faultRunFor(raceEnabled)
	kills := run.kills
	t.Logf("%d kills, commits every %v, a backlog of %d (race detector: %v)", kills, run.tick, run.backlog, raceEnabled)
	bin := childBinary(t)
	broker := mqtttest.Start(t)
	pg := pgtest.Start(t)
	dbURL := pg.NewDB(t)
	dir := t.TempDir()
	key := cred.GenerateKey()
	keyFile := filepath.Join(dir, "operator.key")
	if err := cred.WritePrivateKey(keyFile, key); err != nil {
		t.Fatal(err)
	}
	op := broker.OperatorIdentity()
	children := make([]*child, 2)
	for i := range children {
		children[i] = &child{bin: bin, log: filepath.Join(dir, fmt.Sprintf("central-%d.log", i+1)), args: []string{"serve",
			"--db", dbURL, "--broker", broker.TLSURL(), "--fleet", testFleet, "--ca", op.CAFile, "--cert", op.CertFile,
			"--cert-key", op.KeyFile, "--key", keyFile, "--instance", fmt.Sprint(i + 1), "--listen", "",
			"--confirm-every", "200ms", "--hole-wait", "1s", "--alert-every", "1s", "--offline-after", "2s"}}
		children[i].start(t)
	}
	defer func() {
		for _, c := range children {
			c.stop()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	u, _ := url.Parse(broker.TLSURL())
	const n = 12
	lockers := make([]*sim.Locker, n)
	lockerStop := make([]context.CancelFunc, n)
	runLocker := func(i int) {
		lctx, lcancel := context.WithCancel(ctx)
		lockerStop[i] = lcancel
		l := lockers[i]
		wg.Go(func() { l.Run(lctx) })
	}
	for i := range lockers {
		id := fmt.Sprintf("SIM-%02d", i)
		lockers[i] = sim.New(sim.Config{Broker: u, Fleet: testFleet, ID: id, TLS: broker.PKI.ClientTLS(t, id),
			Spread: 300 * time.Millisecond, Keys: []cred.PublicKey{key.Public()}})
		runLocker(i)
	}
	// One real kiosk link (app/fleet over SQLite), booked through central's
	// commands table while instances die, away for a while too.
	real := startKiosk(t, ctx, broker, "REAL-1", key)
	t.Setenv("PUDO_CENTRAL_DB", dbURL)
	t.Setenv("PUDO_OPERATOR_KEY", keyFile)
	t.Setenv("PUDO_FLEET_BROKER", broker.TLSURL())
	t.Setenv("PUDO_FLEET", testFleet)
	t.Setenv("PUDO_FLEET_CA", op.CAFile)
	t.Setenv("PUDO_FLEET_CERT", op.CertFile)
	t.Setenv("PUDO_FLEET_CERT_KEY", op.KeyFile)
	var bookings []string
	book := func(id string) {
		bookings = append(bookings, id)
		var out, errw strings.Builder
		code := fleetcli.Main(ctx, []string{"book", "--locker", "REAL-1", "--size", "S", "--parcel-ref", "P-" + id,
			"--booking-id", id, "--wait", "5s"}, &out, &errw)
		t.Logf("book %s: exit %d %s", id, code, strings.TrimSpace(errw.String()))
	}
	testenv.AwaitOK(t, "the real kiosk registered by central", func() error {
		_, err := stOf(t, dbURL).GetLocker(ctx, "REAL-1")
		return err
	})
	// The lockers' life: a few events every 20 ms each, until told to stop.
	commitCtx, stopCommits := context.WithCancel(ctx)
	wg.Go(func() {
		tick := time.NewTicker(run.tick)
		defer tick.Stop()
		for {
			select {
			case <-commitCtx.Done():
				return
			case <-tick.C:
			}
			for _, l := range lockers {
				l.Commit(rand.IntN(3))
			}
		}
	})
	// The faults, each at its point of the kill sequence.
	away := lockers[n-1]
	for k := range kills {
		time.Sleep(time.Duration(150+rand.IntN(350)) * time.Millisecond)
		c := children[rand.IntN(len(children))]
		c.kill()
		c.start(t)
		if k%10 == 5 {
			book(fmt.Sprintf("B%03d", k))
		}
		switch k {
		case kills / 5:
			t.Logf("kill %d: the broker is killed and started again", k)
			broker.Kill()
			time.Sleep(500 * time.Millisecond)
			broker.Start()
		case 2 * kills / 5:
			t.Logf("kill %d: PostgreSQL is killed and started again", k)
			pg.Kill()
			time.Sleep(time.Second)
			pg.Start()
		case 3 * kills / 5:
			t.Logf("kill %d: %s and %s go away; a booking waits for %[3]s", k, away.ID(), real.id)
			lockerStop[n-1]()
			real.stop()
			book(fmt.Sprintf("B%03d", k))
			real.start(t, ctx)
		case 4 * kills / 5:
			t.Logf("kill %d: the broker stops and starts", k)
			broker.Restart()
		}
	}
	// The locker that was away has a backlog when it comes back.
	away.Commit(run.backlog)
	runLocker(n - 1)
	stopCommits()
	st, err := store.Open(context.Background(), dbURL, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	awaitProgress(t, "every simulated locker's events confirmed by central (logs in "+dir+")", func() (bool, int64, string) {
		done, mark := true, int64(0)
		var desc []string
		for _, l := range lockers {
			last, _, confirmed, _ := l.Counts()
			done = done && confirmed == last
			mark += confirmed
			desc = append(desc, l.String())
		}
		var stored, dups int64
		st.Pool().QueryRow(context.Background(), `SELECT coalesce(sum(stored_through), 0), coalesce(sum(duplicates), 0) FROM lockers`).Scan(&stored, &dups)
		return done, mark + stored, fmt.Sprintf("central stored through %d in all, %d duplicates; %s", stored, dups, strings.Join(desc, ", "))
	})
	total, resends := int64(0), 0
	for _, l := range lockers {
		last, _, _, r := l.Counts()
		total += last
		resends += r
		evs, err := st.Events(context.Background(), l.ID(), 0, int(last)+100)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(evs)) != last {
			t.Fatalf("%s: %d events stored, want %d", l, len(evs), last)
		}
		for i, e := range evs {
			if e.Seq != int64(i+1) {
				t.Fatalf("%s: stored event %d has seq %d", l, i, e.Seq)
			}
		}
	}
	// Every booking applied once at the kiosk, and its answer kept.
	testenv.Await(t, "every booking's answer kept by central", func() bool {
		var n int
		st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM bookings WHERE state = 'booked'`).Scan(&n)
		return n == len(bookings)
	})
	if got := real.reserved(t); got != len(bookings) {
		t.Fatalf("the kiosk holds %d reserved rents for %d bookings", got, len(bookings))
	}
	realLast := real.lastSeq(t)
	testenv.Await(t, "the real kiosk's events stored", func() bool {
		l, err := st.GetLocker(context.Background(), "REAL-1")
		return err == nil && l.StoredThrough == realLast
	})
	if evs, _ := st.Events(context.Background(), "REAL-1", 0, int(realLast)+10); int64(len(evs)) != realLast {
		t.Fatalf("REAL-1: %d events stored, want %d", len(evs), realLast)
	}
	// Resends and redeliveries bring the same events again: never a
	// conflict (two contents for one seq, or a seq far ahead).
	var conflicts int
	st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM alerts WHERE kind = 'conflict'`).Scan(&conflicts)
	if conflicts != 0 {
		as, _ := st.OpenAlerts(context.Background(), "", 100)
		t.Fatalf("%d conflict alerts after faults alone: %+v", conflicts, as)
	}
	var dups int64
	ls, _ := st.Lockers(context.Background(), "", 100)
	for _, l := range ls {
		dups += l.Duplicates
	}
	t.Logf("%d central instances killed; %d events from %d lockers stored once each, in order; %d duplicates dropped; %d resends answered; "+
		"%d bookings applied once at the real kiosk, whose %d events are stored", kills, total, n, dups, resends, len(bookings), realLast)
}

// awaitProgress polls cond until it says done. Its ceiling is on progress,
// not on the whole wait: it fails only when mark (a count that grows as the
// work gets done) has not moved for testenv.Patience, and then says what
// it awaited and where things stood (desc).
func awaitProgress(t *testing.T, what string, cond func() (done bool, mark int64, desc string)) {
	t.Helper()
	start := time.Now()
	done, last, _ := cond()
	moved, logged := start, start
	for !done {
		time.Sleep(100 * time.Millisecond)
		d, mark, desc := cond()
		done = d
		if mark != last {
			last, moved = mark, time.Now()
		}
		if time.Since(logged) > 10*time.Second {
			logged = time.Now()
			t.Logf("after %v waiting for %s: %s", time.Since(start).Round(time.Second), what, desc)
		}
		if !done && time.Since(moved) > testenv.Patience {
			t.Fatalf("nothing moved for %v (of %v) waiting for %s: %s", testenv.Patience, time.Since(start).Round(time.Second), what, desc)
		}
	}
	t.Logf("%v waiting for %s", time.Since(start).Round(time.Second), what)
}

// childBinary is the test binary the instances run: without the race
// detector even when this test has it (a race-instrumented central starts
// and stores several times slower, and the children are separate
// processes: the detector would watch nothing this test shares).
func childBinary(t *testing.T) string {
	if !raceEnabled {
		return os.Args[0]
	}
	bin := filepath.Join(t.TempDir(), "central.test")
	out, err := exec.Command("go", "test", "-c", "-o", bin, "pudo/app/central").CombinedOutput()
	if err != nil {
		t.Logf("building the instances without -race failed, using the race binary: %v\n%s", err, out)
		return os.Args[0]
	}
	return bin
}

var stores = map[string]*store.Store{}

// stOf is a store on dbURL kept for the test.
func stOf(t *testing.T, dbURL string) *store.Store {
	if st := stores[dbURL]; st != nil {
		return st
	}
	st, err := store.Open(context.Background(), dbURL, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	stores[dbURL] = st
	return st
}

// kiosk is a real kiosk link over its own SQLite store, without lock
// boards: what the fleet link does is what is tested.
type kiosk struct {
	id     string
	dir    string
	cfg    fleet.Config
	key    cred.PrivateKey
	db     *storage.DB
	locker *core.Locker
	cancel context.CancelFunc
	done   chan struct{}
}

func startKiosk(t *testing.T, ctx context.Context, b *mqtttest.Broker, id string, key cred.PrivateKey) *kiosk {
	idn := b.Locker(t, id)
	cfg := fleet.DefaultConfig()
	cfg.Enabled, cfg.Broker, cfg.Fleet = true, b.TLSURL(), testFleet
	cfg.CAFile, cfg.CertFile, cfg.KeyFile = idn.CAFile, idn.CertFile, idn.KeyFile
	cfg.ReconnectWindow = 200 * time.Millisecond
	cfg.RenewBefore = time.Hour // the test certificates last a day
	k := &kiosk{id: id, dir: t.TempDir(), cfg: cfg, key: key}
	k.start(t, ctx)
	t.Cleanup(k.stop)
	return k
}

func (k *kiosk) start(t *testing.T, ctx context.Context) {
	db, err := storage.Open(ctx, filepath.Join(k.dir, "pudo.db"))
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	keys := []cred.PublicKey{k.key.Public()}
	l := core.New(db, nopLocks{}, []byte("fault-secret-0123456789abcdef0123"), core.Options{KioskID: k.id, OperatorKeys: keys,
		Holds: []core.EventHold{fleet.EventHold()}}, quiet)
	doors, _ := core.Layout(app.DemoColumns(), 2)
	if err := l.SetUp(ctx, doors); err != nil {
		t.Fatal(err)
	}
	link, err := fleet.New(k.cfg, k.id, l.Office(), db, fleet.Options{ClockSynced: func() bool { return true }, OperatorKeys: keys}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	lctx, cancel := context.WithCancel(ctx)
	k.db, k.locker, k.cancel, k.done = db, l, cancel, make(chan struct{})
	go func() { link.Run(lctx); close(k.done) }()
}

func (k *kiosk) stop() {
	if k.cancel == nil {
		return
	}
	k.cancel()
	<-k.done
	k.db.Close()
	k.cancel = nil
}

func (k *kiosk) reserved(t *testing.T) int {
	ds, err := k.locker.Office().DoorStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range ds {
		if d.Rent != nil && d.Rent.State == app.RentReserved {
			n++
		}
	}
	return n
}

func (k *kiosk) lastSeq(t *testing.T) int64 {
	var q int64
	if err := k.db.View(context.Background(), func(tx *storage.Tx) (err error) { q, err = tx.LastSeq(); return err }); err != nil {
		t.Fatal(err)
	}
	return q
}
