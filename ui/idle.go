package ui

import (
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// askMoreTime is shown over a screen nobody touched for a while: a person
// reading slowly keeps their place, an abandoned screen goes home.
func (k *Kiosk) askMoreTime() {
	k.idle = nil
	if k.more != nil {
		return
	}
	left := say("")
	yes := k.mainButton(tr("more.yes"), theme.ConfirmIcon(), k.hideMore)
	no := k.button(tr("more.no"), theme.HomeIcon(), k.timeout)
	box := container.NewVBox(title(tr("more.title")), left, row(no, yes))
	k.more = widget.NewModalPopUp(container.NewBorder(nil, card(box), nil, nil), k.win.Canvas())
	k.more.Resize(k.win.Canvas().Size())
	k.more.Show()
	deadline := k.now().Add(k.opts.MoreTimeFor)
	pop := k.more
	var tick func()
	tick = func() {
		if k.more != pop {
			return
		}
		rest := deadline.Sub(k.now())
		if rest <= 0 {
			k.timeout()
			return
		}
		left.SetText(trf("more.left", "Time", clock(rest)))
		k.later(min(time.Second, rest), tick)
	}
	tick()
}

// hideMore takes the question away; whoever answered it is there.
func (k *Kiosk) hideMore() {
	if k.more == nil {
		return
	}
	k.more.Hide()
	k.more = nil
	k.touch()
}
