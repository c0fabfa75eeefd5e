package ui

import (
	"context"
	"image"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
	"pudo/app/apptest"
)

// fakeClock is the kiosk's clock and timers: time moves only when a test
// says so, and timers fire in order as it passes them.
type fakeClock struct {
	now    time.Time
	timers []*fakeTimer
	// fired runs after each timer, for the fixture to hand the locker's
	// notices to the kiosk as the notice loop would.
	fired func()
}

type fakeTimer struct {
	due     time.Time
	fn      func()
	stopped bool
}

func (c *fakeClock) after(d time.Duration, fn func()) func() {
	t := &fakeTimer{due: c.now.Add(d), fn: fn}
	c.timers = append(c.timers, t)
	return func() { t.stopped = true }
}

// advance moves time on by d, firing every timer due on the way.
func (c *fakeClock) advance(d time.Duration) {
	end := c.now.Add(d)
	for {
		c.timers = slices.DeleteFunc(c.timers, func(t *fakeTimer) bool { return t.stopped })
		i := -1
		for j, t := range c.timers {
			if !t.due.After(end) && (i < 0 || t.due.Before(c.timers[i].due)) {
				i = j
			}
		}
		if i < 0 {
			break
		}
		t := c.timers[i]
		c.timers = slices.Delete(c.timers, i, i+1)
		c.now = t.due
		t.fn()
		if c.fired != nil {
			c.fired()
		}
	}
	c.now = end
}

// soundLog records what the kiosk played.
type soundLog struct{ played []string }

func (s *soundLog) Play(name string, _ float64) { s.played = append(s.played, name) }

func (s *soundLog) count(name string) (n int) {
	for _, p := range s.played {
		if p == name {
			n++
		}
	}
	return n
}

// The fixture's locker: a courier, a staff member, a booked parcel, a
// booked return, and three demo parcels in the doors the real demo locker
// puts its first three in.
const (
	annaToken = "PUDO-C1:courier-anna"
	staffPIN  = "12345678"
	returnKey = "RRRR2222"
	bookedRef = "PKG-1001"
)

var demoStock = []DemoParcel{{"7K3MN5QX", 1}, {"H4W9RT2C", 20}, {"ZP6BD8EK", 14}}

type fixture struct {
	k      *Kiosk
	w      fyne.Window
	eng    *apptest.Engine
	clock  *fakeClock
	sounds *soundLog
	opts   Options
	demo   []DemoParcel
	pushed []string
	quit   int
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// reuseApp keeps one test app across fixtures: a new one parses its fonts
// again, which dominates tests that bring up hundreds of screens.
var reuseApp bool

// newFixture is a kiosk over the fake engine on a 1280x800 test window;
// every door opens at once unless a test says otherwise. edit changes the
// options before the kiosk starts.
func newFixture(t testing.TB, edit ...func(*Options)) *fixture {
	t.Helper()
	return newFixtureAt(t, landscape, edit...)
}

// The panels the kiosk is built for: landscape, and portrait (common on
// lockers).
var (
	landscape = fyne.NewSize(1280, 800)
	portrait  = fyne.NewSize(800, 1280)
)

// newFixtureAt is newFixture on a panel of size.
func newFixtureAt(t testing.TB, size fyne.Size, edit ...func(*Options)) *fixture {
	t.Helper()
	a := fyne.CurrentApp()
	if !reuseApp {
		a = test.NewTempApp(t)
	}
	a.Settings().SetTheme(Theme(Style{}))
	SetLanguage("en")
	t.Cleanup(func() { SetLanguage("en") })
	f := &fixture{sounds: &soundLog{}, demo: slices.Clone(demoStock),
		clock: &fakeClock{now: time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)}}
	f.eng = apptest.New(func() time.Time { return f.clock.now })
	f.eng.Default = apptest.Opens
	for _, p := range f.demo {
		f.eng.Stock(p.Code, p.DoorID)
	}
	f.eng.AddCourier(annaToken, "anna")
	f.eng.AddStaff(staffPIN, "demo")
	f.eng.BookReturn(returnKey, 5)
	f.eng.Book(bookedRef, 7)
	f.eng.Hw = app.Hardware{
		Bus: app.BusHealth{Protocol: "8a80", Port: "sim", State: app.BusUp,
			Boards: []app.BoardHealth{{Address: 1, Answering: true, Raw: 0xFF00FF}}},
		Readers: []app.ReaderStatus{{Name: "camera", Up: true, Detail: "/dev/video0", Reads: 4}, {Name: "serial", Detail: "no device"}},
	}
	f.eng.Frame = testFrame()
	f.eng.Found = []app.BoardFound{{Address: 1, Answers: 3}, {Address: 2, Answers: 2, Collision: true}}
	f.w = test.NewWindow(nil)
	f.w.Resize(size)
	t.Cleanup(f.w.Close)
	f.opts = Options{KioskID: "T1", Sounds: f.sounds, Settings: Settings{Night: NightOff, Volume: 80},
		Support: Support{Phone: "+44 20 7946 0000", Web: "https://pudo.example/help"},
		Quit:    func() { f.quit++ }, PushScan: func(_ context.Context, text string) { f.pushed = append(f.pushed, text) },
		// A test taps the moment a screen is up; TestTapGuard turns the
		// guard on.
		TapGuard: -1}
	for _, e := range edit {
		e(&f.opts)
	}
	f.k = NewKiosk(f.w, f.eng, f.opts, quiet)
	f.k.async = func(fn func(context.Context)) { fn(context.Background()) }
	f.k.after = f.clock.after
	f.k.now = func() time.Time { return f.clock.now }
	f.clock.fired = f.pump
	f.k.start()
	f.pump()
	return f
}

// pump hands the locker's notices to the kiosk, as its notice loop does.
func (f *fixture) pump() {
	for {
		ns := f.eng.Drain()
		if len(ns) == 0 {
			return
		}
		for _, n := range ns {
			f.k.deliver(f.k.front.Notice(context.Background(), n), byLocker)
		}
	}
}

// The doors' sensors, as the lock boards would report them.
func (f *fixture) open(id int64)      { f.eng.Open(id); f.pump() }
func (f *fixture) close(id int64)     { f.eng.Close(id); f.pump() }
func (f *fixture) notOpened(id int64) { f.eng.NotOpened(id); f.pump() }
func (f *fixture) leftOpen(id int64)  { f.eng.LeftOpen(id); f.pump() }

// scanned is a code read by a reader.
func (f *fixture) scanned(text string) {
	f.k.Scanned(text)
	f.pump()
}

// objects are what is on screen, popups included.
func (f *fixture) objects() []fyne.CanvasObject {
	objs := test.LaidOutObjects(f.w.Content())
	for _, o := range f.w.Canvas().Overlays().List() {
		objs = append(objs, test.LaidOutObjects(o)...)
	}
	return objs
}

func (f *fixture) button(text string) *button {
	for _, o := range f.objects() {
		if b, ok := o.(*button); ok && b.Text == text && b.Visible() {
			return b
		}
	}
	return nil
}

func (f *fixture) tap(t *testing.T, text string) {
	t.Helper()
	b := f.button(text)
	if b == nil {
		t.Fatalf("no button %q on %s; texts: %q", text, screenName(f.k.shown), f.texts())
	}
	if b.Disabled() {
		t.Fatalf("button %q is disabled on %s", text, screenName(f.k.shown))
	}
	test.Tap(b)
	f.pump()
}

// texts are every text on screen, each once: labels, buttons, rich texts
// and the large lines drawn as canvas text.
func (f *fixture) texts() []string {
	out := f.allTexts()
	seen := map[string]bool{}
	return slices.DeleteFunc(out, func(s string) bool {
		dup := seen[s]
		seen[s] = true
		return dup
	})
}

func (f *fixture) allTexts() []string {
	var out []string
	for _, o := range f.objects() {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *button:
			out = append(out, w.Text)
		case *canvas.Text:
			out = append(out, w.Text)
		case *widget.RichText:
			out = append(out, w.String())
		}
	}
	return out
}

func (f *fixture) shows(s string) bool {
	for _, t := range f.texts() {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// want fails unless the screen on show is of the type of proto.
func (f *fixture) want(t *testing.T, proto screen) {
	t.Helper()
	if reflect.TypeOf(f.k.shown) != reflect.TypeOf(proto) {
		t.Fatalf("on %s, want %s; texts: %q", screenName(f.k.shown), screenName(proto), f.texts())
	}
}

// shown is the screen on show as a T, or the test fails.
func shown[T screen](t *testing.T, f *fixture) T {
	t.Helper()
	s, ok := f.k.shown.(T)
	if !ok {
		var want T
		t.Fatalf("on %s, want %s; texts: %q", screenName(f.k.shown), screenName(want), f.texts())
	}
	return s
}

// doorShown is the door the screen on show sends the person to.
func (f *fixture) doorShown(t *testing.T) int64 {
	t.Helper()
	switch s := f.k.shown.(type) {
	case *doorScreen:
		return s.v.Door.ID
	case *batchScreen:
		return s.v.Door.ID
	case *leftOpenScreen:
		return s.v.Door.ID
	case *notOpenedScreen:
		return s.v.Door.ID
	}
	t.Fatalf("on %s, no door", screenName(f.k.shown))
	return 0
}

// pad is the keypad on show.
func (f *fixture) pad(t *testing.T) *keypad {
	t.Helper()
	h, ok := f.k.shown.(keypadHolder)
	if !ok {
		t.Fatalf("on %s, no keypad", screenName(f.k.shown))
	}
	return h.pad()
}

func (f *fixture) typeOnKeypad(t *testing.T, code string) {
	t.Helper()
	for _, r := range code {
		if r == '-' {
			continue
		}
		b, ok := f.pad(t).keys[string(r)]
		if !ok {
			t.Fatalf("keypad has no key %q", r)
		}
		test.Tap(b)
	}
}

// typeKeys types on the physical keyboard, gap apart, then Enter.
func (f *fixture) typeKeys(s string, gap time.Duration) {
	for _, r := range s {
		f.clock.advance(gap)
		f.typeRune(r)
	}
	f.clock.advance(gap)
	f.pressKey(fyne.KeyReturn)
	f.pump()
}

// The keyboard helpers below deliver keys the way Fyne's GLFW driver does
// (internal/driver/glfw/window.go: processCharInput, processKeyPressed,
// capturesTab): to the focused widget when there is one, else to the
// canvas; a Tab the focused widget does not take moves the focus.

func (f *fixture) typeRune(r rune) {
	c := f.w.Canvas().(test.WindowlessCanvas)
	if w := c.Focused(); w != nil {
		w.TypedRune(r)
		return
	}
	c.OnTypedRune()(r)
}

func (f *fixture) pressKey(name fyne.KeyName) {
	c := f.w.Canvas().(test.WindowlessCanvas)
	ev := &fyne.KeyEvent{Name: name}
	if name == fyne.KeyTab {
		if tb, ok := c.Focused().(fyne.Tabbable); !ok || !tb.AcceptsTab() {
			c.FocusNext()
			return
		}
	}
	if w := c.Focused(); w != nil {
		w.TypedKey(ev)
		return
	}
	c.OnTypedKey()(ev)
}

// pressSpace is the space bar: GLFW sends it both as a character and as a key.
func (f *fixture) pressSpace() {
	f.typeRune(' ')
	f.pressKey(fyne.KeySpace)
}

// called reports whether the engine saw a call starting with prefix.
func (f *fixture) called(prefix string) bool {
	return slices.ContainsFunc(f.eng.Calls(), func(c string) bool { return strings.HasPrefix(c, prefix) })
}

func testFrame() image.Image {
	g := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range g.Pix {
		g.Pix[i] = uint8(i * 7)
	}
	return g
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
	f.typeOnKeypad(t, staffPIN)
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

func (f *fixture) logoArea(t *testing.T) *tapArea {
	for _, o := range f.objects() {
		if a, ok := o.(*tapArea); ok {
			return a
		}
	}
	t.Fatal("no logo")
	return nil
}
