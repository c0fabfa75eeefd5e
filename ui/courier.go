package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app/core"
)

// courierLogin checks a courier's QR; the courier then stays in their menu
// until they log out or walk away.
func (k *Kiosk) courierLogin(token string) {
	if k.flows.Couriers == nil {
		return
	}
	k.showOpening()
	k.async(func() {
		c, err := k.flows.Couriers.CourierLogin(context.Background(), token)
		fyne.Do(func() {
			if err != nil {
				k.log.Warn("courier login refused", "err", err)
				what := "courier.bad.what"
				if errors.Is(err, core.ErrTokenExpired) {
					what = "courier.expired.what"
				}
				k.play(SoundWrong)
				k.showProblem(tr("courier.bad"), tr(what), 0)
				return
			}
			k.courier = c
			k.log.Info("courier logged in", "courier", c.Name())
			k.showCourierMenu()
		})
	})
}

// courierMenuScreen is where a courier chooses the next task; they stay
// in it until they log out or walk away.
type courierMenuScreen struct{}

func (k *Kiosk) showCourierMenu() {
	if k.courier == nil {
		k.showHome()
		return
	}
	k.endDrop()
	k.show(&courierMenuScreen{})
}

func (s *courierMenuScreen) idle() idleRule { return idleAsk }

func (s *courierMenuScreen) draw(k *Kiosk) fyne.CanvasObject {
	top := container.NewVBox(k.logo(), title(trf("courier.hello", "Name", k.courier.Name())), say(tr("courier.what")))
	return arrange(top,
		k.mainButton(tr("courier.drop"), theme.DownloadIcon(), func() { k.showDrop("") }),
		row(k.button(tr("courier.expired"), theme.HistoryIcon(), func() { k.startBatch(batchExpired) }),
			k.button(tr("courier.returns"), theme.UploadIcon(), func() { k.startBatch(batchReturns) })),
		k.button(tr("courier.logout"), theme.LogoutIcon(), k.courierLogout))
}

func (k *Kiosk) courierLogout() {
	k.log.Info("courier logged out")
	k.endDrop()
	k.courier = nil
	k.showHome()
}

// dropState is one parcel on its way into a door.
type dropState struct {
	d         DropOff
	kind      doorKind
	ref       string // the label scanned, kept when it had no booking
	preferLow bool
	retried   int
	note      string // what the drop screen says about the last parcel
	// busy: a step of d runs off the UI goroutine; d is not to be touched.
	busy bool
	// closed: Done failed after the door closed, not because it never
	// opened; the parcel may be inside, so the rent is left for staff.
	closed bool
}

// endDrop leaves the drop-off in hand, if any. One whose parcel did not go
// in is abandoned: a walk-in's door would otherwise stay reserved until
// staff cancel it. A finished drop-off is no longer in k.drop.
func (k *Kiosk) endDrop() {
	ds := k.drop
	k.drop = nil
	if ds == nil || ds.d == nil {
		return
	}
	door := ds.d.Door().ID
	switch {
	case ds.closed:
		k.log.Warn("drop-off left unfinished after its door closed: rent left for staff", "door", door)
		return
	case ds.busy:
		// Only a shopper's Escape leaves a door that is opening.
		k.log.Warn("drop-off left while its door was opening: not abandoned", "door", door)
		return
	}
	d := ds.d
	k.async(func() {
		if err := d.Abandon(context.Background()); err != nil {
			k.log.Warn("drop-off not abandoned", "door", door, "err", err)
			return
		}
		k.log.Info("drop-off abandoned", "door", door)
	})
}

// dropScreen asks for a parcel label, or a size for a parcel without one.
type dropScreen struct {
	ds      *dropState
	message string // what went wrong with the last label
}

func (k *Kiosk) showDrop(message string) {
	if k.drop == nil {
		k.drop = &dropState{kind: doorDrop}
	}
	k.show(&dropScreen{ds: k.drop, message: message})
}

func (s *dropScreen) idle() idleRule { return idleAsk }

func (s *dropScreen) draw(k *Kiosk) fyne.CanvasObject {
	ds := s.ds
	lines := []fyne.CanvasObject{title(tr("drop.title")), say(tr("drop.hint"))}
	if ds.note != "" {
		lines = append(lines, say(ds.note))
	}
	if s.message != "" {
		lines = append(lines, warn(s.message))
	}
	low := tr("drop.low.off")
	if ds.preferLow {
		low = tr("drop.low.on")
	}
	lowB := k.button(low, theme.MoveDownIcon(), func() { ds.preferLow = !ds.preferLow; k.refresh(s) })
	if ds.preferLow {
		lowB.Importance = widget.HighImportance
	}
	sizes := row(k.mainButton(tr("size.S"), nil, func() { k.dropSize("S") }),
		k.mainButton(tr("size.M"), nil, func() { k.dropSize("M") }),
		k.mainButton(tr("size.L"), nil, func() { k.dropSize("L") }))
	return arrange(container.NewVBox(lines...), lowB, sizes,
		k.button(tr("courier.menu"), theme.MenuIcon(), k.showCourierMenu))
}

// scanned: a parcel label.
func (s *dropScreen) scanned(k *Kiosk, text string) {
	k.play(SoundScan)
	k.dropLabel(text)
}

// dropLabel takes a scanned parcel label: a booked parcel gets its door, an
// unknown one waits for a size.
func (k *Kiosk) dropLabel(ref string) {
	c, ds := k.courier, k.drop
	if c == nil || ds == nil {
		return
	}
	k.runDrop(func(ctx context.Context) (DropOff, error) { return c.DropBooked(ctx, ref) }, func(err error) bool {
		if !errors.Is(err, core.ErrUnknownParcel) {
			return false
		}
		ds.ref = ref
		k.showDrop(trf("drop.unknown", "Ref", ref))
		return true
	})
}

func (k *Kiosk) dropSize(size string) {
	c, ds := k.courier, k.drop
	if c == nil || ds == nil {
		return
	}
	k.runDrop(func(ctx context.Context) (DropOff, error) { return c.DropNew(ctx, size, ds.ref, ds.preferLow) }, nil)
}

// runDrop starts a drop-off off the UI goroutine and shows its door;
// handled lets the caller turn some errors into its own message.
func (k *Kiosk) runDrop(start func(context.Context) (DropOff, error), handled func(error) bool) {
	ds := k.drop
	k.showOpening()
	k.async(func() {
		d, err := start(context.Background())
		fyne.Do(func() {
			k.drop = ds // back, should a shopper's Escape have gone home meanwhile
			if d != nil && errors.Is(err, core.ErrDoorDidNotOpen) {
				ds.d = d
				k.showDropNotOpen()
				return
			}
			if err != nil {
				if handled == nil || !handled(err) {
					k.showFailure(err, 0)
				}
				return
			}
			ds.d, ds.retried = d, 0
			k.play(SoundOpen)
			k.showDropDoor(ds)
		})
	})
}

func (k *Kiosk) showDropDoor(ds *dropState) {
	k.showDoor(&doorScreen{door: ds.d.Door(), kind: ds.kind, code: ds.d.Code(),
		closed: k.dropDoorClosed, didNotOpen: k.showDropNotOpen})
}

// dropStep runs one step of an open drop-off and shows its door again.
func (k *Kiosk) dropStep(step func(DropOff, context.Context) error) {
	ds := k.drop
	if ds == nil || ds.d == nil {
		return
	}
	door := ds.d.Door().ID
	ds.busy = true
	k.showOpening()
	k.async(func() {
		err := step(ds.d, context.Background())
		fyne.Do(func() {
			k.drop, ds.busy = ds, false
			if errors.Is(err, core.ErrDoorDidNotOpen) {
				k.showDropNotOpen()
				return
			}
			if err != nil {
				k.showFailure(err, door)
				return
			}
			k.play(SoundOpen)
			k.showDropDoor(ds)
		})
	})
}

// dropLarger: the parcel does not fit; the next size up opens.
func (k *Kiosk) dropLarger() { k.dropStep(DropOff.Larger) }

// dropDidNotOpen retries the door once; after that the flow gives another.
func (k *Kiosk) dropDidNotOpen() {
	if k.drop != nil {
		k.drop.retried++
	}
	k.dropStep(DropOff.Retry)
}

// dropNotOpenScreen offers to try the door again; the flow gives another
// door when the same one fails twice.
type dropNotOpenScreen struct{ ds *dropState }

func (k *Kiosk) showDropNotOpen() {
	ds := k.drop
	if ds == nil || ds.d == nil {
		return // a late board notice for a drop-off already left
	}
	k.show(&dropNotOpenScreen{ds: ds})
}

func (s *dropNotOpenScreen) idle() idleRule { return idleAsk }

func (s *dropNotOpenScreen) draw(k *Kiosk) fyne.CanvasObject {
	back := k.button(tr("courier.menu"), theme.MenuIcon(), k.showCourierMenu)
	if s.ds.kind == doorReturn {
		back = k.button(tr("common.home"), theme.HomeIcon(), k.showHome)
	}
	top := container.NewVBox(title(trf("drop.notopen", "Door", s.ds.d.Door().ID)), say(tr("drop.notopen.what")))
	return arrange(top, k.mainButton(tr("drop.retry"), theme.ViewRefreshIcon(), k.dropDidNotOpen), back)
}

// dropDoorClosed: the parcel is in. A courier scans the next one, a
// shopper is thanked.
func (k *Kiosk) dropDoorClosed() {
	ds := k.drop
	if ds == nil || ds.d == nil {
		return
	}
	door := ds.d.Door()
	ds.busy = true
	k.showOpening()
	k.async(func() {
		err := ds.d.Done(context.Background())
		fyne.Do(func() {
			k.drop, ds.busy = ds, false
			if err != nil {
				ds.closed = !errors.Is(err, core.ErrDoorDidNotOpen)
				k.showFailure(err, door.ID)
				return
			}
			if ds.kind == doorReturn {
				k.drop = nil
				k.showThanks(tr("thanks.return"))
				return
			}
			k.drop = &dropState{kind: doorDrop, preferLow: ds.preferLow,
				note: trf("drop.stored", "Door", door.ID)}
			k.showDrop("")
		})
	})
}

// submitReturn starts a shopper's send or return with their code.
func (k *Kiosk) submitReturn(code string) {
	if k.flows.Returns == nil {
		return
	}
	k.endDrop()
	k.drop = &dropState{kind: doorReturn}
	k.runDrop(func(ctx context.Context) (DropOff, error) { return k.flows.Returns.StartReturn(ctx, code) },
		func(err error) bool {
			var lo *core.LockedOutError
			var msg string
			switch {
			case errors.Is(err, core.ErrWrongCode), errors.Is(err, core.ErrCodeFormat),
				errors.Is(err, core.ErrNotReturn), errors.Is(err, core.ErrNotFound):
				msg = tr("return.wrong")
			case errors.Is(err, core.ErrAlreadyStored):
				msg = tr("return.done")
			case errors.As(err, &lo):
				k.pausedUntil = lo.Until
			default:
				return false
			}
			k.play(SoundWrong)
			k.showEntry(entryReturn, msg)
			return true
		})
}
