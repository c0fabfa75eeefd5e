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

// pinScreen follows the hidden gesture: staff type their PIN.
type pinScreen struct {
	message string
	keypad  *keypad
}

func (k *Kiosk) showStaffPIN(message string) { k.show(&pinScreen{message: message}) }

func (s *pinScreen) idle() idleRule { return idleAsk }

func (s *pinScreen) draw(k *Kiosk) fyne.CanvasObject {
	back := k.button(tr("common.back"), theme.NavigateBackIcon(), k.showHome)
	s.keypad = newPINKeypad(k, k.staffLogin).withBack(back)
	top := container.NewVBox(title(tr("admin.pin")), newMessage(s.message))
	return pinLayout(top, s.keypad)
}

func (s *pinScreen) pad() *keypad                   { return s.keypad }
func (s *pinScreen) key(_ *Kiosk, kp keyPress) bool { return s.keypad.key(kp) }
func (s *pinScreen) enter(*Kiosk)                   { s.keypad.submit() }
func (s *pinScreen) typingOnly()                    {}

func (k *Kiosk) staffLogin(pin string) {
	k.showOpening()
	k.async(func() {
		s, err := k.flows.Staff.StaffLogin(context.Background(), pin)
		fyne.Do(func() {
			var msg string
			switch {
			case err == nil:
				k.staff = s
				k.log.Info("staff logged in", "staff", s.Name())
				k.showAdminDoors(&adminDoorsScreen{})
				return
			case errors.As(err, new(*core.LockedOutError)):
				var lo *core.LockedOutError
				errors.As(err, &lo)
				msg = trf("admin.pinpaused", "Time", clock(lo.Until.Sub(k.now())))
			case errors.Is(err, core.ErrStaffLocked):
				msg = tr("admin.locked")
			case errors.Is(err, core.ErrBadPIN), errors.Is(err, core.ErrPINFormat), errors.Is(err, core.ErrNotFound):
				msg = tr("admin.badpin")
			default:
				k.log.Error("staff login failed", "err", err)
				msg = tr("problem.title")
			}
			k.play(SoundWrong)
			k.showStaffPIN(msg)
		})
	})
}

// adminTab is a section of the staff screens.
type adminTab int

const (
	tabDoors adminTab = iota
	tabRents
	tabEvents
	tabHardware
	tabSettings
)

// showAdmin shows a staff screen, or home once the staff member is gone.
func (k *Kiosk) showAdmin(s screen) {
	if k.staff == nil {
		k.showHome()
		return
	}
	k.show(s)
}

// adminFrame frames a staff screen: the content above, the sections and
// log out along the bottom; the section on show is marked.
func (k *Kiosk) adminFrame(at adminTab, head string, content fyne.CanvasObject, controls ...fyne.CanvasObject) fyne.CanvasObject {
	tab := func(t adminTab, key string, icon fyne.Resource, f func()) fyne.CanvasObject {
		b := k.button(tr(key), icon, f)
		if t == at {
			b.Importance = widget.HighImportance // where you are
		}
		return b
	}
	nav := row(
		tab(tabDoors, "admin.doors", theme.GridIcon(), func() { k.showAdminDoors(&adminDoorsScreen{}) }),
		tab(tabRents, "admin.rents", theme.ListIcon(), func() { k.showAdminRents(RentQuery{}) }),
		tab(tabEvents, "admin.events", theme.HistoryIcon(), func() { k.showAdminEvents(0) }),
		tab(tabHardware, "admin.hardware", theme.ComputerIcon(), func() { k.showAdmin(&adminHardwareScreen{}) }),
		tab(tabSettings, "admin.settings", theme.SettingsIcon(), func() { k.showAdmin(&adminSettingsScreen{}) }),
		k.button(tr("admin.logout"), theme.LogoutIcon(), k.staffLogout))
	head2 := title(head)
	head2.SizeName = theme.SizeNameSubHeadingText
	bottom := container.NewVBox(append(controls, nav)...)
	return container.NewThemeOverride(container.NewPadded(container.NewBorder(head2, bottom, nil, nil, content)), compactTheme(k.style))
}

func (k *Kiosk) staffLogout() {
	if k.staff != nil {
		k.log.Info("staff logged out", "staff", k.staff.Name())
	}
	k.staff = nil
	k.showHome()
}

// pinAgainScreen asks the staff member's PIN again before a door opens
// by force or every door opens at once (an inventory check): a
// walked-away session must not empty the locker (product.md).
type pinAgainScreen struct {
	head, what, done string
	act              func(ctx context.Context, s Staff, pin string) error
	back             *adminDoorsScreen // where it came from, and goes back to
	keypad           *keypad
}

func (s *pinAgainScreen) idle() idleRule { return idleAdmin }

func (s *pinAgainScreen) draw(k *Kiosk) fyne.CanvasObject {
	s.keypad = newPINKeypad(k, func(pin string) { s.run(k, pin) })
	s.keypad.withBack(k.button(tr("common.back"), theme.NavigateBackIcon(), func() { k.showAdminDoors(s.back) }))
	top := container.NewVBox(title(s.head), warn(s.what))
	return pinLayout(top, s.keypad)
}

func (s *pinAgainScreen) pad() *keypad                   { return s.keypad }
func (s *pinAgainScreen) key(_ *Kiosk, kp keyPress) bool { return s.keypad.key(kp) }
func (s *pinAgainScreen) enter(*Kiosk)                   { s.keypad.submit() }
func (s *pinAgainScreen) typingOnly()                    {}

// run does the action off the UI goroutine and tells how it went under
// the door grid.
func (s *pinAgainScreen) run(k *Kiosk, pin string) {
	st := k.staff
	if st == nil {
		k.showHome()
		return
	}
	k.showOpening()
	k.async(func() {
		err := s.act(context.Background(), st, pin)
		fyne.Do(func() {
			s.back.note = s.done
			if err != nil {
				k.log.Warn("staff action failed", "err", err)
				s.back.note = tr("admin.badpin")
				if !errors.Is(err, core.ErrBadPIN) {
					s.back.note = failureText(err)
				}
			}
			k.showAdminDoors(s.back)
		})
	})
}

// pinLayout puts the PIN keypad in the lower middle of the screen.
func pinLayout(top fyne.CanvasObject, kp *keypad) fyne.CanvasObject {
	pad := container.NewGridWrap(fyne.NewSize(640, kp.content.MinSize().Height), kp.content)
	return container.NewPadded(container.NewBorder(top, container.NewCenter(pad), nil, nil))
}
