package ui

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
	"pudo/app/apptest"
)

func TestStaffLogin(t *testing.T) {
	f := newFixture(t)
	f.tapLogo(5)
	f.typeOnKeypad(t, "87654321")
	f.tap(t, "Enter")
	f.want(t, &pinScreen{})
	if !f.shows("Wrong PIN.") {
		t.Fatalf("texts %q", f.texts())
	}
	f.typeOnKeypad(t, staffPIN)
	f.tap(t, "Enter")
	f.want(t, &adminDoorsScreen{})
	f.tap(t, "Log out")
	f.want(t, &homeScreen{})
}

// adminStates gives the grid one door of each state.
func adminStates(f *fixture) {
	f.eng.SetDoor(7, func(d *app.Door) { d.Sensor = app.SensorOpen })
	f.eng.SetDoor(9, func(d *app.Door) { d.Fault = "did not open"; d.Sensor = app.SensorUnknown })
	f.eng.SetDoor(15, func(d *app.Door) { d.Sensor = app.SensorUnknown })
}

func TestAdminDoors(t *testing.T) {
	f := newFixture(t)
	adminStates(f)
	f.staffLogin(t)
	if g := shown[*adminDoorsScreen](t, f); !g.hasState(7, "open") || !g.hasState(9, "fault") ||
		!g.hasState(15, "unknown") || !g.hasState(1, "occupied") || !g.hasState(2, "free") {
		t.Fatalf("states %+v", g.v.States)
	}
	test.Tap(f.doorCell(t, 12))
	f.tap(t, "Open door 12")
	f.want(t, &pinAgainScreen{}) // force-opening asks the PIN again
	f.typeOnKeypad(t, "11112222")
	f.tap(t, "Enter")
	if f.called("staff open") || !f.shows("Wrong PIN.") {
		t.Fatalf("a wrong PIN opened; calls %q texts %q", f.eng.Calls(), f.texts())
	}
	if f.k.pick.selected != 12 {
		t.Fatal("the selected door was lost")
	}
	f.tap(t, "Open door 12")
	f.typeOnKeypad(t, staffPIN)
	f.tap(t, "Enter")
	if !f.called("staff open 12") || !f.shows("Door 12 opened.") {
		t.Fatalf("calls %q texts %q", f.eng.Calls(), f.texts())
	}
	f.tap(t, "Take out of service")
	if !f.eng.Door(12).OutOfService || !shown[*adminDoorsScreen](t, f).hasState(12, "out-of-service") {
		t.Fatalf("door 12 %+v", f.eng.Door(12))
	}
	f.tap(t, "Back in service")
	if f.eng.Door(12).OutOfService {
		t.Fatal("still out of service")
	}
}

// TestAdminClearsUnsettledDoor: a door whose opening never settled is
// kept for staff; they look inside and clear it. Opening it again meanwhile
// is refused, never a second unlock.
func TestAdminClearsUnsettledDoor(t *testing.T) {
	f := newFixture(t)
	f.eng.SetBoard(12, apptest.Silent)
	f.staffLogin(t)
	test.Tap(f.doorCell(t, 12))
	for range 2 {
		f.tap(t, "Open door 12")
		f.typeOnKeypad(t, staffPIN)
		f.tap(t, "Enter")
	}
	if n := f.eng.Unlocks(12); n != 1 || !f.shows("still being opened") {
		t.Fatalf("%d unlocks; texts %q", n, f.texts())
	}
	if !shown[*adminDoorsScreen](t, f).hasState(12, "opening") {
		t.Fatal("door 12 not shown as opening")
	}
	f.tap(t, "Looked inside: clear")
	if !f.called("staff clear 12") || !f.shows("Door 12 cleared.") {
		t.Fatalf("calls %q texts %q", f.eng.Calls(), f.texts())
	}
}

// TestAdminGridFollowsTheDoors: the grid is read again on a notice and
// every few seconds, without anyone touching it.
func TestAdminGridFollowsTheDoors(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	f.open(3) // forced: no opening was asked
	if !shown[*adminDoorsScreen](t, f).hasState(3, "open") {
		t.Fatal("a notice did not refresh the grid")
	}
	f.eng.SetDoor(4, func(d *app.Door) { d.Sensor = app.SensorUnknown }) // no notice
	f.clock.advance(3 * time.Second)
	if !shown[*adminDoorsScreen](t, f).hasState(4, "unknown") {
		t.Fatal("the grid was not read again")
	}
}

func (a *adminDoorsScreen) hasState(id int64, state string) bool {
	for _, s := range a.v.States {
		if s.ID == id {
			return doorStateName(s) == state
		}
	}
	return false
}

func TestAdminOpenAllAsksPINAgain(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	f.tap(t, tr("admin.openall"))
	f.want(t, &pinAgainScreen{})
	f.typeOnKeypad(t, "11112222")
	f.tap(t, "Enter")
	f.want(t, &adminDoorsScreen{})
	if f.called("staff open all") || !f.shows("Wrong PIN.") {
		t.Fatalf("calls %q texts %q", f.eng.Calls(), f.texts())
	}
	f.tap(t, tr("admin.openall"))
	f.typeOnKeypad(t, staffPIN)
	f.tap(t, "Enter")
	if !f.called("staff open all") || !f.shows("All doors opened.") {
		t.Fatalf("calls %q texts %q", f.eng.Calls(), f.texts())
	}
}

func TestAdminRentsSearch(t *testing.T) {
	f := newFixture(t)
	f.eng.SetRef(1, "PKG-1")
	f.eng.Expire(2)
	f.eng.SetRef(2, "PKG-2")
	f.staffLogin(t)
	f.tap(t, "Rents")
	f.want(t, &adminRentsScreen{})
	if !f.shows("PKG-1") || !f.shows("PKG-2") {
		t.Fatalf("texts %q", f.texts())
	}
	f.tap(t, "Expired")
	if f.shows("PKG-1 ") || !f.shows("PKG-2") {
		t.Fatalf("expired: texts %q", f.texts())
	}
	f.tap(t, "All")
	f.tap(t, "2")
	f.tap(t, "0")
	if !f.shows("Door 20") || f.shows("#1 ") {
		t.Fatalf("door 20: texts %q", f.texts())
	}
	if calls := f.eng.Calls(); calls[len(calls)-1] != `rents "" 20` {
		t.Fatalf("last query %q", calls[len(calls)-1])
	}
}

// TestAdminEventsPage: the log comes newest first, a page of the store at
// a time, and older pages are asked by sequence number.
func TestAdminEventsPage(t *testing.T) {
	f := newFixture(t)
	for i := range 70 {
		f.eng.Log(app.Event{At: time.Date(2026, 3, 2, 10, i/60, i%60, 0, time.UTC), Actor: "system", Kind: app.EvDoorClosed, DoorID: int64(i%24 + 1)})
	}
	f.staffLogin(t)
	f.tap(t, "Log")
	f.want(t, &adminEventsScreen{})
	// A page holds as many lines as the screen fits: more than the 7 a
	// fixed page held at 1280x800.
	per := shown[*adminEventsScreen](t, f).pages.perPage
	if per < 8 || !f.shows("10:01:09") || !f.shows(fmt.Sprintf("10:01:%02d", 9-per+1)) || f.shows(fmt.Sprintf("10:01:%02d", 9-per)) {
		t.Fatalf("first page of %d: texts %q", per, f.texts())
	}
	f.tap(t, "Next")
	if !f.shows(fmt.Sprintf("10:01:%02d", 9-per)) {
		t.Fatalf("second page: texts %q", f.texts())
	}
	f.tap(t, "Older")
	if !f.shows("10:00:09") || f.shows("10:00:10") || f.button("Older") != nil {
		t.Fatalf("older page: texts %q", f.texts())
	}
	f.tap(t, "Newest")
	if !f.shows("10:01:09") {
		t.Fatalf("newest again: texts %q", f.texts())
	}
}

func TestAdminHardware(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	f.tap(t, "Hardware")
	f.want(t, &adminHardwareScreen{})
	if !f.shows("8a80 on sim: connected") || !f.shows("Board 1: answers · 0 timeouts") || !f.shows("inputs on: 1–8, 17–24") ||
		f.shows("0xFF") || !f.shows("Camera: working (4)") || !f.shows("Serial scanner: not found") ||
		!f.shows("No self-test since the kiosk started.") {
		t.Fatalf("texts %q", f.texts())
	}
	if img := f.preview(); img == nil || img.Image == nil {
		t.Fatal("no camera picture")
	}
	f.scanned("ANY-TEXT-123")
	if !f.shows("Last code read: ANY-TEXT-123") {
		t.Fatalf("texts %q", f.texts())
	}
	f.tap(t, "Scan the lock-board bus")
	if !f.called("scan bus") || !f.shows("Boards found at: 1, 2") || !f.shows(trf("hw.scan.collision", "Board", 2)) {
		t.Fatalf("texts %q", f.texts())
	}
	for _, b := range []string{"Scan", "Wrong", "Open", "Left open"} {
		f.tap(t, b)
	}
	want := []string{SoundScan, SoundWrong, SoundOpen, SoundLeftOpen}
	if got := f.sounds.played[len(f.sounds.played)-4:]; !slices.Equal(got, want) {
		t.Fatalf("played %q", got)
	}
	// The preview is live.
	f.eng.Frame = nil
	before := f.preview().Image
	f.eng.Frame = testFrame()
	f.clock.advance(time.Second)
	if f.preview().Image == before {
		t.Fatal("preview not refreshed")
	}
}

// TestAdminSelfTest: staff run the self-test; its failed checks show on
// the hardware screen.
func TestAdminSelfTest(t *testing.T) {
	f := newFixture(t)
	f.eng.Report = app.SelfTestReport{Started: f.clock.now, Finished: f.clock.now, Checks: []app.Check{
		{Kind: app.CheckBoard, Name: "board 1", OK: true},
		{Kind: app.CheckDoor, Name: "door 7", Detail: "reads open", DoorID: 7},
	}}
	f.staffLogin(t)
	f.tap(t, "Hardware")
	f.tap(t, "Run the self-test")
	if !f.shows("1 check failed") || !f.shows("Door 7 does not read closed.") {
		t.Fatalf("texts %q", f.texts())
	}
}

// TestAdminTestsEmptyDoors: after the PIN again, each empty door opens in
// turn; the technician closes it, and the screen says how each did.
func TestAdminTestsEmptyDoors(t *testing.T) {
	f := newFixture(t)
	for d := int64(2); d <= 22; d++ {
		if _, held := f.eng.RentIn(d); !held {
			f.eng.Stock("FULL0000", d)
		}
	}
	f.eng.SetBoard(23, apptest.Refuses)
	f.staffLogin(t)
	f.tap(t, "Hardware")
	f.tap(t, "Test empty doors")
	f.want(t, &pinAgainScreen{})
	f.typeOnKeypad(t, staffPIN)
	f.tap(t, "Enter")
	f.want(t, &doorTestScreen{})
	if !f.shows("Door 24 is open") && !f.shows("Door 23") {
		t.Fatalf("texts %q", f.texts())
	}
	if f.k.shown.idle() != app.IdleNever {
		t.Fatal("a technician at an open door is hurried")
	}
	f.close(24)
	if !f.shows("All empty doors tested.") || !f.shows("Door 23   faulty") || !f.shows("Door 24   good") {
		t.Fatalf("texts %q", f.texts())
	}
	f.tap(t, "Hardware")
	f.want(t, &adminHardwareScreen{})
}

func (f *fixture) preview() *canvas.Image {
	for _, o := range f.objects() {
		if i, ok := o.(*canvas.Image); ok && i.Resource == nil {
			return i
		}
	}
	return nil
}

func TestAdminSettings(t *testing.T) {
	var saved []Settings
	f := newFixture(t, func(o *Options) {
		o.SaveSettings = func(_ context.Context, s Settings) error { saved = append(saved, s); return nil }
	})
	f.staffLogin(t)
	f.tap(t, "Settings")
	f.want(t, &adminSettingsScreen{})
	f.tap(t, "Nederlands")
	f.tap(t, "Always")
	f.tapStepper(t, "Volume 80 %", +1)
	f.tapStepper(t, "Back to start after 60 s idle", -1)
	s := f.k.settings
	if slices.Contains(s.Languages, "nl") || s.Night != NightOn || s.Volume != 90 || s.IdleTimeout != 45*time.Second {
		t.Fatalf("settings %+v", s)
	}
	if len(saved) != 4 || !f.k.style.Night {
		t.Fatalf("saved %d times, style %+v", len(saved), f.k.style)
	}
	f.tap(t, "Log out")
	if f.button("Nederlands") != nil || f.button("Polski") == nil {
		t.Fatalf("home offers %q", f.texts())
	}
}

// tapStepper taps minus (by -1) or plus beside a stepper's label.
func (f *fixture) tapStepper(t *testing.T, label string, by int) {
	t.Helper()
	for _, o := range f.objects() {
		c, ok := o.(*fyne.Container)
		if !ok || len(c.Objects) != 3 {
			continue
		}
		mid, ok := c.Objects[0].(*fyne.Container) // the label, centred
		if !ok || len(mid.Objects) != 1 {
			continue
		}
		if l, ok := mid.Objects[0].(*widget.Label); ok && l.Text == label {
			side := c.Objects[1]
			if by > 0 {
				side = c.Objects[2]
			}
			test.Tap(side.(*fyne.Container).Objects[0].(*button))
			return
		}
	}
	t.Fatalf("no stepper %q; texts %q", label, f.texts())
}

// TestAdminExitToDesktop: leaving for the desktop asks the PIN again; a
// wrong one keeps the kiosk running, and the button sits in a slot no
// other staff screen's paging uses.
func TestAdminExitToDesktop(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	f.tap(t, "Settings")
	f.tap(t, "Exit to desktop")
	f.want(t, &pinAgainScreen{})
	if !f.shows("Exit to desktop: your PIN again") || !f.shows("nobody can collect or drop off here") {
		t.Fatalf("texts %q", f.texts())
	}
	f.typeOnKeypad(t, "11112222")
	f.tap(t, "Enter")
	f.want(t, &adminSettingsScreen{})
	if f.quit != 0 || !f.shows("Wrong PIN.") {
		t.Fatalf("quit %d; texts %q", f.quit, f.texts())
	}
	f.tap(t, "Exit to desktop")
	f.typeOnKeypad(t, staffPIN)
	f.tap(t, "Enter")
	f.want(t, &exitScreen{})
	f.clock.advance(time.Millisecond)
	if f.quit != 1 {
		t.Fatal("did not quit")
	}
}

// A permission problem is not retried by the driver: staff get a button to
// try again once they fixed it, and only while the bus is not up.
func TestAdminHardwareReconnect(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	f.tap(t, "Hardware")
	if f.shows(tr("hw.reconnect")) {
		t.Fatal("reconnect offered while the bus is up")
	}
	f.eng.Hw.Bus.State = app.BusPermission
	f.tap(t, "Hardware")
	if !f.shows("8a80 on sim: no permission") {
		t.Fatalf("texts %q", f.texts())
	}
	f.tap(t, tr("hw.reconnect"))
	if f.eng.Reconnect != 1 {
		t.Fatalf("Reconnect called %d times", f.eng.Reconnect)
	}
	f.want(t, &adminHardwareScreen{})
}

// A relay whose OFF was never confirmed is named on the hardware screen.
func TestAdminHardwareShowsRelayLeftOn(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	f.eng.Hw.Bus.RelaysOn = []int64{3}
	f.tap(t, "Hardware")
	if !f.shows("Relay 3 may still be on: check that lock and its wiring.") {
		t.Fatalf("texts %q", f.texts())
	}
}
