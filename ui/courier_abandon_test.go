package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"pudo/app"
	"pudo/app/apptest"
)

// abandoned lists the drop-offs the screens gave up, as "abandon door N".
func (f *fixture) abandoned() []string {
	var out []string
	for _, c := range f.eng.Calls() {
		if strings.HasPrefix(c, "abandon ") {
			out = append(out, c)
		}
	}
	return out
}

func (f *fixture) wantAbandoned(t *testing.T, want ...string) {
	t.Helper()
	if got := f.abandoned(); !slices.Equal(got, want) {
		t.Fatalf("abandoned %q, want %q (calls %q)", got, want, f.eng.Calls())
	}
}

// startNotOpen logs the courier in and starts a walk-in whose door (2)
// the board refuses to open.
func startNotOpen(t *testing.T, f *fixture) {
	t.Helper()
	f.eng.SetBoard(2, apptest.Refuses)
	f.scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.tap(t, "Small")
	f.want(t, &notOpenedScreen{})
}

// TestCourierLeavesDoorThatDidNotOpen: back to the menu gives the drop-off
// up, once, and its walk-in is cancelled; nothing after it gives it up
// again.
func TestCourierLeavesDoorThatDidNotOpen(t *testing.T) {
	f := newFixture(t)
	startNotOpen(t, f)
	f.wantAbandoned(t)
	f.tap(t, "Courier menu")
	f.want(t, &courierMenuScreen{})
	f.wantAbandoned(t, "abandon door 2")
	if r, held := f.eng.RentIn(2); held {
		t.Fatalf("door 2 still held by rent %+v", r)
	}
	f.tap(t, "Drop off parcels")
	f.tap(t, "Courier menu")
	f.tap(t, "Log out")
	f.want(t, &homeScreen{})
	f.wantAbandoned(t, "abandon door 2")
}

// TestCourierLeavesAfterRetry: the door the locker moved the parcel to is
// the one given up.
func TestCourierLeavesAfterRetry(t *testing.T) {
	f := newFixture(t)
	startNotOpen(t, f)
	f.eng.SetBoard(3, apptest.Refuses)
	f.tap(t, "Try again") // the one retry, at another door, refused too
	f.want(t, &notOpenedScreen{})
	if f.shows("Try again") {
		t.Fatalf("the retry was used, yet the screen offers another: %q", f.texts())
	}
	if f.doorShown(t) != 3 {
		t.Fatalf("door %d, want 3", f.doorShown(t))
	}
	f.tap(t, "Courier menu")
	f.wantAbandoned(t, "abandon door 3")
}

func TestCourierTimesOutOfUnfinishedDropOff(t *testing.T) {
	f := newFixture(t)
	startNotOpen(t, f)
	f.clock.advance(f.k.settings.IdleTimeout + f.k.opts.MoreTimeFor)
	f.want(t, &homeScreen{})
	f.wantAbandoned(t, "abandon door 2")
}

// TestCourierFinishedDropOffIsKept: a parcel closed in is never given up,
// whatever the courier does next.
func TestCourierFinishedDropOffIsKept(t *testing.T) {
	f := newFixture(t)
	f.scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.tap(t, "Small")
	f.close(2)
	f.want(t, &recipientCodeScreen{}) // a walk-in: its code first
	f.tap(t, "I have noted the code")
	f.want(t, &dropScreen{})
	f.tap(t, "Courier menu")
	f.tap(t, "Log out")
	f.scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.scanned(bookedRef)
	f.close(7)
	f.want(t, &dropScreen{})
	f.clock.advance(f.k.settings.IdleTimeout + f.k.opts.MoreTimeFor)
	f.want(t, &homeScreen{})
	f.wantAbandoned(t)
	for _, d := range []int64{2, 7} {
		if r, _ := f.eng.RentIn(d); r.State != app.RentStored {
			t.Fatalf("door %d: rent %+v", d, r)
		}
	}
}

// TestCourierTooSmallAtLargest: too small at the largest size says so,
// with the support contact, before the door is closed: another door of
// that size, then the parcel taken back; the doors it was tried in are
// asked to be closed, and followed until they are.
func TestCourierTooSmallAtLargest(t *testing.T) {
	f := newFixture(t)
	f.scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.tap(t, "Large")
	f.tap(t, "Door too small")
	f.want(t, &tooSmallScreen{})
	if !f.shows("Door 11 is our largest size") || !f.shows("Call +44 20 7946 0000") || !f.shows("door 11") {
		t.Fatalf("texts %q", f.texts())
	}
	f.wantAbandoned(t)
	f.tap(t, "Another door of this size (4 free)")
	f.want(t, &doorScreen{})
	if f.doorShown(t) != 12 || !f.shows("First close door 11: the parcel did not fit.") {
		t.Fatalf("door %d, texts %q", f.doorShown(t), f.texts())
	}
	f.tap(t, "Door too small")
	f.tap(t, "It fits no door: I take it back")
	f.want(t, &dropScreen{})
	if !f.called("withdraw door 12") || !f.shows("Parcel taken back from door 12") ||
		!f.shows("Please close door 11") || !f.shows("Please close door 12") {
		t.Fatalf("calls %q texts %q", f.eng.Calls(), f.texts())
	}
	f.close(11)
	f.close(12)
	if f.shows("Please close door") {
		t.Fatalf("closed doors still asked for: %q", f.texts())
	}
	if r, held := f.eng.RentIn(12); held {
		t.Fatalf("the walk-in taken back still holds door 12: %+v", r)
	}
}

// TestCourierDoneFailsKeepsRent: when storing fails after the door was
// seen open and closed, the parcel may be inside: leaving gives the
// drop-off up, and the locker keeps its rent for staff.
func TestCourierDoneFailsKeepsRent(t *testing.T) {
	f := newFixture(t)
	f.eng.DoneErr = errors.New("disk I/O error")
	f.scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.tap(t, "Small")
	f.close(2)
	f.want(t, &problemScreen{})
	f.tap(t, "Courier menu")
	f.want(t, &courierMenuScreen{})
	f.wantAbandoned(t, "abandon door 2")
	if r, held := f.eng.RentIn(2); !held || r.State != app.RentReserved {
		t.Fatalf("door 2: rent %+v held %v", r, held)
	}
}

// TestReturnLeftWhenDoorDidNotOpen: a shopper going home from a return
// whose door did not open gives it up too (the return stays booked).
func TestReturnLeftWhenDoorDidNotOpen(t *testing.T) {
	f := newFixture(t)
	f.eng.SetBoard(5, apptest.Settles)
	f.tap(t, "Send or return")
	f.typeOnKeypad(t, returnKey)
	f.tap(t, "Open a door")
	f.want(t, &doorScreen{})
	f.notOpened(5)
	f.want(t, &notOpenedScreen{})
	f.tap(t, "Back to start")
	f.want(t, &homeScreen{})
	f.wantAbandoned(t, "abandon door 5")
}

// TestLateNoticeAfterLeaving: a notice for a drop-off already given up
// leaves the screen alone.
func TestLateNoticeAfterLeaving(t *testing.T) {
	f := newFixture(t)
	f.eng.SetBoard(2, apptest.Settles)
	f.scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.tap(t, "Small")
	f.eng.NotOpened(2)
	late := f.eng.Drain()
	deliver := func() {
		for _, n := range late {
			f.k.deliver(f.k.front.Notice(context.Background(), n), byLocker)
		}
	}
	deliver()
	f.want(t, &notOpenedScreen{})
	f.tap(t, "Courier menu")
	deliver() // the same notice again, late
	f.want(t, &courierMenuScreen{})
	f.want(t, &courierMenuScreen{})
	f.wantAbandoned(t, "abandon door 2")
}

// TestNoTryAgainAfterTheRetry: once the parcel's one retry failed too,
// nothing on screen says "try again" (the locker would send no frame):
// the shopper is told staff will open the door, the courier to keep the
// parcel.
func TestNoTryAgainAfterTheRetry(t *testing.T) {
	f := newFixture(t)
	toProblem(t, f)
	if !f.shows(tr("problem.door.what")) {
		t.Fatalf("shopper's support screen: %q", f.texts())
	}
	for _, s := range f.texts() {
		if strings.Contains(strings.ToLower(s), "try again") {
			t.Errorf("shopper's support screen after the retry says %q", s)
		}
	}

	f = newFixture(t)
	startNotOpen(t, f)
	f.eng.SetBoard(3, apptest.Refuses)
	f.tap(t, "Try again") // the one retry, at another door, refused too
	f.tap(t, tr("notopen.tellstaff"))
	f.want(t, &problemScreen{})
	if !f.shows(tr("problem.door.what.courier")) {
		t.Fatalf("courier's support screen: %q", f.texts())
	}
	for _, s := range f.texts() {
		if strings.Contains(strings.ToLower(s), "try again") {
			t.Errorf("courier's support screen after the retry says %q", s)
		}
	}
}
