package ui

import (
	"context"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"pudo/lockio"
)

func TestStaffLogin(t *testing.T) {
	f := newFixture(t)
	f.tapLogo(5)
	f.typeOnKeypad(t, "87654321")
	f.tap(t, "Enter")
	f.want(t, &pinScreen{})
	if !f.shows("Wrong PIN.") || f.k.staff != nil {
		t.Fatalf("texts %q", f.texts())
	}
	f.typeOnKeypad(t, "12345678")
	f.tap(t, "Enter")
	f.want(t, &adminDoorsScreen{})
	f.tap(t, "Log out")
	f.want(t, &homeScreen{})
	if f.k.staff != nil {
		t.Fatal("still logged in")
	}
}

func TestAdminDoors(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	if g := shown[*adminDoorsScreen](t, f); !g.hasState(7, "open") || !g.hasState(9, "fault") {
		t.Fatalf("states %+v", g.states)
	}
	test.Tap(f.doorCell(t, 12))
	f.tap(t, "Open door 12")
	f.want(t, &pinAgainScreen{}) // force-opening asks the PIN again
	f.typeOnKeypad(t, "11112222")
	f.tap(t, "Enter")
	if len(f.flows.staff.opened) != 0 || !f.shows("Wrong PIN.") {
		t.Fatalf("a wrong PIN opened %v; texts %q", f.flows.staff.opened, f.texts())
	}
	test.Tap(f.doorCell(t, 12))
	f.tap(t, "Open door 12")
	f.typeOnKeypad(t, "12345678")
	f.tap(t, "Enter")
	if !slices.Equal(f.flows.staff.opened, []int64{12}) || !f.shows("Door 12 opened.") {
		t.Fatalf("opened %v texts %q", f.flows.staff.opened, f.texts())
	}
	f.tap(t, "Take out of service")
	if !f.flows.staff.oos[12] || !shown[*adminDoorsScreen](t, f).hasState(12, "out-of-service") {
		t.Fatalf("oos %v", f.flows.staff.oos)
	}
	f.tap(t, "Back in service")
	if f.flows.staff.oos[12] {
		t.Fatal("still out of service")
	}
}

func (a *adminDoorsScreen) hasState(id int64, state string) bool {
	for _, s := range a.states {
		if s.Door.ID == id {
			return s.State == state
		}
	}
	return false
}

func TestAdminOpenAllAsksPINAgain(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	f.tap(t, "Open all doors (inventory)")
	f.want(t, &pinAgainScreen{})
	f.typeOnKeypad(t, "11112222")
	f.tap(t, "Enter")
	f.want(t, &adminDoorsScreen{})
	if f.flows.staff.all != 0 || !f.shows("Wrong PIN.") {
		t.Fatalf("opened all %d texts %q", f.flows.staff.all, f.texts())
	}
	f.tap(t, "Open all doors (inventory)")
	f.typeOnKeypad(t, "12345678")
	f.tap(t, "Enter")
	if f.flows.staff.all != 1 || !f.shows("All doors opened.") {
		t.Fatalf("opened all %d texts %q", f.flows.staff.all, f.texts())
	}
}

func TestAdminRentsSearch(t *testing.T) {
	f := newFixture(t)
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
	f.tap(t, "1")
	f.tap(t, "2")
	if !f.shows("Door 12") || f.shows("#1 ") {
		t.Fatalf("door 12: texts %q", f.texts())
	}
	if last := f.flows.calls[len(f.flows.calls)-1]; last != "rents  12" {
		t.Fatalf("last query %q", last)
	}
}

func TestAdminEventsPage(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	f.tap(t, "Log")
	f.want(t, &adminEventsScreen{})
	if !f.shows("10:00:30") || f.shows("10:00:23") {
		t.Fatalf("first page: texts %q", f.texts())
	}
	f.tap(t, "Next")
	if !f.shows("10:00:23") {
		t.Fatalf("second page: texts %q", f.texts())
	}
}

func TestAdminHardware(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	f.tap(t, "Hardware")
	f.want(t, &adminHardwareScreen{})
	if !f.shows("8a80  sim  connected") || !f.shows("camera: working (4)") || !f.shows("serial: not found") {
		t.Fatalf("texts %q", f.texts())
	}
	if img := f.preview(); img == nil || img.Image == nil {
		t.Fatal("no camera picture")
	}
	f.k.Scanned("ANY-TEXT-123")
	if !f.shows("Last code read: ANY-TEXT-123") {
		t.Fatalf("texts %q", f.texts())
	}
	f.tap(t, "Scan the lock-board bus")
	if f.board2.scans != 1 || !f.shows("Boards found at: 1 2(!)") {
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
	f.scanners.frame = nil
	before := f.preview().Image
	f.scanners.frame = testFrame()
	f.clock.advance(time.Second)
	if f.preview().Image == before {
		t.Fatal("preview not refreshed")
	}
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
		if l, ok := c.Objects[0].(*widget.Label); ok && l.Text == label {
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

func TestAdminExitToDesktop(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	f.tap(t, "Settings")
	f.tap(t, "Exit to desktop")
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
	if f.shows("Reconnect the lock board") {
		t.Fatal("reconnect offered while the bus is up")
	}
	f.board2.health.State = lockio.BusPermission
	f.tap(t, "Hardware")
	if !f.shows("8a80  sim  no permission") {
		t.Fatalf("texts %q", f.texts())
	}
	f.tap(t, "Reconnect the lock board")
	if f.board2.reconnects != 1 {
		t.Fatalf("Reconnect called %d times", f.board2.reconnects)
	}
	f.want(t, &adminHardwareScreen{})
}

// A relay whose OFF was never confirmed is named on the hardware screen.
func TestAdminHardwareShowsRelayLeftOn(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	f.board2.health.Boards[0].RelaysOn = 1 << 2 // channel 3
	f.tap(t, "Hardware")
	if !f.shows("Relay 1/03 may still be on: check that lock and its wiring.") {
		t.Fatalf("texts %q", f.texts())
	}
}
