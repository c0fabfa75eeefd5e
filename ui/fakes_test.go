package ui

import (
	"context"
	"image"
	"strconv"
	"time"

	"pudo/app/core"
	"pudo/lockio"
	"pudo/scanner"
)

// fakeFlows are the courier, return and staff flows, scripted by tests.
type fakeFlows struct {
	payloads map[string]Payload
	paused   time.Time
	courier  *fakeCourier
	returns  map[string]int64 // return code -> door
	pin      string
	staff    *fakeStaff
	reopened int
	reports  []string
	calls    []string
}

func newFakeFlows() *fakeFlows {
	ff := &fakeFlows{
		payloads: map[string]Payload{"PUDO-C1:courier-anna": PayloadCourierToken},
		returns:  map[string]int64{"RRRR2222": 5},
		pin:      "12345678",
	}
	ff.courier = &fakeCourier{ff: ff, booked: map[string]int64{"PKG-1001": 7}, next: 10}
	ff.staff = &fakeStaff{ff: ff, oos: map[int64]bool{}}
	return ff
}

func (ff *fakeFlows) flows() Flows {
	return Flows{Scans: ff, Couriers: ff, Returns: ff, Staff: ff, Aftercare: ff}
}

func (ff *fakeFlows) Classify(text string) Payload {
	if p, ok := ff.payloads[text]; ok {
		return p
	}
	if _, err := core.NormalizeCode(text); err == nil {
		return PayloadPickupCode
	}
	return PayloadForeign
}

func (ff *fakeFlows) StartPickupScan(context.Context, string) (*core.Pickup, error) {
	return nil, core.ErrWrongCode
}

func (ff *fakeFlows) CodeEntryPaused(context.Context) (time.Time, bool) {
	return ff.paused, !ff.paused.IsZero()
}

func (ff *fakeFlows) CourierLogin(_ context.Context, token string) (Courier, error) {
	if token != "PUDO-C1:courier-anna" {
		return nil, core.ErrBadToken
	}
	return ff.courier, nil
}

func (ff *fakeFlows) StartReturn(_ context.Context, code string) (DropOff, error) {
	door, ok := ff.returns[code]
	if !ok {
		return nil, core.ErrWrongCode
	}
	return &fakeDrop{ff: ff, door: core.Door{ID: door, Size: "M"}}, nil
}

func (ff *fakeFlows) StaffLogin(_ context.Context, pin string) (Staff, error) {
	if pin != ff.pin {
		return nil, core.ErrBadPIN
	}
	return ff.staff, nil
}

func (ff *fakeFlows) Reopen(context.Context, *core.Pickup) error {
	ff.reopened++
	return nil
}

func (ff *fakeFlows) Report(_ context.Context, _ *core.Pickup, problem string) error {
	ff.reports = append(ff.reports, problem)
	return nil
}

type fakeCourier struct {
	ff       *fakeFlows
	booked   map[string]int64
	next     int64
	expired  []Parcel
	returned []Parcel
	failOpen map[int64]bool // rent ids whose door does not open
	notOpen  bool           // a drop-off's first door does not open
	stepErr  error          // what Larger and Retry fail with
	doneErr  error          // what Done fails with
}

func (c *fakeCourier) Name() string { return "anna" }

func (c *fakeCourier) DropBooked(_ context.Context, ref string) (DropOff, error) {
	door, ok := c.booked[ref]
	if !ok {
		return nil, core.ErrUnknownParcel
	}
	c.ff.calls = append(c.ff.calls, "booked "+ref)
	return c.opened(&fakeDrop{ff: c.ff, door: core.Door{ID: door, Size: "S"}})
}

// opened hands d out with the door open, or not when the test says so.
func (c *fakeCourier) opened(d *fakeDrop) (DropOff, error) {
	if c.notOpen {
		return d, core.ErrDoorDidNotOpen
	}
	return d, nil
}

func (c *fakeCourier) DropNew(_ context.Context, size, ref string, low bool) (DropOff, error) {
	c.ff.calls = append(c.ff.calls, "new "+size+" "+ref)
	c.next++
	return c.opened(&fakeDrop{ff: c.ff, door: core.Door{ID: c.next, Size: size}, code: "ABCD1234"})
}

func (c *fakeCourier) Expired(context.Context) ([]Parcel, error) { return c.expired, nil }
func (c *fakeCourier) Returns(context.Context) ([]Parcel, error) { return c.returned, nil }

func (c *fakeCourier) TakeBack(_ context.Context, id int64) (core.Door, error) {
	return c.take(id, c.expired)
}
func (c *fakeCourier) CollectReturn(_ context.Context, id int64) (core.Door, error) {
	return c.take(id, c.returned)
}

func (c *fakeCourier) take(id int64, from []Parcel) (core.Door, error) {
	c.ff.calls = append(c.ff.calls, "take "+itoa(id))
	if c.failOpen[id] {
		return core.Door{}, core.ErrDoorDidNotOpen
	}
	for _, p := range from {
		if p.RentID == id {
			return p.Door, nil
		}
	}
	return core.Door{}, core.ErrNotFound
}

type fakeDrop struct {
	ff      *fakeFlows
	door    core.Door
	code    string
	retries int
}

func (d *fakeDrop) Door() core.Door { return d.door }
func (d *fakeDrop) Code() string    { return d.code }

func (d *fakeDrop) Larger(context.Context) error {
	d.ff.calls = append(d.ff.calls, "larger")
	if err := d.ff.courier.stepErr; err != nil {
		return err
	}
	d.door = core.Door{ID: d.door.ID + 100, Size: "L"}
	return nil
}

func (d *fakeDrop) Retry(context.Context) error {
	d.ff.calls = append(d.ff.calls, "retry")
	if err := d.ff.courier.stepErr; err != nil {
		return err
	}
	d.retries++
	if d.retries > 1 {
		d.door.ID += 1000
	}
	return nil
}

func (d *fakeDrop) Done(context.Context) error {
	d.ff.calls = append(d.ff.calls, "done "+itoa(d.door.ID))
	return d.ff.courier.doneErr
}

func (d *fakeDrop) Abandon(context.Context) error {
	d.ff.calls = append(d.ff.calls, "abandon "+itoa(d.door.ID))
	return nil
}

type fakeStaff struct {
	ff     *fakeFlows
	oos    map[int64]bool
	opened []int64
	all    int
}

func (s *fakeStaff) Name() string { return "demo" }

func (s *fakeStaff) OpenDoor(_ context.Context, id int64, pin, _ string) error {
	if pin != s.ff.pin {
		return core.ErrBadPIN
	}
	s.opened = append(s.opened, id)
	return nil
}

func (s *fakeStaff) OpenAll(_ context.Context, pin string) error {
	if pin != s.ff.pin {
		return core.ErrBadPIN
	}
	s.all++
	return nil
}

func (s *fakeStaff) SetOutOfService(_ context.Context, id int64, on bool, _ string) error {
	s.oos[id] = on
	return nil
}

func (s *fakeStaff) Rents(_ context.Context, q RentQuery) ([]Parcel, error) {
	s.ff.calls = append(s.ff.calls, "rents "+q.State+" "+itoa(q.DoorID))
	all := []Parcel{
		{RentID: 1, Door: core.Door{ID: 3}, Ref: "PKG-1", State: "stored", Since: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)},
		{RentID: 2, Door: core.Door{ID: 12}, Ref: "PKG-2", State: "expired", Since: time.Date(2026, 2, 20, 9, 0, 0, 0, time.UTC)},
	}
	var out []Parcel
	for _, p := range all {
		if (q.State == "" || p.State == q.State) && (q.DoorID == 0 || p.Door.ID == q.DoorID) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (s *fakeStaff) Events(_ context.Context, before int64, limit int) ([]LogEntry, error) {
	var out []LogEntry
	for seq := int64(30); seq > 0 && len(out) < limit; seq-- {
		if before == 0 || seq < before {
			out = append(out, LogEntry{Seq: seq, At: time.Date(2026, 3, 2, 10, 0, int(seq), 0, time.UTC),
				Actor: "system", Kind: "door.closed", DoorID: seq%24 + 1})
		}
	}
	return out, nil
}

func (s *fakeStaff) DoorStates(context.Context) ([]DoorState, error) {
	var out []DoorState
	for id := int64(1); id <= 24; id++ {
		st := DoorState{Door: core.Door{ID: id, Size: "SML"[id%3 : id%3+1]}, State: "free", Sensor: lockio.SensorClosed}
		switch {
		case s.oos[id]:
			st.State, st.Door.OutOfService = "out-of-service", true
		case id%5 == 0:
			st.State = "occupied"
		case id == 7:
			st.State, st.Sensor = "open", lockio.SensorOpen
		case id == 9:
			st.State, st.Sensor = "fault", lockio.SensorUnknown
		}
		out = append(out, st)
	}
	return out, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// fakeBoard is the lock controller's health, scripted by tests.
type fakeBoard struct {
	health     lockio.Health
	scans      int
	reconnects int
}

func (b *fakeBoard) Reconnect() { b.reconnects++ }

func (b *fakeBoard) Health() lockio.Health { return b.health }
func (b *fakeBoard) Sensors() map[lockio.Door]lockio.Sensor {
	return map[lockio.Door]lockio.Sensor{{Board: 1, Channel: 1}: lockio.SensorClosed}
}

func (b *fakeBoard) Scan(context.Context) ([]lockio.BoardFound, error) {
	b.scans++
	return []lockio.BoardFound{{Address: 1, Answers: 3}, {Address: 2, Answers: 2, Collision: true}}, nil
}

func upBoard() *fakeBoard {
	return &fakeBoard{health: lockio.Health{Protocol: "8a80", Port: "sim", State: lockio.BusUp,
		Boards: []lockio.BoardHealth{{Address: 1, Answering: true, Raw: 0xFF00FF}}}}
}

// fakeScanners are the code readers, with a camera picture.
type fakeScanners struct {
	frame  image.Image
	pushed []string
}

func (s *fakeScanners) Status() []scanner.Status {
	return []scanner.Status{{Source: "camera", Up: true, Detail: "/dev/video0", Reads: 4}, {Source: "serial", Detail: "no device"}}
}

func (s *fakeScanners) LastFrame() image.Image { return s.frame }

func (s *fakeScanners) Push(_ context.Context, r scanner.Read) bool {
	s.pushed = append(s.pushed, r.Text)
	return true
}

func testFrame() image.Image {
	g := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range g.Pix {
		g.Pix[i] = uint8(i * 7)
	}
	return g
}
