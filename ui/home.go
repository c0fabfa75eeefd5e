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
	"pudo/app/voice"
	"pudo/assets"
)

// homeScreen is the attract screen: the two main actions first and
// largest, the languages as a compact row, big text and help beside them,
// and a hint that scanning works right here. Left alone in another
// language or in big text, it goes back to the locker's own after the
// idle time: the next person starts fresh.
type homeScreen struct {
	v *app.HomeView
	c interface {
		waiting
		controls
		send(app.Intent)
		startTyping(kp keyPress) bool
		refresh(s screen) // in the text size chosen
		// chooseLanguage puts s up again in the language chosen, and
		// says it again in audio mode.
		chooseLanguage(s screen, code string)
		freshAfterIdle(s screen)       // the locker's language and text size again, left alone
		demoBanner() fyne.CanvasObject // the demo locker's codes
		mainActions(bs ...*button) fyne.CanvasObject
		smallRow(bs ...*button) fyne.CanvasObject
	}
	languages []Language // those offered, the locker's first
	bigText   *bool      // the shopper's switch, the kiosk's: it lasts until the kiosk goes home idle
}

func (s *homeScreen) idle() app.Idle { return s.v.Idle() }

func (s *homeScreen) draw() fyne.CanvasObject {
	c := s.c
	c.nightTimer(s, c.applyNight())
	c.freshAfterIdle(s)
	hint := say(tr("home.hint"))
	top := container.NewVBox(c.logo(), title(tr("home.title")), hint, c.demoBanner())
	collect := c.mainButton(tr("home.collect"), theme.DownloadIcon(), func() { c.send(app.Collect{}) })
	send := c.mainButton(tr("home.send"), theme.UploadIcon(), func() { c.send(app.SendReturn{}) })
	help := c.button(tr("home.help"), theme.QuestionIcon(), func() { c.send(app.ShowHelp{}) })
	return arrange(top, c.mainActions(collect, send), s.languageRow(), c.smallRow(s.bigTextSwitch(), help))
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
	if k.portrait() {
		// An upright panel has the height: each action a full-width band
		// one above the other, where a hand at any height finds one.
		for i, b := range bs {
			objs[i] = tall(b, h*2)
		}
		return container.NewVBox(objs...)
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
	var wait func(time.Duration)
	wait = func(d time.Duration) {
		k.later(d, func() {
			// A finger exploring by touch redraws nothing, yet someone is
			// there, listening in the language they chose.
			if left := k.settings.IdleTimeout - k.now().Sub(k.touched); left > 0 {
				wait(left)
				return
			}
			k.log.Info("idle on home: back to the locker's language and text size")
			k.freshStart()
			k.refresh(s)
		})
	}
	wait(k.settings.IdleTimeout)
}

// freshStart is the locker's own language and text size, for the next
// person.
func (k *Kiosk) freshStart() {
	SetLanguage(k.settings.Language)
	k.bigText = false
}

// key: typing on home starts code entry.
func (s *homeScreen) key(kp keyPress) bool { return s.c.startTyping(kp) }

// logo is the Pudo mark; tapping it quickly several times opens the staff
// PIN screen, a gesture no shopper makes by chance.
func (k *Kiosk) logo() fyne.CanvasObject {
	img := canvas.NewImageFromResource(assets.Icon) // PNG: decoding beats rasterising the SVG on every screen
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(k.logoSide()))
	return container.NewCenter(newTapArea(dimmed(img), k.logoTapped))
}

// logoSide is the logo's side: larger on an upright panel, which has the
// height to spare.
func (k *Kiosk) logoSide() float32 {
	if k.portrait() {
		return 192
	}
	return 128
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

func (s *homeScreen) languageRow() fyne.CanvasObject {
	var bs []*button
	for _, l := range s.languages {
		b := s.c.button(l.Name, nil, func() { s.c.chooseLanguage(s, l.Code) })
		if l.Code == CurrentLanguage() {
			b.Importance = widget.HighImportance
		}
		bs = append(bs, b)
	}
	return s.c.smallRow(bs...)
}

// chooseLanguage is a language chosen by touch on s.
func (k *Kiosk) chooseLanguage(s screen, code string) {
	SetLanguage(code)
	k.log.Info("language", "code", code)
	k.refresh(s)
	if k.voice.on { // chosen by touch: the screen again, in it
		k.voice.language = true
		k.press(voice.KeyRepeat)
	}
}

func (s *homeScreen) bigTextSwitch() *button {
	label, icon := tr("home.bigtext.on"), theme.ZoomInIcon()
	if *s.bigText {
		label, icon = tr("home.bigtext.off"), theme.ZoomOutIcon()
	}
	return s.c.button(label, icon, func() {
		*s.bigText = !*s.bigText
		s.c.refresh(s)
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
	var codes, returns []string
	for _, p := range k.demo {
		if p.Return {
			returns = append(returns, app.FormatReturnCode(p.Code))
		} else {
			codes = append(codes, app.FormatCode(p.Code))
		}
	}
	text := trf("home.demo", "Codes", strings.Join(codes, "   "))
	if len(returns) > 0 {
		text += "\n" + trf("home.demo.return", "Code", strings.Join(returns, "   "))
	}
	t := say(text)
	t.TextStyle = fyne.TextStyle{Monospace: true}
	bg := canvas.NewRectangle(themed(theme.ColorNameInputBackground))
	bg.StrokeColor, bg.StrokeWidth, bg.CornerRadius = themed(colorNameLit), 4, 8
	return container.NewStack(bg, t)
}
