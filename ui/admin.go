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

// showStaffPIN follows the hidden gesture: staff type their PIN.
func (k *Kiosk) showStaffPIN() {
	back := k.button(tr("common.back"), theme.NavigateBackIcon(), k.showHome)
	k.keypad = newPINKeypad(k.touch, k.staffLogin).withBack(back)
	top := container.NewVBox(title(tr("admin.pin")), newMessage(k.message))
	k.message = ""
	k.show("pin", pinScreen(top, k.keypad), idleAsk)
}

func (k *Kiosk) staffLogin(pin string) {
	k.showOpening()
	k.async(func() {
		s, err := k.flows.Staff.StaffLogin(context.Background(), pin)
		fyne.Do(func() {
			switch {
			case err == nil:
				k.staff = s
				k.log.Info("staff logged in", "staff", s.Name())
				k.showAdminDoors()
				return
			case errors.As(err, new(*core.LockedOutError)):
				var lo *core.LockedOutError
				errors.As(err, &lo)
				k.message = trf("admin.pinpaused", "Time", clock(lo.Until.Sub(k.now())))
			case errors.Is(err, core.ErrStaffLocked):
				k.message = tr("admin.locked")
			case errors.Is(err, core.ErrBadPIN), errors.Is(err, core.ErrPINFormat), errors.Is(err, core.ErrNotFound):
				k.message = tr("admin.badpin")
			default:
				k.log.Error("staff login failed", "err", err)
				k.message = tr("problem.title")
			}
			k.play(SoundWrong)
			k.showStaffPIN()
		})
	})
}

// adminScreen frames a staff screen: the content above, the sections and
// log out along the bottom.
func (k *Kiosk) adminScreen(name, head string, content fyne.CanvasObject, controls ...fyne.CanvasObject) {
	if k.staff == nil {
		k.showHome()
		return
	}
	nav := row(
		k.adminTab(name, "admin.doors", theme.GridIcon(), k.showAdminDoors),
		k.adminTab(name, "admin.rents", theme.ListIcon(), func() { k.showAdminRents(RentQuery{}) }),
		k.adminTab(name, "admin.events", theme.HistoryIcon(), func() { k.showAdminEvents(0) }),
		k.adminTab(name, "admin.hardware", theme.ComputerIcon(), k.showAdminHardware),
		k.adminTab(name, "admin.settings", theme.SettingsIcon(), k.showAdminSettings),
		k.button(tr("admin.logout"), theme.LogoutIcon(), k.staffLogout))
	head2 := title(head)
	head2.SizeName = theme.SizeNameSubHeadingText
	bottom := container.NewVBox(append(controls, nav)...)
	c := container.NewThemeOverride(container.NewPadded(container.NewBorder(head2, bottom, nil, nil, content)), compactTheme(k.style))
	if name == k.screen {
		k.redraw(name, c, idleAdmin) // a live refresh; taps count as presence through k.tapped
		return
	}
	k.show(name, c, idleAdmin)
}

func (k *Kiosk) adminTab(current, name string, icon fyne.Resource, f func()) fyne.CanvasObject {
	b := k.button(tr(name), icon, f)
	if current == name {
		b.Importance = widget.HighImportance // where you are
	}
	return b
}

func (k *Kiosk) staffLogout() {
	if k.staff != nil {
		k.log.Info("staff logged out", "staff", k.staff.Name())
	}
	k.staff = nil
	k.showHome()
}

// showOpenAllPIN asks for the PIN again before every door opens at once
// (an inventory check): a walked-away session must not empty the locker.
func (k *Kiosk) showOpenAllPIN() {
	k.showPINAgain(tr("admin.openall.pin"), tr("admin.openall.what"), tr("admin.openall.done"),
		func(ctx context.Context, s Staff, pin string) error { return s.OpenAll(ctx, pin) })
}

// showPINAgain asks the staff member's PIN again, then runs act off the UI
// goroutine and tells how it went under the door grid.
func (k *Kiosk) showPINAgain(head, what, done string, act func(ctx context.Context, s Staff, pin string) error) {
	s := k.staff
	if s == nil {
		k.showHome()
		return
	}
	k.keypad = newPINKeypad(k.touch, func(pin string) {
		k.showOpening()
		k.async(func() {
			err := act(context.Background(), s, pin)
			fyne.Do(func() {
				if k.admin == nil {
					k.admin = &adminDoors{}
				}
				k.admin.note = done
				if err != nil {
					k.log.Warn("staff action failed", "err", err)
					k.admin.note = tr("admin.badpin")
					if !errors.Is(err, core.ErrBadPIN) {
						k.admin.note = failureText(err)
					}
				}
				k.showAdminDoors()
			})
		})
	})
	k.keypad.withBack(k.button(tr("common.back"), theme.NavigateBackIcon(), k.showAdminDoors))
	top := container.NewVBox(title(head), warn(what))
	k.show("pin.again", pinScreen(top, k.keypad), idleAdmin)
}

// pinScreen puts the PIN keypad in the lower middle of the screen.
func pinScreen(top fyne.CanvasObject, kp *keypad) fyne.CanvasObject {
	pad := container.NewGridWrap(fyne.NewSize(640, kp.content.MinSize().Height), kp.content)
	return container.NewPadded(container.NewBorder(top, container.NewCenter(pad), nil, nil))
}
