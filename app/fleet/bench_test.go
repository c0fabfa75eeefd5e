package fleet

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"pudo/app"
	"pudo/app/core"
	"pudo/lockio"
	"pudo/storage"
)

// BenchmarkFleet runs 10, 100 and 1,000 simulated lockers in this process
// (the real link, core and a small SQLite file each) against one mosquitto
// on loopback, over mutual TLS:
//
//   - events: the most the fleet sustains: commits through the core,
//     spread over the lockers by 32 workers as fast as they go, each heard
//     by a subscriber (events/s; the latencies then are queueing).
//   - bare-paho: beside it, as the baseline, as many bare paho clients
//     publishing QoS 1 messages of an event's size to the same broker.
//   - latency, latency-bare-paho: the same two at a steady 100 events a
//     second for the whole fleet (a tenth of an event a second per locker
//     at 1,000, far busier than a real one); latency from the commit's
//     return (the publish's start, for bare paho) to the subscriber's
//     receipt, p50 and p99 over 600 events.
//   - restart: the broker restarts; every locker comes back with its
//     jittered backoff, over the reconnect window of its fleet's size at
//     the default reconnect_rate (50 a second). s-all-back is from the
//     broker listening again to the last locker up; max-frac-per-s the
//     largest share of the fleet that came back in any one second (the
//     curve is logged).
//
// connect-s and MB/locker are measured once per size, when the fleet
// starts, and reported with every events run.
func BenchmarkFleet(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run("lockers="+strconv.Itoa(n), func(b *testing.B) {
			f := benchFleet(b, n)
			b.Run("events", f.benchEvents)
			b.Run("latency", func(b *testing.B) { f.openLoop(b, f.eventOp()) })
			b.Run("bare-paho", f.benchBare)
			b.Run("latency-bare-paho", func(b *testing.B) { f.openLoop(b, f.bareOp(b)) })
			// The bare clients go before the restart: their own reconnects
			// would crowd the lockers'.
			f.closeBare()
			b.Run("restart", f.benchRestart)
		})
	}
}

var fleets = map[int]*simFleet{}

// simFleet is one broker with n simulated lockers, kept across -count runs
// (building a thousand lockers takes a while) and torn down by TestMain.
type simFleet struct {
	n        int
	broker   *broker
	lockers  []*simLocker
	sub      *Operator
	connectS float64
	mbPer    float64
	heapPer  float64

	mu      sync.Mutex
	pending map[string]time.Time // commit time or, negative, receipt first
	lat     []time.Duration
	bare    []*autopaho.ConnectionManager
}

type simLocker struct {
	id     string
	db     *storage.DB
	locker *core.Locker
	link   *Link
	n      atomic.Int64
}

type nopLocks struct{}

func (nopLocks) Unlock(context.Context, lockio.Door) error { return nil }
func (nopLocks) Sensor(lockio.Door) lockio.Sensor          { return lockio.SensorClosed }

// benchTB lets the broker harness outlive one benchmark: cleanups run in
// TestMain.
type benchTB struct {
	testing.TB
	dir      string
	cleanups []func()
}

func (t *benchTB) TempDir() string {
	d, err := os.MkdirTemp(t.dir, "b")
	if err != nil {
		panic(err)
	}
	return d
}
func (t *benchTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

var benchRoot *benchTB

func TestMain(m *testing.M) {
	code := m.Run()
	if benchRoot != nil {
		for _, f := range fleets {
			f.close()
		}
		for i := len(benchRoot.cleanups) - 1; i >= 0; i-- {
			benchRoot.cleanups[i]()
		}
		os.RemoveAll(benchRoot.dir)
	}
	os.Exit(code)
}

func rss() float64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseFloat(f[1], 64)
	return pages * float64(os.Getpagesize())
}

func heapInUse() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse + m.StackInuse)
}

func benchFleet(b *testing.B, n int) *simFleet {
	if f := fleets[n]; f != nil {
		return f
	}
	mosquittoPath(b)
	if benchRoot == nil {
		dir, _ := os.MkdirTemp("", "pudo-fleet-bench")
		benchRoot = &benchTB{TB: b, dir: dir}
	}
	benchRoot.TB = b
	br := startBroker(benchRoot)
	f := &simFleet{n: n, broker: br, pending: map[string]time.Time{}}
	sub, err := Dial(context.Background(), br.operatorConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	f.sub = sub
	sub.OnMessage(f.hear)
	if err := sub.Subscribe(context.Background(), topicRoot+"/"+testFleet+"/+/"+sufEvt); err != nil {
		b.Fatal(err)
	}
	template := benchTemplate(b)
	// Certificates first: they are the test's, not the locker's, memory.
	cfgs := make([]Config, n)
	for i := range n {
		cfgs[i] = br.lockerConfig(benchRoot, fmt.Sprintf("SIM-%04d", i))
		// The window the fleet's size calls for, at the default rate.
		cfgs[i].ReconnectWindow, cfgs[i].FleetSize = 0, n
		// A real locker writes an event a second at most; the workers here
		// drive each far harder, so the rate bound must not be what is
		// measured.
		cfgs[i].PublishRate = 2000
	}
	rss0, heap0 := rss(), heapInUse()
	start := time.Now()
	for i := range n {
		f.lockers = append(f.lockers, startSim(b, template, cfgs[i]))
	}
	// Each attempt is bounded (connect_timeout); a locker that never
	// connects (say, the process ran out of file descriptors) ends the run
	// with its name instead of a wait for ever.
	deadline := time.Now().Add(10 * time.Minute)
	for _, l := range f.lockers {
		for !l.link.Connected() {
			if time.Now().After(deadline) {
				b.Fatalf("%s not connected 10 minutes after the start: %v", l.id, l.link.lastError())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	f.connectS = time.Since(start).Seconds()
	time.Sleep(time.Second) // births, state and sync settle
	f.mbPer = (rss() - rss0) / float64(n) / (1 << 20)
	f.heapPer = (heapInUse() - heap0) / float64(n) / (1 << 20)
	b.Logf("%d lockers: all connected in %.2fs; %.3f MB RSS and %.3f MB Go heap+stacks per locker", n, f.connectS, f.mbPer, f.heapPer)
	fleets[n] = f
	return f
}

var templateDB string

// benchTemplate is a migrated, laid-out locker database to copy: a thousand
// migrations would only time the migrations.
func benchTemplate(b *testing.B) string {
	if templateDB != "" {
		return templateDB
	}
	dir := benchRoot.TempDir()
	path := filepath.Join(dir, "pudo.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	l := core.New(db, nopLocks{}, []byte("bench-secret-0123456789abcdef0123"), core.Options{KioskID: "T"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	doors, _ := core.Layout(app.DemoColumns(), 2)
	if err := l.SetUp(context.Background(), doors); err != nil {
		b.Fatal(err)
	}
	db.Close()
	templateDB = path
	return path
}

func startSim(b *testing.B, template string, cfg Config) *simLocker {
	id := strings.TrimSuffix(filepath.Base(cfg.CertFile), ".pem")
	dir := benchRoot.TempDir()
	body, err := os.ReadFile(template)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "pudo.db")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		b.Fatal(err)
	}
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	l := core.New(db, nopLocks{}, []byte("bench-secret-0123456789abcdef0123"), core.Options{KioskID: id}, quiet)
	link, err := New(cfg, id, l.Office(), db, Options{ClockSynced: func() bool { return true }}, quiet)
	if err != nil {
		b.Fatal(err)
	}
	s := &simLocker{id: id, db: db, locker: l, link: link}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { link.Run(ctx); close(done) }()
	benchRoot.Cleanup(func() { cancel(); <-done; db.Close() })
	return s
}

func (f *simFleet) close() {}

// mark pairs a commit and its receipt, whichever comes first.
func (f *simFleet) mark(key string, commit bool) {
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.pending[key]
	if !ok {
		if commit {
			f.pending[key] = now
		} else {
			f.pending[key] = time.Time{}.Add(time.Duration(now.UnixNano())) // a receipt waiting for its commit
		}
		return
	}
	delete(f.pending, key)
	if commit { // the receipt came first
		f.lat = append(f.lat, 0)
		return
	}
	f.lat = append(f.lat, now.Sub(t))
	_ = t
}

func (f *simFleet) hear(p *paho.Publish) {
	locker, _, ok := lockerOf(testFleet, p.Topic)
	if !ok {
		return
	}
	if strings.HasPrefix(locker, "BARE-") {
		f.mark(string(p.Payload[:strings.IndexByte(string(p.Payload), ' ')]), false)
		return
	}
	s := string(p.Payload)
	if i := strings.Index(s, `"booking_hold=`); i >= 0 {
		v := s[i+len(`"booking_hold=`):]
		f.mark(locker+"/"+v[:strings.IndexByte(v, 'h')], false)
	}
}

// run spreads b.N operations over 32 workers and reports throughput and
// the latency percentiles of what was heard.
func (f *simFleet) run(b *testing.B, op func(i int) error) {
	f.mu.Lock()
	f.lat, f.pending = nil, map[string]time.Time{}
	f.mu.Unlock()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range 32 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				if err := op(i); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	f.report(b, b.N, start, true)
}

// report waits for the last to be heard (bounded: a loss shows as fewer
// samples) and reports the latencies and, with throughput, the rate.
func (f *simFleet) report(b *testing.B, n int, start time.Time, throughput bool) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		f.mu.Lock()
		heard := len(f.lat)
		f.mu.Unlock()
		if heard >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	el := time.Since(start)
	b.StopTimer()
	f.mu.Lock()
	lat := slices.Clone(f.lat)
	f.mu.Unlock()
	if len(lat) < n {
		b.Errorf("heard %d of %d", len(lat), n)
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
	if throughput {
		b.ReportMetric(float64(n)/el.Seconds(), "events/s")
	} else {
		b.ReportMetric(0, "ns/op")
	}
}

func (f *simFleet) eventOp() func(i int) error {
	return func(i int) error {
		l := f.lockers[i%len(f.lockers)]
		k := l.n.Add(1)
		v := strconv.FormatInt(k, 10)
		err := l.locker.Office().Operator("bench").SetSetting(context.Background(), core.SettingBookingHold, v+"h")
		f.mark(l.id+"/"+v, true)
		return err
	}
}

func (f *simFleet) benchEvents(b *testing.B) {
	f.run(b, f.eventOp())
	b.ReportMetric(f.connectS, "connect-s")
	b.ReportMetric(f.mbPer, "MB/locker")
}

// openLoop sends 600 operations at 100 a second, whatever b.N says, and
// reports their latency.
func (f *simFleet) openLoop(b *testing.B, op func(i int) error) {
	const n, rate = 600, 100
	f.mu.Lock()
	f.lat, f.pending = nil, map[string]time.Time{}
	f.mu.Unlock()
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / rate)))
		wg.Go(func() {
			if err := op(i); err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()
	f.report(b, n, start, false)
}

// benchBare is the baseline: bare paho clients, one per locker, publishing
// a message of an event's size at QoS 1 and waiting for its PUBACK, with
// no store behind them.
func (f *simFleet) benchBareConnect(b *testing.B) {
	{
		for i := range f.n {
			id := fmt.Sprintf("BARE-%04d", i)
			cert, key := f.broker.pki.issue(benchRoot, id, false)
			tc, err := tlsConfig(f.broker.pki.path("ca.pem"), cert, key, "127.0.0.1")
			if err != nil {
				b.Fatal(err)
			}
			u, _ := url.Parse(f.broker.TLSURL())
			cm, err := autopaho.NewConnection(context.Background(), autopaho.ClientConfig{ServerUrls: []*url.URL{u}, TlsCfg: tc,
				KeepAlive: 30, ClientConfig: paho.ClientConfig{ClientID: id}})
			if err != nil {
				b.Fatal(err)
			}
			f.bare = append(f.bare, cm)
		}
		for _, cm := range f.bare {
			cm.AwaitConnection(context.Background())
		}
	}
}

func (f *simFleet) closeBare() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, cm := range f.bare {
		cm.Disconnect(ctx)
	}
	f.bare = nil
}

func (f *simFleet) benchBare(b *testing.B) {
	f.run(b, f.bareOp(b))
}

func (f *simFleet) bareOp(b *testing.B) func(i int) error {
	if f.bare == nil {
		f.benchBareConnect(b)
	}
	pad := strings.Repeat("x", 200)
	var seq atomic.Int64
	return func(i int) error {
		cm := f.bare[i%len(f.bare)]
		key := "b" + strconv.FormatInt(seq.Add(1), 10)
		f.mark(key, true)
		topic := Topics{Fleet: testFleet, Locker: fmt.Sprintf("BARE-%04d", i%len(f.bare))}.Evt()
		_, err := cm.Publish(context.Background(), &paho.Publish{QoS: 1, Topic: topic, Payload: []byte(key + " " + pad)})
		return err
	}
}

// benchRestart restarts the broker once per iteration and follows the
// fleet coming back.
func (f *simFleet) benchRestart(b *testing.B) {
	var allBack, maxFrac float64
	for range b.N {
		f.broker.Stop()
		for _, l := range f.lockers {
			for deadline := time.Now().Add(5 * time.Minute); l.link.Connected(); time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					b.Fatalf("%s still connected 5 minutes after the broker stopped", l.id)
				}
			}
		}
		f.broker.start()
		up := time.Now()
		back := make([]time.Duration, len(f.lockers))
		left := len(f.lockers)
		seen := make([]bool, len(f.lockers))
		// Two windows bring every locker back (one when the broker was
		// away for less than the first attempts took).
		for left > 0 && time.Since(up) < 2*f.lockers[0].link.cfg.SpreadWindow()+2*time.Minute {
			for i, l := range f.lockers {
				if !seen[i] && l.link.Connected() {
					seen[i], back[i] = true, time.Since(up)
					left--
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		if left > 0 {
			b.Fatalf("%d of %d lockers not back in two reconnect windows and two minutes", left, len(f.lockers))
		}
		perSecond := map[int]int{}
		last := time.Duration(0)
		for _, d := range back {
			perSecond[int(d/time.Second)]++
			last = max(last, d)
		}
		curve, top := make([]string, 0, len(perSecond)), 0
		for s := 0; s <= int(last/time.Second); s++ {
			curve = append(curve, strconv.Itoa(perSecond[s]))
			top = max(top, perSecond[s])
		}
		allBack = last.Seconds()
		maxFrac = float64(top) / float64(len(f.lockers))
		b.Logf("%d lockers back in %.1fs; per second: %s", len(f.lockers), allBack, strings.Join(curve, " "))
	}
	b.ReportMetric(allBack, "s-all-back")
	b.ReportMetric(maxFrac, "max-frac-per-s")
	b.ReportMetric(0, "ns/op")
}
