package core

import (
	"context"
	"errors"
	"image"
	"testing"
	"time"

	"pudo/app"
	"pudo/lockio"
)

type fakeReaders []app.ReaderStatus

func (r fakeReaders) Status() []app.ReaderStatus { return r }
func (fakeReaders) LastFrame() image.Image       { return nil }

func checksOf(rep app.SelfTestReport, kind app.CheckKind) (ok, failed int) {
	for _, c := range rep.Checks {
		if c.Kind != kind {
			continue
		}
		if c.OK {
			ok++
		} else {
			failed++
		}
	}
	return ok, failed
}

func TestSelfTestPassesAHealthyLocker(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	l.SetReaders(fakeReaders{{Name: "camera", Up: true}})
	rep, err := l.SelfTest(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("SelfTest = %+v, %v", rep, err)
	}
	for _, k := range []app.CheckKind{app.CheckBoard, app.CheckDoor, app.CheckReader, app.CheckDatabase, app.CheckEvents, app.CheckDisk, app.CheckClock} {
		if ok, _ := checksOf(rep, k); ok == 0 {
			t.Errorf("no passing %s check", k)
		}
	}
	if ok, _ := checksOf(rep, app.CheckDoor); ok != 24 {
		t.Errorf("%d doors checked, want 24", ok)
	}
	if n := len(eventsOfKind(t, l, string(app.EvSelfTestPassed))); n != 1 {
		t.Fatalf("%d passed events", n)
	}
	if last := l.LastSelfTest(); last == nil || !last.OK() {
		t.Fatalf("LastSelfTest = %+v", last)
	}
}

// A failing empty door goes out of service with the reason; a failing
// door with a parcel stays in service (its recipient must get it), and
// every failure is in the report and the alert.
func TestSelfTestTakesFailingEmptyDoorsOut(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	parcels, _ := l.SeedDemo(ctx, 1)
	full := doorOf(t, l, parcels[0].DoorID)
	empty := doorOf(t, l, parcels[0].DoorID%24+1)
	locks.sensors = map[lockio.Door]lockio.Sensor{address(full): lockio.SensorOpen, address(empty): lockio.SensorOpen}
	l.SetReaders(fakeReaders{{Name: "serial", Up: false, Detail: "no device"}})
	rep, err := l.SelfTest(ctx)
	if err != nil || rep.OK() {
		t.Fatalf("SelfTest = %+v, %v; want failures", rep, err)
	}
	if _, failed := checksOf(rep, app.CheckDoor); failed != 2 {
		t.Fatalf("%d failing door checks, want 2", failed)
	}
	if _, failed := checksOf(rep, app.CheckReader); failed != 1 {
		t.Fatalf("%d failing reader checks, want 1", failed)
	}
	if d := doorOf(t, l, empty.ID); !d.OutOfService || d.OOSReason == "" {
		t.Fatalf("empty failing door %+v still in service", d)
	}
	if d := doorOf(t, l, full.ID); d.OutOfService {
		t.Fatalf("door %d with a parcel taken out of service", d.ID)
	}
	if n := len(eventsOfKind(t, l, string(app.EvSelfTestFailed))); n != 1 {
		t.Fatalf("%d failed events", n)
	}
	if len(locks.unlocked) != 0 {
		t.Fatal("the self-test opened a door")
	}
}

// A sensor that changed without a command since the last run fails its
// door's sensor check.
func TestSelfTestNamesUncommandedSensorChanges(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	l.handleDoorEvent(ctx, lockio.Event{Door: lockio.Door{Board: 1, Channel: 5}, Kind: lockio.EventForcedOpen, Sensor: lockio.SensorOpen})
	rep, err := l.SelfTest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Checks {
		if c.Kind == app.CheckSensor && c.DoorID == 5 && !c.OK {
			return
		}
	}
	t.Fatalf("no failing sensor check for door 5: %+v", rep.Checks)
}

func TestNextSelfTest(t *testing.T) {
	at := 3*time.Hour + 30*time.Minute
	loc := time.FixedZone("here", 3600)
	for _, tt := range []struct{ now, want time.Time }{
		{time.Date(2026, 3, 1, 1, 0, 0, 0, loc), time.Date(2026, 3, 1, 3, 30, 0, 0, loc)},
		{time.Date(2026, 3, 1, 3, 30, 0, 0, loc), time.Date(2026, 3, 2, 3, 30, 0, 0, loc)},
		{time.Date(2026, 3, 1, 23, 0, 0, 0, loc), time.Date(2026, 3, 2, 3, 30, 0, 0, loc)},
	} {
		if got := NextSelfTest(tt.now, at); !got.Equal(tt.want) {
			t.Errorf("NextSelfTest(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
}

// "Test empty doors": each empty door opens through the one mechanism,
// waits for the technician to close it and is recorded good; a door whose
// latch sticks is recorded faulty and taken out of service.
func TestDoorTest(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	clock := withClock(db)
	parcels, _ := l.SeedDemo(ctx, 22) // two doors stay empty
	st := loginStaff(t, l)
	used := map[int64]bool{}
	for _, p := range parcels {
		used[p.DoorID] = true
	}
	var empty []int64
	for id := int64(1); id <= 24; id++ {
		if !used[id] {
			empty = append(empty, id)
		}
	}
	if _, err := st.TestEmptyDoors(ctx, "00000000"); !errors.Is(err, app.ErrBadPIN) {
		t.Fatalf("wrong PIN: %v", err)
	}
	dt, err := st.TestEmptyDoors(ctx, DemoStaffPIN)
	if err != nil || len(dt.Results()) != 2 {
		t.Fatalf("TestEmptyDoors = %v, %v; want the 2 empty doors", dt, err)
	}
	good, stuck := doorOf(t, l, empty[0]), doorOf(t, l, empty[1])
	locks.stuck = map[lockio.Door]bool{address(stuck): true}

	o, err := dt.Next(ctx)
	if err != nil || o.DoorID != good.ID || o.Outcome != app.OutcomeOpened {
		t.Fatalf("first Next = %+v, %v", o, err)
	}
	if _, err := dt.Next(ctx); !errors.Is(err, app.ErrDoorStillOpen) {
		t.Fatalf("Next with the door open: %v", err)
	}
	locks.shut(address(good))
	o, err = dt.Next(ctx)
	if err != nil || o.DoorID != stuck.ID || !o.Pending() {
		t.Fatalf("second Next = %+v, %v", o, err)
	}
	clock.Add(l.opts.DidNotOpen)
	l.tick(ctx)
	if _, err := dt.Next(ctx); !errors.Is(err, app.ErrTestDone) {
		t.Fatalf("Next after the last door: %v", err)
	}
	rs := dt.Results()
	if rs[0].Outcome != app.DoorGood || rs[1].Outcome != app.DoorFaulty {
		t.Fatalf("results %+v, want good then faulty", rs)
	}
	if d := doorOf(t, l, stuck.ID); !d.OutOfService {
		t.Fatal("the faulty door is still in service")
	}
	if n := len(eventsOfKind(t, l, string(app.EvDoorTestGood))); n != 1 {
		t.Fatalf("%d good events", n)
	}
	if n := len(eventsOfKind(t, l, string(app.EvDoorTestFaulty))); n != 1 {
		t.Fatalf("%d faulty events", n)
	}
}
