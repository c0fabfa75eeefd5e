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

	"pudo/app/core"
	"pudo/assets"
	"pudo/lockio"
)

// homeScreen is the attract screen: collect, send or return, the
// language, the big-text switch, and a hint that scanning works right here.
type homeScreen struct{}

// showHome leaves whatever a person was doing and shows home, or Out of
// order while the lock board is gone.
func (k *Kiosk) showHome() {
	k.endDrop() // going home leaves any drop-off
	k.pickup = nil
	if k.boardOffline() {
		k.show(&outOfOrderScreen{})
		return
	}
	s := &homeScreen{}
	k.show(s)
	k.topUpDemo(s)
}

func (s *homeScreen) idle() idleRule { return idleNever }

func (s *homeScreen) draw(k *Kiosk) fyne.CanvasObject {
	k.nightTimer(s, k.applyNight())
	hint := say(tr("home.hint"))
	top := container.NewVBox(k.logo(), title(tr("home.title")), hint, k.demoBanner())
	collect := k.mainButton(tr("home.collect"), theme.DownloadIcon(), func() { k.showEntry(entryPickup, "") })
	controls := []fyne.CanvasObject{k.languageRow(), k.bigTextSwitch()}
	if k.flows.Returns != nil {
		send := k.mainButton(tr("home.send"), theme.UploadIcon(), func() { k.showEntry(entryReturn, "") })
		controls = append(controls, row(collect, send))
	} else {
		controls = append(controls, collect)
	}
	return arrange(top, controls...)
}

// key: typing on home starts code entry.
func (s *homeScreen) key(k *Kiosk, kp keyPress) bool { return k.startTyping(kp) }

func (s *homeScreen) scanned(k *Kiosk, text string) { k.entryScan(text) }

// notice: a door left open while nobody is at the screen asks to be closed.
func (s *homeScreen) notice(k *Kiosk, n doorNotice) {
	if n.Kind == lockio.EventLeftOpen {
		k.showLeftOpen(n.Door, k.showHome)
	}
}

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
	if len(k.taps) >= k.opts.AdminTaps && k.flows.Staff != nil {
		k.taps = nil
		k.showStaffPIN("")
	}
}

func (k *Kiosk) languageRow() fyne.CanvasObject {
	var bs []fyne.CanvasObject
	for _, l := range k.settings.offered() {
		b := k.button(l.Name, nil, func() {
			SetLanguage(l.Code)
			k.log.Info("language", "code", l.Code)
			k.showHome()
		})
		if l.Code == CurrentLanguage() {
			b.Importance = widget.HighImportance
		}
		bs = append(bs, b)
	}
	return row(bs...)
}

func (k *Kiosk) bigTextSwitch() fyne.CanvasObject {
	label, icon := tr("home.bigtext.on"), theme.ZoomInIcon()
	if k.bigText {
		label, icon = tr("home.bigtext.off"), theme.ZoomOutIcon()
	}
	return k.button(label, icon, func() {
		k.bigText = !k.bigText
		k.showHome()
	})
}

// applyNight sets the style the switch and the clock ask for, and says
// when night mode changes next.
func (k *Kiosk) applyNight() time.Time {
	night, next := k.settings.nightAt(k.now())
	k.setStyle(Style{Contrast: k.bigText, Night: night})
	return next
}

// nightTimer draws a waiting screen again when night mode changes.
func (k *Kiosk) nightTimer(s screen, next time.Time) {
	if !next.IsZero() {
		k.later(next.Sub(k.now()), func() { k.refresh(s) })
	}
}

// boardOffline is true when the lock board is known to be gone, not merely
// starting up.
func (k *Kiosk) boardOffline() bool {
	if k.opts.Board == nil {
		return false
	}
	h := k.opts.Board.Health()
	switch h.State {
	case lockio.BusDown, lockio.BusPermission, lockio.BusClosed:
		return true
	case lockio.BusUp:
		for _, b := range h.Boards {
			if b.Answering || b.Failures == 0 {
				return false
			}
		}
		return len(h.Boards) > 0
	}
	return false
}

func (k *Kiosk) demoBanner() fyne.CanvasObject {
	k.demoMu.Lock()
	defer k.demoMu.Unlock()
	if k.opts.Demo == nil || len(k.demo) == 0 {
		return layout.NewSpacer()
	}
	var codes []string
	for _, p := range k.demo {
		codes = append(codes, core.FormatCode(p.Code))
	}
	t := say(trf("home.demo", "Codes", strings.Join(codes, "   ")))
	t.TextStyle = fyne.TextStyle{Monospace: true}
	bg := canvas.NewRectangle(themed(theme.ColorNameInputBackground))
	bg.StrokeColor, bg.StrokeWidth, bg.CornerRadius = themed(colorNameLit), 4, 8
	return container.NewStack(bg, t)
}
