package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// pager shows a long list a page at a time with big Previous and Next
// buttons: a finger dragging does not scroll a Fyne list on a touchscreen.
type pager struct {
	items   []fyne.CanvasObject
	perPage int
	page    int
	body    *fyne.Container
	where   *widget.Label
	prev    *button
	next    *button
	content fyne.CanvasObject
}

func (k *Kiosk) newPager(items []fyne.CanvasObject, perPage int) *pager {
	p := &pager{items: items, perPage: max(perPage, 1), body: container.NewVBox()}
	p.where = widget.NewLabel("")
	p.where.Alignment = fyne.TextAlignCenter
	p.prev = k.button(tr("page.prev"), theme.NavigateBackIcon(), func() { p.turn(-1) })
	p.next = k.button(tr("page.next"), theme.NavigateNextIcon(), func() { p.turn(1) })
	p.content = container.NewBorder(nil, k.pagerBar(p), nil, nil, p.body)
	p.turn(0)
	return p
}

// pagerBar is Previous, where, Next in one row of equal thirds; where the
// thirds do not fit (portrait with big text), where stands above the two
// buttons, which keep their full labels.
func (k *Kiosk) pagerBar(p *pager) fyne.CanvasObject {
	p.where.SetText(trf("page.of", "Page", p.pages(), "Pages", p.pages()))
	widest := max(p.prev.MinSize().Width, p.next.MinSize().Width, p.where.MinSize().Width)
	if 3*widest+2*theme.Padding() <= k.room() {
		return container.NewGridWithColumns(3, p.prev, p.where, p.next)
	}
	return container.NewVBox(p.where, container.NewGridWithColumns(2, p.prev, p.next))
}

func (p *pager) pages() int { return max(1, (len(p.items)+p.perPage-1)/p.perPage) }

func (p *pager) turn(by int) {
	p.page = min(max(p.page+by, 0), p.pages()-1)
	lo := p.page * p.perPage
	hi := min(lo+p.perPage, len(p.items))
	p.body.Objects = append([]fyne.CanvasObject(nil), p.items[lo:hi]...)
	p.body.Refresh()
	p.where.SetText(trf("page.of", "Page", p.page+1, "Pages", p.pages()))
	setEnabled(p.prev, p.page > 0)
	setEnabled(p.next, p.page < p.pages()-1)
}

func setEnabled(b *button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}
