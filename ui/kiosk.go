package ui

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"pudo/app/core"
	"pudo/scanner"
)

// Options are the kiosk's screen settings and the devices its screens show.
type Options struct {
	KioskID     string
	Settings    Settings
	MoreTimeFor time.Duration // how long "Need more time?" waits for an answer
	ThanksFor   time.Duration // how long "thank you" stays up
	ReopenGrace time.Duration // how long after closing a door "Reopen" is offered
	AdminIdle   time.Duration // the admin session ends after this
	AdminTaps   int           // taps on the logo that open the admin PIN screen...
	AdminWithin time.Duration // ...when they come within this
	Reminder    time.Duration // how often a door left open beeps
	Keyboard    scanner.KeyboardConfig

	Flows    Flows
	Board    LockBoard // nil: no lock-board health on screen
	Scanners Scanners  // nil: no scanner test
	Sounds   Sounds    // nil: silent
	// SaveSettings keeps what staff changed on the settings screen; it runs
	// off the UI goroutine.
	SaveSettings func(ctx context.Context, s Settings) error
	// Quit leaves the kiosk for the desktop (admin only).
	Quit func()

	// Demo, when set, is the demo locker's parcel dropper: given how many
	// parcels are missing, it stores new ones and returns their codes.
	Demo        func(ctx context.Context, missing int) ([]core.DemoParcel, error)
	DemoParcels []core.DemoParcel
	DemoWanted  int
}

func (o *Options) defaults() {
	o.Settings.defaults()
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.MoreTimeFor, 20*time.Second)
	def(&o.ThanksFor, 4*time.Second)
	def(&o.ReopenGrace, 60*time.Second)
	def(&o.AdminIdle, 2*time.Minute)
	def(&o.AdminWithin, 3*time.Second)
	def(&o.Reminder, 10*time.Second)
	if o.AdminTaps <= 0 {
		o.AdminTaps = 5
	}
	if o.Keyboard.MinLength <= 0 {
		o.Keyboard = scanner.DefaultConfig().Keyboard
	}
}

// Kiosk is the full-screen kiosk: a router that shows one screen at a
// time (see screen) and hands it the keyboard, scans and door notices. Its
// methods run on the Fyne goroutine.
type Kiosk struct {
	win    fyne.Window
	locker Locker
	flows  Flows
	opts   Options
	log    *slog.Logger

	// async runs blocking work off the UI goroutine; tests run it inline.
	async func(func())
	// after schedules f on the UI goroutine after d; tests fire it by hand.
	after func(d time.Duration, f func()) (stop func())
	now   func() time.Time

	shown   screen   // the screen on show
	timers  []func() // stops the timers of the screen shown
	idle    func()   // stops the idle timer
	idleFor time.Duration
	idleAt  time.Time     // when the idle clock runs out
	more    *widget.PopUp // "Need more time?", over the screen it asks about
	moreEnd func()        // stops its countdown

	style    Style
	bigText  bool // the shopper's switch; it lasts until the kiosk goes home idle
	settings Settings
	input    keyInput

	doors []core.Door
	// pausedUntil is when code entry opens again after too many wrong codes.
	pausedUntil time.Time
	taps        []time.Time // on the logo, for the staff gesture
	lastScan    string      // the last code read, for the hardware screen

	pickup  *core.Pickup
	courier Courier
	drop    *dropState
	staff   Staff

	demoMu sync.Mutex // protects demo: the dropper runs off the UI goroutine
	demo   []core.DemoParcel
}

// NewKiosk shows the home screen in win and starts listening to the doors.
func NewKiosk(win fyne.Window, locker Locker, opts Options, log *slog.Logger) *Kiosk {
	opts.defaults()
	k := &Kiosk{win: win, locker: locker, flows: opts.Flows, opts: opts, log: log,
		settings: opts.Settings, demo: opts.DemoParcels}
	k.async = func(f func()) { go f() }
	k.after = func(d time.Duration, f func()) func() {
		t := time.AfterFunc(d, func() { fyne.Do(f) })
		return func() { t.Stop() }
	}
	k.now = time.Now
	k.input.burst = scanner.NewKeyBurst(opts.Keyboard)
	SetLanguage(k.settings.Language)
	locker.OnDoor(func(n core.DoorNotice) { fyne.Do(func() { k.doorEvent(n) }) })
	win.Canvas().SetOnTypedRune(k.typedRune)
	win.Canvas().SetOnTypedKey(k.typedKey)
	k.loadDoors()
	k.showHome()
	return k
}

// show puts a screen up: the timers of the screen before stop, and the idle
// clock starts again.
func (k *Kiosk) show(s screen) {
	k.dropMore()
	k.swap(s)
	k.touch()
}

// refresh draws s again if it is still on show, e.g. the live door grid;
// it is not presence, so the idle clock runs on. A late result for a screen
// already left changes nothing.
func (k *Kiosk) refresh(s screen) {
	if k.shown != s {
		return
	}
	left := k.idleAt.Sub(k.now())
	k.swap(s)
	if k.idleFor > 0 && k.more == nil {
		k.idle = k.after(max(left, 0), k.askMoreTime)
	}
}

// showing reports whether s is the screen on show.
func (k *Kiosk) showing(s screen) bool { return k.shown == s }

func (k *Kiosk) swap(s screen) {
	for _, stop := range k.timers {
		stop()
	}
	k.timers = nil
	if k.shown != s {
		k.input.newScreen()
		k.log.Info("screen", "name", screenName(s)) // support reads what the person saw
	}
	k.shown = s
	k.win.SetContent(s.draw(k))
	k.idleFor = 0
	switch s.idle() {
	case idleAsk:
		k.idleFor = k.settings.IdleTimeout
	case idleAdmin:
		k.idleFor = k.opts.AdminIdle
	}
	if k.idle != nil {
		k.idle()
		k.idle = nil
	}
}

// later runs f after d unless the screen changes first.
func (k *Kiosk) later(d time.Duration, f func()) {
	k.timers = append(k.timers, k.after(d, f))
}

// touch restarts the idle clock: someone is still there.
func (k *Kiosk) touch() {
	if k.idle != nil {
		k.idle()
		k.idle = nil
	}
	if k.idleFor > 0 {
		k.idle = k.after(k.idleFor, k.askMoreTime)
		k.idleAt = k.now().Add(k.idleFor)
	}
}

// tapped wraps a control's action so that using it counts as presence.
func (k *Kiosk) tapped(f func()) func() {
	return func() {
		k.touch()
		f()
	}
}

// timeout ends whatever session was open and goes home.
func (k *Kiosk) timeout() {
	k.log.Info("idle: back to start", "screen", screenName(k.shown))
	k.endDrop()
	k.courier, k.staff = nil, nil
	k.bigText = false
	k.showHome()
}

func (k *Kiosk) loadDoors() {
	doors, err := k.locker.Doors(context.Background())
	if err != nil {
		k.log.Error("doors not loaded", "err", err)
	}
	k.doors = doors
}

// play sounds name at the volume the settings and the hour ask for.
func (k *Kiosk) play(name string) {
	if k.opts.Sounds == nil {
		return
	}
	v := float64(k.settings.Volume) / 100
	if k.style.Night {
		v *= 0.3 // quiet at night: people sleep above some lockers
	}
	k.opts.Sounds.Play(name, v)
}

// setStyle applies a style to the whole app when it changed.
func (k *Kiosk) setStyle(s Style) {
	if s == k.style {
		return
	}
	k.style = s
	fyne.CurrentApp().Settings().SetTheme(Theme(s))
}
