package ui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// adminSettingsScreen changes the timeouts, the languages offered, night
// mode and the volume; each change is saved at once. The screens keep
// these settings: they are how the screen looks, not rules of the locker.
type adminSettingsScreen struct {
	v *app.StaffSettingsView
	c interface {
		staffDesk
		play(name string) // the volume chosen, heard
		settingsChanged() // applies and keeps what changed in set
	}
	set     *Settings // the kiosk's, changed in place
	canQuit bool      // the kiosk may be left for the desktop
}

func (a *adminSettingsScreen) idle() app.Idle { return a.v.Idle() }
func (*adminSettingsScreen) staffLook()       {}

func (a *adminSettingsScreen) draw() fyne.CanvasObject {
	c, s := a.c, *a.set
	idle := a.stepper(trf("set.idle", "S", int(s.IdleTimeout.Seconds())), func(by int) {
		a.set.IdleTimeout = min(max(a.set.IdleTimeout+time.Duration(by)*15*time.Second, 15*time.Second), 5*time.Minute)
	})
	vol := a.stepper(trf("set.volume", "V", s.Volume), func(by int) {
		a.set.Volume = min(max(a.set.Volume+by*10, 0), 100)
		c.play(SoundScan)
	})
	var langs []fyne.CanvasObject
	for _, l := range Languages[1:] {
		b := c.button(l.Name, nil, func() { a.toggleLanguage(l.Code) })
		if slices.Contains(s.Languages, l.Code) {
			b.Importance = widget.HighImportance
		}
		langs = append(langs, b)
	}
	var night []fyne.CanvasObject
	for _, m := range []NightMode{NightAuto, NightOn, NightOff} {
		b := c.button(tr("set.night."+string(m)), nil, func() { a.set.Night = m; c.settingsChanged() })
		if s.Night == m {
			b.Importance = widget.HighImportance
		}
		night = append(night, b)
	}
	sched := say(trf("set.night.schedule", "From", dayClock(s.NightFrom), "To", dayClock(s.NightTo)))
	form := container.NewVBox(idle, vol,
		say(tr("set.languages")), c.row(langs...),
		say(tr("set.night")), c.row(night...), sched)
	var acts slots
	acts[0] = c.button(tr("admin.tokens"), theme.AccountIcon(), func() { c.send(app.ShowSection{Section: app.SectionTokens}) })
	if a.canQuit {
		// The last slot, which no other screen's paging uses; the PIN
		// is asked again first.
		acts[3] = c.button(tr("admin.exit"), theme.CancelIcon(), func() { c.send(app.ExitKiosk{}) })
	}
	return c.adminFrame(app.SectionSettings, tr("admin.settings.title"), form, noteOf(a.v.Note), acts)
}

// stepper is a value with big minus and plus buttons.
func (a *adminSettingsScreen) stepper(label string, step func(by int)) fyne.CanvasObject {
	change := func(by int) func() {
		return func() { step(by); a.c.settingsChanged() }
	}
	l := widget.NewLabelWithStyle(label, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	wide := func(b fyne.CanvasObject) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(160, b.MinSize().Height), b)
	}
	return container.NewBorder(nil, nil, wide(a.c.button("", theme.ContentRemoveIcon(), change(-1))),
		wide(a.c.button("", theme.ContentAddIcon(), change(1))), container.NewCenter(l))
}

func (a *adminSettingsScreen) toggleLanguage(code string) {
	ls := a.set.Languages
	if i := slices.Index(ls, code); i >= 0 {
		ls = slices.Delete(slices.Clone(ls), i, i+1)
	} else {
		ls = append(slices.Clone(ls), code)
	}
	a.set.Languages = ls
	a.c.settingsChanged()
}

// settingsChanged applies and saves the settings, off the UI goroutine.
func (k *Kiosk) settingsChanged() {
	s := k.settings
	night, _ := s.nightAt(k.now())
	k.setStyle(Style{Contrast: k.bigText, BigText: k.bigText, Night: night})
	if save := k.opts.SaveSettings; save != nil {
		k.async(func(ctx context.Context) {
			if err := save(ctx, s); err != nil {
				k.log.Error("settings not saved", "err", err)
			}
		})
	}
	k.refresh(k.shown)
}

// exitScreen: staff confirmed leaving for the desktop with their PIN.
type exitScreen struct {
	v *app.ExitView
	c interface {
		later(d time.Duration, f func()) // unless the screen changes first
		quit()
	}
}

func (s *exitScreen) idle() app.Idle { return s.v.Idle() }

func (s *exitScreen) draw() fyne.CanvasObject {
	s.c.later(0, s.c.quit) // once the screen says so
	return arrange(title(tr("admin.exit.done")))
}

func (k *Kiosk) quit() {
	k.log.Info("staff left the kiosk for the desktop")
	if k.opts.Quit != nil {
		k.opts.Quit()
	}
}

func dayClock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}
