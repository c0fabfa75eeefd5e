package ui

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// simBoard stands in for the lock board: it records unlocks and lets the
// test close doors.
type simBoard struct {
	mu       sync.Mutex // protects following
	unlocked []lockio.Door
}

func (b *simBoard) Unlock(_ context.Context, d lockio.Door) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.unlocked = append(b.unlocked, d)
	return nil
}

func (b *simBoard) Sensor(lockio.Door) lockio.Sensor { return lockio.SensorClosed }

type fixture struct {
	k      *Kiosk
	w      fyne.Window
	locker *app.Locker
	db     *storage.DB
	board  *simBoard
	demo   []app.DemoParcel
	timers []func()
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(Theme())
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "pudo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{db: db, board: &simBoard{}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.locker = app.New(db, f.board, []byte("0123456789abcdef0123456789abcdef"), app.Options{KioskID: "T1"}, log)
	doors, _ := app.Layout(app.DemoColumns(), 2)
	if err := f.locker.SetUp(ctx, doors); err != nil {
		t.Fatal(err)
	}
	if f.demo, err = f.locker.SeedDemo(ctx, 3); err != nil {
		t.Fatal(err)
	}
	f.w = test.NewWindow(nil)
	f.w.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(f.w.Close)
	f.k = NewKiosk(f.w, f.locker, Options{KioskID: "T1", DemoParcels: f.demo}, log)
	f.k.async = func(fn func()) { fn() }
	f.k.after = func(_ time.Duration, fn func()) func() {
		f.timers = append(f.timers, fn)
		return func() {}
	}
	f.k.showHome()
	return f
}

func (f *fixture) tapText(t *testing.T, text string) {
	t.Helper()
	for _, o := range test.LaidOutObjects(f.w.Content()) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no button %q on screen %q", text, f.k.Screen())
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

func TestCollectByTouch(t *testing.T) {
	f := newFixture(t)
	p := f.demo[0]
	f.tapText(t, "Collect a parcel")
	if f.k.Screen() != "code" {
		t.Fatalf("after Collect: screen %q", f.k.Screen())
	}
	f.typeOnKeypad(t, app.FormatCode(p.Code))
	if got := f.k.keypad.display.Text; got != app.FormatCode(p.Code) {
		t.Fatalf("display shows %q, want %q", got, app.FormatCode(p.Code))
	}
	f.tapText(t, "Open my door")

	if f.k.Screen() != "door" || f.k.openDoor != p.DoorID {
		t.Fatalf("screen %q door %d, want door screen for %d", f.k.Screen(), f.k.openDoor, p.DoorID)
	}
	door := f.doorByID(t, p.DoorID)
	if len(f.board.unlocked) != 1 || f.board.unlocked[0] != (lockio.Door{Board: door.Board, Channel: door.Channel}) {
		t.Fatalf("board unlocked %v, want only %d/%d", f.board.unlocked, door.Board, door.Channel)
	}
	f.assertState(t, p.DoorID, storage.RentCollected)

	// The shopper closes the door: thank you, then home.
	f.locker.HandleDoorEvent(context.Background(), lockio.Event{Door: lockio.Door{Board: door.Board, Channel: door.Channel}, Kind: lockio.EventClosed})
	if f.k.Screen() != "thanks" {
		t.Fatalf("after the door closed: screen %q", f.k.Screen())
	}
	f.fireTimers()
	if f.k.Screen() != "home" {
		t.Fatalf("after thanks: screen %q", f.k.Screen())
	}
}

func TestWrongCodeSaysSo(t *testing.T) {
	f := newFixture(t)
	f.tapText(t, "Collect a parcel")
	f.typeOnKeypad(t, "ZZZZ-ZZZZ")
	f.tapText(t, "Open my door")
	if f.k.Screen() != "code" {
		t.Fatalf("after a wrong code: screen %q", f.k.Screen())
	}
	if !strings.Contains(f.k.message, "does not match") || !f.showsText(f.k.message) {
		t.Fatalf("wrong code message %q not shown", f.k.message)
	}
	if len(f.board.unlocked) != 0 {
		t.Fatalf("a wrong code opened %v", f.board.unlocked)
	}
}

func TestKeyboardOnHomeIsAPickup(t *testing.T) {
	f := newFixture(t)
	p := f.demo[1]
	for _, r := range strings.ToLower(app.FormatCode(p.Code)) {
		f.w.Canvas().(test.WindowlessCanvas).OnTypedRune()(r)
	}
	f.w.Canvas().(test.WindowlessCanvas).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if f.k.Screen() != "door" || f.k.openDoor != p.DoorID {
		t.Fatalf("typed code + Enter: screen %q door %d, want door %d", f.k.Screen(), f.k.openDoor, p.DoorID)
	}
}

func TestKeypadHasNoAmbiguousKeys(t *testing.T) {
	f := newFixture(t)
	f.tapText(t, "Collect a parcel")
	for _, s := range []string{"I", "L", "O", "U"} {
		if _, ok := f.k.keypad.keys[s]; ok {
			t.Errorf("keypad offers %q", s)
		}
	}
	f.k.keypad.Type("il0o-abc")
	if got := f.k.keypad.display.Text; got != "1100-ABC_" {
		t.Fatalf("display %q", got)
	}
	if !f.k.keypad.ok.Disabled() {
		t.Fatal("OK enabled with 7 symbols")
	}
}

func TestIdleGoesHome(t *testing.T) {
	f := newFixture(t)
	f.tapText(t, "Collect a parcel")
	f.fireTimers()
	if f.k.Screen() != "home" {
		t.Fatalf("after idle: screen %q", f.k.Screen())
	}
}

func (f *fixture) fireTimers() {
	ts := f.timers
	f.timers = nil
	for _, fn := range ts {
		fn()
	}
}

func (f *fixture) showsText(s string) bool {
	for _, o := range test.LaidOutObjects(f.w.Content()) {
		if l, ok := o.(*widget.Label); ok && l.Text == s {
			return true
		}
	}
	return false
}

func (f *fixture) doorByID(t *testing.T, id int64) app.Door {
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
	return app.Door{}
}

func (f *fixture) assertState(t *testing.T, door int64, want storage.RentState) {
	t.Helper()
	f.db.View(context.Background(), func(tx *storage.Tx) error {
		rs, _ := tx.RentsInState(want)
		for _, r := range rs {
			if r.DoorID == door {
				return nil
			}
		}
		t.Fatalf("door %d has no %s rent", door, want)
		return nil
	})
}
