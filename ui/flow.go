package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"

	"pudo/app"
	"pudo/lockio"
)

// nowFunc is the wall clock for support references; tests pin it.
var nowFunc = time.Now

// submitCode tries a code: the lock board is driven off the UI goroutine,
// and the screen follows the outcome.
func (k *Kiosk) submitCode(code string) {
	k.showOpening()
	k.async(func() {
		p, err := k.locker.StartPickup(context.Background(), code)
		fyne.Do(func() { k.pickupDone(p, err) })
	})
}

func (k *Kiosk) pickupDone(p *app.Pickup, err error) {
	if err == nil {
		k.pickup = p
		k.forgetDemo(p.Door.ID)
		k.showDoor(p.Door, p.Remaining())
		return
	}
	var lo *app.LockedOutError
	switch {
	case errors.Is(err, app.ErrWrongCode), errors.Is(err, app.ErrCodeFormat):
		k.message = tr("code.wrong", "That code does not match a parcel here. Check it and try again.")
	case errors.Is(err, app.ErrExpired):
		k.message = tr("code.expired", "The pickup time for this parcel has passed. It goes back to the sender; contact them to get it.")
	case errors.As(err, &lo):
		k.message = trf("code.locked", "Too many wrong codes. Try again in {{.S}} seconds.",
			map[string]any{"S": int(time.Until(lo.Until).Seconds()) + 1})
	case errors.Is(err, app.ErrDoorDidNotOpen), errors.Is(err, app.ErrOutOfService):
		k.showProblem(tr("problem.door", "The door did not open"),
			tr("problem.door.what", "Your parcel is safe. Please try again later or call support with this reference."), 0)
		return
	default:
		k.log.Error("pickup failed", "err", err)
		k.showProblem(tr("problem.title", "Something went wrong"),
			tr("problem.what", "Your parcel is safe. Please call support with this reference."), 0)
		return
	}
	msg := k.message
	k.showCode()
	k.message = msg
}

// doorEvent follows the door the shopper was sent to: when it closes, the
// next parcel under the same code opens, or the kiosk says thank you.
func (k *Kiosk) doorEvent(n app.DoorNotice) {
	if n.Door.ID != k.openDoor || n.Kind != lockio.EventClosed {
		return
	}
	if k.pickup == nil || k.pickup.Remaining() == 0 {
		k.showThanks()
		return
	}
	p := k.pickup
	k.showOpening()
	k.async(func() {
		err := p.Next(context.Background())
		fyne.Do(func() { k.pickupDone(p, err) })
	})
}

// typedRune takes a physical keyboard or a keyboard-mode scanner: typing
// anywhere outside the keypad starts code entry with what was typed.
func (k *Kiosk) typedRune(r rune) {
	switch k.screen {
	case "home", "problem", "thanks":
		k.showCode()
		fallthrough
	case "code":
		k.keypad.Type(string(r))
		k.touch()
	}
}

func (k *Kiosk) typedKey(ev *fyne.KeyEvent) {
	if k.screen != "code" {
		return
	}
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		k.keypad.submit()
	case fyne.KeyBackspace:
		k.keypad.Delete()
	case fyne.KeyEscape:
		k.showHome()
		return
	}
	k.touch()
}

func (k *Kiosk) forgetDemo(door int64) {
	k.demoMu.Lock()
	defer k.demoMu.Unlock()
	for i, p := range k.demo {
		if p.DoorID == door {
			k.demo = append(k.demo[:i:i], k.demo[i+1:]...)
			return
		}
	}
}

// topUpDemo keeps the demo locker stocked: after a pickup, the demo
// "courier" drops a new parcel and the banner shows its code.
func (k *Kiosk) topUpDemo() {
	k.demoMu.Lock()
	missing := k.opts.DemoWanted - len(k.demo)
	k.demoMu.Unlock()
	if k.opts.Demo == nil || missing <= 0 {
		return
	}
	k.async(func() {
		got, err := k.opts.Demo(context.Background(), missing)
		if err != nil {
			k.log.Warn("demo parcels not dropped", "err", err)
			return
		}
		k.demoMu.Lock()
		k.demo = append(k.demo, got...)
		k.demoMu.Unlock()
		fyne.Do(func() {
			if k.screen == "home" {
				k.showHome()
			}
		})
	})
}

// Scanned takes a code read by a camera or a scanner. Only text that can be
// a pickup code starts a pickup; a product barcode held up by mistake is
// ignored rather than counted as a wrong code.
func (k *Kiosk) Scanned(text string) {
	switch k.screen {
	case "home", "code", "problem", "thanks":
	default:
		return
	}
	code, err := app.NormalizeCode(text)
	if err != nil {
		k.log.Info("scan ignored: not a pickup code", "len", len(text))
		return
	}
	k.submitCode(code)
}
