package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"pudo/app"
	"pudo/app/apptest"
)

// TestNeedMoreTime: an idle screen asks first; "yes" keeps the screen and
// what was typed, no answer goes home.
func TestNeedMoreTime(t *testing.T) {
	f := newFixture(t)
	f.tap(t, "Collect a parcel")
	f.typeOnKeypad(t, "7K3")
	f.clock.advance(f.k.settings.IdleTimeout)
	if f.k.more == nil || !f.shows("Going back to the start in 0:20") {
		t.Fatalf("no question; texts %q", f.texts())
	}
	f.clock.advance(5 * time.Second)
	if !f.shows("Going back to the start in 0:15") {
		t.Fatalf("no countdown; texts %q", f.texts())
	}
	f.tap(t, "Yes, more time")
	f.want(t, &codeScreen{})
	if f.k.more != nil || f.pad(t).code != "7K3" {
		t.Fatalf("popup %v, code %q", f.k.more, f.pad(t).code)
	}
	f.clock.advance(f.k.settings.IdleTimeout + f.k.opts.MoreTimeFor)
	f.want(t, &homeScreen{})
}

func TestIdleRules(t *testing.T) {
	tests := map[string]struct {
		setup func(t *testing.T, f *fixture)
		after time.Duration
		want  screen
	}{
		"home stays":            {func(*testing.T, *fixture) {}, time.Hour, &homeScreen{}},
		"open door waits":       {func(t *testing.T, f *fixture) { toDoor(t, f) }, time.Hour, &doorScreen{}},
		"problem goes home":     {toProblem, 2 * time.Minute, &homeScreen{}},
		"admin ends after 2min": {func(t *testing.T, f *fixture) { f.staffLogin(t) }, 2*time.Minute + 20*time.Second, &homeScreen{}},
		"admin stays at 1min":   {func(t *testing.T, f *fixture) { f.staffLogin(t) }, time.Minute + 50*time.Second, &adminDoorsScreen{}},
		// A door the locker cannot confirm asks, so it is not on screen forever.
		"unconfirmed door asks": {func(t *testing.T, f *fixture) {
			toDoor(t, f)
			f.eng.SensorLost(f.demo[0].DoorID)
			f.pump()
		}, 2 * time.Minute, &homeScreen{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			tc.setup(t, f)
			f.clock.advance(tc.after)
			f.want(t, tc.want)
		})
	}
}

func toDoor(t *testing.T, f *fixture) {
	t.Helper()
	f.tap(t, "Collect a parcel")
	f.typeOnKeypad(t, f.demo[0].Code)
	f.tap(t, "Open my door")
}

// toProblem: a pickup whose door never opens, reported twice, ends on the
// support screen.
func toProblem(t *testing.T, f *fixture) {
	t.Helper()
	f.eng.SetBoard(f.demo[0].DoorID, apptest.Refuses)
	toDoor(t, f)
	f.tap(t, tr("drop.retry"))
	f.tap(t, tr("notopen.tellstaff")) // the one retry failed too
	f.want(t, &problemScreen{})
}

// TestScannerBurstIsAScan: a keyboard-mode scanner types fast and ends with
// Enter: that is a scan, sent through the scanner hub; a person typing the
// same slowly is typing.
func TestScannerBurstIsAScan(t *testing.T) {
	f := newFixture(t)
	f.typeKeys(annaToken, 3*time.Millisecond)
	if len(f.pushed) != 1 || f.pushed[0] != annaToken {
		t.Fatalf("pushed %q", f.pushed)
	}
	f.k.opts.PushScan = nil // without a hub the scan goes straight to the screen
	f.typeKeys(annaToken, 3*time.Millisecond)
	f.want(t, &courierMenuScreen{})
}

// TestForeignScanIgnored: a product barcode held up by mistake changes
// nothing and is not a wrong code.
func TestForeignScanIgnored(t *testing.T) {
	f := newFixture(t)
	f.scanned("4006381333931")
	f.want(t, &homeScreen{})
	f.tap(t, "Collect a parcel")
	f.scanned("4006381333931")
	f.want(t, &codeScreen{})
	if f.shows("does not match") || f.sounds.count(SoundWrong) != 0 || f.sounds.count(SoundScan) != 0 {
		t.Fatalf("texts %q sounds %v", f.texts(), f.sounds.played)
	}
}

func TestScannedPickupCode(t *testing.T) {
	f := newFixture(t)
	f.scanned(f.demo[2].Code)
	f.want(t, &doorScreen{})
	if f.doorShown(t) != f.demo[2].DoorID || f.sounds.count(SoundScan) != 1 {
		t.Fatalf("door %d sounds %v", f.doorShown(t), f.sounds.played)
	}
}

func TestDidYouGetYourParcel(t *testing.T) {
	tests := map[string]struct {
		tap    string
		screen screen
		call   string
	}{
		"yes":    {"Yes, thank you", &thanksScreen{}, ""},
		"empty":  {"The compartment was empty", &problemScreen{}, "report empty"},
		"wrong":  {"Wrong parcel", &doorScreen{}, "report wrong-parcel"}, // its door opens to put it back
		"reopen": {"Open the door again", &doorScreen{}, "reopen"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			toGotIt(t, f)
			f.want(t, &gotItScreen{})
			f.tap(t, tc.tap)
			f.want(t, tc.screen)
			if tc.call != "" && !f.called(tc.call) {
				t.Fatalf("calls %q, want %q", f.eng.Calls(), tc.call)
			}
			if _, ok := tc.screen.(*problemScreen); ok && !f.shows("Reference (time in UTC): locker T1, door 1, 2026-03-02 14:30") {
				t.Fatalf("no reference; texts %q", f.texts())
			}
		})
	}
}

// TestReopenOnlyWithinGrace: the button goes when the locker's grace ends,
// whatever the screens were configured with before.
func TestReopenOnlyWithinGrace(t *testing.T) {
	f := newFixture(t)
	toGotIt(t, f)
	if f.button("Open the door again") == nil {
		t.Fatal("no reopen within the grace")
	}
	f.clock.advance(time.Minute)
	if f.button("Open the door again") != nil {
		t.Fatal("reopen offered after the grace period")
	}
}

func TestFailureScreens(t *testing.T) {
	tests := map[string]struct {
		err   error
		title string
		door  string
	}{
		"being opened":   {&app.BeingOpenedError{Door: 7}, "Your door is being opened", "door 7"},
		"out of service": {&app.OutOfServiceError{Door: 3}, "This door is out of service", "door 3"},
		"no free door":   {app.ErrNoFreeDoor, "No free door of this size", "no door"},
		"other":          {errBoom, "Something went wrong", "no door"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.eng.PickupErr = tc.err
			toDoor(t, f)
			f.want(t, &problemScreen{})
			if !f.shows(tc.title) || !f.shows("Reference (time in UTC): locker T1, "+tc.door+", 2026-03-02 14:30") {
				t.Fatalf("texts %q", f.texts())
			}
			for _, s := range f.texts() {
				if s == tc.err.Error() {
					t.Fatal("a raw error is on screen")
				}
			}
		})
	}
}

var errBoom = errorString("storage: disk I/O error")

type errorString string

func (e errorString) Error() string { return string(e) }

// TestOutOfOrderFollowsTheLocker: home shows Out of order when the locker
// says no door can open, without being redrawn, refuses what is typed or
// scanned meanwhile, and comes back when the locker does.
func TestOutOfOrderFollowsTheLocker(t *testing.T) {
	f := newFixture(t)
	f.eng.SetOutOfOrder(true, "lock bus down")
	f.pump()
	f.want(t, &outOfOrderScreen{})
	f.typeKeys(f.demo[0].Code, 200*time.Millisecond)
	f.scanned(f.demo[0].Code)
	f.k.opts.PushScan = nil
	f.typeKeys(f.demo[0].Code, 3*time.Millisecond) // a keyboard scanner's burst
	f.want(t, &outOfOrderScreen{})
	if n := f.eng.Unlocks(f.demo[0].DoorID); n != 0 || f.called("pickup") {
		t.Fatalf("%d unlocks, calls %q", n, f.eng.Calls())
	}
	f.eng.SetOutOfOrder(false, "")
	f.pump()
	f.want(t, &homeScreen{})
}

// TestDoorLeftOpen: a door left open gets a screen and a sound every few
// seconds until it closes; then the flow carries on.
func TestDoorLeftOpen(t *testing.T) {
	f := newFixture(t)
	toDoor(t, f)
	door := f.demo[0].DoorID
	f.leftOpen(door)
	f.want(t, &leftOpenScreen{})
	f.clock.advance(3 * f.k.opts.Reminder)
	if n := f.sounds.count(SoundLeftOpen); n != 4 {
		t.Fatalf("%d reminders, want 4", n)
	}
	f.close(door)
	f.want(t, &gotItScreen{})
	f.clock.advance(time.Minute)
	if n := f.sounds.count(SoundLeftOpen); n != 4 {
		t.Fatalf("reminders went on after the door closed: %d", n)
	}
}

func TestLanguageSwitch(t *testing.T) {
	f := newFixture(t)
	for _, l := range Languages {
		f.tap(t, l.Name)
		if CurrentLanguage() != l.Code || !f.shows(texts[l.Code]["home.collect"]) {
			t.Fatalf("%s: texts %q", l.Code, f.texts())
		}
	}
	f.tap(t, "Polski")
	f.tap(t, "Odbierz paczkę")
	f.want(t, &codeScreen{})
	if !f.shows("Wpisz kod odbioru") {
		t.Fatalf("texts %q", f.texts())
	}
}

func TestBigTextSwitch(t *testing.T) {
	f := newFixture(t)
	small := f.button("Collect a parcel").MinSize().Height
	f.tap(t, "Bigger text, more contrast")
	if !f.k.style.Contrast || f.button("Collect a parcel").MinSize().Height <= small {
		t.Fatalf("style %+v", f.k.style)
	}
	if h := f.button("Collect a parcel").MinSize().Height; h < 64 {
		t.Fatalf("button %v px tall", h)
	}
	f.tap(t, "Normal text")
	if f.k.style.Contrast {
		t.Fatal("still big")
	}
}

func TestNightSchedule(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 3, 2, h, m, 0, 0, time.UTC) }
	tests := map[string]struct {
		s     Settings
		t     time.Time
		night bool
		next  time.Time
	}{
		"evening":       {Settings{Night: NightAuto, NightFrom: 22 * time.Hour, NightTo: 6 * time.Hour}, at(23, 0), true, at(6, 0).AddDate(0, 0, 1)},
		"early morning": {Settings{Night: NightAuto, NightFrom: 22 * time.Hour, NightTo: 6 * time.Hour}, at(5, 59), true, at(6, 0)},
		"day":           {Settings{Night: NightAuto, NightFrom: 22 * time.Hour, NightTo: 6 * time.Hour}, at(12, 0), false, at(22, 0)},
		"same-day span": {Settings{Night: NightAuto, NightFrom: time.Hour, NightTo: 5 * time.Hour}, at(3, 0), true, at(5, 0)},
		"forced on":     {Settings{Night: NightOn}, at(12, 0), true, time.Time{}},
		"forced off":    {Settings{Night: NightOff}, at(23, 0), false, time.Time{}},
	}
	for name, tc := range tests {
		night, next := tc.s.nightAt(tc.t)
		if night != tc.night || !next.Equal(tc.next) {
			t.Errorf("%s: night %v next %v, want %v %v", name, night, next, tc.night, tc.next)
		}
	}
}

// TestNightComesOnSchedule: the home screen dims at the configured hour
// and sounds get quieter.
func TestNightComesOnSchedule(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.Settings.Night, o.Settings.NightFrom, o.Settings.NightTo = NightAuto, 15*time.Hour, 6*time.Hour
	})
	if f.k.style.Night {
		t.Fatal("night at 14:30")
	}
	f.clock.advance(31 * time.Minute)
	if !f.k.style.Night {
		t.Fatal("no night at 15:01")
	}
	var vol []float64
	f.k.opts.Sounds = soundFunc(func(_ string, v float64) { vol = append(vol, v) })
	f.k.play(SoundScan)
	if len(vol) != 1 || vol[0] >= float64(f.k.settings.Volume)/100 {
		t.Fatalf("night volume %v", vol)
	}
}

type soundFunc func(string, float64)

func (s soundFunc) Play(n string, v float64) { s(n, v) }

func TestAdminGesture(t *testing.T) {
	tests := map[string]struct {
		taps int
		gap  time.Duration
		want screen
	}{
		"five quick taps": {5, 500 * time.Millisecond, &pinScreen{}},
		"four taps":       {4, 500 * time.Millisecond, &homeScreen{}},
		"five slow taps":  {5, time.Second, &homeScreen{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			for range tc.taps {
				f.clock.advance(tc.gap)
				test.Tap(f.logoArea(t))
			}
			f.want(t, tc.want)
		})
	}
}
