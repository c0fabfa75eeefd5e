package core

import (
	"context"
	"errors"
	"testing"
	"time"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// collectOne seeds one demo parcel, collects it and returns the pickup.
func collectOne(t *testing.T, l *Locker) app.Pickup {
	t.Helper()
	parcels, err := l.SeedDemo(context.Background(), 1)
	if err != nil || len(parcels) != 1 {
		t.Fatalf("SeedDemo = %v, %v", parcels, err)
	}
	p, err := l.PickupByCode(context.Background(), parcels[0].Code)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		after time.Duration // time between collecting and the first reopen
		tries int
		want  []error
	}{
		{"within grace", 30 * time.Second, 1, []error{nil}},
		{"twice then no more", 10 * time.Second, 3, []error{nil, nil, app.ErrReopenClosed}},
		{"after grace", 61 * time.Second, 1, []error{app.ErrReopenClosed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, db, locks := newTestLockerOpts(t, Options{KioskID: "T1", ReopenGrace: time.Minute})
			clock := now
			db.Now = func() time.Time { return clock }
			p := collectOne(t, l)
			clock = clock.Add(tt.after)
			for i := range tt.tries {
				if _, err := p.Reopen(ctx); !errors.Is(err, tt.want[i]) {
					t.Fatalf("reopen %d = %v, want %v", i+1, err, tt.want[i])
				}
			}
			opened := 0
			for _, d := range locks.unlocked {
				if d == address(openedDoor(p)) {
					opened++
				}
			}
			wantOpened := 1
			for _, w := range tt.want {
				if w == nil {
					wantOpened++
				}
			}
			if opened != wantOpened {
				t.Fatalf("door %d opened %d times, want %d", openedDoor(p).ID, opened, wantOpened)
			}
		})
	}
}

// Once the door holds another parcel, the last shopper must not open it.
func TestReopenRefusedWhenTheDoorWasReused(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	p := collectOne(t, l)
	err := db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.CreateRent(storage.NewRent{DoorID: openedDoor(p).ID, State: storage.RentStored, ParcelRef: "NEXT"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	before := len(locks.unlocked)
	if _, err := p.Reopen(ctx); !errors.Is(err, app.ErrReopenClosed) {
		t.Fatalf("Reopen = %v, want ErrReopenClosed", err)
	}
	if len(locks.unlocked) != before {
		t.Fatal("the reused door opened")
	}
}

func TestReportProblem(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	if err := (&Pickup{l: l}).Report(ctx, app.ProblemEmpty); !errors.Is(err, app.ErrBadProblem) {
		t.Fatalf("report with nothing collected = %v", err)
	}
	p := collectOne(t, l)
	if err := p.Report(ctx, "broken"); !errors.Is(err, app.ErrBadProblem) {
		t.Fatalf("unknown problem = %v", err)
	}
	if err := p.Report(ctx, app.ProblemWrongParcel); err != nil {
		t.Fatal(err)
	}
	db.View(ctx, func(tx *storage.Tx) error {
		evs, err := tx.Events(0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		report, alert := evs[len(evs)-2], evs[len(evs)-1]
		if report.Kind != "rent.problem" || report.Detail != string(app.ProblemWrongParcel) || report.DoorID != openedDoor(p).ID {
			t.Fatalf("report event %+v", report)
		}
		if alert.Kind != "alert.door.wrong-parcel" || alert.DoorID != openedDoor(p).ID {
			t.Fatalf("alert event %+v", alert)
		}
		return nil
	})
}

// A wrong parcel goes back into its door: from then on the door holds a
// parcel no rent accounts for, so no drop-off may be given it until staff
// have looked inside; a door reported empty is kept for staff too (every
// report from a person is), until they look.
func TestWrongParcelKeepsItsDoorForStaff(t *testing.T) {
	ctx := context.Background()
	free := func(t *testing.T, db *storage.DB, door int64) bool {
		t.Helper()
		var ok bool
		db.View(ctx, func(tx *storage.Tx) error {
			ds, err := tx.FreeDoors(false, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				ok = ok || d.ID == door
			}
			return nil
		})
		return ok
	}
	for _, c := range []struct {
		problem  app.Problem
		keptFree bool
	}{{app.ProblemWrongParcel, false}, {app.ProblemEmpty, false}} {
		t.Run(string(c.problem), func(t *testing.T) {
			l, db, _ := newTestLocker(t)
			p := collectOne(t, l)
			if err := p.Report(ctx, c.problem); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Reopen(ctx); err != nil { // putting it back, or looking again
				t.Fatal(err)
			}
			if got := free(t, db, openedDoor(p).ID); got != c.keptFree {
				t.Fatalf("door %d free after the report and its opening: %v, want %v", openedDoor(p).ID, got, c.keptFree)
			}
			if err := l.clearDoor(ctx, "staff", openedDoor(p).ID, "looked inside"); err != nil {
				t.Fatal(err)
			}
			if !free(t, db, openedDoor(p).ID) {
				t.Fatalf("door %d still kept after staff cleared it", openedDoor(p).ID)
			}
		})
	}
}

func TestScreenSettingsSurviveARestart(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	if got, err := l.ScreenSettings(ctx); err != nil || got != "" {
		t.Fatalf("fresh locker: %q, %v", got, err)
	}
	for _, bad := range []string{"not json", "[1,2]", `{"a":"` + string(make([]byte, 5000)) + `"}`} {
		if err := l.SaveScreenSettings(ctx, bad); !errors.Is(err, app.ErrBadSetting) {
			t.Errorf("SaveScreenSettings(%.20q) = %v, want ErrBadSetting", bad, err)
		}
	}
	want := `{"Volume":40,"Languages":["en","pl"]}`
	if err := l.SaveScreenSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	again := New(db, &fakeLocks{}, l.secret, Options{}, l.log)
	if got, err := again.ScreenSettings(ctx); err != nil || got != want {
		t.Fatalf("after restart: %q, %v", got, err)
	}
	if _, err := again.currentRules(ctx); err != nil {
		t.Fatalf("rules with a screen setting stored: %v", err)
	}
}

// Force-opening one door asks the PIN again; wrong PINs count toward the
// staff lock like any other, and open nothing.
func TestStaffOpenDoorAsksThePINAgain(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	st := loginStaff(t, l)
	for i := range staffLockAfter - 1 {
		if _, err := st.OpenDoor(ctx, 3, "00000000", "check"); !errors.Is(err, app.ErrBadPIN) {
			t.Fatalf("wrong PIN %d: %v", i+1, err)
		}
	}
	if len(locks.unlocked) != 0 {
		t.Fatalf("a wrong PIN opened %v", locks.unlocked)
	}
	if _, err := st.OpenDoor(ctx, 3, DemoStaffPIN, "check"); err != nil {
		t.Fatal(err)
	}
	if len(locks.unlocked) != 1 {
		t.Fatalf("unlocks %v", locks.unlocked)
	}
	// The right PIN reset the count: four more wrong ones do not lock.
	for range staffLockAfter - 1 {
		st.OpenDoor(ctx, 3, "00000000", "check")
	}
	if _, err := st.OpenDoor(ctx, 3, DemoStaffPIN, "check"); err != nil {
		t.Fatalf("after the count was reset: %v", err)
	}
	for range staffLockAfter {
		st.OpenDoor(ctx, 3, "00000000", "check")
	}
	if _, err := st.OpenDoor(ctx, 3, DemoStaffPIN, "check"); !errors.Is(err, app.ErrStaffLocked) {
		t.Fatalf("after %d wrong PINs: %v, want ErrStaffLocked", staffLockAfter, err)
	}
}

// Wrong staff PINs at login count toward the PIN pad's guessing limit:
// the count is committed even though the login is refused, and the pause
// it brings is short.
func TestStaffLoginFailuresAreKept(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	clock := withClock(db)
	loginStaff(t, l)
	for i := range int(staffRule.burst) {
		if _, err := l.LoginStaff(ctx, "00000000"); !errors.Is(err, app.ErrBadPIN) {
			t.Fatalf("wrong PIN %d: %v", i+1, err)
		}
	}
	var lo *app.LockedOutError
	if _, err := l.LoginStaff(ctx, DemoStaffPIN); !errors.As(err, &lo) || lo.Until.Sub(clock.Now()) > staffRule.every {
		t.Fatalf("after %v wrong PINs: %v, want a *LockedOutError of at most 3 minutes", staffRule.burst, err)
	}
	clock.Add(lo.Until.Sub(clock.Now()))
	if _, err := l.LoginStaff(ctx, DemoStaffPIN); err != nil {
		t.Fatalf("when the pause ended: %v", err)
	}
}

func TestStaffCannotUnlockThemselves(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	st := loginStaff(t, l)
	if err := st.UnlockStaff(ctx, st.Name()); !errors.Is(err, app.ErrStaffLocked) {
		t.Fatalf("UnlockStaff(self) = %v, want ErrStaffLocked", err)
	}
	if err := l.AddStaff(ctx, "ben", "87654321"); err != nil {
		t.Fatal(err)
	}
	if err := st.UnlockStaff(ctx, "ben"); err != nil {
		t.Fatalf("UnlockStaff(other) = %v", err)
	}
}

func TestForcedOpenIsAnAlert(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, db, _ := newTestLocker(t)
	sub := l.Subscribe(ctx)
	for _, k := range []lockio.EventKind{lockio.EventForcedOpen, lockio.EventClosed} {
		l.handleDoorEvent(ctx, lockio.Event{Door: lockio.Door{Board: 1, Channel: 2}, Kind: k})
	}
	db.View(ctx, func(tx *storage.Tx) error {
		evs, _ := tx.Events(0, 10)
		if len(evs) != 2 || evs[0].Kind != "alert.door.forced-open" || evs[1].Kind != "door.closed" || evs[0].DoorID != 2 {
			t.Fatalf("events %+v", evs)
		}
		return nil
	})
	for _, want := range []app.NoticeKind{app.NoticeForcedOpen, app.NoticeClosed} {
		if n := <-sub; n.Kind != want || n.Door.ID != 2 {
			t.Fatalf("notice %v of door %d, want %v of door 2", n.Kind, n.Door.ID, want)
		}
	}
}
