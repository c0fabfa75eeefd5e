package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"pudo/app/central/fleettest"
	"pudo/app/central/pgtest"
	"pudo/app/central/store"
	"pudo/app/central/web"
	"pudo/app/fleet"
	"pudo/app/passhash"
)

var (
	pgOnce sync.Once
	pgSrv  *pgtest.Server
)

type keep struct{ *testing.T }

func (k *keep) Cleanup(func()) {}

func TestMain(m *testing.M) {
	code := m.Run()
	if pgSrv != nil {
		pgSrv.Close()
	}
	if code != 0 {
		panic(fmt.Sprintf("exit %d", code))
	}
}

// pg is the package's one PostgreSQL (TestMain stops it).
func pg(t *testing.T) *pgtest.Server {
	t.Helper()
	pgOnce.Do(func() { pgSrv = pgtest.Start(&keep{T: t}) })
	if pgSrv == nil {
		t.Skip("no PostgreSQL")
	}
	return pgSrv
}

// cheap keeps argon2id fast in tests; a hash records its own cost.
var cheap = passhash.Cost{Time: 1, Memory: 64, Threads: 1}

// site is the dashboard over a seeded database.
type site struct {
	t   *testing.T
	st  *store.Store
	srv *httptest.Server
}

const (
	operatorName, operatorPass = "anna", "anna-password-1"
	readerName, readerPass     = "rob", "rob-password-12"
)

func newSite(t *testing.T) *site {
	t.Helper()
	return newSiteLogging(t, fleettest.Log())
}

// newSiteLogging is newSite with the dashboard's log going to log.
func newSiteLogging(t *testing.T, log *slog.Logger) *site {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pg(t).NewDB(t), 8)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, a := range [][3]string{{operatorName, "operator", operatorPass}, {readerName, "read", readerPass}} {
		if _, err := st.AddOperator(ctx, a[0], a[1], passhash.Hash(a[2], cheap)); err != nil {
			t.Fatal(err)
		}
	}
	s, err := web.New(web.Config{}, st, log)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &site{t: t, st: st, srv: hs}
}

// demoColumns are the demo locker's columns: 24 doors.
var demoColumns = []string{"SSSSMM", "SSMMLL", "MMMLL", "SSSSSML"}

// seed fills central's database as a small fleet would: four lockers,
// one with doors in every state, one offline with a backlog, one with its
// lock bus down and its clock unsynchronised; alerts, events and parcels.
func (s *site) seed() {
	t, st := s.t, s.st
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	state := func(id, which string, v any) {
		b, _ := json.Marshal(v)
		must(st.SetState(ctx, id, which, b))
	}
	type lk struct {
		id      string
		online  bool
		changed time.Duration
		health  fleet.Health
		stored  int64
	}
	for _, l := range []lk{
		{"GDN-0101", true, 26 * time.Hour, fleet.Health{LockBus: "up", ClockSynced: true, LastSeq: 40}, 40},
		{"KRK-0007", true, 3 * time.Hour, fleet.Health{LockBus: "down", ClockSynced: false, LastSeq: 12, Faults: 2}, 12},
		{"WAW-0042", true, 50 * time.Minute, fleet.Health{LockBus: "up", ClockSynced: true, LastSeq: 29, Faults: 2}, 0},
		{"WAW-0043", false, 2 * time.Hour, fleet.Health{LockBus: "up", ClockSynced: true, LastSeq: 57}, 45},
	} {
		_, err := st.SetOnline(ctx, l.id, store.Online{Online: true, Birth: 1, Version: "1.4.2", Body: []byte(`{}`)})
		must(err)
		if !l.online {
			_, err = st.SetOnline(ctx, l.id, store.Online{Online: false, Birth: 1, Body: []byte(`{}`)})
			must(err)
		}
		l.health.Locker = l.id
		state(l.id, "health", l.health)
		defer func() {
			_, err = st.Pool().Exec(ctx, `UPDATE lockers SET online_changed = $2, last_seen = $3, health_at = $3, stored_through = greatest(stored_through, $4) WHERE id = $1`,
				l.id, now.Add(-l.changed), now.Add(-map[bool]time.Duration{true: 20 * time.Second, false: l.changed}[l.online]), l.stored)
			must(err)
		}()
	}
	// WAW-0042's doors: every state the grid draws, the parcels' rents
	// booked through central so they carry their references.
	var doors []fleet.Door
	free := map[string]int{}
	total := map[string]int{}
	id := int64(0)
	for c, col := range demoColumns {
		for r, size := range col {
			id++
			d := fleet.Door{ID: id, Size: string(size), Column: c + 1, Row: r + 1, State: "free", Sensor: "closed"}
			switch id {
			case 1, 6, 9, 14, 20:
				d.State, d.RentID = "stored", id*10
			case 3, 11:
				d.State, d.RentID = "reserved", id*10
			case 16:
				d.State, d.RentID, d.Sensor = "stored", id*10, "open"
			case 7:
				d.Sensor = "open"
			case 8:
				d.Fault = true
			case 12:
				d.State, d.Fault = "out_of_service", true
			case 17:
				d.State = "out_of_service"
			case 22:
				d.Sensor = "unknown"
			}
			total[d.Size]++
			if d.State == "free" && !d.Fault {
				free[d.Size]++
			}
			doors = append(doors, d)
		}
	}
	state("WAW-0042", "doors", fleet.Doors{Locker: "WAW-0042", At: now.Add(-40 * time.Second), Doors: doors})
	state("WAW-0043", "doors", fleet.Doors{Locker: "WAW-0043", At: now.Add(-2 * time.Hour), Doors: doors[:12]})
	for _, l := range []string{"WAW-0042", "GDN-0101", "KRK-0007", "WAW-0043"} {
		f := map[string]int{"S": free["S"], "M": free["M"], "L": free["L"]}
		if l == "KRK-0007" {
			f = map[string]int{"S": 4, "M": 0, "L": 1}
		}
		state(l, "capacity", fleet.Capacity{Locker: l, At: now.Add(-time.Minute), Free: f, Total: total})
	}
	var evs []store.Event
	seq := int64(0)
	add := func(kind, actor string, rent, door int64, detail string) {
		seq++
		body, _ := json.Marshal(map[string]any{"seq": seq, "kind": kind})
		evs = append(evs, store.Event{Locker: "WAW-0042", Seq: seq, At: now.Add(time.Duration(seq-40) * time.Minute), Boot: 3, ClockSynced: true,
			Kind: kind, Actor: actor, RentID: rent, DoorID: door, Detail: detail, Body: body})
	}
	for _, d := range []int64{1, 3, 6, 9, 11, 14, 16, 20} {
		att := fmt.Sprintf("bk_demo%d@WAW-0042", d)
		v, err := st.NextVersion(ctx, "WAW-0042")
		must(err)
		must(st.AddCommand(ctx, store.Command{ID: "c" + att, Locker: "WAW-0042", Name: "book", BookingID: att, Version: v, IssuedAt: now,
			ExpiresAt: now.Add(time.Hour), Payload: []byte(`{}`)}, &store.Booking{ID: att, Size: "M", ParcelRef: fmt.Sprintf("SHOPX-10%02d", d)}))
		must(st.SetResult(ctx, store.Result{CommandID: "c" + att, Locker: "WAW-0042", Name: "book", Status: "ok", BookingID: att,
			RentID: d * 10, DoorID: d, Body: []byte(`{}`)}))
		add("rent.booked", "backoffice", d*10, d, "")
		if d != 3 && d != 11 {
			add("courier.login", "courier:anna", 0, 0, "")
			add("door.open", "courier:anna", d*10, d, "drop-off")
			add("rent.stored", "courier:anna", d*10, d, "")
		}
	}
	add("door.open.failed", "system", 0, 8, "the lock board did not confirm")
	add("door.out-of-service", "staff:maria", 0, 12, "hinge broken")
	add("code.wrong", "shopper", 0, 0, "")
	_, err := st.StoreEvents(ctx, evs)
	must(err)
	for _, a := range [][4]string{
		{"WAW-0043", "offline", "", "offline for 2 h (last seen " + now.Add(-2*time.Hour).Format("15:04") + ")"},
		{"WAW-0043", "backlog", "", "57 events at the locker, 0 stored here"},
		{"KRK-0007", "lockbus", "", "the lock bus is down"},
		{"KRK-0007", "clock", "", "the locker's clock is not synchronised"},
		{"WAW-0042", "doors", "8", "alert.door.did-not-open: door 8"},
		{"WAW-0042", "doors", "12", "door 12 out of service: hinge broken"},
	} {
		_, err := st.RaiseAlert(ctx, a[0], a[1], a[2], a[3])
		must(err)
	}
}
