package session

import (
	"context"
	"errors"
	"slices"

	"pudo/app"
)

// dropFlow is one parcel going into one door, for a courier's drop-off or
// a shopper's return. The engine stores the rent when the sensor saw the
// door open and then closed; the flow follows the opening, asks Done when
// the door closes, and on leaving gives up what did not go in (Abandon: the
// engine keeps any rent whose door was seen open, since the parcel may be
// inside).
type dropFlow struct {
	f     *Front
	ctx   context.Context
	d     app.DropOff
	at    doorFollow
	view  app.View
	ended bool // stored or given up: nothing left to abandon
	// closeFirst are the doors the parcel was too big for, while they may
	// stand open: the person is asked to close them, and they are followed.
	closeFirst []app.Door
	// choosing is the choice on show with the door open (too small); nil
	// when the courier is not choosing.
	choosing app.View
}

// dropStep is what a drop-off's step led to.
type dropStep uint8

const (
	dropGoing     dropStep = iota // still at the door: show flow.view
	dropStored                    // the parcel is in
	dropFailed                    // a problem screen: flow.view
	dropWithdrawn                 // the parcel fits no door and went back with the courier
)

func newDropFlow(ctx context.Context, f *Front, d app.DropOff, task app.DoorTask) *dropFlow {
	return &dropFlow{f: f, ctx: ctx, d: d, at: doorFollow{f: f, task: task}}
}

// first shows the door after the drop-off started; err is nil or the
// *DidNotOpenError of a door that settled as not opened at once.
func (w *dropFlow) first(err error) app.View {
	w.at.follow(w.d.Opening())
	if err != nil {
		return w.show(w.at.notOpenedView())
	}
	return w.doorView()
}

func (w *dropFlow) show(v app.View) app.View {
	w.view = v
	return v
}

func (w *dropFlow) doorView() app.View {
	// The recipient's code once the door was seen open (or the courier
	// said the parcel is in), never at "is opening…".
	code := ""
	if w.at.op.Outcome == app.OutcomeOpened {
		code = w.d.Code()
	}
	v := w.at.view(0, code)
	if dv, ok := v.(*app.DoorView); ok {
		dv.CloseFirst = slices.Clone(w.closeFirst)
	}
	return w.show(v)
}

// fail shows a problem screen.
func (w *dropFlow) fail(v app.View) dropStep {
	w.show(v)
	return dropFailed
}

// tap takes the intents of the door screens; ok is false for any other.
func (w *dropFlow) tap(in app.Intent) (step dropStep, ok bool) {
	switch in.(type) {
	case app.Larger:
		if _, at := w.view.(*app.DoorView); at {
			return w.larger(), true
		}
	case app.AnotherDoor:
		if v, ok := w.view.(*app.TooSmallView); ok && v.Free > 0 {
			return w.another(), true
		}
	case app.Withdraw:
		if _, ok := w.view.(*app.TooSmallView); ok {
			return w.withdraw(), true
		}
	case app.Back:
		if _, ok := w.view.(*app.TooSmallView); ok {
			w.choosing = nil
			w.doorView() // it fits after all
			return dropGoing, true
		}
	case app.DidNotOpen:
		switch w.view.(type) {
		case *app.DoorView, *app.NotOpenedView:
			return w.didNotOpen(), true
		}
	case app.Answer:
		if _, ok := w.view.(*app.AskInDoorView); ok {
			return w.answer(in.(app.Answer).Yes), true
		}
	}
	return dropGoing, false
}

// answer passes the courier's "is the parcel in door N?" to the engine:
// yes, stored (the code is shown next); no, the parcel is in their hands:
// back to the choice they were making, or the door did not open.
func (w *dropFlow) answer(in bool) dropStep {
	r, err := w.d.Answer(w.ctx, in)
	switch {
	case err != nil:
		return w.fail(w.f.problem(err, w.at.door.ID))
	case in && r.State == app.RentStored:
		w.ended = true
		return dropStored
	case w.choosing != nil:
		w.show(w.choosing)
		return dropGoing
	}
	w.at.follow(w.d.Opening())
	w.show(w.at.notOpenedView())
	return dropGoing
}

// choose shows a choice the courier makes with the door open (too small):
// the door's close meanwhile stores nothing, and asks instead.
func (w *dropFlow) choose(v app.View) {
	w.d.Hold(w.ctx)
	w.choosing = v
	w.show(v)
}

// larger: the parcel does not fit; the engine moves it to the next size up
// and opens that door. With no larger door free, the courier chooses
// what next while the door still stands open (TooSmallView).
func (w *dropFlow) larger() dropStep {
	first := w.at
	op, err := w.d.Larger(w.ctx)
	switch {
	case errors.Is(err, app.ErrNoFreeDoor):
		free := w.f.freeDoors(w.ctx)[w.at.door.Size]
		w.choose(&app.TooSmallView{Door: w.at.door, Largest: w.f.largest(w.at.door.Size), Free: free})
		return dropGoing
	case err != nil && !errors.Is(err, app.ErrDoorDidNotOpen):
		return w.fail(w.f.problem(err, w.at.door.ID))
	}
	w.moved(first, op)
	return dropGoing
}

// another: no larger door, but another of the same size may do.
func (w *dropFlow) another() dropStep {
	w.choosing = nil
	first := w.at
	op, err := w.d.Another(w.ctx)
	if err != nil && !errors.Is(err, app.ErrDoorDidNotOpen) {
		return w.fail(w.f.problem(err, w.at.door.ID))
	}
	w.moved(first, op)
	return dropGoing
}

// moved follows the parcel's new door; the door it left is to be closed
// first, unless it surely never opened.
func (w *dropFlow) moved(first doorFollow, op app.Opening) {
	if first.op.Outcome != app.OutcomeNotOpened && first.door.ID != op.DoorID {
		w.closeFirst = append(w.closeFirst, first.door)
	}
	w.at.follow(op)
	w.doorView()
}

// withdraw: the parcel fits no door and goes back with the courier; the
// door is to be closed, and stores nothing.
func (w *dropFlow) withdraw() dropStep {
	w.choosing = nil
	if err := w.d.Withdraw(w.ctx); err != nil {
		return w.fail(w.f.problem(err, w.at.door.ID))
	}
	w.ended = true
	if w.at.op.Outcome != app.OutcomeNotOpened {
		w.closeFirst = append(w.closeFirst, w.at.door)
	}
	return dropWithdrawn
}

// didNotOpen passes the person's report to the engine and shows its verdict.
func (w *dropFlow) didNotOpen() dropStep {
	v, err := w.d.DidNotOpen(w.ctx)
	switch {
	case err != nil:
		return w.fail(w.f.problem(err, w.at.door.ID))
	case !w.at.verdict(v):
		return w.fail(w.at.support())
	}
	w.doorView()
	return dropGoing
}

func (w *dropFlow) notice(n app.Notice) dropStep {
	if w.closedFirst(n) {
		if _, ok := w.view.(*app.DoorView); ok {
			w.doorView()
		}
		return dropGoing
	}
	_, notOpened := w.view.(*app.NotOpenedView)
	switch w.at.notice(n, notOpened) {
	case evChanged:
		w.doorView()
	case evNotOpened:
		w.show(w.at.notOpenedView())
	case evLeftOpen:
		w.show(&app.LeftOpenView{Door: w.at.door})
	case evClosed:
		return w.closed()
	case evUnknown:
		w.show(w.at.askView())
	}
	return dropGoing
}

// closedFirst reports whether n says a door to close first is closed, or
// never opened after all; it is then forgotten.
func (w *dropFlow) closedFirst(n app.Notice) bool {
	n0 := len(w.closeFirst)
	w.closeFirst = closedNow(w.closeFirst, n)
	return len(w.closeFirst) != n0
}

// closedNow is doors without the one n says closed, or never opened.
func closedNow(doors []app.Door, n app.Notice) []app.Door {
	return slices.DeleteFunc(doors, func(d app.Door) bool {
		return n.Kind == app.NoticeClosed && n.Door.ID == d.ID ||
			n.Kind == app.NoticeSettled && n.Opening != nil && n.Opening.DoorID == d.ID && n.Opening.Outcome == app.OutcomeNotOpened
	})
}

// closed: the door closed with the parcel in, if it had opened. The
// engine stores the rent; a door still open or not settled yet keeps the
// person at it.
func (w *dropFlow) closed() dropStep {
	if !w.at.seenOpen(w.d.Opening()) {
		return dropGoing
	}
	if w.choosing != nil {
		// Closed while choosing: the parcel may be in, or in their hands.
		w.show(w.at.askView())
		return dropGoing
	}
	_, err := w.d.Done(w.ctx)
	switch {
	case err == nil:
		w.ended = true
		return dropStored
	case errors.Is(err, app.ErrDoorStillOpen), errors.Is(err, app.ErrBeingOpened):
		return dropGoing
	case errors.Is(err, app.ErrDoorDidNotOpen):
		w.show(w.at.notOpenedView())
		return dropGoing
	}
	return w.fail(w.f.problem(err, w.at.door.ID))
}

// abandon gives the drop-off up unless its parcel is in. It runs as the
// person leaves, so it does not use the session's context, which ends then.
func (w *dropFlow) abandon() {
	if w.ended {
		return
	}
	w.ended = true
	door := w.at.door.ID
	if err := w.d.Abandon(context.WithoutCancel(w.ctx)); err != nil {
		w.f.log.Warn("drop-off not abandoned", "door", door, "err", err)
		return
	}
	w.f.log.Info("drop-off abandoned", "door", door)
}
