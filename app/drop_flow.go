package app

import (
	"context"
	"errors"
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
	d     DropOff
	at    doorFollow
	view  View
	ended bool // stored or given up: nothing left to abandon
}

// dropStep is what a drop-off's step led to.
type dropStep uint8

const (
	dropGoing  dropStep = iota // still at the door: show flow.view
	dropStored                 // the parcel is in
	dropFailed                 // a problem screen: flow.view
)

func newDropFlow(ctx context.Context, f *Front, d DropOff, task DoorTask) *dropFlow {
	return &dropFlow{f: f, ctx: ctx, d: d, at: doorFollow{f: f, task: task}}
}

// first shows the door after the drop-off started; err is nil or the
// *DidNotOpenError of a door that settled as not opened at once.
func (w *dropFlow) first(err error) View {
	w.at.follow(w.d.Opening())
	if err != nil {
		return w.show(w.at.notOpenedView())
	}
	return w.doorView()
}

func (w *dropFlow) show(v View) View {
	w.view = v
	return v
}

func (w *dropFlow) doorView() View { return w.show(w.at.view(0, w.d.Code())) }

// fail shows a problem screen.
func (w *dropFlow) fail(v View) dropStep {
	w.show(v)
	return dropFailed
}

// tap takes the intents of the door screens; ok is false for any other.
func (w *dropFlow) tap(in Intent) (step dropStep, ok bool) {
	switch in.(type) {
	case Larger:
		if _, at := w.view.(*DoorView); at {
			return w.larger(), true
		}
	case DidNotOpen:
		switch w.view.(type) {
		case *DoorView, *NotOpenedView:
			return w.didNotOpen(), true
		}
	}
	return dropGoing, false
}

// larger: the parcel does not fit; the engine moves it to the next size up
// and opens that door.
func (w *dropFlow) larger() dropStep {
	op, err := w.d.Larger(w.ctx)
	if err != nil && !errors.Is(err, ErrDoorDidNotOpen) {
		return w.fail(w.f.problem(err, w.at.door.ID))
	}
	w.at.follow(op)
	w.doorView()
	return dropGoing
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

func (w *dropFlow) notice(n Notice) dropStep {
	_, notOpened := w.view.(*NotOpenedView)
	switch w.at.notice(n, notOpened) {
	case evChanged:
		w.doorView()
	case evNotOpened:
		w.show(w.at.notOpenedView())
	case evLeftOpen:
		w.show(&LeftOpenView{Door: w.at.door})
	case evClosed:
		return w.closed()
	}
	return dropGoing
}

// closed: the door closed with the parcel in, if it had opened. The
// engine stores the rent; a door still open or not settled yet keeps the
// person at it.
func (w *dropFlow) closed() dropStep {
	if !w.at.seenOpen(w.d.Opening()) {
		return dropGoing
	}
	_, err := w.d.Done(w.ctx)
	switch {
	case err == nil:
		w.ended = true
		return dropStored
	case errors.Is(err, ErrDoorStillOpen), errors.Is(err, ErrBeingOpened):
		return dropGoing
	case errors.Is(err, ErrDoorDidNotOpen):
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
