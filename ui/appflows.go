package ui

import (
	"context"
	"slices"
	"time"

	"pudo/app/core"
	"pudo/lockio"
	"pudo/storage"
)

// AppFlows adapts the real locker to the screens' view of its flows.
func AppFlows(l *core.Locker) Flows {
	a := appFlows{l}
	return Flows{Scans: a, Couriers: a, Returns: a, Staff: a, Aftercare: a}
}

// Reopen opens the last collected door again; app enforces the grace period.
func (a appFlows) Reopen(ctx context.Context, p *core.Pickup) error { return p.Reopen(ctx) }

// Report records an empty door or a wrong parcel for staff.
func (a appFlows) Report(ctx context.Context, p *core.Pickup, problem string) error {
	return p.Report(ctx, problem)
}

type appFlows struct{ l *core.Locker }

func (a appFlows) Classify(text string) Payload {
	switch p := a.l.Classify(text); p.Kind {
	case core.PayloadPickupCode:
		return PayloadPickupCode
	case core.PayloadPickupToken:
		return PayloadPickupToken
	case core.PayloadCourierToken:
		return PayloadCourierToken
	case core.PayloadReturnCode, core.PayloadReturnToken:
		return PayloadReturnCode
	}
	return PayloadForeign
}

func (a appFlows) StartPickupScan(ctx context.Context, text string) (*core.Pickup, error) {
	return a.l.StartPickupScan(ctx, text)
}

func (a appFlows) CodeEntryPaused(ctx context.Context) (time.Time, bool) {
	return a.l.CodeEntryPaused(ctx)
}

func (a appFlows) CourierLogin(ctx context.Context, token string) (Courier, error) {
	c, err := a.l.CourierLogin(ctx, token)
	if err != nil {
		return nil, err
	}
	return appCourier{c}, nil
}

func (a appFlows) StartReturn(ctx context.Context, code string) (DropOff, error) {
	return dropOff(a.l.StartReturn(ctx, code))
}

func (a appFlows) StaffLogin(ctx context.Context, pin string) (Staff, error) {
	s, err := a.l.StaffLogin(ctx, pin)
	if err != nil {
		return nil, err
	}
	return appStaff{s: s, l: a.l}, nil
}

// dropOff keeps a DropOff that came with an error: on ErrDoorDidNotOpen the
// flow hands it back for Retry.
func dropOff(d *core.DropOff, err error) (DropOff, error) {
	if d == nil {
		return nil, err
	}
	return appDropOff{d}, err
}

type appDropOff struct{ d *core.DropOff }

func (d appDropOff) Door() core.Door                   { return d.d.Door }
func (d appDropOff) Larger(ctx context.Context) error  { return d.d.Larger(ctx) }
func (d appDropOff) Retry(ctx context.Context) error   { return d.d.Retry(ctx) }
func (d appDropOff) Done(ctx context.Context) error    { return d.d.Done(ctx) }
func (d appDropOff) Code() string                      { return d.d.Code() }
func (d appDropOff) Abandon(ctx context.Context) error { return d.d.Abandon(ctx) }

type appCourier struct{ c *core.Courier }

func (c appCourier) Name() string { return c.c.ID }

func (c appCourier) DropBooked(ctx context.Context, ref string) (DropOff, error) {
	return dropOff(c.c.DropBooked(ctx, ref))
}

func (c appCourier) DropNew(ctx context.Context, size, ref string, preferLow bool) (DropOff, error) {
	return dropOff(c.c.DropNew(ctx, size, ref, preferLow))
}

func (c appCourier) Expired(ctx context.Context) ([]Parcel, error) {
	return parcels(ctx, nil, c.c.Expired)
}
func (c appCourier) Returns(ctx context.Context) ([]Parcel, error) {
	return parcels(ctx, nil, c.c.Returns)
}

func (c appCourier) TakeBack(ctx context.Context, rentID int64) (core.Door, error) {
	return c.c.TakeBack(ctx, rentID)
}

func (c appCourier) CollectReturn(ctx context.Context, rentID int64) (core.Door, error) {
	return c.c.CollectReturn(ctx, rentID)
}

// parcels lists rents with their doors filled in from l (when given).
func parcels(ctx context.Context, l *core.Locker, list func(context.Context) ([]core.Rent, error)) ([]Parcel, error) {
	rs, err := list(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Parcel, 0, len(rs))
	for _, r := range rs {
		since := r.StoredAt
		if since.IsZero() {
			since = r.CreatedAt
		}
		out = append(out, Parcel{RentID: r.ID, Door: core.Door{ID: r.DoorID}, Ref: r.ParcelRef, Since: since, State: string(r.State)})
	}
	return out, nil
}

type appStaff struct {
	s *core.Staff
	l *core.Locker
}

func (s appStaff) Name() string { return s.s.Name }

func (s appStaff) OpenDoor(ctx context.Context, doorID int64, pin, reason string) error {
	return s.s.OpenDoor(ctx, doorID, pin, reason)
}

func (s appStaff) OpenAll(ctx context.Context, pin string) error { return s.s.OpenAll(ctx, pin) }

func (s appStaff) SetOutOfService(ctx context.Context, doorID int64, on bool, reason string) error {
	return s.s.SetOutOfService(ctx, doorID, on, reason)
}

func (s appStaff) Rents(ctx context.Context, q RentQuery) ([]Parcel, error) {
	return parcels(ctx, s.l, func(ctx context.Context) ([]core.Rent, error) {
		return s.s.Rents(ctx, core.RentFilter{State: q.State, DoorID: q.DoorID, Limit: q.Limit})
	})
}

// Events pages the audit log newest first. The store reads it oldest first
// from a sequence number, so this reads forward in chunks and keeps the
// last limit before before: fine for a staff screen, off the UI goroutine.
func (s appStaff) Events(ctx context.Context, before int64, limit int) ([]LogEntry, error) {
	var keep []storage.Event
	for after := int64(0); ; {
		es, err := s.s.Events(ctx, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if before == 0 || e.Seq < before {
				keep = append(keep, e)
			}
		}
		if len(keep) > limit {
			keep = keep[len(keep)-limit:]
		}
		if len(es) < 1000 || (before != 0 && es[len(es)-1].Seq >= before) {
			break
		}
		after = es[len(es)-1].Seq
	}
	out := make([]LogEntry, 0, len(keep))
	for _, e := range slices.Backward(keep) {
		out = append(out, LogEntry{Seq: e.Seq, At: e.At, Actor: e.Actor, Kind: e.Kind, DoorID: e.DoorID, Detail: e.Detail})
	}
	return out, nil
}

func (s appStaff) DoorStates(ctx context.Context) ([]DoorState, error) {
	ds, err := s.l.DoorStates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]DoorState, 0, len(ds))
	for _, d := range ds {
		out = append(out, DoorState{Door: d.Door, State: doorStateName(d), Sensor: d.Sensor})
	}
	return out, nil
}

// doorStateName sums a door up for the grid, the most urgent first.
func doorStateName(d core.DoorState) string {
	switch {
	case d.OutOfService:
		return "out-of-service"
	case d.Fault:
		return "fault"
	case d.Sensor == lockio.SensorOpen:
		return "open"
	case d.Active != nil:
		return "occupied"
	}
	return "free"
}
