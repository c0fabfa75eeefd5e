package session

import (
	"context"
	"errors"
	"slices"
	"time"

	"pudo/app"
)

// CourierSession is one courier's round at the locker: the menu, drop-offs
// by label or by size ("too small" and "did not open" at each door), the
// take-back of expired parcels and the collection of returns, until the
// courier logs out or walks away. Leaving a drop-off before its parcel went
// in gives it up (a walk-in's door is freed, a booking stays booked).
type CourierSession struct {
	sessionBase
	round app.CourierRound
	view  app.View

	preferLow bool
	unbooked  string // a label scanned without a booking, for the size chosen next
	stored    int64  // the door the last parcel went into
	tookBack  int64  // the door a parcel that fits no door was taken back from
	// closeFirst are doors left open by a parcel that did not fit, until
	// they close.
	closeFirst []app.Door
	drop       *dropFlow
	batch      *batchFlow
	// revoked: the courier's token was revoked during the round, which
	// ended there; the screen says why, and leads home, not to the menu.
	revoked bool
}

func newCourierSession(ctx context.Context, f *Front, r app.CourierRound) *CourierSession {
	return &CourierSession{sessionBase: newBase(ctx, f), round: r}
}

func (s *CourierSession) first() app.View { return s.menu() }

func (s *CourierSession) show(v app.View) app.View {
	if p, ok := v.(*app.ProblemView); ok {
		p.Courier = p.Trouble != app.TroubleCourierRevoked
		if !p.Courier {
			s.endDrop()
			s.batch, s.revoked = nil, true
		}
	}
	s.view = v
	return v
}

// menu gives up any drop-off in hand and shows the menu.
func (s *CourierSession) menu() app.View {
	s.endDrop()
	s.batch = nil
	return s.show(&app.CourierMenuView{Courier: s.round.Courier()})
}

func (s *CourierSession) dropView() app.View {
	return s.show(&app.DropView{PreferLow: s.preferLow, Stored: s.stored, Unbooked: s.unbooked,
		Free: s.f.freeDoors(s.ctx), TookBack: s.tookBack, CloseFirst: slices.Clone(s.closeFirst)})
}

// freeDoors counts the doors of each size a new parcel could have now.
func (f *Front) freeDoors(ctx context.Context) map[app.Size]int {
	doors, err := f.eng.DoorMap(ctx)
	if err != nil {
		f.log.Warn("free doors not counted", "err", err)
		return nil
	}
	out := map[app.Size]int{}
	for _, d := range doors {
		if d.Assignable() {
			out[d.Size]++
		}
	}
	return out
}

// largest reports whether no door of the locker is larger than size z.
func (f *Front) largest(z app.Size) bool {
	for _, d := range f.doors {
		if d.Size.Rank() > z.Rank() {
			return false
		}
	}
	return true
}

func (s *CourierSession) endDrop() {
	if s.drop != nil {
		s.drop.abandon()
		s.drop = nil
	}
}

func (s *CourierSession) tap(in app.Intent) app.View {
	if s.revoked {
		switch in.(type) {
		case app.Back, app.Logout:
			return nil // the round is over: home
		}
		return s.view
	}
	if s.drop != nil {
		if st, ok := s.drop.tap(in); ok {
			return s.dropStep(st)
		}
	}
	if s.batch != nil {
		if v, ok := s.batch.tap(in); ok {
			return s.show(v)
		}
	}
	switch in := in.(type) {
	case app.StartDrop:
		s.stored, s.unbooked, s.tookBack = 0, "", 0
		return s.dropView()
	case app.CodeNoted:
		if _, ok := s.view.(*app.RecipientCodeView); ok {
			return s.dropView()
		}
	case app.TogglePreferLow:
		if _, ok := s.view.(*app.DropView); ok {
			s.preferLow = !s.preferLow
			return s.dropView()
		}
	case app.ChooseSize:
		if _, ok := s.view.(*app.DropView); ok {
			s.tookBack = 0
			d, err := s.round.DropNew(s.ctx, in.Size, s.unbooked, s.preferLow)
			return s.startDrop(d, err)
		}
	case app.StartBatch:
		if _, ok := s.view.(*app.CourierMenuView); ok {
			return s.startBatch(in.Kind)
		}
	case app.Back:
		if _, ok := s.view.(*app.CourierMenuView); !ok {
			return s.menu()
		}
	case app.Logout:
		return nil // the Front ends the session: see leave
	}
	return s.view
}

// scan: on the drop screen a label is a parcel to drop off; anywhere else
// a scan is ignored while the courier is here.
func (s *CourierSession) scan(text string) (app.View, bool) {
	if _, ok := s.view.(*app.DropView); !ok || s.revoked {
		return s.view, true
	}
	s.tookBack = 0
	d, err := s.round.DropBooked(s.ctx, text)
	if errors.Is(err, app.ErrUnknownParcel) {
		s.unbooked = text
		return s.dropView(), true
	}
	return s.startDrop(d, err), true
}

func (s *CourierSession) startDrop(d app.DropOff, err error) app.View {
	if d == nil {
		return s.show(s.f.problem(err, 0))
	}
	s.drop = newDropFlow(s.ctx, s.f, d, app.TaskDrop)
	return s.show(s.drop.first(err))
}

// dropStep shows what a step of the drop-off led to: the next parcel after
// one went in.
// dropStep shows what a step of the drop-off led to: the next parcel after
// one went in (a walk-in's code first, until the courier noted it), the
// drop screen again after one was taken back.
func (s *CourierSession) dropStep(st dropStep) app.View {
	switch st {
	case dropStored:
		s.stored, s.unbooked, s.closeFirst = s.drop.at.door.ID, "", s.drop.closeFirst
		code := s.drop.d.Code()
		s.drop = nil
		if code != "" {
			return s.show(&app.RecipientCodeView{Door: s.stored, Code: code})
		}
		return s.dropView()
	case dropWithdrawn:
		s.tookBack, s.closeFirst = s.drop.at.door.ID, s.drop.closeFirst
		s.drop = nil
		return s.dropView()
	}
	return s.show(s.drop.view)
}

func (s *CourierSession) startBatch(kind app.BatchKind) app.View {
	list := s.round.Expired
	if kind == app.BatchReturns {
		list = s.round.Returns
	}
	rents, err := list(s.ctx)
	if err != nil {
		return s.show(s.f.problem(err, 0))
	}
	s.batch = newBatchFlow(s.ctx, s.f, s.round, kind, rents)
	return s.show(s.batch.show())
}

func (s *CourierSession) notice(n app.Notice) app.View {
	switch {
	case s.drop == nil && len(s.closeFirst) > 0:
		n0 := len(s.closeFirst)
		if s.closeFirst = closedNow(s.closeFirst, n); len(s.closeFirst) != n0 {
			if _, ok := s.view.(*app.DropView); ok {
				return s.dropView()
			}
		}
	case s.drop != nil:
		return s.dropStep(s.drop.notice(n))
	case s.batch != nil:
		return s.show(s.batch.notice(n))
	}
	return s.view
}

func (s *CourierSession) tick(time.Time) app.View { return s.view }
func (s *CourierSession) wake() time.Time         { return time.Time{} }

// leave gives up a drop-off in hand and ends the session's context.
func (s *CourierSession) leave() {
	s.endDrop()
	s.f.log.Info("courier logged out", "courier", s.round.Courier())
	s.cancel()
}

// batchFlow opens the doors of a courier's list one by one: the next opens
// when the one before closed, a door that does not open is skipped.
type batchFlow struct {
	f     *Front
	ctx   context.Context
	round app.CourierRound
	v     app.BatchView
	last  app.View // the view shown last, for notices that change nothing
}

func newBatchFlow(ctx context.Context, f *Front, r app.CourierRound, kind app.BatchKind, rents []app.Rent) *batchFlow {
	b := &batchFlow{f: f, ctx: ctx, round: r, v: app.BatchView{Kind: kind}}
	for _, rent := range rents {
		b.v.Items = append(b.v.Items, app.BatchItem{Rent: rent})
	}
	return b
}

// show is a fresh copy of the batch's view: the screen compares pointers.
func (b *batchFlow) show() app.View {
	v := b.v
	v.Items = append([]app.BatchItem(nil), b.v.Items...)
	b.last = &v
	return b.last
}

func (b *batchFlow) tap(in app.Intent) (app.View, bool) {
	switch in.(type) {
	case app.OpenNext:
		if !b.v.Active() {
			return b.next(), true
		}
	case app.DidNotOpen:
		if b.v.Active() {
			return b.didNotOpen(), true
		}
	}
	return nil, false
}

// next opens the next door of the list; one that cannot open does not stop
// the round.
func (b *batchFlow) next() app.View {
	open := b.round.TakeBack
	if b.v.Kind == app.BatchReturns {
		open = b.round.CollectReturn
	}
	for ; b.v.At < len(b.v.Items); b.v.At++ {
		it := &b.v.Items[b.v.At]
		op, err := open(b.ctx, it.Rent.ID)
		if errors.Is(err, app.ErrTokenRevoked) {
			return b.f.problem(err, 0) // the round ends here, not item by item
		}
		if err != nil {
			b.f.log.Warn("batch door did not open", "rent", it.Rent.ID, "err", err)
			it.Status = app.BatchFailed
			continue
		}
		b.follow(op)
		return b.show()
	}
	b.v.Door, b.v.Opening, b.v.LookAgain = app.Door{}, app.Opening{}, false
	return b.show()
}

func (b *batchFlow) follow(op app.Opening) {
	b.v.Door, b.v.Opening, b.v.LookAgain = b.f.door(op.DoorID), op, false
	b.v.Items[b.v.At].Status = app.BatchOpening
	switch op.Outcome {
	case app.OutcomeOpened:
		b.v.Items[b.v.At].Status = app.BatchOpen
	case app.OutcomeNotOpened:
		b.v.Items[b.v.At].Status = app.BatchFailed
	}
}

// failed marks the current item failed and opens the next door.
func (b *batchFlow) failed() app.View {
	b.v.Items[b.v.At].Status = app.BatchFailed
	b.v.At++
	return b.next()
}

func (b *batchFlow) didNotOpen() app.View {
	v, err := b.round.DidNotOpen(b.ctx, b.v.Opening.ID)
	if err != nil {
		b.f.log.Warn("did-not-open report failed", "door", b.v.Door.ID, "err", err)
		return b.failed()
	}
	switch v.Kind {
	case app.VerdictLookAgain:
		b.follow(v.Opening)
		b.v.LookAgain = true
	case app.VerdictWait, app.VerdictRetried, app.VerdictOtherDoor:
		b.follow(v.Opening)
	default:
		return b.failed()
	}
	if b.v.Items[b.v.At].Status == app.BatchFailed {
		return b.failed()
	}
	return b.show()
}

func (b *batchFlow) notice(n app.Notice) app.View {
	if !b.v.Active() {
		return b.last
	}
	if n.Kind == app.NoticeSettled && n.Opening != nil && n.Opening.ID == b.v.Opening.ID {
		if !b.v.Opening.Pending() && n.Opening.Outcome == b.v.Opening.Outcome {
			return b.last // already known, from the call that started it
		}
		b.v.Opening = *n.Opening
		// Nobody could tell whether it opened: the parcel stays where it
		// was, its door is kept to check, and the round goes on as for a
		// door that did not open.
		if n.Opening.Outcome == app.OutcomeNotOpened || n.Opening.Outcome == app.OutcomeUnknown {
			return b.failed()
		}
		b.v.Items[b.v.At].Status = app.BatchOpen
		return b.show()
	}
	if n.Door.ID == b.v.Door.ID && n.Kind == app.NoticeClosed && b.v.Items[b.v.At].Status == app.BatchOpen {
		b.v.Items[b.v.At].Status = app.BatchDone
		b.v.At++
		return b.next()
	}
	return b.last
}

// done: a courier's round ends by logging out or walking away, or when
// their token was revoked (the next person may start).
func (s *CourierSession) done() bool { return s.revoked }
