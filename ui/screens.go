package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
	"pudo/assets"
)

// bottom puts the controls in the lower part of the screen, where a
// wheelchair user reaches them; top holds what is only read.
func bottom(top fyne.CanvasObject, controls ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, container.NewPadded(container.NewVBox(controls...)), nil, nil, top)
}

func bigButton(label string, icon fyne.Resource, tapped func()) *widget.Button {
	b := widget.NewButtonWithIcon(label, icon, tapped)
	b.Importance = widget.HighImportance
	return b
}

func (k *Kiosk) showHome() {
	k.pickup, k.openDoor, k.message = nil, 0, ""
	logo := canvas.NewImageFromResource(assets.Logo)
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(160, 160))
	title := bigText(tr("home.title", "Parcel locker"), 56, fg())
	hint := widget.NewLabel(tr("home.hint", "Hold your QR code to the scanner, or type your pickup code."))
	hint.Alignment = fyne.TextAlignCenter
	hint.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(layout.NewSpacer(), container.NewCenter(logo), title, hint, k.demoBanner(), layout.NewSpacer())
	collect := bigButton(tr("home.collect", "Collect a parcel"), theme.DownloadIcon(), k.showCode)
	k.show("home", bottom(top, collect))
	k.topUpDemo()
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
	t := widget.NewLabel(trf("home.demo", "Demo locker: try the codes {{.Codes}}", map[string]any{"Codes": strings.Join(codes, "   ")}))
	t.Alignment = fyne.TextAlignCenter
	t.TextStyle = fyne.TextStyle{Monospace: true}
	t.Wrapping = fyne.TextWrapWord
	bg := canvas.NewRectangle(colorLit)
	bg.CornerRadius = 8
	return container.NewStack(bg, t)
}

func (k *Kiosk) showCode() {
	k.keypad = newKeypad(k.submitCode)
	title := bigText(tr("code.title", "Type your pickup code"), 40, fg())
	msg := widget.NewLabel(k.message)
	msg.Alignment = fyne.TextAlignCenter
	msg.Importance = widget.DangerImportance
	msg.Wrapping = fyne.TextWrapWord
	back := widget.NewButtonWithIcon(tr("common.back", "Back"), theme.NavigateBackIcon(), k.showHome)
	top := container.NewVBox(title, msg)
	k.show("code", container.NewBorder(top, container.NewPadded(back), nil, nil, k.keypad.content))
}

func (k *Kiosk) showOpening() {
	k.show("opening", container.NewCenter(bigText(tr("door.opening", "Opening your door..."), 48, fg())))
}

func (k *Kiosk) showDoor(d app.Door, more int) {
	k.openDoor = d.ID
	head := bigText(trf("door.number", "Door {{.Door}}", map[string]any{"Door": d.ID}), 120, colorAccent)
	say := widget.NewLabel(tr("door.take", "is open. Take your parcel and close the door."))
	say.Alignment = fyne.TextAlignCenter
	say.Wrapping = fyne.TextWrapWord
	parts := []fyne.CanvasObject{head, say}
	if more > 0 {
		next := widget.NewLabel(trf("door.more", "{{.N}} more parcel(s) for this code: the next door opens when you close this one.", map[string]any{"N": more}))
		next.Alignment = fyne.TextAlignCenter
		next.Wrapping = fyne.TextWrapWord
		parts = append(parts, next)
	}
	k.show("door", container.NewBorder(container.NewVBox(parts...), nil, nil, nil,
		container.NewPadded(doorMap(k.doors, d.ID))))
}

func (k *Kiosk) showThanks() {
	k.openDoor = 0
	k.show("thanks", container.NewCenter(container.NewVBox(
		bigText(tr("thanks.title", "Thank you!"), 72, colorGood),
		bigText(tr("thanks.sub", "Enjoy your parcel."), 36, fg()))))
	k.after(k.opts.ThanksFor, func() {
		if k.screen == "thanks" {
			k.showHome()
		}
	})
}

// showProblem says what went wrong and what to do, with a reference that
// support can look up in the log.
func (k *Kiosk) showProblem(title, what string, door int64) {
	ref := fmt.Sprintf("%s / %d / %s", k.opts.KioskID, door, nowFunc().UTC().Format("2006-01-02 15:04"))
	t := bigText(title, 48, colorBad)
	w := widget.NewLabel(what)
	w.Alignment = fyne.TextAlignCenter
	w.Wrapping = fyne.TextWrapWord
	r := widget.NewLabel(trf("problem.ref", "Support reference: {{.Ref}}", map[string]any{"Ref": ref}))
	r.Alignment = fyne.TextAlignCenter
	home := bigButton(tr("common.home", "Back to start"), theme.HomeIcon(), k.showHome)
	k.show("problem", bottom(container.NewVBox(layout.NewSpacer(), t, w, r, layout.NewSpacer()), home))
}
