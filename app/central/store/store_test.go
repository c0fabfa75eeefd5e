package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"pudo/app/central/pgtest"
	"pudo/app/central/store"
)

var (
	pgOnce sync.Once
	pgSrv  *pgtest.Server
)

// open gives each test a fresh, migrated database on one server per
// package run.
func open(t *testing.T) *store.Store {
	t.Helper()
	pgOnce.Do(func() { pgSrv = pgtest.Start(&keep{T: t}) })
	if pgSrv == nil {
		t.Skip("no PostgreSQL")
	}
	ctx := context.Background()
	s, err := store.Open(ctx, pgSrv.NewDB(t), 8)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// keep hands the first test's T to pgtest but keeps the server for the
// whole package: TestMain stops it.
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

func ev(locker string, seq int64) store.Event {
	return store.Event{Locker: locker, Seq: seq, At: time.Now(), Kind: "door.opened", Body: []byte(fmt.Sprintf(`{"seq":%d}`, seq))}
}

func TestMigrateTwiceAppliesOnce(t *testing.T) {
	s := open(t)
	got, err := s.Migrate(context.Background())
	if err != nil || len(got) != 0 {
		t.Fatalf("second migrate applied %v, %v; want nothing", got, err)
	}
}

// Events come in any order, twice, from several writers at once: each
// (locker, seq) is stored once, and what follows from them is applied in
// seq order as the holes fill.
func TestEventsOnceInOrderWhateverTheArrival(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	const lockers, per = 5, 200
	var all []store.Event
	for l := range lockers {
		for q := int64(1); q <= per; q++ {
			e := ev(fmt.Sprintf("L%d", l), q)
			all = append(all, e, e) // every event twice
		}
	}
	rand.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	var mu sync.Mutex
	applied := map[string][]int64{}
	stored := 0
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w * 10; i < len(all); i += 40 {
				b, err := s.StoreEvents(ctx, all[i:min(i+10, len(all))])
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				stored += b.Stored
				for _, e := range b.Applied {
					applied[e.Locker] = append(applied[e.Locker], e.Seq)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if stored != lockers*per {
		t.Errorf("stored %d events, want %d", stored, lockers*per)
	}
	for l := range lockers {
		id := fmt.Sprintf("L%d", l)
		got := applied[id]
		if len(got) != per {
			t.Fatalf("%s: %d applied, want %d", id, len(got), per)
		}
		for i, q := range got {
			if q != int64(i+1) {
				t.Fatalf("%s: applied out of order at %d: %v", id, i, got[max(0, i-3):i+1])
			}
		}
		lk, err := s.GetLocker(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if lk.StoredThrough != per || lk.Ahead != 0 || lk.Duplicates != per {
			t.Errorf("%s: through %d ahead %d duplicates %d; want %d 0 %d", id, lk.StoredThrough, lk.Ahead, lk.Duplicates, per, per)
		}
		evs, err := s.Events(ctx, id, 0, 1000)
		if err != nil || len(evs) != per {
			t.Fatalf("%s: %d rows in events (%v), want %d", id, len(evs), err, per)
		}
	}
}

func TestHoleIsAGap(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	if _, err := s.StoreEvents(ctx, []store.Event{ev("A", 1), ev("A", 2), ev("A", 5)}); err != nil {
		t.Fatal(err)
	}
	gaps, err := s.Gaps(ctx, time.Now().Add(time.Hour), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(gaps) != 1 || gaps[0].Locker != "A" || gaps[0].StoredThrough != 2 || gaps[0].Upto != 5 {
		t.Fatalf("gaps %+v; want A stored through 2, up to 5", gaps)
	}
	b, err := s.StoreEvents(ctx, []store.Event{ev("A", 4), ev("A", 3)})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Applied) != 3 || b.Applied[2].Seq != 5 || b.Cursors[0].StoredThrough != 5 || b.Cursors[0].Ahead != 0 {
		t.Fatalf("after the hole filled: %+v", b)
	}
}

func TestStateMessagesAreKept(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	for _, which := range []string{"health", "doors", "capacity"} {
		if err := s.SetState(ctx, "A", which, []byte(`{"locker":"A","last_seq":3}`)); err != nil {
			t.Fatalf("%s: %v", which, err)
		}
	}
	l, err := s.GetLocker(ctx, "A")
	if err != nil || l.Health == nil || l.Capacity == nil {
		t.Fatalf("locker A: %+v, %v", l, err)
	}
	if fresh, err := s.SetOnline(ctx, "A", store.Online{Online: true, Birth: 2, Body: []byte(`{}`)}); err != nil || !fresh {
		t.Fatalf("birth: changed %v, %v", fresh, err)
	}
	// A late Will (an older birth) does not take the locker offline.
	if changed, err := s.SetOnline(ctx, "A", store.Online{Online: false, Birth: 1, Body: []byte(`{}`)}); err != nil || changed {
		t.Fatalf("late will: changed %v, %v", changed, err)
	}
	if l, _ := s.GetLocker(ctx, "A"); !l.Online {
		t.Fatal("a late Will took the locker offline")
	}
}
