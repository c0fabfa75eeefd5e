package ui

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
	"pudo/app/session"
	"pudo/app/voice"
)

// Options are the kiosk's screen settings and the devices its screens show.
type Options struct {
	KioskID     string
	Settings    Settings
	MoreTimeFor time.Duration // how long "Need more time?" waits for an answer
	ThanksFor   time.Duration // how long "thank you" stays up
	AdminIdle   time.Duration // the admin session ends after this
	AdminTaps   int           // taps on the logo that open the admin PIN screen...
	AdminWithin time.Duration // ...when they come within this
	// TapGuard: taps are ignored this long after a screen the person did
	// not cause came up; zero: app.DefaultTapGuard, negative: none.
	TapGuard time.Duration
	Reminder time.Duration     // how often a door left open beeps
	Keyboard session.KeyTiming // tells a keyboard-mode scanner's burst from typing
	Support  Support           // whom people contact from a problem screen (newSupport)
	// Cabinet places the doors, the screen and the scanner on the locker's
	// front, for the help screen's picture; zero: the demo locker's places
	// over the door map.
	Cabinet voice.Cabinet
	// Sizes are the insides of the doors, on the courier's size buttons;
	// zero: the demo locker's.
	Sizes app.InnerSizes

	// PushScan hands a keyboard-mode scanner's code to the scanner hub, so
	// it is deduplicated and counted with the other readers and comes back
	// through Scanned; nil: it goes to Scanned directly.
	PushScan func(ctx context.Context, text string)
	Sounds   Sounds // nil: silent
	// Speech speaks the screens in audio mode; nil: the kiosk never
	// speaks, and neither a long press nor the keypad starts audio mode.
	Speech Speaker
	// Keys are the tactile keypad's (config [keypad]); Voice is what audio
	// mode says of the locker (the ways to its doors, the scanner, the
	// support phone). AudioOnScan starts audio mode on a shopper's scan on
	// the idle screen; LongPress is how long a press starts it.
	Keys        voice.Keymap
	Voice       voice.Voice
	AudioOnScan bool
	LongPress   time.Duration
	// CodesAloud says a code's characters on the loudspeaker too
	// (config speech.codes_aloud); without it they are said only to
	// headphones (Speaker.Private), elsewhere as a count.
	CodesAloud bool
	// SaveSettings keeps what staff changed on the settings screen; it runs
	// off the UI goroutine.
	SaveSettings func(ctx context.Context, s Settings) error
	// Quit leaves the kiosk for the desktop (admin only).
	Quit func()

	// Demo, when set, is the demo locker's parcel dropper: given how many
	// parcels are missing, it stores new ones and returns their codes.
	Demo        func(ctx context.Context, missing int) ([]DemoParcel, error)
	DemoParcels []DemoParcel
	DemoWanted  int
}

// DemoParcel is a demo parcel and the code that opens it, shown on the demo
// locker's home screen.
type DemoParcel struct {
	Code   string // canonical
	DoorID int64
	Return bool // a booked return's code: "Send a parcel" takes it
}

// Sounds plays the kiosk's short sounds; Play must not block.
type Sounds interface {
	Play(name string, volume float64)
}

// The sounds the kiosk plays (names of assets.Sounds).
const (
	SoundScan     = "scan"      // a code was accepted
	SoundWrong    = "wrong"     // wrong code
	SoundOpen     = "open"      // a door opened
	SoundLeftOpen = "left-open" // a door was left open: the reminder
)

func (o *Options) defaults() {
	o.Settings.defaults()
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.MoreTimeFor, app.DefaultMoreTime)
	def(&o.AdminIdle, app.DefaultAdminIdle)
	def(&o.AdminWithin, app.DefaultAdminTapWindow)
	if o.TapGuard == 0 {
		o.TapGuard = app.DefaultTapGuard
	}
	def(&o.Reminder, 10*time.Second)
	def(&o.LongPress, app.DefaultLongPress)
	if o.Keys.LetterPause <= 0 {
		o.Keys = voice.DefaultKeymap()
	}
	o.Voice.Keys = o.Keys
	if o.AdminTaps <= 0 {
		o.AdminTaps = app.DefaultAdminTaps
	}
	if o.Keyboard.MinLength <= 0 {
		o.Keyboard = session.DefaultKeyTiming()
	}
	if o.Sizes == (app.InnerSizes{}) {
		o.Sizes = app.DefaultInnerSizes()
	}
}

// Kiosk is the full-screen kiosk: a router that shows one screen at a
// time (see screen), draws the views the locker's sessions (session.Front)
// decide, and sends them what people do. Its methods run on the Fyne
// goroutine; the Front's calls, which block on the locker, run in order on
// the session desk's worker (see Run).
type Kiosk struct {
	win   fyne.Window
	desk  *session.Desk
	front *session.Front // the desk's
	opts  Options
	log   *slog.Logger
	// recognize tells what a typed or scanned text is, without looking
	// anything up (the engine's Recognize): input is read by content.
	recognize func(string) app.ScanKind

	// async runs blocking work off the UI goroutine, one job after the
	// other, with the kiosk's context: the desk's worker; tests run it
	// inline.
	async func(func(ctx context.Context))
	// after schedules f on the UI goroutine after d; tests fire it by hand.
	after func(d time.Duration, f func()) (stop func())
	now   func() time.Time

	view    app.View // the view on show, as the Front gave it
	shown   screen   // the screen drawing it
	timers  []func() // stops the timers of the screen shown
	wake    func()   // stops the timer of the session's next tick
	idle    func()   // stops the idle timer
	idleFor time.Duration
	idleAt  time.Time // when the idle clock runs out
	touched time.Time // the last presence: a key, a tap, a finger exploring
	// guardUntil: taps are ignored until then, a screen the person did
	// not cause having just come up (Options.TapGuard).
	guardUntil time.Time
	more       *widget.PopUp // "Need more time?", over the screen it asks about
	moreEnd    func()        // stops its countdown
	moreAt     time.Time     // when it runs out

	style    Style
	compact  bool // a staff screen is on show: the app is in the staff's compact theme
	bigText  bool // the shopper's switch; it lasts until the kiosk goes home idle
	settings Settings
	input    keyInput
	doors    []app.Door  // the locker's map
	taps     []time.Time // on the logo, for the staff gesture
	pick     doorPick    // the door staff tapped in the grid, across staff screens

	demoMu sync.Mutex // protects demo: the dropper runs off the UI goroutine
	demo   []DemoParcel

	voice audioMode // audio mode, as the sessions run it (voice.go)
	long  longPress // the press held now, for audio mode's long press

	// ended is set on the UI goroutine as the window goes: past Fyne's
	// loop, fyne.Do runs its function on the caller's goroutine, where
	// drawing touches a GLFW that has been terminated.
	ended atomic.Bool
}

// Do runs f on the UI goroutine, unless the kiosk has ended: work that
// finishes as the window goes (a session's answer, a timer, a camera's
// glimpse) is dropped, not drawn.
func (k *Kiosk) Do(f func()) {
	fyne.Do(func() {
		if !k.ended.Load() {
			f()
		}
	})
}

// End tells the kiosk its window is going. Call it on the UI goroutine
// before the app quits; the window's own close calls it too.
func (k *Kiosk) End() { k.ended.Store(true) }

// NewKiosk shows the home screen in win for the locker's engine. Run must
// be called for the screens to follow the locker.
func NewKiosk(win fyne.Window, eng app.Engine, opts Options, log *slog.Logger) *Kiosk {
	opts.defaults()
	k := &Kiosk{win: win, opts: opts, log: log, settings: opts.Settings, demo: opts.DemoParcels}
	// The sessions keep the screens' time: one clock for the screen and
	// the rules it shows.
	k.desk = session.NewDesk(eng, session.FrontOptions{ThanksFor: opts.ThanksFor, Now: func() time.Time { return k.now() },
		Voice: opts.Voice, AudioOnScan: opts.AudioOnScan, CodesAloud: func() bool { return k.codesAloud() }}, log)
	k.front = k.desk.Front()
	k.async = k.desk.Do
	k.after = func(d time.Duration, f func()) func() {
		t := time.AfterFunc(d, func() { k.Do(f) })
		return func() { t.Stop() }
	}
	k.now = time.Now
	k.recognize = eng.Recognize
	k.input.burst = session.NewKeyBurst(opts.Keyboard, session.Ours(eng.Recognize))
	SetLanguage(k.settings.Language)
	win.SetOnClosed(k.End)
	win.Canvas().SetOnTypedRune(k.typedRune)
	win.Canvas().SetOnTypedKey(k.typedKey)
	if p, ok := win.(interface{ OnResize(func(fyne.Size)) }); ok {
		// Not during the layout that noticed it: a little later.
		p.OnResize(func(fyne.Size) {
			k.after(0, func() {
				if k.shown != nil {
					k.redraw(k.shown)
				}
			})
		})
	}
	k.start()
	return k
}

// start reads the door map and shows the first view. It runs before Run,
// on the UI goroutine: the Front's Start reads memory and the door table.
func (k *Kiosk) start() {
	v := k.front.Start(context.Background())
	k.doors = k.front.DoorMap()
	if k.opts.Cabinet.Columns() == 0 {
		k.opts.Cabinet = voice.DemoWayfinding().Cabinet(voice.ColumnSizes(k.doors))
	}
	k.render(v, byLocker)
}

// Run follows the locker until ctx ends: the desk runs the Front's calls
// in order and hands it the engine's notices, and the screens show what
// they lead to. It returns when both have stopped.
func (k *Kiosk) Run(ctx context.Context) {
	k.desk.Run(ctx, func(_ context.Context, v app.View) { k.deliver(v, byLocker) })
}

// Desk is the sessions' desk the kiosk shows: main tells the engine
// through it whether someone is at the screen.
func (k *Kiosk) Desk() *session.Desk { return k.desk }

// show puts a screen up: the timers of the screen before stop, and the idle
// clock starts again.
func (k *Kiosk) show(s screen) {
	k.dropMore()
	k.swap(s)
	k.touch()
}

// redraw puts s up in place of the screen on show without counting as
// presence: a live refresh, or a door closing. The idle clock runs on.
func (k *Kiosk) redraw(s screen) {
	left := k.idleAt.Sub(k.now())
	k.swap(s)
	if k.idleFor > 0 && k.more == nil {
		k.idle = k.after(max(left, 0), k.askMoreTime)
	}
}

// refresh draws s again if it is still on show; a late result for a
// screen already left changes nothing.
func (k *Kiosk) refresh(s screen) {
	if k.shown == s {
		k.redraw(s)
	}
}

func (k *Kiosk) swap(s screen) {
	for _, stop := range k.timers {
		stop()
	}
	k.timers = nil
	if k.shown != s {
		k.input.newScreen()
		if screenName(k.shown) != screenName(s) {
			k.log.Info("screen", "name", screenName(s)) // support reads what the person saw
			k.voice.focus = nil                         // a new screen: nothing found on it yet
		}
	}
	k.shown = s
	_, staff := s.(staffLook)
	k.setCompact(staff)
	body := s.draw()
	k.voice.drawn = k.voice.on && voice.ShopperView(k.view)
	if k.voice.drawn {
		body = k.explorable(body)
	}
	content := k.pressable(body)
	k.win.SetContent(content)
	// A wrapped text learns its width in the first layout, and only then
	// how tall it is; Fyne does not lay its parents out again, so what
	// follows it would be drawn over it. A second pass lays the screen
	// out with the heights the first one found.
	content.Refresh()
	k.idleFor = 0
	switch s.idle() {
	case app.IdleAsk:
		k.idleFor = voice.Timeout(k.settings.IdleTimeout, k.voice.on)
	case app.IdleStaff:
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
	k.touched = k.now()
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
		if k.now().Before(k.guardUntil) {
			k.log.Info("tap ignored: the screen changed under the finger", "screen", screenName(k.shown))
			return
		}
		f()
	}
}

// timeout: nobody answered "Need more time?": the person has left.
func (k *Kiosk) timeout() {
	k.log.Info("idle: back to start", "screen", screenName(k.shown))
	k.bigText = false
	k.leave()
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
	k.applyTheme()
	if k.opts.Speech != nil {
		k.opts.Speech.SetNight(s.Night)
	}
}

// staffLook is a staff screen framed by adminFrame: drawn in the staff's
// compact theme.
type staffLook interface{ staffLook() }

// setCompact puts the app in the staff's compact theme while a staff
// screen shows, and back. The whole app, not an override around the
// screen: every override is a new scope of Fyne's font cache, which
// parses the fonts again for it and keeps them (button_render.go); a
// theme set on the app clears that cache.
func (k *Kiosk) setCompact(on bool) {
	if on == k.compact {
		return
	}
	k.compact = on
	k.applyTheme()
}

func (k *Kiosk) applyTheme() {
	th := Theme(k.style)
	if k.compact {
		th = compactTheme(k.style)
	}
	fyne.CurrentApp().Settings().SetTheme(th)
}
