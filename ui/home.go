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

// showHome is the attract screen: collect, send or return, the language,
// the big-text switch, and a hint that scanning works right here.
func (k *Kiosk) showHome() {
	k.endDrop() // going home leaves any drop-off
	k.pickup, k.message, k.watch = nil, "", doorWatch{}
	next := k.applyNight()
	defer k.nightTimer(next) // after show, which stops the timers of the screen before
	if k.boardOffline() {
		k.showOutOfOrder()
		return
	}
	hint := say(tr("home.hint"))
	top := container.NewVBox(k.logo(), title(tr("home.title")), hint, k.demoBanner())
	collect := k.mainButton(tr("home.collect"), theme.DownloadIcon(), k.startCollect)
	controls := []fyne.CanvasObject{k.languageRow(), k.bigTextSwitch()}
	if k.flows.Returns != nil {
		send := k.mainButton(tr("home.send"), theme.UploadIcon(), k.startReturn)
		controls = append(controls, row(collect, send))
	} else {
		controls = append(controls, collect)
	}
	k.show("home", screen(top, controls...), idleNever)
	k.topUpDemo()
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
		k.showStaffPIN()
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

// nightTimer redraws the waiting home screen when night mode changes.
func (k *Kiosk) nightTimer(next time.Time) {
	if next.IsZero() || (k.screen != "home" && k.screen != "offline") {
		return
	}
	k.later(next.Sub(k.now()), func() {
		if k.screen == "home" || k.screen == "offline" {
			k.showHome()
		}
	})
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
