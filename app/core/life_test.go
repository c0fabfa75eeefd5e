package core

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/carrier"
	"pudo/app/cred"
	"pudo/app/testenv"
	"pudo/lockio/emulator"
	"pudo/lockio/proto"
	"pudo/lockio/simbus"
	"pudo/storage"
)

// TestLife is the simulation of locker life: couriers drop parcels,
// recipients collect them, staff look after the doors kept for them, and
// the bus and the kiosk fail in every way the emulator knows, the kiosk's
// process killed outright among them. It runs the real engine, driver and
// SQLite file in a kiosk process of its own (life_child_test.go) against
// the project's emulator on a pty, with the engine's clock stepped. After
// every step it weighs the store against the emulator's physical truth
// (life_check_test.go): what is in each door is the truth, not what the
// kiosk believes.
//
// PUDO_LIFE_PARCELS sets how many parcels go through (a short run by
// default; `make soak` runs 10,000), PUDO_LIFE_LOCKERS how many lockers
// share them (each its own kiosk process and bus, run side by side),
// PUDO_LIFE_SEED replays a run, and PUDO_LIFE_DIR keeps its stores and
// logs (the simulation's trace in life.log, the kiosk's in kiosk.log).
func TestLife(t *testing.T) {
	if testing.Short() {
		t.Skip("the simulation of locker life runs processes and a pty")
	}
	if os.Getenv("PUDO_LIFE_PARCELS") == "" && !lifeInMakeTest {
		t.Skip("PUDO_LIFE_PARCELS unset")
	}
	parcels, lockers := lifeEnv(t, "PUDO_LIFE_PARCELS", 30), lifeEnv(t, "PUDO_LIFE_LOCKERS", 1)
	seed := rand.Uint64()
	if v := os.Getenv("PUDO_LIFE_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("PUDO_LIFE_SEED: %v", err)
		}
		seed = n
	}
	runs := make([]*life, lockers)
	t.Run("lockers", func(t *testing.T) {
		for i := range lockers {
			t.Run(fmt.Sprint(seed+uint64(i)), func(t *testing.T) {
				t.Parallel()
				l := startLife(t, seed+uint64(i))
				runs[i] = l
				l.run((parcels + lockers - 1) / lockers)
				t.Log(l.report())
				if n := len(l.divergences); n > 0 {
					for _, d := range l.divergences[:min(n, 20)] {
						t.Errorf("divergence: %s", d)
					}
					t.Fatalf("%d divergences; replay with PUDO_LIFE_SEED=%d PUDO_LIFE_PARCELS=%d go test -run '^TestLife$' ./app/core",
						n, l.seed, (parcels+lockers-1)/lockers)
				}
			})
		}
	})
	if lockers > 1 {
		t.Log(lifeTotals(runs))
	}
}

func lifeEnv(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// lifeInMakeTest runs the short simulation in every test run.
const lifeInMakeTest = true

// The simulated locker: 12 doors on one board, door N on channel N.
const lifeDoors = 12

var lifeColumns = []app.Column{{Board: 1, FirstChannel: 1, Sizes: "SSSM"}, {Board: 1, FirstChannel: 5, Sizes: "SSMM"},
	{Board: 1, FirstChannel: 9, Sizes: "SMLL"}}

// lifePatience bounds every wait on real time: only a broken build or a
// wedged process reaches it (the one ceiling every test waits with).
const lifePatience = testenv.Patience

type life struct {
	t      testing.TB
	rng    *rand.Rand
	seed   uint64
	dir    string
	secret []byte
	seal   carrier.PrivateKey
	bus    *simbus.Bus
	db     *storage.DB
	now    time.Time // the engine's clock
	kiosk  *lifeProc
	log    *os.File // the simulation's trace, kept on failure

	polls   atomic.Int64 // status requests the emulator has read
	mu      sync.Mutex   // protects frames and crashed
	frames  map[uint8]int
	crashed bool // a FaultCrash fired: the kiosk must die now

	parcels     map[string]*lifeParcel
	next        int
	stats       lifeStats
	divergences []string
	seen        map[string]bool // divergences already reported, by kind and subject
}

// lifeParcel is one parcel, wherever it is.
type lifeParcel struct {
	id    string
	size  string
	code  string // as the carrier has it (its sealed copy opened), "" until then
	rent  int64
	where string // courier, door, recipient, carrier (taken back)
	door  int64  // while in a door
	tries int    // recipient visits
}

func startLife(t testing.TB, seed uint64) *life {
	t.Helper()
	dir := t.TempDir()
	if keep := os.Getenv("PUDO_LIFE_DIR"); keep != "" {
		// Keep the store, the kiosk's log and the simulation's trace.
		dir = filepath.Join(keep, fmt.Sprint(seed))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	l := &life{t: t, seed: seed, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), dir: dir,
		secret: []byte(fmt.Sprintf("life-secret-%016x-0123456789", seed)), frames: map[uint8]int{},
		parcels: map[string]*lifeParcel{}, seen: map[string]bool{},
		now: time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)}
	l.stats.faults = map[string]int{}
	l.stats.verdicts = map[string]int{}
	var err error
	if l.log, err = os.Create(filepath.Join(dir, "life.log")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.log.Close() })
	if err := os.WriteFile(filepath.Join(dir, "secret"), l.secret, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cred.WritePrivateKey(filepath.Join(dir, "operator.key"), cred.GenerateKey()); err != nil {
		t.Fatal(err)
	}
	l.seal = carrier.GenerateKey()
	if err := carrier.WritePrivateKey(filepath.Join(dir, "carrier.key"), l.seal); err != nil {
		t.Fatal(err)
	}
	cfg := lifeKioskConfig("")
	bus, err := simbus.StartWith(cfg, func(c *emulator.Config) {
		c.Pace = false
		c.OnRequest = func(r proto.Request, _ time.Time) {
			switch r.Op {
			case proto.OpStatus:
				l.polls.Add(1)
			case proto.OpUnlock:
				l.mu.Lock()
				l.frames[r.Channel]++
				l.mu.Unlock()
			}
		}
		c.OnCrash = func(proto.Request) {
			l.mu.Lock()
			l.crashed = true
			l.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	l.bus = bus
	l.startKiosk()
	t.Cleanup(func() { l.stopKiosk() })
	db, err := storage.Open(context.Background(), filepath.Join(dir, "pudo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	l.db = db
	return l
}

func (l *life) emu() *emulator.Emulator { return l.bus.Emu }

// trace writes one line of the simulation's log.
func (l *life) trace(format string, a ...any) {
	fmt.Fprintf(l.log, "%s %s\n", l.now.Format("01-02 15:04:05.0"), fmt.Sprintf(format, a...))
}

// lifeProc is the kiosk's process.
type lifeProc struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	done chan struct{}
}

func (l *life) startKiosk() {
	cmd := exec.Command(os.Args[0], "-test.run=^TestLifeChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), lifeChildEnv+"="+l.dir, lifePortEnv+"="+l.bus.Path(),
		"PUDO_LIFE_NOW="+strconv.FormatInt(l.now.UnixNano(), 10), "PUDO_LIFE_LOG="+filepath.Join(l.dir, "kiosk.log"))
	stderr, err := os.OpenFile(filepath.Join(l.dir, "kiosk.stderr"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		l.t.Fatal(err)
	}
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		l.t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		l.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		l.t.Fatal(err)
	}
	stderr.Close()
	p := &lifeProc{cmd: cmd, in: in, out: bufio.NewScanner(out), done: make(chan struct{})}
	p.out.Buffer(make([]byte, 64<<10), 1<<20)
	l.kiosk = p
	r, ok := l.read()
	if !ok || r.State != "ready" {
		b, _ := os.ReadFile(filepath.Join(l.dir, "kiosk.stderr"))
		l.t.Fatalf("the kiosk did not start: %+v\n%s", r, b)
	}
	l.stats.starts++
}

// stopKiosk kills the kiosk's process, as a power cut does: nothing it
// holds in memory survives.
func (l *life) stopKiosk() {
	if l.kiosk == nil {
		return
	}
	l.kiosk.cmd.Process.Signal(syscall.SIGKILL)
	l.kiosk.in.Close()
	l.kiosk.cmd.Wait()
	l.kiosk = nil
}

// restart is a kiosk killed and started again.
func (l *life) restart(why string) {
	l.trace("kiosk killed: %s", why)
	l.stopKiosk()
	l.mu.Lock()
	l.crashed = false
	l.mu.Unlock()
	l.startKiosk()
	l.sync()
}

func (l *life) read() (lifeReply, bool) {
	var r lifeReply
	if !l.kiosk.out.Scan() {
		return r, false
	}
	if err := json.Unmarshal(l.kiosk.out.Bytes(), &r); err != nil {
		l.t.Fatalf("kiosk said %q: %v", l.kiosk.out.Text(), err)
	}
	return r, true
}

// call runs one command on the kiosk; false when the kiosk died meanwhile
// (a crash the emulator injected, which kills it at once).
func (l *life) call(c lifeCmd) (lifeReply, bool) {
	c.Now = l.now.UnixNano()
	b, _ := json.Marshal(c)
	if _, err := l.kiosk.in.Write(append(b, '\n')); err != nil {
		return lifeReply{}, false
	}
	type result struct {
		r  lifeReply
		ok bool
	}
	got := make(chan result, 1)
	go func() {
		r, ok := l.read()
		got <- result{r, ok}
	}()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(lifePatience)
	defer deadline.Stop()
	for {
		select {
		case res := <-got:
			l.trace("%s %s: %+v", c.Op, lifeArgs(c), res.r)
			return res.r, res.ok
		case <-tick.C:
			if l.crashDue() {
				l.stopKiosk()
				<-got
				l.trace("%s %s: the kiosk crashed right after the unlock frame", c.Op, lifeArgs(c))
				return lifeReply{}, false
			}
		case <-deadline.C:
			l.t.Fatalf("still waiting after %v for the kiosk's answer to %s", lifePatience, c.Op)
		}
	}
}

func lifeArgs(c lifeCmd) string {
	s := ""
	if c.Sid != 0 {
		s += fmt.Sprintf("sid=%d ", c.Sid)
	}
	if c.Ref != "" {
		s += c.Ref + " "
	}
	if c.Door != 0 {
		s += fmt.Sprintf("door=%d ", c.Door)
	}
	if c.Size != "" {
		s += c.Size
	}
	return s
}

func (l *life) crashDue() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.crashed
}

// sync waits until the driver has read the doors as they are now: three
// status polls after this moment, or a bounded while when the bus is down.
func (l *life) sync() {
	want := l.polls.Load() + 3
	deadline := time.Now().Add(2 * lifeDownAfter)
	for l.polls.Load() < want && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
}

// step moves the engine's clock on by d, after the driver caught up with
// the doors, and lets the engine weigh time.
func (l *life) step(d time.Duration) bool {
	l.sync()
	l.now = l.now.Add(d)
	_, ok := l.call(lifeCmd{Op: "tick"})
	if !ok {
		l.restart("died on a tick")
	}
	return ok
}

func (l *life) chance(p float64) bool { return l.rng.Float64() < p }

func (l *life) pick(xs ...string) string { return xs[l.rng.IntN(len(xs))] }
