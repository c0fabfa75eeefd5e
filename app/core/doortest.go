package core

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// doorTest is staff's "test empty doors": the empty doors are opened one
// after another through the one opening mechanism; the technician closes
// each. Seen open and then closed: good. Not opened: faulty, and out of
// service with the reason.
type doorTest struct {
	l     *Locker
	actor string

	mu      sync.Mutex // serialises the steps
	results []app.DoorTestResult
	at      int // index of the door tested last, -1 before the first
	done    bool
}

// TestEmptyDoors starts "test empty doors" after asking the PIN again:
// every door with no rent and no opening in progress whose board answers.
func (s *Staff) TestEmptyDoors(ctx context.Context, pin string) (app.DoorTest, error) {
	if err := s.ConfirmPIN(ctx, pin); err != nil {
		return nil, err
	}
	doors, err := s.l.appDoorStates(ctx)
	if err != nil {
		return nil, err
	}
	t := &doorTest{l: s.l, actor: s.actor(), at: -1}
	for _, d := range doors {
		// A door kept for staff may hold a parcel: staff check it first.
		if d.Rent == nil && d.Unsettled == 0 && !d.OutOfOrder && d.Fault == "" {
			t.results = append(t.results, app.DoorTestResult{DoorID: d.ID})
		}
	}
	return t, nil
}

func (t *doorTest) Results() []app.DoorTestResult {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.judge(context.Background())
	return append([]app.DoorTestResult(nil), t.results...)
}

// Next opens the next untested door, once the one tested last is closed
// (or did not open).
func (t *doorTest) Next(ctx context.Context) (app.Opening, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.judge(ctx); err != nil {
		return app.Opening{}, err
	}
	if t.at >= 0 && t.results[t.at].Outcome == app.DoorTesting {
		o := t.results[t.at].Opening
		if o.Pending() {
			return o, &app.BeingOpenedError{Door: o.DoorID, Opening: o.ID}
		}
		return o, fmt.Errorf("door %d: %w", o.DoorID, app.ErrDoorStillOpen)
	}
	if t.done || t.at+1 >= len(t.results) {
		t.finish(ctx)
		return app.Opening{}, app.ErrTestDone
	}
	t.at++
	r := &t.results[t.at]
	res, err := t.l.open(ctx, opening{door: storage.Door{ID: r.DoorID}, actor: t.actor,
		reason: string(app.PurposeDoorTest), allowOOS: true})
	r.Opening, r.Outcome = res.opening, app.DoorTesting
	if res.opening.ID == 0 {
		r.Outcome = app.DoorUntested // could not start (out of order, being opened): not the door's fault
		return res.opening, err
	}
	if err := t.judge(ctx); err != nil {
		return res.opening, err
	}
	return t.results[t.at].Opening, nil
}

// judge settles the door tested last from its opening and its sensor.
func (t *doorTest) judge(ctx context.Context) error {
	if t.at < 0 || t.results[t.at].Outcome != app.DoorTesting {
		return nil
	}
	r := &t.results[t.at]
	o, err := t.l.openingNow(ctx, r.Opening.ID)
	if err != nil {
		return err
	}
	r.Opening = o
	switch {
	case o.Outcome == app.OutcomeNotOpened:
		r.Outcome = app.DoorFaulty
		return t.record(ctx, r, "did not open ("+o.Cause.String()+")")
	case o.Outcome == app.OutcomeOpened && t.sensor(ctx, r.DoorID) == lockio.SensorClosed:
		r.Outcome = app.DoorGood
		return t.record(ctx, r, "")
	}
	return nil
}

func (t *doorTest) sensor(ctx context.Context, id int64) lockio.Sensor {
	d, ok := t.l.doorByID(ctx, id)
	if !ok {
		return lockio.SensorUnknown
	}
	return t.l.locks.Sensor(address(d))
}

// record puts a door's result into the audit log; a faulty door goes out
// of service with the reason.
func (t *doorTest) record(ctx context.Context, r *app.DoorTestResult, why string) error {
	if r.Outcome == app.DoorFaulty {
		reason := "door test: " + why
		if _, err := t.l.outOfServiceIfEmpty(ctx, r.DoorID, reason); err != nil {
			return err
		}
	}
	kind := app.EvDoorTestGood
	if r.Outcome == app.DoorFaulty {
		kind = app.EvDoorTestFaulty
	}
	return t.l.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.Append(storage.Event{Actor: t.actor, Kind: string(kind), DoorID: r.DoorID, Detail: why})
		return err
	})
}

func (t *doorTest) finish(ctx context.Context) {
	if t.done {
		return
	}
	t.done = true
	good, faulty := 0, 0
	for _, r := range t.results {
		switch r.Outcome {
		case app.DoorGood:
			good++
		case app.DoorFaulty:
			faulty++
		}
	}
	t.l.log.Info("door test finished", "good", good, "faulty", faulty, "doors", len(t.results))
}

func (t *doorTest) Stop(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.judge(ctx); err != nil && !errors.Is(err, app.ErrNotFound) {
		return err
	}
	t.finish(ctx)
	return nil
}
