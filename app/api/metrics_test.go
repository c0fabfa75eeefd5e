package api

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	f := newFixture(t, nil)
	b := f.book("shopx", "M-1")
	f.dropOff("M-1")
	f.locker.PickupByCode(context.Background(), "ZZZZ-ZZZZ") // a wrong code
	bus := f.srv.Metrics().Counter(`pudo_lockbus_errors_total{board="1"}`, "Lock-bus errors by board.")
	bus.Add(3)
	f.srv.Metrics().GaugeFunc("pudo_scanner_up", "Whether the code scanner answers.", func() float64 { return 1 })
	f.srv.Metrics().CounterFunc("pudo_lockbus_timeouts_total", "Lock-board polls with no reply.", func() float64 { return 7 })

	a := f.do("GET", "/metrics", "host", "")
	if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("metrics: %d %s", a.status, a.header.Get("Content-Type"))
	}
	text := string(a.body)
	for _, want := range []string{
		`pudo_doors{state="stored"} 1`,
		`pudo_doors{state="free"} 23`,
		`pudo_door_sensors{sensor="closed"} 24`,
		`pudo_door_opens_total{outcome="opened"} 1`,
		`pudo_failed_codes_total 1`,
		`pudo_events_total{kind="rent.booked"} 1`,
		`pudo_lockbus_errors_total{board="1"} 3`,
		`pudo_scanner_up 1`,
		`pudo_lockbus_timeouts_total 7`,
		"# TYPE pudo_lockbus_timeouts_total counter",
		`pudo_api_requests_total{status="201"} 1`,
		"# TYPE pudo_door_opens_total counter",
		"# TYPE pudo_doors gauge",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
	// Every line is a comment or "name[{labels}] value": the format parses.
	line := regexp.MustCompile(`^(# (HELP|TYPE) [a-z_:]+ .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInfNa]+)$`)
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if !line.MatchString(l) {
			t.Errorf("not exposition format: %q", l)
		}
	}
	// Counting is incremental: a second scrape after one more event adds one.
	f.do("DELETE", "/v1/rents/"+itoa(b.ID), "shopx", "") // refused: stored; writes nothing
	f.locker.PickupByCode(context.Background(), "ZZZZ-ZZZY")
	if a := f.do("GET", "/metrics", "host", ""); !strings.Contains(string(a.body), "pudo_failed_codes_total 2\n") {
		t.Fatalf("second scrape:\n%s", a.body)
	}
}

func TestMetricNamesAreChecked(t *testing.T) {
	m := newMetrics(nil, nil)
	for _, bad := range []string{"", "9lives", `x{a=1}`, `x{a="b"`, "x y"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Counter(%q) did not panic", bad)
				}
			}()
			m.Counter(bad, "")
		}()
	}
	first, again := m.Counter("ok_total", ""), m.Counter("ok_total", "")
	if first != again {
		t.Fatal("the same name gave two counters")
	}
}
