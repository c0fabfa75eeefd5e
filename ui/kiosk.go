package ui

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"pudo/app"
)

// Locker is what the screens need from the locker's flows; *app.Locker
// satisfies it.
type Locker interface {
	StartPickup(ctx context.Context, input string) (*app.Pickup, error)
	Doors(ctx context.Context) ([]app.Door, error)
	OnDoor(fn func(app.DoorNotice))
}

// Options are the kiosk's screen settings.
type Options struct {
	KioskID     string
	IdleTimeout time.Duration // any screen but home goes home after this
	ThanksFor   time.Duration // how long "thank you" stays up
	// Demo, when set, is the demo locker's parcel dropper: given how many
	// parcels are missing, it stores new ones and returns their codes.
	Demo        func(ctx context.Context, missing int) ([]app.DemoParcel, error)
	DemoParcels []app.DemoParcel
	DemoWanted  int
}

// Kiosk is the full-screen kiosk: it owns the window's content and moves
// between screens. Its methods run on the Fyne goroutine.
type Kiosk struct {
	win    fyne.Window
	locker Locker
	opts   Options
	log    *slog.Logger

	// async runs blocking work off the UI goroutine; tests run it inline.
	async func(func())
	// after schedules f on the UI goroutine after d; tests fire it by hand.
	after func(d time.Duration, f func()) (stop func())

	screen   string // name of the screen shown, for logs and tests
	keypad   *keypad
	message  string // the error line under the keypad
	pickup   *app.Pickup
	openDoor int64 // the door the shopper was sent to, 0 for none
	doors    []app.Door
	idle     func()

	demoMu sync.Mutex // protects demo: the dropper runs off the UI goroutine
	demo   []app.DemoParcel
}

// NewKiosk shows the home screen in win and starts listening to the doors.
func NewKiosk(win fyne.Window, locker Locker, opts Options, log *slog.Logger) *Kiosk {
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = time.Minute
	}
	if opts.ThanksFor <= 0 {
		opts.ThanksFor = 4 * time.Second
	}
	k := &Kiosk{win: win, locker: locker, opts: opts, log: log, demo: opts.DemoParcels}
	k.async = func(f func()) { go f() }
	k.after = func(d time.Duration, f func()) func() {
		t := time.AfterFunc(d, func() { fyne.Do(f) })
		return func() { t.Stop() }
	}
	locker.OnDoor(func(n app.DoorNotice) { fyne.Do(func() { k.doorEvent(n) }) })
	win.Canvas().SetOnTypedRune(k.typedRune)
	win.Canvas().SetOnTypedKey(k.typedKey)
	k.loadDoors()
	k.showHome()
	return k
}

// Screen names the screen on show: "home", "code", "opening", "door",
// "thanks" or "problem".
func (k *Kiosk) Screen() string { return k.screen }

func (k *Kiosk) show(name string, content fyne.CanvasObject) {
	k.screen = name
	k.win.SetContent(content)
	k.touch()
}

// touch restarts the idle timer: a shopper who walked away leaves the
// screen to the next one.
func (k *Kiosk) touch() {
	if k.idle != nil {
		k.idle()
		k.idle = nil
	}
	if k.screen == "home" || k.screen == "door" || k.screen == "opening" {
		return
	}
	k.idle = k.after(k.opts.IdleTimeout, k.showHome)
}

func (k *Kiosk) loadDoors() {
	doors, err := k.locker.Doors(context.Background())
	if err != nil {
		k.log.Error("doors not loaded", "err", err)
	}
	k.doors = doors
}
