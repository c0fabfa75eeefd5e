package core

import (
	"context"
	"image"
	"sync"
	"time"

	"pudo/app"
	"pudo/storage"
)

// The sessions' handles on the engine: each wraps one flow and hands out
// app's vocabulary only. Their methods are safe for concurrent use.

type pickupHandle struct {
	mu sync.Mutex // serialises the flow's steps
	p  *Pickup
}

func pickupSession(p *Pickup, err error) (app.Pickup, error) {
	if p == nil {
		return nil, err
	}
	return &pickupHandle{p: p}, err
}

func (h *pickupHandle) Opening() app.Opening {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.p.l.current(h.p.Opening)
}

func (h *pickupHandle) Remaining() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.p.Remaining()
}

func (h *pickupHandle) Next(ctx context.Context) (app.Opening, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	err := h.p.Next(ctx)
	return h.p.Opening, err
}

func (h *pickupHandle) DidNotOpen(ctx context.Context) (app.Verdict, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.p.DidNotOpen(ctx)
}

func (h *pickupHandle) ReopenUntil() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.p.ReopenUntil(context.Background())
}

func (h *pickupHandle) Reopen(ctx context.Context) (app.Opening, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	err := h.p.Reopen(ctx)
	return h.p.Opening, err
}

func (h *pickupHandle) Report(ctx context.Context, p app.Problem) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.p.Report(ctx, string(p))
}

type courierRound struct {
	c *Courier

	mu      sync.Mutex // protects following
	takes   map[int64]takeRecord
	retried map[int64]bool // rents whose one retry was used
}

func (r *courierRound) Courier() string { return r.c.ID }

func (r *courierRound) DropBooked(ctx context.Context, parcelRef string) (app.DropOff, error) {
	return dropSession(r.c.DropBooked(ctx, parcelRef))
}

func (r *courierRound) DropNew(ctx context.Context, size app.Size, parcelRef string, preferLow bool) (app.DropOff, error) {
	return dropSession(r.c.DropNew(ctx, string(size), parcelRef, preferLow))
}

func (r *courierRound) Expired(ctx context.Context) ([]app.Rent, error) {
	rs, err := r.c.Expired(ctx)
	return appRents(rs), err
}

func (r *courierRound) Returns(ctx context.Context) ([]app.Rent, error) {
	rs, err := r.c.Returns(ctx)
	return appRents(rs), err
}

func (r *courierRound) TakeBack(ctx context.Context, rentID int64) (app.Opening, error) {
	return r.take(ctx, rentID, storage.KindDelivery, storage.RentExpired, app.PurposeReclaim)
}

func (r *courierRound) CollectReturn(ctx context.Context, rentID int64) (app.Opening, error) {
	return r.take(ctx, rentID, storage.KindReturn, storage.RentStored, app.PurposeReturnCollect)
}

func (r *courierRound) take(ctx context.Context, rentID int64, kind storage.RentKind, from storage.RentState, p app.Purpose) (app.Opening, error) {
	res, err := r.c.takeOpening(ctx, rentID, kind, from, string(p))
	if res.opening.ID != 0 {
		r.mu.Lock()
		if r.takes == nil {
			r.takes = map[int64]takeRecord{}
		}
		r.takes[res.opening.ID] = takeRecord{rentID: rentID, kind: kind, from: from, purpose: p}
		r.mu.Unlock()
	}
	return res.opening, err
}

// DidNotOpen weighs the courier's report on a take-back or return door;
// each rent gets one retry of its door.
func (r *courierRound) DidNotOpen(ctx context.Context, openingID int64) (app.Verdict, error) {
	o, err := r.c.l.openingNow(ctx, openingID)
	if err != nil {
		return app.Verdict{}, err
	}
	r.mu.Lock()
	t, ok := r.takes[openingID]
	retried := r.retried[t.rentID]
	r.mu.Unlock()
	var retry retryFunc
	if ok && !retried {
		retry = func(ctx context.Context) (app.VerdictKind, app.Opening, error) {
			r.mu.Lock()
			if r.retried == nil {
				r.retried = map[int64]bool{}
			}
			r.retried[t.rentID] = true
			r.mu.Unlock()
			ro, err := r.take(ctx, t.rentID, t.kind, t.from, t.purpose)
			return app.VerdictRetried, ro, err
		}
	}
	return r.c.l.weigh(ctx, r.c.actor(), o, retry)
}

// takeRecord is what a take-back's retry needs to open the door again.
type takeRecord struct {
	rentID  int64
	kind    storage.RentKind
	from    storage.RentState
	purpose app.Purpose
}

type dropHandle struct {
	mu sync.Mutex
	d  *DropOff
}

func dropSession(d *DropOff, err error) (app.DropOff, error) {
	if d == nil {
		return nil, err
	}
	return &dropHandle{d: d}, err
}

func (h *dropHandle) Opening() app.Opening {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.d.l.current(h.d.Opening)
}

func (h *dropHandle) Rent() app.Rent {
	h.mu.Lock()
	defer h.mu.Unlock()
	return appRent(h.d.rent)
}

func (h *dropHandle) Code() string { return h.d.Code() }

func (h *dropHandle) Larger(ctx context.Context) (app.Opening, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	err := h.d.Larger(ctx)
	return h.d.Opening, err
}

func (h *dropHandle) Another(ctx context.Context) (app.Opening, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	err := h.d.Another(ctx)
	return h.d.Opening, err
}

func (h *dropHandle) Withdraw(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.d.Withdraw(ctx)
}

func (h *dropHandle) DidNotOpen(ctx context.Context) (app.Verdict, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.d.DidNotOpen(ctx)
}

func (h *dropHandle) Done(ctx context.Context) (app.Rent, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	err := h.d.Done(ctx)
	return appRent(h.d.rent), err
}

func (h *dropHandle) Abandon(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.d.Abandon(ctx)
}

type staffSession struct{ s *Staff }

func (s *staffSession) Name() string { return s.s.Name }

func (s *staffSession) OpenDoor(ctx context.Context, doorID int64, pin, reason string) (app.Opening, error) {
	return s.s.openDoor(ctx, doorID, pin, reason)
}

func (s *staffSession) OpenAll(ctx context.Context, pin string) ([]app.Opening, error) {
	return s.s.openAll(ctx, pin)
}

func (s *staffSession) SetOutOfService(ctx context.Context, doorID int64, on bool, reason string) error {
	return s.s.SetOutOfService(ctx, doorID, on, reason)
}

func (s *staffSession) ClearDoor(ctx context.Context, doorID int64, note string) error {
	return s.s.l.clearDoor(ctx, s.s.actor(), doorID, note)
}

func (s *staffSession) CancelRent(ctx context.Context, rentID int64, reason string) error {
	return s.s.CancelRent(ctx, rentID, reason)
}

func (s *staffSession) UnlockStaff(ctx context.Context, name string) error {
	return s.s.UnlockStaff(ctx, name)
}

func (s *staffSession) Rents(ctx context.Context, q app.RentQuery) ([]app.Rent, error) {
	rs, err := s.s.Rents(ctx, rentFilter(q))
	return appRents(rs), err
}

func (s *staffSession) Events(ctx context.Context, before int64, limit int) ([]app.Event, error) {
	return s.s.l.eventsBefore(ctx, before, limit, "")
}

func (s *staffSession) Alerts(ctx context.Context, before int64, limit int) ([]app.Event, error) {
	return s.s.l.eventsBefore(ctx, before, limit, "alert.")
}

func (s *staffSession) OpenAlerts(ctx context.Context, limit int) ([]app.Alert, int, error) {
	return s.s.OpenAlerts(ctx, limit)
}

func (s *staffSession) AckAlerts(ctx context.Context) error { return s.s.AckAlerts(ctx) }

func (s *staffSession) ConfirmPIN(ctx context.Context, pin string) error {
	return s.s.recheck(ctx, pin)
}

func (s *staffSession) DoorStates(ctx context.Context) ([]app.DoorState, error) {
	return s.s.l.appDoorStates(ctx)
}

func (s *staffSession) Hardware(ctx context.Context) (app.Hardware, error) {
	return s.s.l.hardware(ctx)
}

func (s *staffSession) CameraFrame() image.Image {
	if r := s.s.l.readerSet(); r != nil {
		return r.LastFrame()
	}
	return nil
}

func (s *staffSession) ScanBus(ctx context.Context) ([]app.BoardFound, error) {
	bus, ok := s.s.l.locks.(Bus)
	if !ok {
		return nil, nil
	}
	found, err := bus.Scan(ctx)
	return appFound(found), err
}

func (s *staffSession) ReconnectBus() {
	if bus, ok := s.s.l.locks.(Bus); ok {
		s.s.l.log.Info("staff asked the lock bus to reconnect", "staff", s.s.Name)
		bus.Reconnect()
	}
}

func (s *staffSession) SelfTest(ctx context.Context) (app.SelfTestReport, error) {
	return s.s.l.SelfTest(ctx)
}

func (s *staffSession) TestEmptyDoors(ctx context.Context, pin string) (app.DoorTest, error) {
	return s.s.TestEmptyDoors(ctx, pin)
}
