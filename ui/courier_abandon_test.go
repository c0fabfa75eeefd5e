package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"pudo/app/core"
	"pudo/lockio"
	"pudo/storage"
)

// abandoned lists the drop-offs the screens gave up, as "abandon <door>".
func (f *fixture) abandoned() []string {
	var out []string
	for _, c := range f.flows.calls {
		if strings.HasPrefix(c, "abandon ") {
			out = append(out, c)
		}
	}
	return out
}

func (f *fixture) wantAbandoned(t *testing.T, want ...string) {
	t.Helper()
	if got := f.abandoned(); !slices.Equal(got, want) {
		t.Fatalf("abandoned %q, want %q (calls %q)", got, want, f.flows.calls)
	}
}

// startNotOpen logs the courier in and starts a walk-in whose door does not
// open (door 11).
func startNotOpen(t *testing.T, f *fixture) {
	t.Helper()
	f.flows.courier.notOpen = true
	f.k.Scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.tap(t, "Small")
	f.want(t, "drop.notopen")
}

// TestCourierLeavesDoorThatDidNotOpen: back to the menu gives the drop-off
// up, once; nothing after it gives it up again.
func TestCourierLeavesDoorThatDidNotOpen(t *testing.T) {
	f := newFixture(t)
	startNotOpen(t, f)
	f.wantAbandoned(t)
	f.tap(t, "Courier menu")
	f.want(t, "courier")
	f.wantAbandoned(t, "abandon 11")
	f.tap(t, "Drop off parcels")
	f.tap(t, "Courier menu")
	f.tap(t, "Log out")
	f.want(t, "home")
	f.wantAbandoned(t, "abandon 11")
}

// TestCourierLeavesAfterRetry: the door the flow moved the parcel to is
// the one given up.
func TestCourierLeavesAfterRetry(t *testing.T) {
	f := newFixture(t)
	startNotOpen(t, f)
	f.tap(t, "Try again") // same door: opens
	f.want(t, "door")
	f.doorEvent(11, lockio.EventDidNotOpen)
	f.tap(t, "Try again") // another door
	f.want(t, "door")
	f.doorEvent(1011, lockio.EventDidNotOpen)
	f.want(t, "drop.notopen")
	f.tap(t, "Courier menu")
	f.wantAbandoned(t, "abandon 1011")
}

// TestCourierLogsOutOfUnfinishedDropOff: logging out gives up a drop-off
// still in hand. The screens reach "Log out" only through the menu, which
// already gave it up, so logging out must not do it twice.
func TestCourierLogsOutOfUnfinishedDropOff(t *testing.T) {
	f := newFixture(t)
	startNotOpen(t, f)
	f.k.courierLogout()
	f.want(t, "home")
	f.wantAbandoned(t, "abandon 11")
	if f.k.courier != nil || f.k.drop != nil {
		t.Fatal("still logged in")
	}

	f = newFixture(t)
	startNotOpen(t, f)
	f.tap(t, "Courier menu")
	f.tap(t, "Log out")
	f.want(t, "home")
	f.wantAbandoned(t, "abandon 11")
}

func TestCourierTimesOutOfUnfinishedDropOff(t *testing.T) {
	f := newFixture(t)
	startNotOpen(t, f)
	f.clock.advance(f.k.settings.IdleTimeout + f.k.opts.MoreTimeFor)
	f.want(t, "home")
	if f.k.courier != nil {
		t.Fatal("still logged in after the timeout")
	}
	f.wantAbandoned(t, "abandon 11")
}

// TestCourierFinishedDropOffIsKept: a parcel closed in is never given up,
// whatever the courier does next.
func TestCourierFinishedDropOffIsKept(t *testing.T) {
	f := newFixture(t)
	f.k.Scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.tap(t, "Small")
	f.want(t, "door")
	f.doorEvent(11, lockio.EventClosed)
	f.want(t, "drop")
	f.tap(t, "Courier menu")
	f.tap(t, "Log out")
	f.k.Scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.k.Scanned("PKG-1001")
	f.doorEvent(7, lockio.EventClosed)
	f.want(t, "drop")
	f.clock.advance(f.k.settings.IdleTimeout + f.k.opts.MoreTimeFor)
	f.want(t, "home")
	f.wantAbandoned(t)
	if !slices.Contains(f.flows.calls, "done 11") || !slices.Contains(f.flows.calls, "done 7") {
		t.Fatalf("calls %q", f.flows.calls)
	}
}

// TestCourierLeavesFailureScreen: a step that fails (no larger door free)
// shows a problem; its way out gives the drop-off up.
func TestCourierLeavesFailureScreen(t *testing.T) {
	f := newFixture(t)
	f.k.Scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.tap(t, "Medium")
	f.flows.courier.stepErr = core.ErrNoFreeDoor
	f.tap(t, "Door too small")
	f.want(t, "problem")
	f.wantAbandoned(t)
	f.tap(t, "Back to start")
	f.want(t, "courier")
	f.wantAbandoned(t, "abandon 11")
}

// TestCourierDoneFailsKeepsRent: when Done fails after the door closed the
// parcel may be inside, so leaving keeps the rent for staff; when it fails
// because the door never opened, the drop-off is given up.
func TestCourierDoneFailsKeepsRent(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want []string
	}{
		{errors.New("disk I/O error"), nil},
		{core.ErrDoorStillOpen, nil},
		{core.ErrDoorDidNotOpen, []string{"abandon 11"}},
	} {
		t.Run(tt.err.Error(), func(t *testing.T) {
			f := newFixture(t)
			f.flows.courier.doneErr = tt.err
			f.k.Scanned(annaToken)
			f.tap(t, "Drop off parcels")
			f.tap(t, "Small")
			f.doorEvent(11, lockio.EventClosed)
			f.want(t, "problem")
			f.tap(t, "Back to start")
			f.want(t, "courier")
			f.wantAbandoned(t, tt.want...)
		})
	}
}

// TestReturnLeftWhenDoorDidNotOpen: a shopper going home from a return
// whose door did not open gives it up too (app keeps the return reserved).
func TestReturnLeftWhenDoorDidNotOpen(t *testing.T) {
	f := newFixture(t)
	f.tap(t, "Send or return")
	f.typeOnKeypad(t, "RRRR-2222")
	f.tap(t, "Open a door")
	f.want(t, "door")
	f.doorEvent(5, lockio.EventDidNotOpen)
	f.want(t, "drop.notopen")
	f.tap(t, "Back to start")
	f.want(t, "home")
	f.wantAbandoned(t, "abandon 5")
}

// TestLateDidNotOpenAfterLeaving: a board notice for a drop-off already
// given up leaves the screen alone.
func TestLateDidNotOpenAfterLeaving(t *testing.T) {
	f := newFixture(t)
	f.k.Scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.tap(t, "Small")
	f.doorEvent(11, lockio.EventDidNotOpen)
	f.tap(t, "Courier menu")
	f.doorEvent(11, lockio.EventDidNotOpen)
	f.want(t, "courier")
	f.wantAbandoned(t, "abandon 11")
}

// TestAbandonFreesRealWalkInDoor: over the real locker, a walk-in whose
// door the board says did not open is given up when the courier goes back
// to the menu. The door, whose opening failed, is kept out of assignment
// (it may hold a parcel) until staff clear it.
func TestAbandonFreesRealWalkInDoor(t *testing.T) {
	f := newFixture(t)
	f.k.flows = AppFlows(f.locker)
	f.k.Scanned(f.locker.IssueCourierToken("anna", time.Hour))
	f.want(t, "courier")
	f.tap(t, "Drop off parcels")
	f.board.mu.Lock()
	f.board.refuse = true
	f.board.mu.Unlock()
	f.tap(t, "Small")
	f.want(t, "drop.notopen")
	door := f.k.drop.d.Door().ID
	free := func() bool {
		var free bool
		err := f.db.View(context.Background(), func(tx *storage.Tx) error {
			ds, err := tx.FreeDoors(false, nil)
			for _, d := range ds {
				free = free || d.ID == door
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return free
	}
	if free() {
		t.Fatalf("door %d is free while the walk-in holds it", door)
	}
	f.tap(t, "Courier menu")
	rs, err := f.locker.Rents(context.Background(), core.RentFilter{DoorID: door})
	if err != nil || len(rs) != 1 || rs[0].State != storage.RentCancelled {
		t.Fatalf("rents of door %d after the courier left: %+v, %v; want the walk-in cancelled", door, rs, err)
	}
	if free() {
		t.Fatalf("door %d, whose opening failed, is offered to the next parcel", door)
	}
}
