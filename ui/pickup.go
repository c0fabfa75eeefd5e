package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"

	"pudo/app/core"
)

// submitCode tries a typed pickup code: the lock board is driven off the UI
// goroutine, and the screen follows the outcome.
func (k *Kiosk) submitCode(code string) {
	k.startPickup(func(ctx context.Context) (*core.Pickup, error) { return k.locker.StartPickup(ctx, code) })
}

// submitPickupScan tries a QR from the shopper's phone.
func (k *Kiosk) submitPickupScan(text string) {
	k.startPickup(func(ctx context.Context) (*core.Pickup, error) { return k.flows.Scans.StartPickupScan(ctx, text) })
}

func (k *Kiosk) startPickup(start func(context.Context) (*core.Pickup, error)) {
	k.showOpening()
	k.async(func() {
		p, err := start(context.Background())
		fyne.Do(func() { k.pickupDone(p, err) })
	})
}

func (k *Kiosk) pickupDone(p *core.Pickup, err error) {
	if err == nil {
		k.pickup = p
		k.forgetDemo(p.Door.ID)
		k.play(SoundOpen)
		k.showPickupDoor(p, p.Remaining())
		return
	}
	var lo *core.LockedOutError
	var msg string
	switch {
	case errors.Is(err, core.ErrWrongCode), errors.Is(err, core.ErrCodeFormat):
		msg = tr("code.wrong")
	case errors.Is(err, core.ErrExpired):
		msg = tr("code.expired")
	case errors.Is(err, core.ErrAlreadyCollected):
		msg = tr("code.collected")
	case errors.As(err, &lo):
		k.pausedUntil = lo.Until
	default:
		door := int64(0)
		if p != nil {
			door = p.Door.ID
		}
		k.showFailure(err, door)
		return
	}
	k.play(SoundWrong)
	k.showEntry(entryPickup, msg)
}

func (k *Kiosk) showPickupDoor(p *core.Pickup, more int) {
	d := p.Door
	k.showDoor(&doorScreen{door: d, kind: doorPickup, more: more,
		closed: k.pickupDoorClosed, didNotOpen: func() { k.showDoorDidNotOpen(d) }})
}

// pickupDoorClosed follows the shopper's door closing: the next parcel
// under the same code opens, or the kiosk asks whether all went well.
func (k *Kiosk) pickupDoorClosed() {
	if k.pickup == nil || k.pickup.Remaining() == 0 {
		k.showDidYouGet()
		return
	}
	p := k.pickup
	k.showOpening()
	k.async(func() {
		err := p.Next(context.Background())
		fyne.Do(func() { k.pickupDone(p, err) })
	})
}

// reopen opens the shopper's last door again, within the grace period.
func (k *Kiosk) reopen() {
	p := k.pickup
	if p == nil || k.flows.Aftercare == nil {
		return
	}
	k.showOpening()
	k.async(func() {
		err := k.flows.Aftercare.Reopen(context.Background(), p)
		fyne.Do(func() {
			if err != nil {
				k.showFailure(err, p.Door.ID)
				return
			}
			k.play(SoundOpen)
			k.showPickupDoor(p, 0)
		})
	})
}

// report tells staff the shopper's door was empty or held the wrong parcel.
func (k *Kiosk) report(problem string) {
	p := k.pickup
	door := int64(0)
	if p != nil {
		door = p.Door.ID
	}
	k.log.Warn("shopper reports a problem", "problem", problem, "door", door)
	if k.flows.Aftercare != nil && p != nil {
		k.async(func() {
			if err := k.flows.Aftercare.Report(context.Background(), p, problem); err != nil {
				k.log.Error("problem report not recorded", "err", err)
			}
		})
	}
	k.pickup = nil
	k.showProblem(tr("report.title"), tr("report.what"), door)
}
