package ui

import (
	"errors"
	"fmt"
	"fyne.io/fyne/v2"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app/core"
)

// problems maps the flows' errors to what a person is told: a title and
// what to do. Raw error text never reaches the screen.
var problems = []struct {
	err         error
	title, what string
}{
	{core.ErrDoorDidNotOpen, "problem.door", "problem.door.what"},
	{core.ErrOutOfService, "problem.oos", "problem.oos.what"},
	{core.ErrNoFreeDoor, "problem.nofree", "problem.nofree.what"},
	{core.ErrDoorStillOpen, "problem.stillopen", "problem.stillopen.what"},
	{core.ErrReopenClosed, "problem.reopen", "problem.reopen.what"},
}

// showFailure names a failed flow to the person, with a support reference.
func (k *Kiosk) showFailure(err error, door int64) {
	for _, p := range problems {
		if errors.Is(err, p.err) {
			k.log.Warn("flow failed", "err", err, "door", door)
			k.showProblem(tr(p.title), tr(p.what), door)
			return
		}
	}
	k.log.Error("flow failed", "err", err, "door", door)
	k.showProblem(tr("problem.title"), tr("problem.what"), door)
}

func (k *Kiosk) showDoorDidNotOpen(d core.Door) {
	k.log.Warn("door did not open", "door", d.ID, "screen", screenName(k.shown))
	k.showProblem(tr("problem.door"), tr("problem.door.what"), d.ID)
}

// reference is what support looks a problem up by: kiosk, door, time.
func (k *Kiosk) reference(door int64) string {
	d := "-"
	if door != 0 {
		d = fmt.Sprint(door)
	}
	return fmt.Sprintf("%s / %s / %s", k.opts.KioskID, d, k.now().UTC().Format("2006-01-02 15:04"))
}

// problemScreen says what went wrong and what to do, with a reference that
// support can look up in the log.
type problemScreen struct {
	head, what string
	door       int64
}

func (k *Kiosk) showProblem(head, what string, door int64) {
	k.show(&problemScreen{head: head, what: what, door: door})
}

func (s *problemScreen) idle() idleRule { return idleAsk }

func (s *problemScreen) draw(k *Kiosk) fyne.CanvasObject {
	t := title(s.head)
	t.Importance = widget.DangerImportance
	ref := say(trf("problem.ref", "Ref", k.reference(s.door)))
	ref.TextStyle.Monospace = true
	top := container.NewVBox(k.logo(), t, say(s.what), ref)
	home := k.mainButton(tr("common.home"), theme.HomeIcon(), func() {
		if k.courier != nil {
			k.showCourierMenu()
			return
		}
		k.showHome()
	})
	return arrange(top, home)
}

func (s *problemScreen) key(k *Kiosk, kp keyPress) bool { return k.startTyping(kp) }
func (s *problemScreen) scanned(k *Kiosk, text string)  { k.entryScan(text) }

// outOfOrderScreen replaces home while the lock board is gone: nobody
// should type a code that cannot open a door, so it takes no keys and no
// scans. The logo still leads staff in.
type outOfOrderScreen struct{}

func (s *outOfOrderScreen) idle() idleRule { return idleNever }

func (s *outOfOrderScreen) draw(k *Kiosk) fyne.CanvasObject {
	k.nightTimer(s, k.applyNight())
	t := title(tr("offline.title"))
	top := container.NewVBox(k.logo(), t, say(tr("offline.what")),
		say(trf("problem.ref", "Ref", k.reference(0))))
	k.later(10*time.Second, k.showHome)
	return arrange(top)
}
