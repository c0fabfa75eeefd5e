package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"pudo/app/core"
	"pudo/lockio"
)

// scene brings a fresh kiosk to one screen, the way a person would.
type scene struct {
	name  string
	setup func(t *testing.T, f *fixture)
}

// scenes are every screen of the kiosk, in the order a tour would see them.
var scenes = []scene{
	{"home", func(t *testing.T, f *fixture) {}},
	{"home-bigtext", func(t *testing.T, f *fixture) { f.tap(t, tr("home.bigtext.on")) }},
	{"code", func(t *testing.T, f *fixture) {
		f.tap(t, tr("home.collect"))
		f.typeOnKeypad(t, "7K3M")
	}},
	{"code-wrong", func(t *testing.T, f *fixture) {
		f.tap(t, tr("home.collect"))
		f.typeOnKeypad(t, "ZZZZZZZZ")
		f.tap(t, tr("keypad.ok"))
	}},
	{"code-locked", func(t *testing.T, f *fixture) {
		f.flows.paused = f.clock.now.Add(14*time.Minute + 32*time.Second)
		f.tap(t, tr("home.collect"))
	}},
	{"door", func(t *testing.T, f *fixture) {
		f.second = f.addParcelUnderCode(t, f.demo[0].DoorID)
		f.tap(t, tr("home.collect"))
		f.typeOnKeypad(t, f.demo[0].Code)
		f.tap(t, tr("keypad.ok"))
	}},
	{"gotit", toGotIt},
	{"thanks", func(t *testing.T, f *fixture) { f.k.showThanks(tr("thanks.pickup")) }},
	{"report", func(t *testing.T, f *fixture) {
		toGotIt(t, f)
		f.tap(t, tr("got.empty"))
	}},
	{"more-time", func(t *testing.T, f *fixture) {
		f.tap(t, tr("home.collect"))
		f.clock.advance(f.k.settings.IdleTimeout + 3*time.Second)
	}},
	{"left-open", func(t *testing.T, f *fixture) { f.doorEvent(f.demo[1].DoorID, lockio.EventLeftOpen) }},
	{"door-did-not-open", func(t *testing.T, f *fixture) { f.k.showDoorDidNotOpen(core.Door{ID: 14}) }},
	{"out-of-service", func(t *testing.T, f *fixture) { f.k.showFailure(core.ErrOutOfService, 14) }},
	{"offline", func(t *testing.T, f *fixture) { f.k.show(&outOfOrderScreen{}) }},
	{"return", func(t *testing.T, f *fixture) {
		f.tap(t, tr("home.send"))
		f.typeOnKeypad(t, "RRRR22")
	}},
	{"return-door", func(t *testing.T, f *fixture) {
		f.tap(t, tr("home.send"))
		f.typeOnKeypad(t, "RRRR2222")
		f.tap(t, tr("return.ok"))
	}},
	{"courier-menu", func(t *testing.T, f *fixture) { f.k.Scanned("PUDO-C1:courier-anna") }},
	{"courier-drop", func(t *testing.T, f *fixture) {
		f.k.Scanned("PUDO-C1:courier-anna")
		f.tap(t, tr("courier.drop"))
		f.k.Scanned("PKG-UNKNOWN-77")
	}},
	{"courier-door", toCourierDoor},
	{"courier-not-open", func(t *testing.T, f *fixture) {
		toCourierDoor(t, f)
		f.doorEvent(f.doorShown(t), lockio.EventDidNotOpen)
	}},
	{"courier-takeback", func(t *testing.T, f *fixture) {
		f.flows.courier.expired = sampleParcels()
		f.k.Scanned("PUDO-C1:courier-anna")
		f.tap(t, tr("courier.expired"))
		f.tap(t, trf("batch.start", "N", 3))
		f.doorEvent(4, lockio.EventClosed)
	}},
	{"staff-pin", func(t *testing.T, f *fixture) {
		f.tapLogo(5)
		f.typeOnKeypad(t, "1234")
	}},
	{"admin-doors", func(t *testing.T, f *fixture) {
		f.staffLogin(t)
		test.Tap(f.doorCell(t, 7))
	}},
	{"admin-rents", func(t *testing.T, f *fixture) {
		f.staffLogin(t)
		f.tap(t, tr("admin.rents"))
	}},
	{"admin-events", func(t *testing.T, f *fixture) {
		f.staffLogin(t)
		f.tap(t, tr("admin.events"))
	}},
	{"admin-hardware", func(t *testing.T, f *fixture) {
		f.staffLogin(t)
		f.k.lastScan = "PUDO-C1:courier-anna"
		f.tap(t, tr("admin.hardware"))
	}},
	{"admin-settings", func(t *testing.T, f *fixture) {
		f.staffLogin(t)
		f.tap(t, tr("admin.settings"))
	}},
	{"admin-openall", func(t *testing.T, f *fixture) {
		f.staffLogin(t)
		f.tap(t, tr("admin.openall"))
	}},
}

func toGotIt(t *testing.T, f *fixture) {
	f.tap(t, tr("home.collect"))
	f.typeOnKeypad(t, f.demo[0].Code)
	f.tap(t, tr("keypad.ok"))
	f.closeRealDoor(t, f.demo[0].DoorID)
}

func toCourierDoor(t *testing.T, f *fixture) {
	f.k.Scanned("PUDO-C1:courier-anna")
	f.tap(t, tr("courier.drop"))
	f.tap(t, tr("size.M"))
}

func sampleParcels() []Parcel {
	at := time.Date(2026, 2, 24, 9, 0, 0, 0, time.UTC)
	return []Parcel{
		{RentID: 41, Door: core.Door{ID: 4}, Ref: "PKG-2231", Since: at},
		{RentID: 42, Door: core.Door{ID: 11}, Ref: "PKG-2290", Since: at},
		{RentID: 43, Door: core.Door{ID: 19}, Ref: "PKG-2302", Since: at},
	}
}

// tapLogo taps the logo n times, 300 ms apart.
func (f *fixture) tapLogo(n int) {
	for range n {
		f.clock.advance(300 * time.Millisecond)
		f.k.logoTapped()
	}
}

func (f *fixture) staffLogin(t *testing.T) {
	t.Helper()
	f.tapLogo(5)
	f.want(t, &pinScreen{})
	f.typeOnKeypad(t, f.flows.pin)
	f.tap(t, tr("keypad.enter"))
	f.want(t, &adminDoorsScreen{})
}

func (f *fixture) doorCell(t *testing.T, id int64) *tapArea {
	t.Helper()
	var cells []*tapArea
	for _, o := range f.objects() {
		if c, ok := o.(*tapArea); ok && c.onTap != nil {
			cells = append(cells, c)
		}
	}
	if int(id) > len(cells) {
		t.Fatalf("%d door cells, want door %d", len(cells), id)
	}
	return cells[id-1]
}
