package ui

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"pudo/app/core"
	"pudo/lockio"
	"pudo/storage"
)

// simBoard stands in for the lock board: it records unlocks, and a door it
// unlocks reads open once (the engine settles the opening from it), then
// closed, as if the person shut it at once.
type simBoard struct {
	mu       sync.Mutex // protects following
	unlocked []lockio.Door
	popped   map[lockio.Door]bool
	refuse   bool // every unlock gets the board's "lock failed"
}

func (b *simBoard) Unlock(_ context.Context, d lockio.Door) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.refuse {
		return &lockio.Error{Op: "unlock", Door: d, Kind: lockio.ErrRefused, Err: lockio.ErrLockFailed}
	}
	b.unlocked = append(b.unlocked, d)
	if b.popped == nil {
		b.popped = map[lockio.Door]bool{}
	}
	b.popped[d] = true
	return nil
}

func (b *simBoard) Sensor(d lockio.Door) lockio.Sensor {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.popped[d] {
		delete(b.popped, d)
		return lockio.SensorOpen
	}
	return lockio.SensorClosed
}

// fakeClock is the kiosk's clock and timers: time moves only when a test
// says so, and timers fire in order as it passes them.
type fakeClock struct {
	now    time.Time
	timers []*fakeTimer
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

type fixture struct {
	k        *Kiosk
	w        fyne.Window
	locker   *core.Locker
	db       *storage.DB
	board    *simBoard
	demo     []core.DemoParcel
	clock    *fakeClock
	sounds   *soundLog
	flows    *fakeFlows
	opts     Options
	second   int64 // a second door under the first demo code, when a test adds one
	board2   *fakeBoard
	scanners *fakeScanners
	quit     int
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// reuseApp keeps one test app across fixtures: a new one parses its fonts
// again, which dominates tests that bring up hundreds of screens.
var reuseApp bool

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// template is a demo locker database made once per test run; every fixture
// starts from a copy, which is much faster than migrating and seeding anew
// (the screen tests open hundreds).
var template struct {
	once sync.Once
	path string
	demo []core.DemoParcel
	err  error
}

func lockerTemplate(t *testing.T) []core.DemoParcel {
	t.Helper()
	template.once.Do(func() {
		dir, err := os.MkdirTemp("", "pudo-ui-test")
		if err != nil {
			template.err = err
			return
		}
		template.path = filepath.Join(dir, "pudo.db")
		template.demo, template.err = makeTemplate(template.path)
	})
	if template.err != nil {
		t.Fatal(template.err)
	}
	return slices.Clone(template.demo)
}

func makeTemplate(path string) ([]core.DemoParcel, error) {
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	l := core.New(db, &simBoard{}, testSecret, core.Options{KioskID: "T1"}, quiet)
	doors, _ := core.Layout(core.DemoColumns(), 2)
	if err := l.SetUp(ctx, doors); err != nil {
		return nil, err
	}
	return l.SeedDemo(ctx, 3)
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}

// newFixture is a kiosk over a real locker (SQLite, three demo parcels) and
// fake courier, return and staff flows, on a 1280x800 test window. edit
// changes the options before the kiosk starts.
func newFixture(t *testing.T, edit ...func(*Options)) *fixture {
	t.Helper()
	a := fyne.CurrentApp()
	if !reuseApp {
		a = test.NewTempApp(t)
	}
	a.Settings().SetTheme(Theme(Style{}))
	SetLanguage("en")
	t.Cleanup(func() { SetLanguage("en") })
	ctx := context.Background()
	demo := lockerTemplate(t)
	path := filepath.Join(t.TempDir(), "pudo.db")
	if err := copyFile(template.path, path); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{db: db, board: &simBoard{}, sounds: &soundLog{}, flows: newFakeFlows(), demo: demo,
		clock: &fakeClock{now: time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)}}
	f.locker = core.New(db, f.board, testSecret, core.Options{KioskID: "T1"}, quiet)
	f.w = test.NewWindow(nil)
	f.w.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(f.w.Close)
	f.board2, f.scanners = upBoard(), &fakeScanners{frame: testFrame()}
	f.opts = Options{KioskID: "T1", DemoParcels: f.demo, Sounds: f.sounds, Flows: f.flows.flows(),
		Settings: Settings{Night: NightOff, Volume: 80}, Board: f.board2, Scanners: f.scanners, Quit: func() { f.quit++ }}
	for _, e := range edit {
		e(&f.opts)
	}
	f.k = NewKiosk(f.w, f.locker, f.opts, quiet)
	f.k.async = func(fn func()) { fn() }
	f.k.after = f.clock.after
	f.k.now = func() time.Time { return f.clock.now }
	f.k.showHome()
	return f
}

// objects are what is on screen, popups included.
func (f *fixture) objects() []fyne.CanvasObject {
	objs := test.LaidOutObjects(f.w.Content())
	for _, o := range f.w.Canvas().Overlays().List() {
		objs = append(objs, test.LaidOutObjects(o)...)
	}
	return objs
}

func (f *fixture) button(text string) *widget.Button {
	for _, o := range f.objects() {
		if b, ok := o.(*widget.Button); ok && b.Text == text && b.Visible() {
			return b
		}
	}
	return nil
}

func (f *fixture) tap(t *testing.T, text string) {
	t.Helper()
	b := f.button(text)
	if b == nil {
		t.Fatalf("no button %q on screen %q; texts: %q", text, f.k.Screen(), f.texts())
	}
	if b.Disabled() {
		t.Fatalf("button %q is disabled on screen %q", text, f.k.Screen())
	}
	test.Tap(b)
}

// texts are every label and button text on screen.
func (f *fixture) texts() []string {
	var out []string
	for _, o := range f.objects() {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
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

func (f *fixture) want(t *testing.T, screen string) {
	t.Helper()
	if f.k.Screen() != screen {
		t.Fatalf("screen %q, want %q; texts: %q", f.k.Screen(), screen, f.texts())
	}
}

func (f *fixture) typeOnKeypad(t *testing.T, code string) {
	t.Helper()
	for _, r := range code {
		if r == '-' {
			continue
		}
		b, ok := f.k.keypad.keys[string(r)]
		if !ok {
			t.Fatalf("keypad has no key %q", r)
		}
		test.Tap(b)
	}
}

// typeKeys types on the physical keyboard, gap apart, then Enter.
func (f *fixture) typeKeys(s string, gap time.Duration) {
	c := f.w.Canvas().(test.WindowlessCanvas)
	for _, r := range s {
		f.clock.advance(gap)
		c.OnTypedRune()(r)
	}
	f.clock.advance(gap)
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

func (f *fixture) doorEvent(id int64, kind lockio.EventKind) {
	f.k.doorEvent(core.DoorNotice{Door: core.Door{ID: id}, Kind: kind})
}

func (f *fixture) doorByID(t *testing.T, id int64) core.Door {
	t.Helper()
	doors, err := f.locker.Doors(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range doors {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no door %d", id)
	return core.Door{}
}

// closeRealDoor closes a door through the real locker's event path.
func (f *fixture) closeRealDoor(t *testing.T, id int64) {
	d := f.doorByID(t, id)
	f.locker.HandleDoorEvent(context.Background(), lockio.Event{Door: lockio.Door{Board: d.Board, Channel: d.Channel}, Kind: lockio.EventClosed})
}
