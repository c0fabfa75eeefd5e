package enginetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/testenv"
)

// ceiling bounds every wait for the engine: the one ceiling every test
// waits with, so a loaded machine never fails a test; a wait that reaches
// it names what it awaited.
const ceiling = testenv.Patience

// Run plays the contract's tests, each on a fresh rig from newRig.
func Run(t *testing.T, newRig func(t *testing.T) *Rig) {
	for _, c := range contract {
		t.Run(c.name, func(t *testing.T) { c.run(t, newRig(t)) })
	}
}

var contract = []struct {
	name string
	run  func(t *testing.T, r *Rig)
}{
	{"DoorMap", doorMap},
	{"Recognize", recognize},
	{"PickupOpensAndCollects", pickupOpensAndCollects},
	{"PickupRefusesCodes", pickupRefusesCodes},
	{"PickupWhileBeingOpened", pickupWhileBeingOpened},
	{"PickupBoardRefuses", pickupBoardRefuses},
	{"PickupDidNotOpenWhileOpen", pickupDidNotOpenWhileOpen},
	{"PickupNotOpenedKeepsTheDoor", pickupNotOpenedKeepsTheDoor},
	{"PickupReopen", pickupReopen},
	{"CourierLogin", courierLogin},
	{"CourierWalkIn", courierWalkIn},
	{"CourierDropBooked", courierDropBooked},
	{"CourierLarger", courierLarger},
	{"Return", shopperReturn},
	{"Staff", staff},
	{"PickupUnknownYes", pickupUnknownYes},
	{"PickupUnknownNo", pickupUnknownNo},
	{"PickupUnknownLeft", pickupUnknownLeft},
	{"PickupForStaffAfterRetry", pickupForStaffAfterRetry},
	{"NoQuestion", noQuestion},
	{"DropOffUnknownAsksFirst", dropOffUnknownAsksFirst},
	{"DropOffUnknownNo", dropOffUnknownNo},
	{"DropOffHold", dropOffHold},
	{"DropOffRetryAtAnotherDoor", dropOffRetryAtAnotherDoor},
	{"CheckDoor", checkDoor},
}

// door is door id as the engine's door map has it.
func door(t testing.TB, r *Rig, id int64) app.Door {
	t.Helper()
	doors, err := r.Engine.DoorMap(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range doors {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("door %d is not on the door map", id)
	return app.Door{}
}

// awaitNotice reads notices until one about door of a kind in kinds.
func awaitNotice(t testing.TB, ch <-chan app.Notice, doorID int64, kinds ...app.NoticeKind) app.Notice {
	t.Helper()
	timeout := time.NewTimer(ceiling)
	defer timeout.Stop()
	var seen []string
	for {
		select {
		case n, ok := <-ch:
			if !ok {
				t.Fatalf("notices ended awaiting %v of door %d; seen %v", kinds, doorID, seen)
			}
			seen = append(seen, n.Kind.String())
			if n.Door.ID == doorID && slices.Contains(kinds, n.Kind) {
				return n
			}
		case <-timeout.C:
			t.Fatalf("still waiting after %v for a notice %v of door %d; seen %v", ceiling, kinds, doorID, seen)
		}
	}
}

func doorMap(t *testing.T, r *Rig) {
	doors, err := r.Engine.DoorMap(context.Background())
	if err != nil || len(doors) == 0 {
		t.Fatalf("DoorMap = %d doors, %v", len(doors), err)
	}
	for i, d := range doors {
		if d.ID != int64(i+1) || d.Size.Rank() < 0 || d.Col < 1 || d.Row < 1 || !d.Assignable() {
			t.Errorf("door %d of a fresh locker: %+v", i+1, d)
		}
	}
}

func recognize(t *testing.T, r *Rig) {
	code, _ := r.Stock(t)
	ret, _ := r.BookReturn(t)
	for _, c := range []struct {
		text string
		want app.ScanKind
	}{
		{code, app.ScanPickupCode},
		{ret, app.ScanReturnCode},
		{r.CourierToken, app.ScanCourierToken},
		{"4006381333931", app.ScanForeign}, // a product's EAN-13
	} {
		if got := r.Engine.Recognize(c.text); got != c.want {
			t.Errorf("Recognize(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func pickupOpensAndCollects(t *testing.T, r *Rig) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	notices := r.Engine.Subscribe(ctx)
	code, doorID := r.Stock(t)
	p, err := r.Engine.PickupByCode(ctx, code)
	if err != nil {
		t.Fatalf("PickupByCode = %v", err)
	}
	if o := p.Opening(); o.DoorID != doorID || !o.Pending() || p.Remaining() != 0 {
		t.Fatalf("pickup's opening %+v, %d more; want door %d pending, none more", o, p.Remaining(), doorID)
	}
	r.Open(t, doorID)
	if o := p.Opening(); o.Outcome != app.OutcomeOpened {
		t.Fatalf("opening after the door was seen open: %+v", o)
	}
	if n := awaitNotice(t, notices, doorID, app.NoticeRent); n.Rent == nil || n.Rent.State != app.RentCollected {
		t.Fatalf("rent notice %+v, want the rent collected", n)
	}
	if _, err := p.Next(ctx); !errors.Is(err, app.ErrAlreadyCollected) {
		t.Fatalf("Next with none left = %v, want ErrAlreadyCollected", err)
	}
	if _, err := r.Engine.PickupByCode(ctx, code); !errors.Is(err, app.ErrAlreadyCollected) {
		t.Fatalf("the collected code again = %v, want ErrAlreadyCollected", err)
	}
}

func pickupRefusesCodes(t *testing.T, r *Rig) {
	ctx := context.Background()
	r.Stock(t)
	for _, c := range []struct {
		code string
		want error
	}{
		{"ZZZZZZZZ", app.ErrWrongCode},
		{"12", app.ErrCodeFormat},
	} {
		p, err := r.Engine.PickupByCode(ctx, c.code)
		if !errors.Is(err, c.want) || p != nil {
			t.Errorf("PickupByCode(%q) = %v, %v; want no pickup, %v", c.code, p, err, c.want)
		}
	}
}

func pickupWhileBeingOpened(t *testing.T, r *Rig) {
	ctx := context.Background()
	code, doorID := r.Stock(t)
	if _, err := r.Engine.PickupByCode(ctx, code); err != nil {
		t.Fatal(err)
	}
	_, err := r.Engine.PickupByCode(ctx, code)
	var bo *app.BeingOpenedError
	if !errors.As(err, &bo) || bo.Door != doorID || !errors.Is(err, app.ErrBeingOpened) {
		t.Fatalf("the same code while its door is being opened = %v, want *BeingOpenedError of door %d", err, doorID)
	}
}

func pickupBoardRefuses(t *testing.T, r *Rig) {
	ctx := context.Background()
	code, doorID := r.Stock(t)
	r.Refuse(t, doorID)
	p, err := r.Engine.PickupByCode(ctx, code)
	var dno *app.DidNotOpenError
	if !errors.As(err, &dno) || p == nil || dno.Opening.DoorID != doorID {
		t.Fatalf("PickupByCode with the board refusing = %v, %v; want the pickup and *DidNotOpenError of door %d", p, err, doorID)
	}
	if o := p.Opening(); o.Outcome != app.OutcomeNotOpened {
		t.Fatalf("refused opening: %+v", o)
	}
	v, err := p.DidNotOpen(ctx)
	if err != nil || v.Kind != app.VerdictRetried || v.Opening.DoorID != doorID || v.Opening.Outcome != app.OutcomeNotOpened {
		t.Fatalf("first report = %+v, %v; want the one retry of door %d, not opened", v, err, doorID)
	}
	if v, err := p.DidNotOpen(ctx); err != nil || v.Kind != app.VerdictSupport {
		t.Fatalf("second report = %+v, %v; want support", v, err)
	}
	if d := door(t, r, doorID); d.Assignable() {
		t.Fatalf("a door that did not open is still given out: %+v", d)
	}
}

func pickupDidNotOpenWhileOpen(t *testing.T, r *Rig) {
	ctx := context.Background()
	code, doorID := r.Stock(t)
	p, err := r.Engine.PickupByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	r.Open(t, doorID)
	if v, err := p.DidNotOpen(ctx); err != nil || v.Kind != app.VerdictLookAgain {
		t.Fatalf("'did not open' with the door read open = %+v, %v; want look again", v, err)
	}
}

func pickupNotOpenedKeepsTheDoor(t *testing.T, r *Rig) {
	ctx := context.Background()
	code, doorID := r.Stock(t)
	p, err := r.Engine.PickupByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	r.NotOpened(t, doorID)
	if o := p.Opening(); o.Outcome != app.OutcomeNotOpened {
		t.Fatalf("opening after the did-not-open time: %+v", o)
	}
	if d := door(t, r, doorID); d.Fault == "" || d.Assignable() {
		t.Fatalf("door %d after it did not open: %+v; want kept for staff", doorID, d)
	}
	if v, err := p.DidNotOpen(ctx); err != nil || v.Kind != app.VerdictRetried {
		t.Fatalf("report after it did not open = %+v, %v; want the retry", v, err)
	}
}

func pickupReopen(t *testing.T, r *Rig) {
	ctx := context.Background()
	code, doorID := r.Stock(t)
	p, err := r.Engine.PickupByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if !p.ReopenUntil().IsZero() {
		t.Fatalf("reopen offered before the door opened: until %v", p.ReopenUntil())
	}
	r.Open(t, doorID)
	r.Close(t, doorID)
	if p.ReopenUntil().IsZero() {
		t.Fatal("no reopen offered after the collection")
	}
	o, err := p.Reopen(ctx)
	if err != nil || o.DoorID != doorID || o.Purpose != app.PurposeReopen {
		t.Fatalf("Reopen = %+v, %v; want door %d reopened", o, err, doorID)
	}
}

func courierLogin(t *testing.T, r *Rig) {
	ctx := context.Background()
	c, err := r.Engine.LoginCourier(ctx, r.CourierToken)
	if err != nil || c.Courier() != "c1" {
		t.Fatalf("LoginCourier = %v, %v; want courier c1", c, err)
	}
	if c, err := r.Engine.LoginCourier(ctx, "not a token"); !errors.Is(err, app.ErrBadToken) || c != nil {
		t.Fatalf("LoginCourier with no token = %v, %v; want ErrBadToken", c, err)
	}
}

func login(t testing.TB, r *Rig) app.CourierRound {
	t.Helper()
	c, err := r.Engine.LoginCourier(context.Background(), r.CourierToken)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func courierWalkIn(t *testing.T, r *Rig) {
	ctx := context.Background()
	d, err := login(t, r).DropNew(ctx, app.SizeS, "W-1", false)
	if err != nil {
		t.Fatalf("DropNew = %v", err)
	}
	doorID := d.Opening().DoorID
	if d.Code() == "" || door(t, r, doorID).Size != app.SizeS || d.Rent().State != app.RentReserved {
		t.Fatalf("walk-in: code %q, door %+v, rent %+v", d.Code(), door(t, r, doorID), d.Rent())
	}
	if _, err := d.Done(ctx); !errors.Is(err, app.ErrBeingOpened) {
		t.Fatalf("Done before the door opened = %v, want ErrBeingOpened", err)
	}
	r.Open(t, doorID)
	if _, err := d.Done(ctx); !errors.Is(err, app.ErrDoorStillOpen) {
		t.Fatalf("Done with the door open = %v, want ErrDoorStillOpen", err)
	}
	r.Close(t, doorID)
	rent, err := d.Done(ctx)
	if err != nil || rent.State != app.RentStored || rent.DoorID != doorID {
		t.Fatalf("Done after the door closed = %+v, %v; want stored in door %d", rent, err, doorID)
	}
	p, err := r.Engine.PickupByCode(ctx, d.Code())
	if err != nil || p.Opening().DoorID != doorID {
		t.Fatalf("the walk-in's code = %v; want door %d", err, doorID)
	}
}

func courierDropBooked(t *testing.T, r *Rig) {
	ctx := context.Background()
	doorID := r.Book(t, "P-1", app.SizeM)
	c := login(t, r)
	d, err := c.DropBooked(ctx, "P-1")
	if err != nil || d.Opening().DoorID != doorID || d.Code() != "" {
		t.Fatalf("DropBooked = %v; want door %d, no code shown", err, doorID)
	}
	if d, err := c.DropBooked(ctx, "P-UNKNOWN"); !errors.Is(err, app.ErrUnknownParcel) || d != nil {
		t.Fatalf("DropBooked of an unknown label = %v, %v; want ErrUnknownParcel", d, err)
	}
}

func courierLarger(t *testing.T, r *Rig) {
	ctx := context.Background()
	d, err := login(t, r).DropNew(ctx, app.SizeS, "W-2", false)
	if err != nil {
		t.Fatal(err)
	}
	first := d.Opening().DoorID
	r.Open(t, first)
	o, err := d.Larger(ctx)
	if err != nil || o.DoorID == first || door(t, r, o.DoorID).Size.Rank() <= app.SizeS.Rank() {
		t.Fatalf("Larger = %+v, %v; want a larger door than %d", o, err, first)
	}
	if rent := d.Rent(); rent.DoorID != o.DoorID {
		t.Fatalf("rent after Larger in door %d, want %d", rent.DoorID, o.DoorID)
	}
}

func shopperReturn(t *testing.T, r *Rig) {
	ctx := context.Background()
	code, doorID := r.BookReturn(t)
	if d, err := r.Engine.BeginReturn(ctx, "RT-ZZZZ-ZZZZ"); !errors.Is(err, app.ErrWrongCode) || d != nil {
		t.Fatalf("BeginReturn of an unknown code = %v, %v; want ErrWrongCode", d, err)
	}
	d, err := r.Engine.BeginReturn(ctx, code)
	if err != nil || d.Opening().DoorID != doorID || d.Rent().Kind != app.KindReturn {
		t.Fatalf("BeginReturn = %v; want the return's door %d", err, doorID)
	}
	r.Open(t, doorID)
	r.Close(t, doorID)
	if rent, err := d.Done(ctx); err != nil || rent.State != app.RentStored {
		t.Fatalf("return Done = %+v, %v; want stored", rent, err)
	}
}

func staff(t *testing.T, r *Rig) {
	ctx := context.Background()
	if s, err := r.Engine.LoginStaff(ctx, "99999999"); !errors.Is(err, app.ErrBadPIN) || s != nil {
		t.Fatalf("LoginStaff with a wrong PIN = %v, %v; want ErrBadPIN", s, err)
	}
	s, err := r.Engine.LoginStaff(ctx, r.StaffPIN)
	if err != nil || s.Name() == "" {
		t.Fatalf("LoginStaff = %v, %v", s, err)
	}
	doors, _ := r.Engine.DoorMap(ctx)
	states, err := s.DoorStates(ctx)
	if err != nil || len(states) != len(doors) {
		t.Fatalf("DoorStates = %d, %v; want %d doors", len(states), err, len(doors))
	}
	if _, err := s.OpenDoor(ctx, 1, "99999999", "check"); !errors.Is(err, app.ErrBadPIN) {
		t.Fatalf("OpenDoor with a wrong PIN = %v, want ErrBadPIN", err)
	}
	o, err := s.OpenDoor(ctx, 1, r.StaffPIN, "check")
	if err != nil || o.DoorID != 1 || o.Purpose != app.PurposeStaff {
		t.Fatalf("OpenDoor = %+v, %v; want door 1 opening for staff", o, err)
	}
}
