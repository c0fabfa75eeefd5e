package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
	"pudo/assets"
)

// homeScreen is the attract screen: the two main actions first and
// largest, the languages as a compact row, big text and help beside them,
// and a hint that scanning works right here. Left alone in another
// language or in big text, it goes back to the locker's own after the
// idle time: the next person starts fresh.
type homeScreen struct{ v *app.HomeView }

func (s *homeScreen) idle() app.Idle { return s.v.Idle() }

func (s *homeScreen) draw(k *Kiosk) fyne.CanvasObject {
	k.nightTimer(s, k.applyNight())
	k.freshAfterIdle(s)
	hint := say(tr("home.hint"))
	top := container.NewVBox(k.logo(), title(tr("home.title")), hint, k.demoBanner())
	collect := k.mainButton(tr("home.collect"), theme.DownloadIcon(), func() { k.send(app.Collect{}) })
	send := k.mainButton(tr("home.send"), theme.UploadIcon(), func() { k.send(app.SendReturn{}) })
	help := k.button(tr("home.help"), theme.QuestionIcon(), func() { k.send(app.ShowHelp{}) })
	return arrange(top, k.mainActions(collect, send), k.languageRow(s), k.smallRow(k.bigTextSwitch(s), help))
}

// mainActions are a screen's one or two main actions: large type, tall,
// side by side when they fit, else one above the other.
func (k *Kiosk) mainActions(bs ...*button) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(bs))
	var h float32
	for _, b := range bs {
		b.setSizes(mainTheme(k.style))
		h = max(h, b.MinSize().Height)
	}
	for i, b := range bs {
		objs[i] = tall(b, h*1.4)
	}
	return k.row(objs...)
}

// freshAfterIdle sets the home screen back to the locker's language and
// text size when nobody touched it for the idle time.
func (k *Kiosk) freshAfterIdle(s screen) {
	if CurrentLanguage() == k.settings.Language && !k.bigText {
		return
	}
	k.later(k.settings.IdleTimeout, func() {
		k.log.Info("idle on home: back to the locker's language and text size")
		k.freshStart()
		k.refresh(s)
	})
}

// freshStart is the locker's own language and text size, for the next
// person.
func (k *Kiosk) freshStart() {
	SetLanguage(k.settings.Language)
	k.bigText = false
}

// key: typing on home starts code entry.
func (s *homeScreen) key(k *Kiosk, kp keyPress) bool { return k.startTyping(kp) }

// logo is the Pudo mark; tapping it quickly several times opens the staff
// PIN screen, a gesture no shopper makes by chance.
func (k *Kiosk) logo() fyne.CanvasObject {
	img := canvas.NewImageFromResource(assets.Icon) // PNG: decoding beats rasterising the SVG on every screen
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(128, 128))
	return container.NewCenter(newTapArea(img, k.logoTapped))
}

func (k *Kiosk) logoTapped() {
	now := k.now()
	keep := k.taps[:0]
	for _, t := range k.taps {
		if now.Sub(t) <= k.opts.AdminWithin {
			keep = append(keep, t)
		}
	}
	k.taps = append(keep, now)
	if len(k.taps) >= k.opts.AdminTaps {
		k.taps = nil
		k.send(app.StaffGesture{})
	}
}

func (k *Kiosk) languageRow(s screen) fyne.CanvasObject {
	var bs []*button
	for _, l := range k.settings.offered() {
		b := k.button(l.Name, nil, func() {
			SetLanguage(l.Code)
			k.log.Info("language", "code", l.Code)
			k.refresh(s)
		})
		if l.Code == CurrentLanguage() {
			b.Importance = widget.HighImportance
		}
		bs = append(bs, b)
	}
	return k.smallRow(bs...)
}

func (k *Kiosk) bigTextSwitch(s screen) *button {
	label, icon := tr("home.bigtext.on"), theme.ZoomInIcon()
	if k.bigText {
		label, icon = tr("home.bigtext.off"), theme.ZoomOutIcon()
	}
	return k.button(label, icon, func() {
		k.bigText = !k.bigText
		k.refresh(s)
	})
}

// applyNight sets the style the switch and the clock ask for, and says
// when night mode changes next.
func (k *Kiosk) applyNight() time.Time {
	night, next := k.settings.nightAt(k.now())
	k.setStyle(Style{Contrast: k.bigText, BigText: k.bigText, Night: night})
	return next
}

// nightTimer draws a waiting screen again when night mode changes.
func (k *Kiosk) nightTimer(s screen, next time.Time) {
	if !next.IsZero() {
		k.later(next.Sub(k.now()), func() { k.refresh(s) })
	}
}

func (k *Kiosk) demoBanner() fyne.CanvasObject {
	k.demoMu.Lock()
	defer k.demoMu.Unlock()
	if k.opts.Demo == nil || len(k.demo) == 0 {
		return layout.NewSpacer()
	}
	var codes []string
	for _, p := range k.demo {
		codes = append(codes, app.FormatCode(p.Code))
	}
	t := say(trf("home.demo", "Codes", strings.Join(codes, "   ")))
	t.TextStyle = fyne.TextStyle{Monospace: true}
	bg := canvas.NewRectangle(themed(theme.ColorNameInputBackground))
	bg.StrokeColor, bg.StrokeWidth, bg.CornerRadius = themed(colorNameLit), 4, 8
	return container.NewStack(bg, t)
}
