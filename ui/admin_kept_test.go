package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"pudo/app"
)

// A door kept for staff says on its line what its fault is, in the staff
// member's language, and which parcel it held last: a shopper put back a
// parcel that was not theirs after collecting their own, so the door
// holds a parcel no rent accounts for.
func TestAdminDoorNamesItsFaultAndLastParcel(t *testing.T) {
	for _, c := range []struct{ lang, fault, last string }{
		{"en", "fault: holds a parcel a shopper put back as not theirs", "last parcel #1 (Collected)"},
		{"pl", "usterka: jest w niej paczka odłożona przez klienta jako nie jego", "ostatnia paczka #1 (Odebrane)"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			f := newFixture(t)
			toGotIt(t, f)
			f.tap(t, "Wrong parcel")
			door := f.demo[0].DoorID
			f.close(door) // put back
			f.clock.advance(time.Hour)
			f.want(t, &homeScreen{})
			f.eng.SetDoor(door, func(d *app.Door) { d.Fault = "holds a parcel put back as not the shopper's" })
			SetLanguage(c.lang)
			defer SetLanguage("en")
			f.staffLogin(t)
			test.Tap(f.doorCell(t, door))
			line := ""
			for _, s := range f.texts() {
				if strings.Contains(s, c.fault) {
					line = s
				}
			}
			if line == "" || !strings.Contains(line, c.last) {
				t.Fatalf("no line with %q and %q in %q", c.fault, c.last, f.texts())
			}
		})
	}
}

// What staff did to one door stays on the note line only while that door
// is the one they act on.
func TestAdminNoteLeavesWithItsDoor(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	test.Tap(f.doorCell(t, 12))
	f.tap(t, "Open door 12")
	f.typeOnKeypad(t, staffPIN)
	f.tap(t, "Enter")
	if !f.shows("Door 12 opened.") {
		t.Fatalf("texts %q", f.texts())
	}
	test.Tap(f.doorCell(t, 5))
	if f.shows("Door 12 opened.") {
		t.Fatal("door 12's note stays while staff act on door 5")
	}
	test.Tap(f.doorCell(t, 12))
	if !f.shows("Door 12 opened.") {
		t.Fatal("door 12's note is gone when it is selected again")
	}
}

// The hardware screen shows the lock board's port whole, however long its
// path, and names a folder of scans as such.
func TestAdminHardwareShowsThePortWhole(t *testing.T) {
	for _, panel := range []fyne.Size{landscape, portrait} {
		f := newFixtureAt(t, panel)
		port := "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K3XYZ-if00-port0"
		f.eng.Hw.Bus.Port = port
		f.eng.Hw.Readers = append(f.eng.Hw.Readers, app.ReaderStatus{Name: "folder", Up: true})
		f.staffLogin(t)
		f.tap(t, "Hardware")
		f.want(t, &adminHardwareScreen{})
		var drawn strings.Builder
		for _, o := range f.visibleObjects() {
			if c, ok := o.(*canvas.Text); ok {
				drawn.WriteString(c.Text)
			}
		}
		if !strings.Contains(drawn.String(), port) || !f.shows("Folder: working") {
			t.Fatalf("%v: drawn %q", panel, drawn.String())
		}
		if s := f.w.Canvas().Size(); s.Width > panel.Width || s.Height > panel.Height {
			t.Fatalf("%v: needs %v", panel, s)
		}
	}
}

// Staff close the loop on a kept door from the grid: they say what they
// found, and the locker settles it. A door a shopper found empty: "empty"
// clears it. A parcel put back as not the shopper's: "parcel in" is
// answered that no rent holds it (take it out), then "empty" clears it.
func TestAdminChecksAKeptDoor(t *testing.T) {
	f := newFixture(t)
	f.eng.SetDoor(5, func(d *app.Door) { d.Fault = "reported empty by the shopper" })
	f.eng.SetDoor(6, func(d *app.Door) { d.Fault = "holds a parcel put back as not the shopper's" })
	f.staffLogin(t)
	test.Tap(f.doorCell(t, 5))
	if f.button(tr("admin.openall")) != nil {
		t.Fatal("open all beside a kept door's checks")
	}
	f.tap(t, "Looked inside: empty")
	if !f.called("staff check 5 inside false") || !f.shows("Door 5: empty, recorded.") || f.eng.Door(5).Fault != "" {
		t.Fatalf("calls %q texts %q door %+v", f.eng.Calls(), f.texts(), f.eng.Door(5))
	}
	test.Tap(f.doorCell(t, 6))
	f.tap(t, "Looked inside: parcel in")
	if !f.shows("Door 6 holds a parcel no rent accounts for: take it out, then choose empty.") || f.eng.Door(6).Fault == "" {
		t.Fatalf("texts %q door %+v", f.texts(), f.eng.Door(6))
	}
	f.tap(t, "Looked inside: empty")
	if f.eng.Door(6).Fault != "" || !f.shows("Door 6: empty, recorded.") {
		t.Fatalf("texts %q door %+v", f.texts(), f.eng.Door(6))
	}
	if f.button(tr("admin.openall")) == nil {
		t.Fatal("no open all once the door is settled")
	}
}
