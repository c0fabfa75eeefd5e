package session

import (
	"context"
	"errors"
	"image"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"pudo/app"
	"pudo/app/voice"
)

// FrontOptions are the sessions' timings. Zero fields take the defaults.
type FrontOptions struct {
	ThanksFor    time.Duration    // how long "thank you" stays up; default 4 s
	StaffRefresh time.Duration    // how often the staff door grid is read again; default 3 s
	Now          func() time.Time // the clock; default time.Now

	// Voice is what audio mode says besides the views' texts: the ways to
	// the doors and the scanner, the keypad's keys, the support contact.
	Voice voice.Voice
	// AudioOnScan starts audio mode when a shopper's code is scanned on
	// the idle screen (config speech.start_on_scan).
	AudioOnScan bool
	// RepeatWay is how often audio mode says the way to a door that is
	// still opening again; default 10 s.
	RepeatWay time.Duration
}

func (o *FrontOptions) defaults() {
	if o.ThanksFor <= 0 {
		o.ThanksFor = app.DefaultThanksFor
	}
	if o.StaffRefresh <= 0 {
		o.StaffRefresh = 3 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.RepeatWay <= 0 {
		o.RepeatWay = defaultRepeatWay
	}
	if o.Voice.Keys.LetterPause <= 0 {
		o.Voice.Keys = voice.DefaultKeymap()
	}
}

// Front is the front of the locker: whoever stands at the screen. Between
// sessions it shows home (or Out of order, which it follows from the
// engine's availability notices, never by polling) and tells what a code
// or a scan starts: a shopper's pickup or return, a courier's round, a
// staff session. While a session runs, taps, scans, notices and time go to
// it, and the View it returns is what the screen shows. When the person
// leaves (Back, Logout, the idle timeout) the session's context ends.
//
// The screens call it from one goroutine at a time, off the UI goroutine:
// its calls block on the engine. Busy and CameraFrame are safe from any
// goroutine.
type Front struct {
	eng  app.Engine
	opts FrontOptions
	log  *slog.Logger

	mu    sync.Mutex // protects following
	avail app.Availability
	doors []app.Door
	sess  session
	view  app.View
	audio audio
	// badge is the staff badge whose holder's PIN the pad on show asks
	// for; "" for the shared pad. It never leaves the Front.
	badge string

	busy  atomic.Bool
	frame atomic.Pointer[func() image.Image]
}

// session is one person's time at the screen. Each method returns the
// view to show next: the same pointer when nothing changed, nil when the
// session is over (the Front shows home).
type session interface {
	tap(in app.Intent) app.View
	// scan returns ok false for a scan the session does not take, which
	// then ends it and starts whatever the code is for.
	scan(text string) (v app.View, ok bool)
	notice(n app.Notice) app.View
	tick(now time.Time) app.View
	wake() time.Time // when tick is due; zero: never
	leave()          // the person left: end the session's context
	// done reports whether the session only says goodbye (thanks, a
	// problem screen): the next person's Collect or scan may end it.
	done() bool
}

// NewFront returns a Front over eng. Call Start before anything else.
func NewFront(eng app.Engine, opts FrontOptions, log *slog.Logger) *Front {
	opts.defaults()
	return &Front{eng: eng, opts: opts, log: log, view: &app.HomeView{}}
}

// Start reads the doors and whether they can open, and returns home.
func (f *Front) Start(ctx context.Context) app.View {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.avail = f.eng.Availability()
	doors, err := f.eng.DoorMap(ctx)
	if err != nil {
		f.log.Error("door map not read", "err", err)
	}
	f.doors = doors
	return f.set(f.home())
}

// View is the view on show.
func (f *Front) View() app.View {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.view
}

// DoorMap is every door of the locker, for the map on the door screens.
func (f *Front) DoorMap() []app.Door {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.doors
}

// Busy reports whether someone is at the screen: a session is running or a
// screen other than home is up. The nightly self-test waits while it is.
func (f *Front) Busy() bool { return f.busy.Load() }

// CameraFrame is the newest camera picture for the staff hardware screen;
// nil outside a staff session or without a camera.
func (f *Front) CameraFrame() image.Image {
	if fn := f.frame.Load(); fn != nil {
		return (*fn)()
	}
	return nil
}

// Tap takes an intent from the screen.
func (f *Front) Tap(ctx context.Context, in app.Intent) app.View {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.set(f.tap(ctx, in))
}

// tap is what in leads to; its caller sets the view.
func (f *Front) tap(ctx context.Context, in app.Intent) app.View {
	if _, ok := in.(app.StartAudio); ok {
		if f.audio.on { // a long press again: the screen again
			f.say(voice.Spoken(f.view, f.opts.Voice, f.opts.Now())...)
		}
		f.startAudio()
		return f.view
	}
	if f.sess != nil {
		switch in.(type) {
		case app.Collect, app.SendReturn, app.StaffGesture:
			if f.sess.done() {
				f.end() // the next person
				return f.entryTap(ctx, in)
			}
		}
		return f.sess.tap(in)
	}
	return f.entryTap(ctx, in)
}

// Scan takes a code read by a camera, a scanner or a keyboard-mode
// scanner's burst. A code that is none of ours (a product barcode) changes
// nothing and is not counted.
func (f *Front) Scan(ctx context.Context, text string) app.View {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sess != nil {
		if v, ok := f.sess.scan(text); ok {
			return f.set(v)
		}
		if f.eng.Recognize(text) == app.ScanForeign {
			return f.view
		}
		f.end() // the scan starts something new
	}
	return f.set(f.entryScan(ctx, text))
}

// Notice takes what the engine tells. Availability is followed here: while
// nobody is in a session, home turns into Out of order and back by itself.
func (f *Front) Notice(ctx context.Context, n app.Notice) app.View {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n.Kind == app.NoticeAvailability && n.Availability != nil {
		f.avail = *n.Availability
	}
	if f.sess != nil {
		return f.set(f.sess.notice(n))
	}
	switch n.Kind {
	case app.NoticeAvailability:
		// Code entry survives an outage: what was typed, and audio mode,
		// are kept; a code tried meanwhile is refused with the reason.
		switch f.view.(type) {
		case *app.HomeView, *app.OutOfOrderView, *app.ProblemView, *app.HelpView:
			return f.set(f.home())
		}
	case app.NoticeLeftOpen:
		if _, home := f.view.(*app.HomeView); home {
			s := &leftOpenWatch{door: f.door(n.Door.ID)}
			f.sess = s
			return f.set(s.first())
		}
	}
	return f.view
}

// Tick lets time pass: a session's timers fire when Wake is due.
func (f *Front) Tick(ctx context.Context) app.View {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.opts.Now()
	f.audioTick(now)
	if f.sess == nil {
		return f.view
	}
	return f.set(f.sess.tick(now))
}

// Wake is when Tick should be called next; zero: not until something else
// happens.
func (f *Front) Wake() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	w := f.audio.wake()
	if f.sess == nil {
		return w
	}
	if s := f.sess.wake(); !s.IsZero() && (w.IsZero() || s.Before(w)) {
		w = s
	}
	return w
}

// Leave says the person has gone (the idle timeout): the session ends and
// home comes back.
func (f *Front) Leave(ctx context.Context) app.View {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.end()
	f.endAudio()
	v := f.home()
	if h, ok := v.(*app.HomeView); ok {
		h.Fresh = true
	}
	return f.set(v)
}

// end ends the running session, if any.
func (f *Front) end() {
	if f.sess != nil {
		f.sess.leave()
		f.sess = nil
		f.frame.Store(nil)
	}
}

// set makes v the view on show; nil ends the session and shows home.
// In audio mode the view is said as it comes; going home ends audio mode.
func (f *Front) set(v app.View) app.View {
	prev := f.view
	if v == nil {
		f.end()
		f.endAudio()
		v = f.home()
	} else if f.audio.on && leavesAudio(prev, v) {
		f.endAudio()
		if isHome(v) {
			v = f.home()
		}
	}
	if h, ok := v.(*app.HomeView); ok && v != f.view {
		switch f.view.(type) {
		case *app.HomeView, *app.CodeView, *app.HelpView, *app.PINView:
			// the same person, back from what they tried
		default:
			h.Fresh = true // a session or a problem screen ended: the next person
		}
	}
	if _, pad := v.(*app.PINView); !pad {
		f.badge = "" // the badge's holder left the pad
	}
	f.view = v
	f.voiceChange(prev, v)
	f.busy.Store(f.sess != nil || !isHome(v) || f.audio.on)
	return v
}

func (f *Front) home() app.View {
	if f.avail.OutOfOrder {
		return &app.OutOfOrderView{Reason: f.avail.Reason}
	}
	return &app.HomeView{Audio: f.audio.on}
}

// door is door id as the map knows it; a door missing from the map (the
// map could not be read) is named by its id alone.
func (f *Front) door(id int64) app.Door {
	for _, d := range f.doors {
		if d.ID == id {
			return d
		}
	}
	return app.Door{ID: id}
}

// entryTap is a tap with no session running.
func (f *Front) entryTap(ctx context.Context, in app.Intent) app.View {
	switch in := in.(type) {
	case app.Collect:
		return f.codeEntry(ctx, app.EntryPickup, app.RefusalNone)
	case app.SendReturn:
		return f.codeEntry(ctx, app.EntryReturn, app.RefusalNone)
	case app.EnterCode:
		cv, ok := f.view.(*app.CodeView)
		switch {
		case !ok:
			return f.view
		case f.avail.OutOfOrder:
			// The code stays on the keypad, for when the locker is back.
			return &app.CodeView{For: cv.For, Refusal: app.RefusalOutOfOrder}
		case cv.For == app.EntryReturn:
			return f.startReturn(ctx, in.Code)
		}
		return f.startPickup(ctx, in.Code, false)
	case app.StaffGesture:
		return &app.PINView{}
	case app.ShowHelp:
		if _, ok := f.view.(*app.HomeView); ok {
			return &app.HelpView{}
		}
	case app.EnterPIN:
		if _, ok := f.view.(*app.PINView); ok && f.badge != "" {
			return f.badgeLogin(ctx, in.PIN)
		} else if ok {
			return f.staffLogin(ctx, in.PIN)
		}
	case app.Back, app.Escape:
		return f.home()
	}
	return f.view
}

// entryScan is a scan with no session running: what the code is for
// decides what starts. While the locker is out of order nothing starts.
func (f *Front) entryScan(ctx context.Context, text string) app.View {
	kind := f.eng.Recognize(text)
	if kind == app.ScanForeign {
		f.log.Info("scan ignored: not one of ours", "len", len(text))
		return f.view
	}
	if kind == app.ScanStaffBadge {
		return f.badgeScanned(ctx, text) // staff come in to put an out-of-order locker right
	}
	if f.avail.OutOfOrder {
		f.log.Info("scan refused: out of order", "kind", kind.String())
		return f.home()
	}
	if _, idle := f.view.(*app.HomeView); idle && f.opts.AudioOnScan && kind != app.ScanCourierToken {
		// This locker's shoppers mostly cannot see the screen: the view the
		// scan leads to is the first one said.
		f.log.Info("audio mode on", "by", "scan")
		f.audio.on, f.audio.started = true, true
	}
	switch kind {
	case app.ScanPickupCode, app.ScanPickupToken:
		return f.startPickup(ctx, text, true)
	case app.ScanCourierToken:
		return f.courierLogin(ctx, text)
	case app.ScanReturnCode, app.ScanReturnToken:
		return f.startReturn(ctx, text)
	}
	return f.view
}

// codeEntry is the keypad for e, counting down first if code entry is
// paused. Pickup and return codes share one guessing budget.
func (f *Front) codeEntry(ctx context.Context, e app.Entry, r app.Refusal) app.View {
	if f.avail.OutOfOrder {
		return f.home()
	}
	v := &app.CodeView{For: e, Refusal: r}
	if until, paused := f.eng.CodeEntryPaused(ctx); paused {
		v.PausedUntil = until
	}
	return v
}

func (f *Front) startPickup(ctx context.Context, text string, scanned bool) app.View {
	var p app.Pickup
	var err error
	if scanned {
		p, err = f.eng.PickupByScan(ctx, text)
	} else {
		p, err = f.eng.PickupByCode(ctx, text)
	}
	if p != nil && (err == nil || errors.Is(err, app.ErrDoorDidNotOpen)) {
		s := newPickupSession(ctx, f, p)
		f.sess = s
		return s.first(err)
	}
	return f.refused(ctx, app.EntryPickup, err)
}

func (f *Front) startReturn(ctx context.Context, text string) app.View {
	d, err := f.eng.BeginReturn(ctx, text)
	if d != nil && (err == nil || errors.Is(err, app.ErrDoorDidNotOpen)) {
		s := newReturnSession(ctx, f, d)
		f.sess = s
		return s.first(err)
	}
	return f.refused(ctx, app.EntryReturn, err)
}

// refused names why a code opened nothing: on the keypad for a wrong code,
// on a problem screen for a door that cannot open.
func (f *Front) refused(ctx context.Context, e app.Entry, err error) app.View {
	var lo *app.LockedOutError
	var ooo *app.OutOfOrderError
	var being *app.BeingOpenedError
	wrong := app.RefusalWrongCode
	if e == app.EntryReturn {
		wrong = app.RefusalNotAReturn
	}
	switch {
	case errors.Is(err, app.ErrForeign), errors.Is(err, app.ErrNotPickup):
		return f.view // ours or not, not a code for this: nothing counted, nothing shown
	case errors.As(err, &lo):
		return &app.CodeView{For: e, PausedUntil: lo.Until}
	case errors.As(err, &ooo):
		// The notice may still be on its way: ask the engine now rather
		// than wait for it, or guess.
		if f.avail = f.eng.Availability(); ooo.Door == 0 && f.avail.OutOfOrder {
			if _, typing := f.view.(*app.CodeView); typing {
				return &app.CodeView{For: e, Refusal: app.RefusalOutOfOrder}
			}
			return f.home()
		}
		return &app.ProblemView{Trouble: app.TroubleDoorOutOfOrder, Door: ooo.Door}
	case errors.As(err, &being):
		return &app.ProblemView{Trouble: app.TroubleBeingOpened, Door: being.Door}
	case e == app.EntryPickup && errors.Is(err, app.ErrExpired):
		return f.codeEntry(ctx, e, app.RefusalExpired)
	case e == app.EntryPickup && errors.Is(err, app.ErrAlreadyCollected):
		return f.codeEntry(ctx, e, app.RefusalCollected)
	case e == app.EntryReturn && errors.Is(err, app.ErrAlreadyStored):
		return f.codeEntry(ctx, e, app.RefusalReturnDone)
	case errors.Is(err, app.ErrWrongCode), errors.Is(err, app.ErrCodeFormat), errors.Is(err, app.ErrBadToken),
		e == app.EntryReturn && (errors.Is(err, app.ErrNotReturn) || errors.Is(err, app.ErrNotFound)):
		return f.codeEntry(ctx, e, wrong)
	}
	return f.problem(err, 0)
}

// problem is the problem screen for err, logged for support. Its
// reference names the door: door, else the one err names.
func (f *Front) problem(err error, door int64) app.View {
	if door == 0 {
		door = DoorOf(err)
	}
	t := TroubleOf(err)
	if t == app.TroubleOther {
		f.log.Error("flow failed", "err", err, "door", door)
	} else {
		f.log.Warn("flow failed", "err", err, "door", door)
	}
	return &app.ProblemView{Trouble: t, Door: door}
}

func (f *Front) courierLogin(ctx context.Context, token string) app.View {
	r, err := f.eng.LoginCourier(ctx, token)
	if err != nil {
		f.log.Warn("courier login refused", "err", err)
		switch {
		case errors.Is(err, app.ErrTokenExpired):
			return &app.ProblemView{Trouble: app.TroubleCourierExpired}
		case errors.Is(err, app.ErrTokenRevoked):
			return &app.ProblemView{Trouble: app.TroubleCourierRevoked}
		}
		return &app.ProblemView{Trouble: app.TroubleCourierCode}
	}
	f.log.Info("courier logged in", "courier", r.Courier())
	s := newCourierSession(ctx, f, r)
	f.sess = s
	return s.first()
}

func (f *Front) staffLogin(ctx context.Context, pin string) app.View {
	st, err := f.eng.LoginStaff(ctx, pin)
	var lo *app.LockedOutError
	switch {
	case err == nil:
		return f.startStaff(ctx, st)
	case errors.As(err, &lo):
		return &app.PINView{Refusal: app.PINPaused, Until: lo.Until}
	case errors.Is(err, app.ErrStaffLocked):
		return &app.PINView{Refusal: app.PINLocked}
	case errors.Is(err, app.ErrBadgeRequired):
		return &app.PINView{Refusal: app.PINBadgeNeeded}
	case errors.Is(err, app.ErrBadPIN), errors.Is(err, app.ErrPINFormat), errors.Is(err, app.ErrNotFound):
		return &app.PINView{Refusal: app.PINWrong}
	}
	f.log.Error("staff login failed", "err", err)
	return &app.PINView{Refusal: app.PINFailed}
}

// DoorOf is the door a typed error names, 0 when none does.
func DoorOf(err error) int64 {
	var oos *app.OutOfServiceError
	var ooo *app.OutOfOrderError
	var being *app.BeingOpenedError
	var dno *app.DidNotOpenError
	var fs *app.ForStaffError
	switch {
	case errors.As(err, &fs):
		return fs.Door
	case errors.As(err, &oos):
		return oos.Door
	case errors.As(err, &ooo):
		return ooo.Door
	case errors.As(err, &being):
		return being.Door
	case errors.As(err, &dno):
		return dno.Opening.DoorID
	}
	return 0
}

// TroubleOf names err for a person: what went wrong, never how.
func TroubleOf(err error) app.Trouble {
	for _, t := range troubles {
		if errors.Is(err, t.err) {
			return t.trouble
		}
	}
	return app.TroubleOther
}

var troubles = []struct {
	err     error
	trouble app.Trouble
}{
	{app.ErrBeingOpened, app.TroubleBeingOpened},
	{app.ErrOutOfOrder, app.TroubleDoorOutOfOrder},
	{app.ErrDoorDidNotOpen, app.TroubleDidNotOpen},
	{app.ErrForStaff, app.TroubleDidNotOpen},
	{app.ErrOutOfService, app.TroubleOutOfService},
	{app.ErrNoFreeDoor, app.TroubleNoFreeDoor},
	{app.ErrDoorStillOpen, app.TroubleStillOpen},
	{app.ErrReopenClosed, app.TroubleReopenClosed},
	{app.ErrTokenExpired, app.TroubleCourierExpired},
	{app.ErrTokenRevoked, app.TroubleCourierRevoked},
}

// sessionBase is what every session has: the Front it runs under and a
// context that ends when the person leaves.
type sessionBase struct {
	f      *Front
	ctx    context.Context
	cancel context.CancelFunc
}

func newBase(ctx context.Context, f *Front) sessionBase {
	c, cancel := context.WithCancel(ctx)
	return sessionBase{f: f, ctx: c, cancel: cancel}
}

func (b *sessionBase) now() time.Time { return b.f.opts.Now() }

// thanksFor is how long "thank you" stays up: twice as long in audio mode,
// where it is heard to the end.
func (b *sessionBase) thanksFor() time.Duration {
	return voice.Timeout(b.f.opts.ThanksFor, b.f.audio.on)
}

// leftOpenWatch asks for a door left open while nobody was at the screen
// to be closed, and goes home when it is.
type leftOpenWatch struct {
	door app.Door
	view app.View
}

func (w *leftOpenWatch) first() app.View {
	w.view = &app.LeftOpenView{Door: w.door}
	return w.view
}

func (w *leftOpenWatch) tap(in app.Intent) app.View {
	if _, ok := in.(app.Back); ok {
		return nil
	}
	return w.view
}

func (w *leftOpenWatch) scan(string) (app.View, bool) { return nil, false }
func (w *leftOpenWatch) tick(time.Time) app.View      { return w.view }
func (w *leftOpenWatch) wake() time.Time              { return time.Time{} }
func (w *leftOpenWatch) leave()                       {}
func (w *leftOpenWatch) done() bool                   { return false }

func (w *leftOpenWatch) notice(n app.Notice) app.View {
	if n.Door.ID == w.door.ID && (n.Kind == app.NoticeClosed || n.Kind == app.NoticeSensorUnknown) {
		return nil
	}
	return w.view
}
