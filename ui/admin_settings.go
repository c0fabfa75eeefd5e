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
type adminSettingsScreen struct{ v *app.StaffSettingsView }

func (a *adminSettingsScreen) idle() app.Idle { return a.v.Idle() }
func (*adminSettingsScreen) staffLook()       {}

func (a *adminSettingsScreen) draw(k *Kiosk) fyne.CanvasObject {
	s := k.settings
	idle := k.stepper(trf("set.idle", "S", int(s.IdleTimeout.Seconds())), func(by int) {
		k.settings.IdleTimeout = min(max(k.settings.IdleTimeout+time.Duration(by)*15*time.Second, 15*time.Second), 5*time.Minute)
	})
	vol := k.stepper(trf("set.volume", "V", s.Volume), func(by int) {
		k.settings.Volume = min(max(k.settings.Volume+by*10, 0), 100)
		k.play(SoundScan)
	})
	var langs []fyne.CanvasObject
	for _, l := range Languages[1:] {
		b := k.button(l.Name, nil, func() { k.toggleLanguage(l.Code) })
		if slices.Contains(s.Languages, l.Code) {
			b.Importance = widget.HighImportance
		}
		langs = append(langs, b)
	}
	var night []fyne.CanvasObject
	for _, m := range []NightMode{NightAuto, NightOn, NightOff} {
		b := k.button(tr("set.night."+string(m)), nil, func() { k.settings.Night = m; k.settingsChanged() })
		if s.Night == m {
			b.Importance = widget.HighImportance
		}
		night = append(night, b)
	}
	sched := say(trf("set.night.schedule", "From", dayClock(s.NightFrom), "To", dayClock(s.NightTo)))
	form := container.NewVBox(idle, vol,
		say(tr("set.languages")), k.row(langs...),
		say(tr("set.night")), k.row(night...), sched)
	var acts slots
	acts[0] = k.button(tr("admin.tokens"), theme.AccountIcon(), func() { k.send(app.ShowSection{Section: app.SectionTokens}) })
	if k.opts.Quit != nil {
		// The last slot, which no other screen's paging uses; the PIN
		// is asked again first.
		acts[3] = k.button(tr("admin.exit"), theme.CancelIcon(), func() { k.send(app.ExitKiosk{}) })
	}
	return k.adminFrame(app.SectionSettings, tr("admin.settings.title"), form, noteOf(a.v.Note), acts)
}

// stepper is a value with big minus and plus buttons.
func (k *Kiosk) stepper(label string, step func(by int)) fyne.CanvasObject {
	change := func(by int) func() {
		return func() { step(by); k.settingsChanged() }
	}
	l := widget.NewLabelWithStyle(label, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	wide := func(b fyne.CanvasObject) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(160, b.MinSize().Height), b)
	}
	return container.NewBorder(nil, nil, wide(k.button("", theme.ContentRemoveIcon(), change(-1))),
		wide(k.button("", theme.ContentAddIcon(), change(1))), container.NewCenter(l))
}

func (k *Kiosk) toggleLanguage(code string) {
	ls := k.settings.Languages
	if i := slices.Index(ls, code); i >= 0 {
		ls = slices.Delete(slices.Clone(ls), i, i+1)
	} else {
		ls = append(slices.Clone(ls), code)
	}
	k.settings.Languages = ls
	k.settingsChanged()
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
type exitScreen struct{ v *app.ExitView }

func (s *exitScreen) idle() app.Idle { return s.v.Idle() }

func (s *exitScreen) draw(k *Kiosk) fyne.CanvasObject {
	k.later(0, k.quit) // once the screen says so
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
