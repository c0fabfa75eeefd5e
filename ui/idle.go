package ui

import (
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app/voice"
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
	box := container.NewVBox(title(tr("more.title")), left, k.row(no, yes))
	k.more = widget.NewModalPopUp(container.NewBorder(nil, card(box), nil, nil), k.win.Canvas())
	k.more.Resize(k.win.Canvas().Size())
	k.more.Show()
	deadline := k.now().Add(voice.Timeout(k.opts.MoreTimeFor, k.voice.on))
	k.moreAt = deadline
	if k.voice.on {
		k.speak(voice.SpokenMoreTime(k.opts.Voice, deadline.Sub(k.now()))...)
	}
	stop := func() {}
	var tick func()
	tick = func() {
		rest := deadline.Sub(k.now())
		if rest <= 0 {
			k.timeout()
			return
		}
		left.SetText(trf("more.left", "Time", clock(rest)))
		stop = k.after(min(time.Second, rest), tick)
	}
	k.moreEnd = func() { stop() }
	tick()
}

// hideMore takes the question away; whoever answered it is there.
func (k *Kiosk) hideMore() {
	k.dropMore()
	k.touch()
}

// dropMore takes the question and its countdown away.
func (k *Kiosk) dropMore() {
	if k.more == nil {
		return
	}
	k.moreEnd()
	k.more.Hide()
	k.more, k.moreEnd = nil, nil
}
