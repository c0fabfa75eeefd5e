package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// keyPlace is where the keypad's first and last keys are, and how big.
func keyPlace(t *testing.T, f *fixture) [2]fyne.Position {
	t.Helper()
	d := fyne.CurrentApp().Driver()
	first, last := f.pad(t).keys["0"], f.pad(t).keys["Z"]
	return [2]fyne.Position{d.AbsolutePositionForObject(first), d.AbsolutePositionForObject(last).Add(last.Size())}
}

// The keypad neither moves nor shrinks when a message shows in the place
// of the hint: a wrong code, a pause, a code whose parcel is gone in audio
// mode. A finger (or an eye) that learned where the keys are finds them
// there still; in every panel and with big text.
func TestKeypadStaysWhenAMessageShows(t *testing.T) {
	for _, c := range []struct {
		name  string
		panel fyne.Size
		big   bool
	}{{"landscape", landscape, false}, {"portrait", portrait, false}, {"big text", landscape, true}} {
		t.Run(c.name, func(t *testing.T) {
			f, _ := voiceFixture(t)
			f.w.Resize(c.panel)
			f.k.bigText = c.big
			f.tap(t, tr("home.collect"))
			before := keyPlace(t, f)
			check := func(what string) {
				t.Helper()
				if after := keyPlace(t, f); after != before {
					t.Errorf("%s: the keys went from %v to %v", what, before, after)
				}
			}
			f.typeOnKeypad(t, "ZZZZZZZZ")
			f.tap(t, tr("keypad.ok"))
			check("a wrong code")
			f.eng.PauseCodes(f.clock.now.Add(time.Minute))
			f.typeOnKeypad(t, "ZZZZZZZY")
			f.tap(t, tr("keypad.ok"))
			if !f.shows(trf("code.locked", "Time", "1:00")) && !f.shows(trf("code.kept", "Time", "1:00")) {
				t.Fatalf("no pause on show: %q", f.texts())
			}
			check("a pause")
		})
	}
}

// In audio mode a code whose parcel is gone keeps the keypad where it was
// (the answer and whom to call are said, not drawn over the keys).
func TestKeypadStaysForAGoneCodeInAudioMode(t *testing.T) {
	f, _ := voiceFixture(t, func(o *Options) { o.CodesAloud = true })
	f.key("*")
	f.key("1")
	before := keyPlace(t, f)
	r, _ := f.eng.RentIn(f.demo[0].DoorID)
	f.eng.Expire(r.ID)
	for _, c := range f.demo[0].Code {
		f.k.typeChar(c)
	}
	f.key(string(fyne.KeyEnter))
	if v, ok := f.k.view.(*app.CodeView); !ok || v.Refusal != app.RefusalExpired {
		t.Fatalf("view %#v", f.k.view)
	}
	if after := keyPlace(t, f); after != before {
		t.Fatalf("the keys went from %v to %v", before, after)
	}
}

// "Already collected" is a screen of its own: a title, the answer in the
// middle, whom to ask with the QR code of their web address, and a
// reference that names the door the parcel was in. "Type another code"
// then opens the keypad empty, without the old answer.
func TestAlreadyCollected(t *testing.T) {
	f := newFixture(t)
	toGotItScene(t, f)
	f.tap(t, tr("got.yes"))
	f.clock.advance(time.Minute)
	toDoorScene(t, f)
	if !f.shows(tr("code.collected.title")) {
		t.Fatalf("no title: %q", f.texts())
	}
	door := trf("support.door", "Door", f.demo[0].DoorID)
	var answer *widget.Label
	qr, ref := false, false
	for _, o := range f.objects() {
		switch o := o.(type) {
		case *widget.Label:
			if o.Text == tr("code.collected") {
				answer = o
			}
		case *canvas.Image:
			qr = qr || o.Image != nil && o.Image.Bounds().Dx() > 20
		case *widget.RichText:
			ref = ref || strings.Contains(o.String(), door)
		}
	}
	if answer == nil || answer.Alignment != fyne.TextAlignCenter {
		t.Errorf("the answer is not shown centred: %+v", answer)
	}
	if !qr || !ref {
		t.Errorf("QR code %v, reference naming %q %v: %q", qr, door, ref, f.texts())
	}
	f.tap(t, tr("code.another"))
	if f.pad(t).code != "" || f.shows(tr("code.collected")) {
		t.Fatalf("another code opens with %q and %q", f.pad(t).code, f.texts())
	}
}

// "Opening the door…" is one line across the screen while the locker
// answers, not one letter a line down its middle.
func TestOpeningTextIsALine(t *testing.T) {
	for _, panel := range []fyne.Size{landscape, portrait} {
		f := newFixture(t)
		f.w.Resize(panel)
		f.k.show(&openingScreen{})
		var l *widget.Label
		for _, o := range f.visibleObjects() {
			if w, ok := o.(*widget.Label); ok && w.Text == tr("door.opening") {
				l = w
			}
		}
		if l == nil || l.Size().Width < panel.Width/2 || l.Size().Height > 3*l.MinSize().Height {
			t.Fatalf("%v: the text is %v wide on a %v panel", panel, l.Size(), panel)
		}
	}
}
