package monitor

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"pudo/app/central/pgtest"
	"pudo/app/central/store"
)

// The rules raise each alert once while its cause lasts and clear it when
// the cause is gone; a refused body stays until an operator clears it.
func TestAlertRules(t *testing.T) {
	pg := pgtest.Start(t)
	ctx := context.Background()
	st, err := store.Open(ctx, pg.NewDB(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := New(st, Rules{OfflineAfter: 10 * time.Minute, BacklogOver: 5}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	st.SetOnline(ctx, "A", store.Online{Online: true, Birth: 1, Body: []byte(`{}`)})
	st.SetOnline(ctx, "A", store.Online{Online: false, Birth: 1, Body: []byte(`{}`)})
	st.SetState(ctx, "A", "health", []byte(`{"locker":"A","last_seq":50,"faults":2,"clock_synced":false,"lock_bus":"up"}`))
	st.CountRefused(ctx, "A", 1)
	kinds := func() []string {
		as, err := st.OpenAlerts(ctx, "A", 100)
		if err != nil {
			t.Fatal(err)
		}
		var ks []string
		for _, a := range as {
			ks = append(ks, a.Kind)
		}
		return ks
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.Check(ctx))
	got := strings.Join(kinds(), ",")
	for _, k := range []string{"backlog", "doors", "clock", "refused"} {
		if !strings.Contains(got, k) {
			t.Errorf("alert %s missing: %s", k, got)
		}
	}
	if strings.Contains(got, "offline") {
		t.Errorf("offline raised before 10 minutes: %s", got)
	}
	w.now = func() time.Time { return time.Now().Add(11 * time.Minute) }
	must(w.Check(ctx))
	must(w.Check(ctx))
	if got := strings.Count(strings.Join(kinds(), ","), "offline"); got != 1 {
		t.Errorf("offline raised %d times, want once", got)
	}
	st.SetOnline(ctx, "A", store.Online{Online: true, Birth: 2, Body: []byte(`{}`)})
	st.SetState(ctx, "A", "health", []byte(`{"locker":"A","last_seq":0,"faults":0,"clock_synced":true,"lock_bus":"up"}`))
	must(w.Check(ctx))
	if got := strings.Join(kinds(), ","); got != "refused" {
		t.Errorf("after the causes went: %s, want only refused", got)
	}
	rec := httptest.NewRecorder()
	Metrics(st, "1", nil).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{`pudo_central_locker_online{locker="A"} 1`, `pudo_central_alerts_open{kind="refused"} 1`, "pudo_central_lockers 1"} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %q:\n%s", want, rec.Body.String())
		}
	}
}

// An open alert's text follows its cause: a backlog that grew says how
// far it grew, not the count when it opened.
func TestAlertTextFollowsItsCause(t *testing.T) {
	pg := pgtest.Start(t)
	ctx := context.Background()
	st, err := store.Open(ctx, pg.NewDB(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := New(st, Rules{OfflineAfter: 10 * time.Minute, BacklogOver: 5}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	backlog := func(last string) string {
		t.Helper()
		st.SetState(ctx, "B", "health", []byte(`{"locker":"B","last_seq":`+last+`,"clock_synced":true,"lock_bus":"up"}`))
		if err := w.Check(ctx); err != nil {
			t.Fatal(err)
		}
		as, _ := st.OpenAlerts(ctx, "B", 10)
		for _, a := range as {
			if a.Kind == "backlog" {
				return a.Message
			}
		}
		return ""
	}
	if m := backlog("50"); !strings.HasPrefix(m, "50 events") {
		t.Fatalf("backlog alert %q; want 50 events", m)
	}
	if m := backlog("90000"); !strings.HasPrefix(m, "90000 events") {
		t.Fatalf("the grown backlog's alert still says %q", m)
	}
}

// A locker enrolled and never connected is not offline: no offline
// alert however long it stays so, and /metrics gives it no online 0 (an
// offline reading) and no backlog, but counts it as never connected.
func TestNeverConnectedIsNotOffline(t *testing.T) {
	pg := pgtest.Start(t)
	ctx := context.Background()
	st, err := store.Open(ctx, pg.NewDB(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCertificate(ctx, "NEW", "0a", time.Now().Add(90*24*time.Hour), true); err != nil {
		t.Fatal(err)
	}
	w := New(st, Rules{OfflineAfter: time.Minute}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.now = func() time.Time { return time.Now().Add(24 * time.Hour) }
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if as, err := st.OpenAlerts(ctx, "NEW", 10); err != nil || len(as) != 0 {
		t.Fatalf("alerts of a locker never connected: %v %v", as, err)
	}
	rec := httptest.NewRecorder()
	Metrics(st, "1", nil).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, bad := range []string{`pudo_central_locker_online{locker="NEW"}`, `pudo_central_locker_backlog{locker="NEW"}`} {
		if strings.Contains(body, bad) {
			t.Errorf("/metrics has %s for a locker never connected:\n%s", bad, body)
		}
	}
	if !strings.Contains(body, "pudo_central_lockers_never_connected 1\n") {
		t.Errorf("/metrics does not count the locker never connected:\n%s", body)
	}
}
