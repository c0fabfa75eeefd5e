package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/canvas"

	"pudo/app"
)

// supportNeed is what a screen owes a person in trouble: the contact
// with its QR code (a problem, failure or out-of-order screen), the
// contact in brief (a screen that goes on: a code already collected or
// expired, a door the locker cannot confirm), or nothing.
type supportNeed uint8

const (
	noSupport supportNeed = iota
	briefSupport
	fullSupport
)

// troubleOn is what the screen on show owes, the door its reference must
// name (0: none, -1: every door) and whether it is a courier's, whose way
// home is their menu (logging out is one tap from there).
func troubleOn(s screen) (need supportNeed, door int64, courier bool) {
	switch s := s.(type) {
	case *problemScreen:
		return fullSupport, s.v.Door, s.v.Courier
	case *notOpenedScreen:
		return fullSupport, s.v.Door.ID, s.v.Task == app.TaskDrop
	case *tooSmallScreen:
		return fullSupport, s.v.Door.ID, true
	case *outOfOrderScreen:
		return fullSupport, -1, false
	case *codeScreen:
		if s.v.Refusal == app.RefusalCollected || s.v.Refusal == app.RefusalExpired {
			return briefSupport, 0, false
		}
	case *doorScreen:
		if s.v.Unconfirmed {
			return briefSupport, s.v.Door.ID, s.v.Task == app.TaskDrop
		}
	}
	return noSupport, 0, false
}

// troubleScenes are the scenes where something went wrong; each must be
// one troubleOn knows, so a new trouble screen cannot slip past.
var troubleScenes = []string{"code-collected", "code-expired", "door-unconfirmed", "door-not-opened", "report",
	"door-did-not-open", "being-opened", "out-of-service", "offline", "wrong-parcel-back", "wrong-parcel-kept",
	"too-small", "too-small-largest", "courier-not-open"}

// TestTroubleScreensShowSupport: every problem, failure and out-of-order
// screen names the support phone and web address, draws the address as a
// QR code (the brief contact of a screen that goes on has none), gives a
// reference naming the locker, the door and the time, and has a button
// that leads home (a courier's: to their menu), at most two taps away.
func TestTroubleScreensShowSupport(t *testing.T) {
	for _, sc := range scenes {
		if strings.HasPrefix(sc.name, "admin") || sc.name == "staff-pin" {
			continue
		}
		t.Run(sc.name, func(t *testing.T) {
			f := newFixture(t)
			sc.setup(t, f)
			need, door, courier := troubleOn(f.k.shown)
			if need == noSupport {
				if slices.Contains(troubleScenes, sc.name) {
					t.Fatalf("%s on %s owes no support contact; texts %q", sc.name, screenName(f.k.shown), f.texts())
				}
				return
			}
			text := strings.Join(f.texts(), "\n")
			for _, want := range []string{f.opts.Support.Phone, f.opts.Support.Web, "T1", f.clock.now.UTC().Format("2006-01-02 15:04"), "UTC"} {
				if !strings.Contains(text, want) {
					t.Errorf("no %q in %q", want, text)
				}
			}
			switch door {
			case -1:
				if !strings.Contains(text, tr("support.door.all")) {
					t.Errorf("the reference names not every door: %q", text)
				}
			case 0:
			default:
				if !strings.Contains(text, trf("support.door", "Door", door)) {
					t.Errorf("the reference names not door %d: %q", door, text)
				}
			}
			if need == fullSupport && !f.showsQR() {
				t.Errorf("no QR code of the support address on %s", screenName(f.k.shown))
			}
			if _, ooo := f.k.shown.(*outOfOrderScreen); ooo {
				return // it stands in for home until the doors are back
			}
			if path, ok := wayHome(t, sc, courier); !ok {
				t.Errorf("no button on %s leads home in two taps", screenName(f.k.shown))
			} else {
				t.Logf("home by %q", path)
			}
		})
	}
}

// showsQR reports whether a QR-sized image is on screen.
func (f *fixture) showsQR() bool {
	for _, o := range f.objects() {
		if img, ok := o.(*canvas.Image); ok && img.Visible() && img.Image != nil && img.MinSize().Width >= qrMinSide {
			return true
		}
	}
	return false
}

// wayHome looks for taps on the scene's buttons (those with an icon:
// keypad keys have none) that lead home, or for a courier to the courier
// menu, replaying the scene afresh for every try.
func wayHome(t *testing.T, sc scene, courier bool) ([]string, bool) {
	t.Helper()
	home := func(s screen) bool {
		switch s.(type) {
		case *homeScreen:
			return true
		case *courierMenuScreen:
			return courier
		}
		return false
	}
	queue := [][]string{nil}
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		f := newFixture(t)
		sc.setup(t, f)
		for _, label := range path {
			b := f.button(label)
			if b == nil || b.Disabled() {
				f = nil
				break
			}
			b.OnTapped()
			f.pump()
		}
		if f == nil {
			continue
		}
		if len(path) > 0 && home(f.k.shown) {
			return path, true
		}
		if len(path) == 2 {
			continue
		}
		for _, o := range f.objects() {
			if b, ok := o.(*button); ok && b.Visible() && !b.Disabled() && b.Icon != nil {
				queue = append(queue, append(slices.Clone(path), b.Text))
			}
		}
	}
	return nil, false
}
