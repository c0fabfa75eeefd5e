package storage

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/schema.sql")

func mustOpen(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(context.Background(), filepath.Join(tb.TempDir(), "rent.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustUpdate(t *testing.T, db *DB, fn func(*Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

var testDoors = []Door{
	{ID: 1, Board: 1, Channel: 1, Size: "S", Col: 1, Row: 1},
	{ID: 2, Board: 1, Channel: 2, Size: "M", Col: 1, Row: 2, Low: true},
	{ID: 3, Board: 1, Channel: 3, Size: "L", Col: 1, Row: 3, Low: true},
}

// schema dumps the schema this package owns; the API's tables (api_*, from
// migration 0050) and the fleet link's (fleet_*, from 0070) are theirs to
// test.
func schema(t *testing.T, db *DB) string {
	t.Helper()
	rows, err := db.sql.Query(`SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(name, "api_") || strings.HasPrefix(name, "sqlite_autoindex_api_") ||
			strings.HasPrefix(name, "fleet_") || strings.HasPrefix(name, "sqlite_autoindex_fleet_") {
			continue
		}
		b.WriteString(sql + ";\n\n")
	}
	return b.String()
}

func TestSchemaGolden(t *testing.T) {
	got := schema(t, mustOpen(t))
	golden := filepath.Join("testdata", "schema.sql")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("schema differs from %s (run go test ./storage -run Golden -update):\n%s", golden, got)
	}
}

func TestMigrateTwiceIsNoop(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rent.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	before := schema(t, db)
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if after := schema(t, db); after != before {
		t.Fatal("a second Open changed the schema")
	}
}

func TestPragmas(t *testing.T) {
	db := mustOpen(t)
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1"} {
		var got string
		if err := db.sql.QueryRow(`PRAGMA ` + pragma).Scan(&got); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", pragma, got, err, want)
		}
	}
}

func TestSchemaRefusesTwoActiveRentsInOneDoor(t *testing.T) {
	db := mustOpen(t)
	mustUpdate(t, db, func(tx *Tx) error { return tx.SyncDoors(testDoors) })
	mustUpdate(t, db, func(tx *Tx) error {
		_, err := tx.CreateRent(NewRent{DoorID: 1, State: RentStored})
		return err
	})
	for _, st := range []RentState{RentReserved, RentStored} {
		err := db.Update(context.Background(), func(tx *Tx) error {
			_, err := tx.CreateRent(NewRent{DoorID: 1, State: st})
			return err
		})
		if !errors.Is(err, ErrDoorTaken) {
			t.Fatalf("second %s rent in door 1: %v", st, err)
		}
	}
	// Even bypassing CreateRent, the index says no.
	_, err := db.sql.Exec(`INSERT INTO rents (door_id, state, created_at) VALUES (1, 'expired', 0)`)
	if err == nil {
		t.Fatal("the schema took a second active rent")
	}
	// Moving a rent onto a taken door fails the same way.
	mustUpdate(t, db, func(tx *Tx) error {
		_, err := tx.CreateRent(NewRent{DoorID: 2, State: RentReserved})
		return err
	})
	err = db.Update(context.Background(), func(tx *Tx) error { return tx.MoveDoor(2, 2, 1) })
	if !errors.Is(err, ErrDoorTaken) {
		t.Fatalf("MoveDoor onto a taken door: %v", err)
	}
}

func TestMoveRentIsGuarded(t *testing.T) {
	db := mustOpen(t)
	mustUpdate(t, db, func(tx *Tx) error { return tx.SyncDoors(testDoors) })
	mustUpdate(t, db, func(tx *Tx) error {
		_, err := tx.CreateRent(NewRent{DoorID: 1, State: RentStored})
		return err
	})
	mustUpdate(t, db, func(tx *Tx) error { return tx.MoveRent(1, RentStored, RentCollected) })
	err := db.Update(context.Background(), func(tx *Tx) error { return tx.MoveRent(1, RentStored, RentCollected) })
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("second collect: %v", err)
	}
}

func TestFreeDoor(t *testing.T) {
	db := mustOpen(t)
	mustUpdate(t, db, func(tx *Tx) error { return tx.SyncDoors(testDoors) })
	for _, tt := range []struct {
		size      string
		preferLow bool
		except    []int64
		want      int64
	}{
		{"S", false, nil, 1},
		{"S", true, nil, 2},
		{"M", false, nil, 2},
		{"M", false, []int64{2}, 3},
		{"L", false, nil, 3},
		{"S", false, []int64{1, 2}, 3},
	} {
		mustUpdate(t, db, func(tx *Tx) error {
			d, err := tx.FreeDoor(tt.size, tt.preferLow, tt.except)
			if err != nil || d.ID != tt.want {
				t.Errorf("FreeDoor(%s, low=%v, except %v) = %d, %v; want %d", tt.size, tt.preferLow, tt.except, d.ID, err, tt.want)
			}
			return nil
		})
	}
	// A faulty door, or one whose opening is unsettled, may hold a parcel
	// nobody has a record for: it is never free.
	mustUpdate(t, db, func(tx *Tx) error { return tx.SetFault(1, "did not open") })
	mustUpdate(t, db, func(tx *Tx) error { _, err := tx.OpenIntent(2, 0, "staff"); return err })
	mustUpdate(t, db, func(tx *Tx) error {
		if d, err := tx.FreeDoor("S", false, nil); err != nil || d.ID != 3 {
			t.Errorf("FreeDoor with door 1 faulty and door 2 opening = %d, %v; want 3", d.ID, err)
		}
		return nil
	})
	mustUpdate(t, db, func(tx *Tx) error { return tx.SetOutOfService(3, true, "broken") })
	err := db.View(context.Background(), func(tx *Tx) error {
		_, err := tx.FreeDoor("L", false, nil)
		return err
	})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("FreeDoor L with the only L door out of service: %v", err)
	}
}

// Of one size the lowest free door comes first: low doors, then the lower
// rows, never the top of a column while a lower one is free.
func TestFreeDoorLowestFirst(t *testing.T) {
	db := mustOpen(t)
	mustUpdate(t, db, func(tx *Tx) error {
		return tx.SyncDoors([]Door{
			{ID: 1, Board: 1, Channel: 1, Size: "S", Col: 1, Row: 1},
			{ID: 2, Board: 1, Channel: 2, Size: "S", Col: 1, Row: 2},
			{ID: 3, Board: 1, Channel: 3, Size: "M", Col: 1, Row: 3, Low: true},
			{ID: 4, Board: 1, Channel: 4, Size: "S", Col: 2, Row: 1},
			{ID: 5, Board: 1, Channel: 5, Size: "S", Col: 2, Row: 3, Low: true},
		})
	})
	for _, tt := range []struct {
		low  bool
		want []int64
	}{{false, []int64{5, 2, 1, 4, 3}}, {true, []int64{5, 3, 2, 1, 4}}} {
		mustUpdate(t, db, func(tx *Tx) error {
			ds, err := tx.FreeDoors(tt.low, nil)
			var got []int64
			for _, d := range ds {
				got = append(got, d.ID)
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("FreeDoors(low=%v) = %v, %v; want %v", tt.low, got, err, tt.want)
			}
			return nil
		})
	}
}

func TestPruneAnchorsTheChain(t *testing.T) {
	db := mustOpen(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	for i := range 10 {
		mustUpdate(t, db, func(tx *Tx) error {
			_, err := tx.Append(Event{Actor: "system", Kind: "test", Detail: string(rune('a' + i))})
			return err
		})
		now = now.Add(24 * time.Hour)
	}
	mustUpdate(t, db, func(tx *Tx) error {
		p, err := tx.Prune(now.Add(-5*24*time.Hour), Keep{})
		if err != nil || p.Events != 5 {
			t.Errorf("Prune = %+v, %v; want 5 events", p, err)
		}
		return nil
	})
	verify := func() (int64, error) {
		var n int64
		err := db.View(context.Background(), func(tx *Tx) (err error) { n, err = tx.VerifyChain(); return err })
		return n, err
	}
	if n, err := verify(); err != nil || n != 5 {
		t.Fatalf("VerifyChain after prune = %d, %v", n, err)
	}
	// Someone else removing the retained head is noticed.
	if _, err := db.sql.Exec(`DELETE FROM events WHERE seq = (SELECT min(seq) FROM events)`); err != nil {
		t.Fatal(err)
	}
	if _, err := verify(); !errors.Is(err, ErrChainBroken) {
		t.Fatalf("VerifyChain after tampering = %v", err)
	}
}

func TestEventsAreAppendOnly(t *testing.T) {
	db := mustOpen(t)
	mustUpdate(t, db, func(tx *Tx) error {
		_, err := tx.Append(Event{Actor: "system", Kind: "test"})
		return err
	})
	if _, err := db.sql.Exec(`UPDATE events SET detail = 'x'`); err == nil {
		t.Fatal("an event was edited")
	}
}

func TestPauseShiftsExpiry(t *testing.T) {
	db := mustOpen(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	mustUpdate(t, db, func(tx *Tx) error { return tx.SyncDoors(testDoors) })
	mustUpdate(t, db, func(tx *Tx) error {
		_, err := tx.CreateRent(NewRent{DoorID: 1, State: RentStored, ExpiresAt: now.Add(time.Hour)})
		return err
	})
	mustUpdate(t, db, func(tx *Tx) error { return tx.SetFault(1, "did not open") })
	now = now.Add(3 * time.Hour)
	mustUpdate(t, db, func(tx *Tx) error {
		if due, _ := tx.DueToExpire(RentStored, RentReserved); len(due) != 0 {
			t.Errorf("due while paused: %v", due)
		}
		return tx.SetFault(1, "")
	})
	mustUpdate(t, db, func(tx *Tx) error {
		r, _ := tx.Rent(1)
		if want := time.Date(2026, 1, 1, 4, 0, 0, 0, time.UTC); !r.ExpiresAt.Equal(want) {
			t.Errorf("expiry after a 3 h pause = %v, want %v", r.ExpiresAt, want)
		}
		return nil
	})
}

func TestGuessBucketPersists(t *testing.T) {
	db := mustOpen(t)
	at := time.Date(2026, 1, 1, 0, 15, 0, 0, time.UTC)
	b := GuessBucket{Scope: "code", Tokens: 2.5, At: at, Wrong: 12, Trips: 1, FirstTrip: at, LastTrip: at}
	mustUpdate(t, db, func(tx *Tx) error {
		if got, err := tx.GuessBucket("code"); err != nil || !got.At.IsZero() {
			t.Errorf("never written: %+v, %v; want a zero At", got, err)
		}
		return tx.SetGuessBucket(b)
	})
	mustUpdate(t, db, func(tx *Tx) error {
		got, err := tx.GuessBucket("code")
		if err != nil || got != b {
			t.Errorf("GuessBucket = %+v, %v; want %+v", got, err, b)
		}
		all, err := tx.GuessBuckets()
		if err != nil || len(all) != 1 || all[0] != b {
			t.Errorf("GuessBuckets = %+v, %v", all, err)
		}
		return nil
	})
}

func TestRevocationsReplace(t *testing.T) {
	db := mustOpen(t)
	mustUpdate(t, db, func(tx *Tx) error {
		if v, list, err := tx.Revocations(); v != 0 || list != nil || err != nil {
			t.Errorf("none yet: %d %q %v", v, list, err)
		}
		if err := tx.SetRevocations(3, []byte(`{"version":3}`)); err != nil {
			return err
		}
		return tx.SetRevocations(4, []byte(`{"version":4}`))
	})
	mustUpdate(t, db, func(tx *Tx) error {
		if v, list, err := tx.Revocations(); v != 4 || string(list) != `{"version":4}` || err != nil {
			t.Errorf("Revocations = %d %q %v", v, list, err)
		}
		return nil
	})
}

func TestCheckInvariants(t *testing.T) {
	db := mustOpen(t)
	mustUpdate(t, db, func(tx *Tx) error { return tx.SyncDoors(testDoors) })
	mustUpdate(t, db, func(tx *Tx) error {
		if _, err := tx.CreateRent(NewRent{DoorID: 1, State: RentStored}); err != nil {
			return err
		}
		return tx.CheckInvariants()
	})
	// A rent collected with no door opening on record is reported.
	mustUpdate(t, db, func(tx *Tx) error { return tx.MoveRent(1, RentStored, RentCollected) })
	err := db.View(context.Background(), func(tx *Tx) error { return tx.CheckInvariants() })
	if !errors.Is(err, ErrInvariant) {
		t.Fatalf("CheckInvariants = %v", err)
	}
}

// Prune keeps an old ended rent whose door opening staff have not checked,
// and the opening with it.
func TestPruneKeepsFlaggedOpenings(t *testing.T) {
	db := mustOpen(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	mustUpdate(t, db, func(tx *Tx) error { return tx.SyncDoors(testDoors) })
	var flagged, plain, newest int64
	for i, id := range []*int64{&flagged, &plain, &newest} {
		mustUpdate(t, db, func(tx *Tx) error {
			r, err := tx.CreateRent(NewRent{DoorID: 1, State: RentStored})
			if err != nil {
				return err
			}
			*id = r.ID
			open, err := tx.OpenIntent(1, r.ID, "pickup")
			if err != nil {
				return err
			}
			if i == 0 {
				if err := tx.FlagOpen(open, "open"); err != nil {
					return err
				}
			} else if err := tx.EndOpen(open, "opened", "seen-open"); err != nil {
				return err
			}
			return tx.MoveRent(r.ID, RentStored, RentCollected)
		})
	}
	now = now.Add(200 * 24 * time.Hour)
	mustUpdate(t, db, func(tx *Tx) error {
		p, err := tx.Prune(now.Add(-90*24*time.Hour), Keep{})
		if err != nil || p.Rents != 1 {
			t.Errorf("Prune = %+v, %v; want only the unflagged old rent", p, err)
		}
		if _, err := tx.Rent(flagged); err != nil {
			t.Errorf("the rent with a flagged opening was pruned: %v", err)
		}
		if _, err := tx.Rent(plain); !errors.Is(err, ErrNotFound) {
			t.Errorf("the plain old rent was kept: %v", err)
		}
		return nil
	})
}

// Events a reader has not delivered stay past the cut, up to Keep.Max of
// them; past that the oldest go, and Prune says which. The chain verifies
// from whatever stays.
func TestPruneKeepsUndelivered(t *testing.T) {
	for _, tt := range []struct {
		name             string
		keep             Keep
		events, held     int64
		dropFrom, dropTo int64
		first            int64 // the oldest event left
	}{
		{"no reader", Keep{}, 5, 0, 0, 0, 6},
		{"all delivered", Keep{From: 9, Max: 100}, 5, 0, 0, 0, 6},
		{"reader at 3", Keep{From: 3, Max: 100}, 2, 3, 0, 0, 3},
		{"reader at 3, room for 2", Keep{From: 3, Max: 2}, 3, 2, 3, 3, 4},
		{"reader never delivered, room for 1", Keep{From: 1, Max: 1}, 4, 1, 1, 4, 5},
		{"reader never delivered, no bound", Keep{From: 1}, 0, 5, 0, 0, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := mustOpen(t)
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			db.Now = func() time.Time { return now }
			for range 10 {
				mustUpdate(t, db, func(tx *Tx) error {
					_, err := tx.Append(Event{Actor: "system", Kind: "test"})
					return err
				})
				now = now.Add(24 * time.Hour)
			}
			// Events 1..5 are older than the cut.
			mustUpdate(t, db, func(tx *Tx) error {
				p, err := tx.Prune(now.Add(-5*24*time.Hour), tt.keep)
				if err != nil || p.Events != tt.events || p.Held != tt.held || p.DroppedFrom != tt.dropFrom || p.DroppedTo != tt.dropTo {
					t.Errorf("Prune = %+v, %v; want %d events gone, %d held, dropped %d..%d", p, err, tt.events, tt.held, tt.dropFrom, tt.dropTo)
				}
				evs, err := tx.Events(0, 100)
				if err != nil || len(evs) == 0 || evs[0].Seq != tt.first {
					t.Errorf("oldest event left: %v, %v; want %d", evs, err, tt.first)
				}
				return nil
			})
			err := db.View(context.Background(), func(tx *Tx) error { _, err := tx.VerifyChain(); return err })
			if err != nil {
				t.Fatalf("VerifyChain = %v", err)
			}
		})
	}
}
