package enginetest

import (
	"context"
	"errors"
	"testing"

	"pudo/app"
)

// The contract when nobody can tell whether a door opened (app/RULES.md,
// "Unknown is not no"): the person is asked, their word moves the rent,
// an unanswered question leaves the rent to check, one retry per rent,
// and staff's check of the door settles what nobody else could.

// staffIn signs the rig's staff member in.
func staffIn(t testing.TB, r *Rig) app.StaffSession {
	t.Helper()
	s, err := r.Engine.LoginStaff(context.Background(), r.StaffPIN)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// activeRent is the rent active in door doorID (ok false: none), as
// staff's search sees it.
func activeRent(t testing.TB, r *Rig, doorID int64) (app.Rent, bool) {
	t.Helper()
	rents, err := staffIn(t, r).Rents(context.Background(), app.RentQuery{DoorID: doorID})
	if err != nil {
		t.Fatal(err)
	}
	for _, rent := range rents {
		if rent.State.Active() {
			return rent, true
		}
	}
	return app.Rent{}, false
}

// rentState is the state of the newest rent of door doorID.
func rentState(t testing.TB, r *Rig, doorID int64) app.RentState {
	t.Helper()
	rents, err := staffIn(t, r).Rents(context.Background(), app.RentQuery{DoorID: doorID})
	if err != nil || len(rents) == 0 {
		t.Fatalf("rents of door %d: %v, %v", doorID, rents, err)
	}
	newest := rents[0]
	for _, rent := range rents {
		if rent.ID > newest.ID {
			newest = rent
		}
	}
	return newest.State
}

// unknownPickup starts a pickup whose opening nobody could tell.
func unknownPickup(t testing.TB, r *Rig) (app.Pickup, string, int64) {
	t.Helper()
	code, doorID := r.Stock(t)
	p, err := r.Engine.PickupByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	r.Unseen(t, doorID)
	if o := p.Opening(); o.Outcome != app.OutcomeUnknown || o.DoorID != doorID {
		t.Fatalf("opening after a gap in the readings: %+v; want door %d unknown", o, doorID)
	}
	if d := door(t, r, doorID); d.Fault == "" || d.Assignable() {
		t.Fatalf("door %d whose opening is unknown: %+v; want kept", doorID, d)
	}
	return p, code, doorID
}

func pickupUnknownYes(t *testing.T, r *Rig) {
	ctx := context.Background()
	p, code, doorID := unknownPickup(t, r)
	if got := rentState(t, r, doorID); got != app.RentStored {
		t.Fatalf("rent while the question is open: %v; want stored (unknown is not no, nor yes)", got)
	}
	v, err := p.Answer(ctx, true)
	if err != nil || v.Kind != app.VerdictTaken || v.Opening.Outcome != app.OutcomeOpened || v.Opening.Cause != app.CausePersonYes {
		t.Fatalf("Answer(yes) = %+v, %v; want taken, opened on the person's word", v, err)
	}
	if got := rentState(t, r, doorID); got != app.RentCollected {
		t.Fatalf("rent after the shopper's yes: %v; want collected", got)
	}
	if d := door(t, r, doorID); d.Fault != "" {
		t.Fatalf("door %d after the yes: %+v; want no fault", doorID, d)
	}
	if _, err := p.Answer(ctx, true); !errors.Is(err, app.ErrNoQuestion) {
		t.Fatalf("a second answer = %v, want ErrNoQuestion", err)
	}
	if _, err := r.Engine.PickupByCode(ctx, code); !errors.Is(err, app.ErrAlreadyCollected) {
		t.Fatalf("the code again = %v, want ErrAlreadyCollected", err)
	}
}

func pickupUnknownNo(t *testing.T, r *Rig) {
	ctx := context.Background()
	p, code, doorID := unknownPickup(t, r)
	v, err := p.Answer(ctx, false)
	if err != nil || v.Kind != app.VerdictRetried || v.Opening.DoorID != doorID || !v.Opening.Pending() {
		t.Fatalf("Answer(no) = %+v, %v; want the one retry of door %d, pending", v, err, doorID)
	}
	if got := rentState(t, r, doorID); got != app.RentStored {
		t.Fatalf("rent after the no: %v; want stored", got)
	}
	r.NotOpened(t, doorID)
	if v, err := p.DidNotOpen(ctx); err != nil || v.Kind != app.VerdictSupport {
		t.Fatalf("the retry did not open either: %+v, %v; want support", v, err)
	}
	forStaff(t, r, code, doorID)
}

// forStaff: code's rent used its retry, so its door is not unlocked again
// until staff check it.
func forStaff(t testing.TB, r *Rig, code string, doorID int64) {
	t.Helper()
	p, err := r.Engine.PickupByCode(context.Background(), code)
	var fs *app.ForStaffError
	if !errors.As(err, &fs) || !errors.Is(err, app.ErrForStaff) || fs.Door != doorID || p != nil {
		t.Fatalf("the code after its retry = %v, %v; want no pickup, *ForStaffError of door %d", p, err, doorID)
	}
}

func pickupUnknownLeft(t *testing.T, r *Rig) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	notices := r.Engine.Subscribe(ctx)
	p, code, doorID := unknownPickup(t, r)
	p.Leave(ctx)
	if got := rentState(t, r, doorID); got != app.RentStored {
		t.Fatalf("rent left to check: %v; want stored", got)
	}
	if d := door(t, r, doorID); d.Fault == "" || d.Assignable() {
		t.Fatalf("door %d left to check: %+v; want kept for staff", doorID, d)
	}
	// The code still works and asks the same question before any unlock.
	again, err := r.Engine.PickupByCode(ctx, code)
	if err != nil {
		t.Fatalf("the code of a rent to check = %v", err)
	}
	if o := again.Opening(); o.Outcome != app.OutcomeUnknown || o.DoorID != doorID {
		t.Fatalf("the code of a rent to check opens %+v; want the same unknown opening of door %d", o, doorID)
	}
	if v, err := again.Answer(ctx, true); err != nil || v.Kind != app.VerdictTaken {
		t.Fatalf("Answer(yes) on coming back = %+v, %v; want taken", v, err)
	}
	if n := awaitNotice(t, notices, doorID, app.NoticeRent); n.Rent == nil || n.Rent.State != app.RentCollected {
		t.Fatalf("rent notice %+v, want the rent collected", n)
	}
}

func pickupForStaffAfterRetry(t *testing.T, r *Rig) {
	ctx := context.Background()
	code, doorID := r.Stock(t)
	r.Refuse(t, doorID)
	p, err := r.Engine.PickupByCode(ctx, code)
	if !errors.Is(err, app.ErrDoorDidNotOpen) || p == nil {
		t.Fatalf("PickupByCode with the board refusing = %v, %v", p, err)
	}
	if v, err := p.DidNotOpen(ctx); err != nil || v.Kind != app.VerdictRetried {
		t.Fatalf("first report = %+v, %v; want the retry", v, err)
	}
	forStaff(t, r, code, doorID)
	// Staff look inside: the parcel is there; the rent gets its retry
	// afresh and its code unlocks again.
	if err := staffIn(t, r).CheckDoor(ctx, doorID, true, "parcel inside"); err != nil {
		t.Fatalf("CheckDoor = %v", err)
	}
	if _, err := r.Engine.PickupByCode(ctx, code); errors.Is(err, app.ErrForStaff) {
		t.Fatalf("the code after staff checked its door = %v, want an unlock", err)
	}
}

func noQuestion(t *testing.T, r *Rig) {
	ctx := context.Background()
	code, doorID := r.Stock(t)
	p, err := r.Engine.PickupByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Answer(ctx, true); !errors.Is(err, app.ErrNoQuestion) {
		t.Fatalf("Answer while the door is being opened = %v, want ErrNoQuestion", err)
	}
	r.Open(t, doorID)
	if _, err := p.Answer(ctx, false); !errors.Is(err, app.ErrNoQuestion) {
		t.Fatalf("Answer after the door was seen open = %v, want ErrNoQuestion", err)
	}
	d, err := login(t, r).DropNew(ctx, app.SizeS, "W-Q", false)
	if err != nil {
		t.Fatal(err)
	}
	r.Open(t, d.Opening().DoorID)
	if _, err := d.Answer(ctx, true); !errors.Is(err, app.ErrNoQuestion) {
		t.Fatalf("DropOff.Answer unasked = %v, want ErrNoQuestion", err)
	}
}

// unknownDropOff starts a walk-in whose opening nobody could tell.
func unknownDropOff(t testing.TB, r *Rig) (app.DropOff, int64) {
	t.Helper()
	d, err := login(t, r).DropNew(context.Background(), app.SizeS, "W-U", false)
	if err != nil {
		t.Fatal(err)
	}
	doorID := d.Opening().DoorID
	r.Unseen(t, doorID)
	if o := d.Opening(); o.Outcome != app.OutcomeUnknown {
		t.Fatalf("drop-off's opening after a gap in the readings: %+v; want unknown", o)
	}
	return d, doorID
}

func dropOffUnknownAsksFirst(t *testing.T, r *Rig) {
	ctx := context.Background()
	d, doorID := unknownDropOff(t, r)
	if _, err := d.Done(ctx); !errors.Is(err, app.ErrAskFirst) {
		t.Fatalf("Done while nobody can tell whether the door opened = %v, want ErrAskFirst", err)
	}
	if err := d.Abandon(ctx); err != nil {
		t.Fatalf("Abandon = %v", err)
	}
	if got := rentState(t, r, doorID); got != app.RentReserved {
		t.Fatalf("walk-in abandoned while its door may hold the parcel: %v; want reserved", got)
	}
	rent, err := d.Answer(ctx, true)
	if err != nil || rent.State != app.RentStored || rent.DoorID != doorID {
		t.Fatalf("Answer(in) = %+v, %v; want stored in door %d", rent, err, doorID)
	}
	p, err := r.Engine.PickupByCode(ctx, d.Code())
	if err != nil || p.Opening().DoorID != doorID {
		t.Fatalf("the code of a parcel stored on the courier's word = %v; want door %d", err, doorID)
	}
}

func dropOffUnknownNo(t *testing.T, r *Rig) {
	ctx := context.Background()
	d, doorID := unknownDropOff(t, r)
	rent, err := d.Answer(ctx, false)
	if err != nil || rent.State != app.RentReserved {
		t.Fatalf("Answer(not in) = %+v, %v; want reserved", rent, err)
	}
	if dr := door(t, r, doorID); dr.Fault == "" || dr.Assignable() {
		t.Fatalf("door %d after the courier's no: %+v; want kept for staff", doorID, dr)
	}
	if err := staffIn(t, r).CheckDoor(ctx, doorID, false, "door empty"); err != nil {
		t.Fatalf("CheckDoor(empty) = %v", err)
	}
	if got := rentState(t, r, doorID); got != app.RentCancelled {
		t.Fatalf("walk-in whose door staff found empty: %v; want cancelled", got)
	}
	if dr := door(t, r, doorID); !dr.Assignable() {
		t.Fatalf("door %d checked empty: %+v; want free", doorID, dr)
	}
}

func dropOffHold(t *testing.T, r *Rig) {
	ctx := context.Background()
	for _, in := range []bool{true, false} {
		d, err := login(t, r).DropNew(ctx, app.SizeS, "W-H", false)
		if err != nil {
			t.Fatal(err)
		}
		doorID := d.Opening().DoorID
		r.Open(t, doorID)
		d.Hold(ctx) // "Door N is our largest size": the courier chooses
		r.Close(t, doorID)
		if got := rentState(t, r, doorID); got != app.RentReserved {
			t.Fatalf("door closed while the courier chose: rent %v; want reserved (asked, not stored)", got)
		}
		rent, err := d.Answer(ctx, in)
		want := app.RentStored
		if !in {
			want = app.RentReserved
		}
		if err != nil || rent.State != want {
			t.Fatalf("Answer(%v) after a hold = %+v, %v; want %v", in, rent, err, want)
		}
		if in {
			continue
		}
		if err := d.Withdraw(ctx); err != nil {
			t.Fatalf("Withdraw after 'not in' = %v", err)
		}
		if got := rentState(t, r, doorID); got != app.RentCancelled {
			t.Fatalf("walk-in taken back: %v; want cancelled", got)
		}
	}
}

// A drop-off's one retry is at another free door of its size; after that
// the courier goes to support.
func dropOffRetryAtAnotherDoor(t *testing.T, r *Rig) {
	ctx := context.Background()
	d, err := login(t, r).DropNew(ctx, app.SizeS, "W-R", false)
	if err != nil {
		t.Fatal(err)
	}
	first := d.Opening().DoorID
	r.NotOpened(t, first)
	v, err := d.DidNotOpen(ctx)
	if err != nil || v.Kind != app.VerdictOtherDoor || v.Opening.DoorID == first || door(t, r, v.Opening.DoorID).Size != app.SizeS {
		t.Fatalf("first report = %+v, %v; want another S door than %d", v, err, first)
	}
	if dr := door(t, r, first); dr.Assignable() {
		t.Fatalf("door %d that did not open is given out again: %+v", first, dr)
	}
	second := v.Opening.DoorID
	r.NotOpened(t, second)
	if v, err := d.DidNotOpen(ctx); err != nil || v.Kind != app.VerdictSupport {
		t.Fatalf("second report = %+v, %v; want support", v, err)
	}
}

func checkDoor(t *testing.T, r *Rig) {
	ctx := context.Background()
	s := staffIn(t, r)
	p, _, doorID := unknownPickup(t, r)
	p.Leave(ctx)
	if err := s.CheckDoor(ctx, doorID, false, "door empty"); err != nil {
		t.Fatalf("CheckDoor(empty) = %v", err)
	}
	if got := rentState(t, r, doorID); got != app.RentCollected {
		t.Fatalf("rent to check, door found empty: %v; want collected", got)
	}
	if d := door(t, r, doorID); !d.Assignable() {
		t.Fatalf("door %d checked empty: %+v; want free", doorID, d)
	}
	if _, ok := activeRent(t, r, doorID); ok {
		t.Fatalf("door %d checked empty still holds a rent", doorID)
	}
	if err := s.CheckDoor(ctx, doorID, true, "a parcel"); !errors.Is(err, app.ErrParcelWithoutRent) {
		t.Fatalf("CheckDoor(parcel inside) of a door with no rent = %v, want ErrParcelWithoutRent", err)
	}

	p, code, doorID := unknownPickup(t, r)
	p.Leave(ctx)
	if err := s.CheckDoor(ctx, doorID, true, "parcel inside"); err != nil {
		t.Fatalf("CheckDoor(inside) = %v", err)
	}
	if got := rentState(t, r, doorID); got != app.RentStored {
		t.Fatalf("rent to check, parcel found inside: %v; want stored", got)
	}
	if d := door(t, r, doorID); d.Fault != "" {
		t.Fatalf("door %d checked: %+v; want no fault", doorID, d)
	}
	again, err := r.Engine.PickupByCode(ctx, code)
	if err != nil || !again.Opening().Pending() {
		t.Fatalf("the code after staff found the parcel = %v; want a new unlock pending", err)
	}
}
