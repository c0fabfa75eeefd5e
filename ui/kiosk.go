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
	Support     Support // whom people contact from a problem screen (newSupport)

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

// Kiosk is the full-screen kiosk: it owns the window's content and moves
// between screens. Its methods run on the Fyne goroutine.
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

	screen  string   // name of the screen shown, for logs and tests
	timers  []func() // stops the timers of the screen shown
	idle    func()   // stops the idle timer
	idleFor time.Duration
	idleAt  time.Time     // when the idle clock runs out
	more    *widget.PopUp // "Need more time?", over the screen it asks about
	moreEnd func()        // stops its countdown

	style    Style
	bigText  bool // the shopper's switch; it lasts until the kiosk goes home idle
	settings Settings
	burst    *scanner.KeyBurst

	doors   []core.Door
	keypad  *keypad
	message string // the error line under the keypad
	// pausedUntil is when code entry opens again after too many wrong codes.
	pausedUntil time.Time
	// relayoutEntry lays the code screen out again after its message line
	// appears or goes: Fyne does not re-lay a container when a child is
	// shown, and the line would be drawn over the title.
	relayoutEntry func()
	pickup        *core.Pickup
	watch         doorWatch // the door a person was sent to
	courier       Courier
	drop          *dropState
	batch         *batch
	staff         Staff
	admin         *adminDoors
	taps          []time.Time
	lastScan      string
	hwScan        string // the last bus scan's outcome

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
	k.burst = scanner.NewKeyBurst(opts.Keyboard)
	SetLanguage(k.settings.Language)
	locker.OnDoor(func(n core.DoorNotice) { fyne.Do(func() { k.doorEvent(n) }) })
	win.Canvas().SetOnTypedRune(k.typedRune)
	win.Canvas().SetOnTypedKey(k.typedKey)
	k.loadDoors()
	k.showHome()
	return k
}

// Screen names the screen on show, e.g. "home", "code", "door".
func (k *Kiosk) Screen() string { return k.screen }

// idleRule says what a screen does when nobody touches it.
type idleRule int

const (
	idleNever idleRule = iota // home, and screens waiting for a door
	idleAsk                   // ask "Need more time?", then go home
	idleAdmin                 // the same, on the admin's longer clock
)

// show puts a screen up: the timers of the screen before stop, and the idle
// clock starts again.
func (k *Kiosk) show(name string, content fyne.CanvasObject, rule idleRule) {
	k.dropMore()
	k.swap(name, content, rule)
	k.touch()
}

// redraw puts a fresh drawing of the screen up, e.g. the live door grid;
// it is not presence, so the idle clock runs on.
func (k *Kiosk) redraw(name string, content fyne.CanvasObject, rule idleRule) {
	left := k.idleAt.Sub(k.now())
	k.swap(name, content, rule)
	if k.idleFor > 0 && k.more == nil {
		k.idle = k.after(max(left, 0), k.askMoreTime)
	}
}

func (k *Kiosk) swap(name string, content fyne.CanvasObject, rule idleRule) {
	for _, stop := range k.timers {
		stop()
	}
	k.timers = nil
	k.burst.Reset()
	if name != k.screen {
		k.log.Info("screen", "name", name) // support reads what the person saw
	}
	k.screen = name
	k.win.SetContent(content)
	k.idleFor = 0
	switch rule {
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
	k.log.Info("idle: back to start", "screen", k.screen)
	k.endDrop()
	k.courier, k.staff, k.batch = nil, nil, nil
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
