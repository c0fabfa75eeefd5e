package api

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"pudo/storage"
)

// Metrics renders /metrics in the Prometheus text format: counts taken from
// the event log, door gauges from the core, and what other parts of the
// kiosk register (lock-bus errors, decodes). Safe for concurrent use.
type Metrics struct {
	db   *storage.DB
	core Core

	mu       sync.Mutex // protects following
	seq      int64      // the event log is counted up to here
	kinds    map[string]int64
	counters map[string]*Counter
	funcs    map[string]funcMetric
	help     map[string]family
}

type funcMetric struct {
	fn  func() float64
	typ string
}

type family struct{ help, typ string }

// Counter is a count that only goes up. Safe for concurrent use.
type Counter struct{ v atomic.Uint64 }

// Inc adds one.
func (c *Counter) Inc() { c.v.Add(1) }

// Add adds n.
func (c *Counter) Add(n uint64) { c.v.Add(n) }

func newMetrics(db *storage.DB, core Core) *Metrics {
	return &Metrics{db: db, core: core, kinds: map[string]int64{}, counters: map[string]*Counter{},
		funcs: map[string]funcMetric{}, help: map[string]family{}}
}

// metricRE is a metric name with optional labels, as Prometheus writes it.
var metricRE = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*",?)+\})?$`)

// Counter returns the counter called name, which may carry labels:
// `pudo_lockbus_errors_total{board="1"}`. The same name gives the same
// counter. A malformed name panics: it is a programming error.
func (m *Metrics) Counter(name, help string) *Counter {
	m.mu.Lock()
	c, ok := m.counters[name]
	m.mu.Unlock()
	if ok {
		return c
	}
	m.register(name, help, "counter")
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.counters[name]; ok {
		return c
	}
	c = &Counter{}
	m.counters[name] = c
	return c
}

// GaugeFunc shows fn's value, read at every scrape, under name; fn must be
// quick and safe for concurrent use.
func (m *Metrics) GaugeFunc(name, help string, fn func() float64) {
	m.register(name, help, "gauge")
	m.mu.Lock()
	defer m.mu.Unlock()
	m.funcs[name] = funcMetric{fn, "gauge"}
}

// CounterFunc shows fn's value as a counter: for totals another part keeps
// itself, such as the lock board's timeouts in lockio.Health.
func (m *Metrics) CounterFunc(name, help string, fn func() float64) {
	m.register(name, help, "counter")
	m.mu.Lock()
	defer m.mu.Unlock()
	m.funcs[name] = funcMetric{fn, "counter"}
}

func (m *Metrics) register(name, help, typ string) {
	sub := metricRE.FindStringSubmatch(name)
	if sub == nil {
		panic(fmt.Sprintf("api: metric name %q is malformed", name))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if f, ok := m.help[sub[1]]; ok && f.typ != typ {
		panic(fmt.Sprintf("api: metric %s registered as %s and %s", sub[1], f.typ, typ))
	}
	m.help[sub[1]] = family{help: help, typ: typ}
}

// sample is one line of the exposition.
type sample struct {
	name  string // with labels
	value float64
}

// write renders every metric, one family at a time, families sorted.
func (m *Metrics) write(ctx context.Context, w io.Writer) error {
	fams := map[string][]sample{}
	help := map[string]family{}
	add := func(fam, typ, helpText string, s sample) {
		fams[fam] = append(fams[fam], s)
		if _, ok := help[fam]; !ok {
			help[fam] = family{help: helpText, typ: typ}
		}
	}
	if err := m.fromEvents(ctx, add); err != nil {
		return err
	}
	if err := m.fromDoors(ctx, add); err != nil {
		return err
	}
	if err := m.fromWebhooks(ctx, add); err != nil {
		return err
	}
	m.fromRegistered(add)
	names := make([]string, 0, len(fams))
	for f := range fams {
		names = append(names, f)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, f := range names {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", f, escapeHelp(help[f].help), f, help[f].typ)
		ss := fams[f]
		sort.Slice(ss, func(i, j int) bool { return ss[i].name < ss[j].name })
		for _, s := range ss {
			fmt.Fprintf(&b, "%s %s\n", s.name, formatValue(s.value))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// logSeries are the named series the event log feeds; every kind is also
// counted under pudo_events_total.
var logSeries = []struct{ kind, fam, name, help string }{
	{"door.open", "pudo_door_opens_total", `pudo_door_opens_total{outcome="opened"}`, "Door openings by outcome, from the event log."},
	{"door.open.failed", "pudo_door_opens_total", `pudo_door_opens_total{outcome="failed"}`, ""},
	{"door.open.unknown", "pudo_door_opens_total", `pudo_door_opens_total{outcome="unknown"}`, ""},
	{"code.wrong", "pudo_failed_codes_total", "pudo_failed_codes_total", "Wrong pickup codes entered, from the event log."},
}

// fromEvents counts the log incrementally: each scrape reads only what was
// appended since the last one.
func (m *Metrics) fromEvents(ctx context.Context, add func(fam, typ, help string, s sample)) error {
	m.mu.Lock()
	after := m.seq
	m.mu.Unlock()
	var counts map[string]int64
	var last int64
	err := m.db.View(ctx, func(tx *storage.Tx) (err error) {
		counts, last, err = tx.CountEvents(after)
		return err
	})
	if err != nil {
		return err
	}
	m.mu.Lock()
	if m.seq == after { // a concurrent scrape may have counted them already
		for k, n := range counts {
			m.kinds[k] += n
		}
		m.seq = last
	}
	kinds := maps.Clone(m.kinds)
	m.mu.Unlock()
	for _, ls := range logSeries {
		add(ls.fam, "counter", ls.help, sample{ls.name, float64(kinds[ls.kind])})
	}
	for k, n := range kinds {
		add("pudo_events_total", "counter", "Events in the audit log since the kiosk started counting, by kind.",
			sample{`pudo_events_total{kind="` + escapeLabel(k) + `"}`, float64(n)})
	}
	return nil
}

func (m *Metrics) fromDoors(ctx context.Context, add func(fam, typ, help string, s sample)) error {
	ds, err := m.core.DoorStates(ctx)
	if err != nil {
		return err
	}
	states := map[string]int{"free": 0, "reserved": 0, "stored": 0, "expired": 0, "out_of_service": 0}
	sensors := map[string]int{"open": 0, "closed": 0, "unknown": 0}
	for _, d := range ds {
		j := doorOut(d, false)
		states[j.State]++
		sensors[j.Sensor]++
	}
	for st, n := range states {
		add("pudo_doors", "gauge", "Doors by state.", sample{`pudo_doors{state="` + escapeLabel(st) + `"}`, float64(n)})
	}
	for st, n := range sensors {
		add("pudo_door_sensors", "gauge", "Doors by what their sensor says.", sample{`pudo_door_sensors{sensor="` + escapeLabel(st) + `"}`, float64(n)})
	}
	return nil
}

func (m *Metrics) fromWebhooks(ctx context.Context, add func(fam, typ, help string, s sample)) error {
	var ps []storage.Parked
	err := m.db.View(ctx, func(tx *storage.Tx) (err error) {
		ps, err = tx.ParkedDeliveries("")
		return err
	})
	if err != nil {
		return err
	}
	add("pudo_webhook_parked", "gauge", "Webhook deliveries parked for staff.", sample{"pudo_webhook_parked", float64(len(ps))})
	return nil
}

func (m *Metrics) fromRegistered(add func(fam, typ, help string, s sample)) {
	m.mu.Lock()
	help := maps.Clone(m.help)
	counters, funcs := maps.Clone(m.counters), maps.Clone(m.funcs)
	m.mu.Unlock()
	for name, c := range counters {
		fam := metricRE.FindStringSubmatch(name)[1]
		add(fam, "counter", help[fam].help, sample{name, float64(c.v.Load())})
	}
	// Outside the lock: fn belongs to someone else.
	for name, f := range funcs {
		fam := metricRE.FindStringSubmatch(name)[1]
		add(fam, f.typ, help[fam].help, sample{name, f.fn()})
	}
}

func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func escapeHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

func formatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request, _ principal) error {
	var b strings.Builder
	if err := s.metrics.write(r.Context(), &b); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, b.String())
	return nil
}
