package apptest

import (
	"context"
	"image"
	"slices"

	"pudo/app"
)

// LoginStaff signs staff in by a PIN AddStaff made known.
func (e *Engine) LoginStaff(_ context.Context, pin string) (app.StaffSession, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.padPaused.After(e.now()) {
		return nil, &app.LockedOutError{Until: e.padPaused}
	}
	name := e.pins[pin]
	if name == "" {
		return nil, app.ErrBadPIN
	}
	e.call("staff %s", name)
	return &staff{e: e, name: name, pin: pin}, nil
}

// Log adds an event to the audit log staff read.
func (e *Engine) Log(ev app.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ev.Seq = int64(len(e.events) + 1)
	e.events = append(e.events, ev)
}

type staff struct {
	e    *Engine
	name string
	pin  string
}

var _ app.StaffSession = (*staff)(nil)

func (s *staff) Name() string { return s.name }

func (s *staff) OpenDoor(_ context.Context, door int64, pin, _ string) (app.Opening, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	if pin != s.pin {
		return app.Opening{}, app.ErrBadPIN
	}
	s.e.call("staff open %d", door)
	o, err := s.e.open(door, 0, app.PurposeStaff, nil)
	if o == nil {
		return app.Opening{}, err
	}
	return o.Opening, err
}

func (s *staff) OpenAll(_ context.Context, pin string) ([]app.Opening, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	if pin != s.pin {
		return nil, app.ErrBadPIN
	}
	s.e.call("staff open all")
	var out []app.Opening
	for _, d := range s.e.doors {
		if o, _ := s.e.open(d.ID, 0, app.PurposeInventory, nil); o != nil {
			out = append(out, o.Opening)
		}
	}
	return out, nil
}

func (s *staff) SetOutOfService(_ context.Context, door int64, on bool, _ string) error {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.e.call("staff out-of-service %d %v", door, on)
	s.e.door(door).OutOfService = on
	return nil
}

func (s *staff) ClearDoor(_ context.Context, door int64, _ string) error {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.e.call("staff clear %d", door)
	d := s.e.door(door)
	if o := s.e.pending(door); o != nil {
		s.e.settle(o, app.OutcomeNotOpened, app.CauseStaffCleared)
	}
	d.Fault = ""
	return nil
}

func (s *staff) CancelRent(_ context.Context, id int64, _ string) error {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.e.call("staff cancel %d", id)
	s.e.move(s.e.rents[id], app.RentCancelled)
	return nil
}

func (s *staff) UnlockStaff(context.Context, string) error { return nil }

func (s *staff) Rents(_ context.Context, q app.RentQuery) ([]app.Rent, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.e.call("rents %q %d", q.State, q.DoorID)
	var out []app.Rent
	for id := int64(1); id <= s.e.nextRent; id++ {
		r := s.e.rents[id]
		if (q.State == "" || r.State == q.State) && (q.DoorID == 0 || r.DoorID == q.DoorID) {
			out = append(out, *r)
		}
	}
	return out, nil
}

// Events pages the log newest first.
func (s *staff) Events(_ context.Context, before int64, limit int) ([]app.Event, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	var out []app.Event
	for _, ev := range slices.Backward(s.e.events) {
		if (before == 0 || ev.Seq < before) && len(out) < limit {
			out = append(out, ev)
		}
	}
	return out, nil
}

func (s *staff) Alerts(ctx context.Context, before int64, limit int) ([]app.Event, error) {
	evs, err := s.Events(ctx, before, limit)
	return slices.DeleteFunc(evs, func(e app.Event) bool { return !e.Kind.IsAlert() }), err
}

// OpenAlerts lists Guess, then the alert events logged after the last
// acknowledgement, newest first.
func (s *staff) OpenAlerts(_ context.Context, limit int) ([]app.Alert, int, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	var out []app.Alert
	for _, g := range s.e.Guess {
		kind := app.EvAlertLockout
		if g.Staff {
			kind = app.EvAlertStaffLockout
		}
		out = append(out, app.Alert{Event: app.Event{Kind: kind, At: s.e.now(), Actor: "system"}, Guess: &g})
	}
	more := 0
	for _, ev := range slices.Backward(s.e.events) {
		switch {
		case !ev.Kind.IsAlert() || ev.Seq <= s.e.acked:
		case len(out) < limit:
			out = append(out, app.Alert{Event: ev})
		default:
			more++
		}
	}
	return out, more, nil
}

func (s *staff) AckAlerts(context.Context) error {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.e.call("ack alerts")
	s.e.acked, s.e.Guess = int64(len(s.e.events)), nil
	return nil
}

func (s *staff) ConfirmPIN(_ context.Context, pin string) error {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	if pin != s.pin {
		return app.ErrBadPIN
	}
	s.e.call("confirm pin")
	return nil
}

func (s *staff) DoorStates(context.Context) ([]app.DoorState, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	var out []app.DoorState
	for _, d := range s.e.doors {
		st := app.DoorState{Door: d}
		if r := s.e.active(d.ID); r != nil {
			rc := *r
			st.Rent = &rc
		}
		out = append(out, st)
	}
	return out, nil
}

func (s *staff) Hardware(context.Context) (app.Hardware, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	return s.e.Hw, nil
}

func (s *staff) CameraFrame() image.Image {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	return s.e.Frame
}

func (s *staff) ScanBus(context.Context) ([]app.BoardFound, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.e.call("scan bus")
	return s.e.Found, nil
}

func (s *staff) ReconnectBus() {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.e.Reconnect++
}

func (s *staff) SelfTest(context.Context) (app.SelfTestReport, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.e.call("self-test")
	rep := s.e.Report
	s.e.Hw.SelfTest = &rep
	return rep, nil
}

// TestEmptyDoors tests every door with no rent, not out of service.
func (s *staff) TestEmptyDoors(_ context.Context, pin string) (app.DoorTest, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	if pin != s.pin {
		return nil, app.ErrBadPIN
	}
	s.e.call("door test")
	t := &doorTest{e: s.e, at: -1}
	for _, d := range s.e.doors {
		if s.e.active(d.ID) == nil && !d.OutOfService {
			t.results = append(t.results, app.DoorTestResult{DoorID: d.ID})
		}
	}
	s.e.test = t
	return t, nil
}

// doorTest is "test empty doors".
type doorTest struct {
	e       *Engine
	results []app.DoorTestResult
	at      int // the door under test, -1 before the first
}

func (t *doorTest) Results() []app.DoorTestResult {
	t.e.mu.Lock()
	defer t.e.mu.Unlock()
	return slices.Clone(t.results)
}

func (t *doorTest) Next(context.Context) (app.Opening, error) {
	t.e.mu.Lock()
	defer t.e.mu.Unlock()
	if t.at >= 0 && t.at < len(t.results) && t.results[t.at].Outcome == app.DoorTesting {
		return app.Opening{}, app.ErrDoorStillOpen
	}
	t.at++
	if t.at >= len(t.results) {
		return app.Opening{}, app.ErrTestDone
	}
	r := &t.results[t.at]
	r.Outcome = app.DoorTesting
	o, err := t.e.open(r.DoorID, 0, app.PurposeDoorTest, nil)
	if o == nil {
		r.Outcome = app.DoorFaulty
		return app.Opening{}, err
	}
	r.Opening = o.Opening
	if o.Outcome == app.OutcomeNotOpened {
		r.Outcome = app.DoorFaulty
	}
	return o.Opening, err
}

func (t *doorTest) Stop(context.Context) error {
	t.e.mu.Lock()
	defer t.e.mu.Unlock()
	t.e.call("door test stop")
	t.e.test = nil
	return nil
}

// settled and closed follow the door under test; e.mu held.
func (t *doorTest) settled(o *opening) {
	if t.at < 0 || t.at >= len(t.results) || t.results[t.at].Opening.ID != o.ID {
		return
	}
	r := &t.results[t.at]
	r.Opening = o.Opening
	if o.Outcome == app.OutcomeNotOpened {
		r.Outcome = app.DoorFaulty
		t.e.door(r.DoorID).OutOfService = true
	}
}

func (t *doorTest) closed(door int64) {
	if t.at < 0 || t.at >= len(t.results) {
		return
	}
	if r := &t.results[t.at]; r.DoorID == door && r.Opening.Outcome == app.OutcomeOpened {
		r.Outcome = app.DoorGood
	}
}

// CheckDoor records what staff found in a door and clears it, as the
// engine does: its openings nobody could tell are answered, parcel inside
// stores a reserved rent, door empty collects a stored one (reclaims an
// expired one, cancels a walk-in; a booking waits), and the door's rents
// get their retry afresh.
func (s *staff) CheckDoor(_ context.Context, door int64, inside bool, _ string) error {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.e.call("staff check %d inside %v", door, inside)
	d := s.e.door(door)
	r := s.e.active(door)
	if r == nil && inside {
		return app.ErrParcelWithoutRent
	}
	for _, o := range s.e.openings {
		if o.DoorID != door {
			continue
		}
		if o.Outcome == app.OutcomeUnknown && !o.checked {
			o.Outcome, o.Cause, o.Settled = app.OutcomeNotOpened, app.CauseStaffChecked, s.e.now()
			if inside {
				o.Outcome = app.OutcomeOpened
			}
		}
		o.checked = true
	}
	if r != nil {
		switch {
		case inside && r.State == app.RentReserved:
			r.StoredAt = s.e.now()
			s.e.move(r, app.RentStored)
		case inside:
		case r.State == app.RentStored:
			s.e.move(r, app.RentCollected)
		case r.State == app.RentExpired:
			s.e.move(r, app.RentReclaimed)
		case r.State == app.RentReserved && r.Kind == app.KindDelivery && !r.Booked:
			s.e.move(r, app.RentCancelled)
		}
	}
	d.Fault = ""
	return nil
}
