package core

import (
	"context"
	"errors"
	"slices"
	"testing"

	"pudo/app"
	"pudo/lockio"
)

// The contract's pickup: a code opens its door, the map says who holds
// what, and the notices reach a subscriber until its context ends.
func TestEnginePickupThroughTheContract(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	parcels, err := l.SeedDemo(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	var e app.Engine = l
	sub, stop := context.WithCancel(ctx)
	notes := e.Subscribe(sub)

	p, err := e.PickupByCode(ctx, app.FormatCode(parcels[0].Code))
	if err != nil {
		t.Fatalf("PickupByCode: %v", err)
	}
	if o := p.Opening(); o.DoorID != parcels[0].DoorID || o.Outcome != app.OutcomeOpened || o.ID == 0 {
		t.Fatalf("opening = %+v, want door %d opened", o, parcels[0].DoorID)
	}
	if p.ReopenUntil().IsZero() {
		t.Fatal("no reopen offered after a collection")
	}
	doors, err := e.DoorMap(ctx)
	if err != nil || len(doors) != 24 {
		t.Fatalf("DoorMap = %d doors, %v", len(doors), err)
	}
	if doors[parcels[0].DoorID-1].Occupied || !doors[parcels[1].DoorID-1].Occupied {
		t.Fatalf("occupied: collected door %v, waiting door %v", doors[parcels[0].DoorID-1].Occupied, doors[parcels[1].DoorID-1].Occupied)
	}

	d := doors[parcels[0].DoorID-1]
	locks.sensors = map[lockio.Door]lockio.Sensor{{Board: d.Board, Channel: d.Channel}: lockio.SensorOpen}
	l.handleDoorEvent(ctx, lockio.Event{Door: lockio.Door{Board: d.Board, Channel: d.Channel}, Kind: lockio.EventOpened})
	var kinds []app.NoticeKind
	for n := range notes {
		kinds = append(kinds, n.Kind)
		if n.Kind == app.NoticeOpened {
			if n.Door.ID != d.ID || n.Door.Sensor != app.SensorOpen {
				t.Fatalf("notice = %+v, want door %d opened", n, d.ID)
			}
			break
		}
	}
	if !slices.Equal(kinds, []app.NoticeKind{app.NoticeSettled, app.NoticeRent, app.NoticeOpened}) {
		t.Fatalf("notices %v, want the opening settled, the rent collected, the door opened", kinds)
	}
	v, err := p.DidNotOpen(ctx)
	if err != nil || v.Kind != app.VerdictLookAgain || v.Door.ID != d.ID {
		t.Fatalf("DidNotOpen with the sensor open = %+v, %v; want look again at door %d", v, err, d.ID)
	}
	stop()
	for range notes { // closed once the subscription ends
	}

	if _, err := e.PickupByCode(ctx, "ZZZZ-ZZZZ"); !errors.Is(err, app.ErrWrongCode) {
		t.Fatalf("wrong code: %v", err)
	}
}

// Staff read the log newest first, paged by the store, and alerts alone.
func TestEngineStaffPagesEventsNewestFirst(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	loginStaff(t, l)
	s, err := l.LoginStaff(ctx, DemoStaffPIN)
	if err != nil {
		t.Fatal(err)
	}
	for ch := range 3 {
		l.handleDoorEvent(ctx, lockio.Event{Door: lockio.Door{Board: 1, Channel: uint8(2 + ch)}, Kind: lockio.EventForcedOpen})
	}
	first, err := s.Events(ctx, 0, 2)
	if err != nil || len(first) != 2 || first[0].Seq <= first[1].Seq {
		t.Fatalf("Events(0, 2) = %+v, %v; want the two newest, newest first", first, err)
	}
	next, err := s.Events(ctx, first[1].Seq, 2)
	if err != nil || len(next) != 2 || next[0].Seq != first[1].Seq-1 {
		t.Fatalf("next page = %+v, %v; want it to go on below seq %d", next, err, first[1].Seq)
	}
	alerts, err := s.Alerts(ctx, 0, 10)
	if err != nil || len(alerts) != 3 {
		t.Fatalf("Alerts = %d, %v; want the 3 forced openings", len(alerts), err)
	}
	for _, a := range alerts {
		if !a.Kind.IsAlert() {
			t.Errorf("Alerts gave %s", a.Kind)
		}
	}
}
