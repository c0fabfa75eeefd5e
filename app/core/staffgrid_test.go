package core

import (
	"context"
	"errors"
	"testing"

	"pudo/app"
)

// A door with a parcel taken out of service keeps its parcel on the staff
// grid: the rent is still there, and the door is marked out of service.
func TestOutOfServiceDoorKeepsItsParcelOnTheGrid(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	s := loginStaffSession(t, l)
	c := &Courier{l: l, id: "c"}
	d, err := c.DropNew(ctx, "S", "PK-OOS", false)
	if err != nil {
		t.Fatal(err)
	}
	dropIn(t, locks, d)
	if err := s.SetOutOfService(ctx, openedDoor(d).ID, true, "hinge"); err != nil {
		t.Fatal(err)
	}
	states, err := s.DoorStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range states {
		if st.ID != openedDoor(d).ID {
			continue
		}
		if !st.OutOfService || st.Rent == nil || st.Rent.ParcelRef != "PK-OOS" || !st.Occupied {
			t.Fatalf("door %d on the grid: %+v, rent %+v; want out of service with its parcel", st.ID, st.Door, st.Rent)
		}
		return
	}
	t.Fatalf("door %d not on the grid", openedDoor(d).ID)
}

// Leaving for the desktop checks the PIN like every re-check: wrong ones
// are counted, the fifth locks the account, and a locked account is
// refused even with its right PIN.
func TestConfirmPINLocksAfterFiveWrong(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	s := loginStaffSession(t, l)
	for i := 1; i < staffLockAfter; i++ {
		if err := s.ConfirmPIN(ctx, "99999999"); !errors.Is(err, app.ErrBadPIN) {
			t.Fatalf("wrong PIN %d: %v", i, err)
		}
	}
	if err := s.ConfirmPIN(ctx, "99999999"); !errors.Is(err, app.ErrStaffLocked) {
		t.Fatalf("wrong PIN %d: %v, want the account locked", staffLockAfter, err)
	}
	if err := s.ConfirmPIN(ctx, DemoStaffPIN); !errors.Is(err, app.ErrStaffLocked) {
		t.Fatalf("the right PIN on a locked account: %v", err)
	}
	if n := len(eventsOfKind(t, l, "alert.staff.locked")); n != 1 {
		t.Fatalf("%d alert.staff.locked events, want 1", n)
	}
}
