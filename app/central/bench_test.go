package central_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"
	"github.com/jackc/pgx/v5/pgxpool"

	"pudo/app"
	"pudo/app/central/link"
	"pudo/app/central/mqtttest"
	"pudo/app/central/pgtest"
	"pudo/app/central/sim"
	"pudo/app/core"
	"pudo/app/cred"
	"pudo/app/fleet"
	"pudo/lockio"
	"pudo/storage"
)

// BenchmarkCentral measures two `pudo central serve` processes, one
// mosquitto and one PostgreSQL on this machine, beside a bare consumer in
// the same run: plain paho, one subscription, auto-acknowledged, an INSERT
// per event into a table of the same rows. The lockers are light
// simulators speaking the real topics and payloads, and the real kiosk
// link (app/fleet over a SQLite store) for up to 100 of them.
//
// Sizes: 100 lockers by default; PUDO_CENTRAL_BENCH=1000,3000,10000 picks
// others (each fleet is built once and kept across -count runs).
//
//   - burst: every locker commits its share of 20,000 events at once;
//     events/s until central (and, beside it, the bare consumer) stored
//     them all; p50/p99 ms from the locker's commit to the row's commit.
//   - steady: 200 events a second over random lockers for 5 s; p50/p99.
//   - restart: the broker restarts; s until every locker is back and the
//     largest share of the fleet back in one second; central's RSS in MB.
func BenchmarkCentral(b *testing.B) {
	sizes := []int{100}
	if s := os.Getenv("PUDO_CENTRAL_BENCH"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				b.Fatalf("PUDO_CENTRAL_BENCH=%q: want sizes such as 1000,3000,10000", s)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		b.Run("lockers="+strconv.Itoa(n), func(b *testing.B) {
			f := benchFleet(b, n)
			b.Run("burst", f.burst)
			b.Run("steady", f.steady)
			b.Run("restart", f.restart)
		})
	}
}

// benchTB lets the harness outlive one benchmark: its cleanups run at the
// end of TestMain's run.
type benchTB struct {
	testing.TB
	cleanups []func()
}

func (t *benchTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }
func (t *benchTB) TempDir() string {
	d, err := os.MkdirTemp("", "pudo-central-bench")
	if err != nil {
		panic(err)
	}
	t.cleanups = append(t.cleanups, func() { os.RemoveAll(d) })
	return d
}

var (
	benchRoot *benchTB
	fleets    = map[int]*benchFleetT{}
)

func closeBench() {
	if benchRoot == nil {
		return
	}
	for _, f := range fleets {
		f.stop()
	}
	for i := len(benchRoot.cleanups) - 1; i >= 0; i-- {
		benchRoot.cleanups[i]()
	}
}

type realKiosk struct {
	id     string
	db     *storage.DB
	locker *core.Locker
	link   *fleet.Link
	n      atomic.Int64
}

type benchFleetT struct {
	n        int
	broker   *mqtttest.Broker
	pg       *pgtest.Server
	dbURL    string
	pool     *pgxpool.Pool
	children []*child
	sims     []*sim.Locker
	reals    []*realKiosk
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	bare     *autopaho.ConnectionManager
	bareSum  atomic.Int64 // sum over lockers of the highest seq the bare consumer stored

	mu  sync.Mutex
	ups []time.Time
}

type nopLocks struct{}

func (nopLocks) Unlock(context.Context, lockio.Door) error { return nil }
func (nopLocks) Sensor(lockio.Door) lockio.Sensor          { return lockio.SensorClosed }

func benchFleet(b *testing.B, n int) *benchFleetT {
	if f := fleets[n]; f != nil {
		return f
	}
	if benchRoot == nil {
		benchRoot = &benchTB{TB: b}
	}
	benchRoot.TB = b
	f := &benchFleetT{n: n, broker: mqtttest.Start(benchRoot), pg: pgtest.Start(benchRoot)}
	f.dbURL = f.pg.NewDB(benchRoot)
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	pool, err := pgxpool.New(ctx, f.dbURL)
	if err != nil {
		b.Fatal(err)
	}
	f.pool = pool
	dir := benchRoot.TempDir()
	key := cred.GenerateKey()
	keyFile := filepath.Join(dir, "operator.key")
	if err := cred.WritePrivateKey(keyFile, key); err != nil {
		b.Fatal(err)
	}
	op := f.broker.OperatorIdentity()
	for i := range 2 {
		c := &child{log: filepath.Join(dir, fmt.Sprintf("central-%d.log", i+1)), args: []string{"serve",
			"--db", f.dbURL, "--broker", f.broker.TLSURL(), "--fleet", testFleet, "--ca", op.CAFile, "--cert", op.CertFile,
			"--cert-key", op.KeyFile, "--key", keyFile, "--instance", fmt.Sprint(i + 1), "--listen", ""}}
		c.start(b)
		f.children = append(f.children, c)
	}
	f.startBare(ctx, b)
	// Wait for the schema the first instance makes.
	for {
		var ok bool
		if pool.QueryRow(ctx, `SELECT to_regclass('lockers') IS NOT NULL`).Scan(&ok); ok {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	u, _ := url.Parse(f.broker.TLSURL())
	spread := time.Duration(n) * 5 * time.Millisecond
	reals := min(n, 100)
	start := time.Now()
	for i := range reals {
		f.reals = append(f.reals, f.startReal(ctx, b, fmt.Sprintf("REAL-%03d", i), spread))
	}
	for i := range n - reals {
		id := fmt.Sprintf("SIM-%05d", i)
		l := sim.New(sim.Config{Broker: u, Fleet: testFleet, ID: id, TLS: f.broker.PKI.ClientTLS(benchRoot, id), Spread: spread,
			OnUp: func(string, time.Time) { f.mu.Lock(); f.ups = append(f.ups, time.Now()); f.mu.Unlock() }})
		f.sims = append(f.sims, l)
		f.wg.Go(func() { l.Run(ctx) })
		if i%200 == 199 {
			time.Sleep(50 * time.Millisecond) // the first connection is not the storm measured
		}
	}
	f.waitUp(b)
	b.Logf("%d lockers (%d real kiosk links) connected in %.1fs", n, reals, time.Since(start).Seconds())
	fleets[n] = f
	return f
}

func (f *benchFleetT) startReal(ctx context.Context, b *testing.B, id string, spread time.Duration) *realKiosk {
	dir := benchRoot.TempDir()
	db, err := storage.Open(ctx, filepath.Join(dir, "pudo.db"))
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	l := core.New(db, nopLocks{}, []byte("bench-secret-0123456789abcdef0123"), core.Options{KioskID: id}, quiet)
	doors, _ := core.Layout(app.DemoColumns(), 2)
	if err := l.SetUp(ctx, doors); err != nil {
		b.Fatal(err)
	}
	id2 := f.broker.Locker(benchRoot, id)
	cfg := fleet.DefaultConfig()
	cfg.Enabled, cfg.Broker, cfg.Fleet = true, f.broker.TLSURL(), testFleet
	cfg.CAFile, cfg.CertFile, cfg.KeyFile = id2.CAFile, id2.CertFile, id2.KeyFile
	cfg.ReconnectWindow, cfg.PublishRate = max(spread, time.Millisecond), 2000
	cfg.RenewBefore = time.Hour // the test certificates last a day
	link, err := fleet.New(cfg, id, l.Office(), db, fleet.Options{ClockSynced: func() bool { return true }}, quiet)
	if err != nil {
		b.Fatal(err)
	}
	k := &realKiosk{id: id, db: db, locker: l, link: link}
	f.wg.Go(func() { link.Run(ctx); db.Close() })
	return k
}

// startBare is the baseline: plain paho, one plain subscription, PUBACK
// on receipt, one INSERT per event.
func (f *benchFleetT) startBare(ctx context.Context, b *testing.B) {
	if _, err := f.pool.Exec(ctx, `CREATE TABLE bare_events (locker text, seq bigint, at timestamptz, stored_at timestamptz,
		kind text, body jsonb, PRIMARY KEY (locker, seq))`); err != nil {
		b.Fatal(err)
	}
	op := f.broker.OperatorIdentity()
	u, _ := url.Parse(f.broker.TLSURL())
	tc, err := link.TLSConfig(op.CAFile, op.CertFile, op.KeyFile, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	maxSeq := map[string]int64{}
	cm, err := autopaho.NewConnection(ctx, autopaho.ClientConfig{ServerUrls: []*url.URL{u}, TlsCfg: tc, KeepAlive: 30,
		CleanStartOnInitialConnection: true,
		OnConnectionUp: func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
			cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: "pudo/v1/" + testFleet + "/+/evt", QoS: 1}}})
		},
		ClientConfig: paho.ClientConfig{ClientID: "bare-consumer", OnPublishReceived: []func(paho.PublishReceived) (bool, error){
			func(pr paho.PublishReceived) (bool, error) {
				var e fleet.Event
				if json.Unmarshal(pr.Packet.Payload, &e) != nil {
					return true, nil
				}
				locker := strings.Split(pr.Packet.Topic, "/")[3]
				_, err := f.pool.Exec(ctx, `INSERT INTO bare_events VALUES ($1, $2, $3, now(), $4, $5) ON CONFLICT DO NOTHING`,
					locker, e.Seq, e.At, e.Kind, string(pr.Packet.Payload))
				if err == nil {
					mu.Lock()
					if e.Seq > maxSeq[locker] {
						f.bareSum.Add(e.Seq - maxSeq[locker])
						maxSeq[locker] = e.Seq
					}
					mu.Unlock()
				}
				return true, nil
			}}}})
	if err != nil {
		b.Fatal(err)
	}
	f.bare = cm
}

func (f *benchFleetT) waitUp(b *testing.B) {
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		up := 0
		for _, s := range f.sims {
			if s.Up() {
				up++
			}
		}
		for _, r := range f.reals {
			if r.link.Connected() {
				up++
			}
		}
		if up == f.n {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Fatalf("not every locker connected within 10 minutes")
}

func (f *benchFleetT) stop() {
	f.cancel()
	f.wg.Wait()
	for _, c := range f.children {
		c.stop()
	}
	f.pool.Close()
}

// target is the sum of every locker's last seq.
func (f *benchFleetT) target() int64 {
	var t int64
	for _, s := range f.sims {
		last, _, _, _ := s.Counts()
		t += last
	}
	for _, r := range f.reals {
		var q int64
		r.db.View(context.Background(), func(tx *storage.Tx) (err error) { q, err = tx.LastSeq(); return err })
		t += q
	}
	return t
}

func (f *benchFleetT) centralSum() int64 {
	var s int64
	f.pool.QueryRow(context.Background(), `SELECT coalesce(sum(stored_through), 0) FROM lockers`).Scan(&s)
	return s
}

// commit adds k events at every locker.
func (f *benchFleetT) commit(k int) {
	var wg sync.WaitGroup
	for _, s := range f.sims {
		s.Commit(k)
	}
	for _, r := range f.reals {
		wg.Go(func() {
			for range k {
				v := r.n.Add(1)
				r.locker.Office().Operator("bench").SetSetting(context.Background(), core.SettingBookingHold, strconv.FormatInt(v%500+1, 10)+"h")
			}
		})
	}
	wg.Wait()
}

// awaitBoth waits until central and the bare consumer hold target, and
// returns when each got there.
func (f *benchFleetT) awaitBoth(b *testing.B, target int64, start time.Time) (central, bare time.Duration) {
	deadline := time.Now().Add(15 * time.Minute)
	for central == 0 || bare == 0 {
		if time.Now().After(deadline) {
			b.Fatalf("after 15 minutes central holds %d of %d, the bare consumer %d", f.centralSum(), target, f.bareSum.Load())
		}
		if central == 0 && f.centralSum() >= target {
			central = time.Since(start)
		}
		if bare == 0 && f.bareSum.Load() >= target {
			bare = time.Since(start)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return central, bare
}

// percentiles are p50 and p99 in ms of commit-to-commit over events the
// locker committed since from, in central's table and in the bare one.
func (f *benchFleetT) percentiles(from time.Time) (c50, c99, b50, b99 float64) {
	ctx := context.Background()
	q := `SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), 0), coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), 0)
		FROM (SELECT extract(epoch FROM stored_at - at) * 1000 AS ms FROM %s WHERE at >= $1) x`
	f.pool.QueryRow(ctx, fmt.Sprintf(q, "events"), from).Scan(&c50, &c99)
	f.pool.QueryRow(ctx, fmt.Sprintf(q, "bare_events"), from).Scan(&b50, &b99)
	return
}

func (f *benchFleetT) burst(b *testing.B) {
	per := max(1, 20000/f.n)
	for range b.N {
		start := time.Now()
		f.commit(per)
		target := f.target()
		ct, bt := f.awaitBoth(b, target, start)
		total := float64(per * f.n)
		c50, c99, b50, b99 := f.percentiles(start)
		b.ReportMetric(total/ct.Seconds(), "central-events/s")
		b.ReportMetric(total/bt.Seconds(), "bare-events/s")
		b.ReportMetric(c50, "central-p50-ms")
		b.ReportMetric(c99, "central-p99-ms")
		b.ReportMetric(b50, "bare-p50-ms")
		b.ReportMetric(b99, "bare-p99-ms")
		b.ReportMetric(f.centralMB(), "central-MB/instance")
	}
}

func (f *benchFleetT) steady(b *testing.B) {
	for range b.N {
		start := time.Now()
		tick := time.NewTicker(5 * time.Millisecond) // 200 a second
		for range 1000 {
			<-tick.C
			i := rand.IntN(f.n)
			if i < len(f.reals) {
				r := f.reals[i]
				go r.locker.Office().Operator("bench").SetSetting(context.Background(), core.SettingBookingHold, strconv.FormatInt(r.n.Add(1)%500+1, 10)+"h")
			} else {
				f.sims[i-len(f.reals)].Commit(1)
			}
		}
		tick.Stop()
		time.Sleep(200 * time.Millisecond)
		f.awaitBoth(b, f.target(), start)
		c50, c99, b50, b99 := f.percentiles(start)
		b.ReportMetric(c50, "central-p50-ms")
		b.ReportMetric(c99, "central-p99-ms")
		b.ReportMetric(b50, "bare-p50-ms")
		b.ReportMetric(b99, "bare-p99-ms")
	}
}

func (f *benchFleetT) restart(b *testing.B) {
	for range b.N {
		f.mu.Lock()
		f.ups = nil
		f.mu.Unlock()
		f.broker.Restart()
		back := time.Now()
		f.waitUp(b)
		all := time.Since(back)
		f.mu.Lock()
		ups := slices.Clone(f.ups)
		f.mu.Unlock()
		perSec := map[int64]int{}
		for _, t := range ups {
			perSec[int64(t.Sub(back)/time.Second)]++
		}
		most := 0
		for _, c := range perSec {
			most = max(most, c)
		}
		sims := max(1, len(f.sims))
		b.ReportMetric(all.Seconds(), "s-all-back")
		b.ReportMetric(float64(most)/float64(sims), "max-frac-per-s")
		curve := make([]string, 0, len(perSec))
		for s := int64(0); s <= int64(all/time.Second); s++ {
			curve = append(curve, strconv.Itoa(perSec[s]))
		}
		b.Logf("reconnects per second after the broker restart (light lockers): %s", strings.Join(curve, " "))
	}
}

// centralMB is the larger resident size of the two instances.
func (f *benchFleetT) centralMB() float64 {
	var most float64
	for _, c := range f.children {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
				most = max(most, kb/1024)
			}
		}
	}
	return most
}
