package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// pager shows a long list a page at a time with big Previous and Next
// buttons: a finger dragging does not scroll a Fyne list on a touchscreen.
// A list that fits on one page has no pager bar: "Page 1 of 1" tells
// nobody anything.
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
	p.content = p.body
	if len(items) > p.perPage {
		p.content = container.NewBorder(nil, k.pagerBar(p), nil, nil, p.body)
	}
	p.turn(0)
	return p
}

// newFillingPager is a pager for a list that has the rest of a screen:
// a page holds as many rows as the height it is given fits (perPage is
// only the first guess), and the bar shows only when they do not all fit.
func (k *Kiosk) newFillingPager(items []fyne.CanvasObject, perPage int) *pager {
	p := k.newPager(items, perPage)
	p.content = container.New(&pageLayout{p: p}, p.body, k.pagerBar(p))
	p.show(0) // the bar was measured with the widest page number in its place
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
	p.show(by)
	p.body.Refresh()
}

// show puts page (the current one moved by) in the body, without
// laying it out.
func (p *pager) show(by int) {
	p.page = min(max(p.page+by, 0), p.pages()-1)
	lo := p.page * p.perPage
	hi := min(lo+p.perPage, len(p.items))
	p.body.Objects = append([]fyne.CanvasObject(nil), p.items[lo:hi]...)
	p.where.SetText(trf("page.of", "Page", p.page+1, "Pages", p.pages()))
	setEnabled(p.prev, p.page > 0)
	setEnabled(p.next, p.page < p.pages()-1)
}

// pageLayout lays out a filling pager's body and bar: as many rows as
// fit the height, the bar under them only when some do not fit.
type pageLayout struct{ p *pager }

func (l *pageLayout) rowHeight() float32 {
	var h float32
	for _, it := range l.p.items {
		h = max(h, it.MinSize().Height)
	}
	return h
}

func (l *pageLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	body, bar := objs[0].MinSize(), objs[1].MinSize()
	s := fyne.NewSize(max(body.Width, bar.Width), l.rowHeight())
	if len(l.p.items) > 1 {
		s.Height += bar.Height + theme.Padding()
	}
	return s
}

func (l *pageLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	p, body, bar := l.p, objs[0], objs[1]
	pad, rowH, barH := theme.Padding(), l.rowHeight(), bar.MinSize().Height
	fit := func(h float32) int { return max(1, int((h+pad)/(rowH+pad))) }
	n, bodyH := fit(size.Height), size.Height
	bar.Hide()
	if len(p.items) > n {
		bodyH = size.Height - barH - pad
		n = fit(bodyH)
		bar.Show()
		bar.Resize(fyne.NewSize(size.Width, barH))
		bar.Move(fyne.NewPos(0, size.Height-barH))
	}
	if n != p.perPage {
		first := p.page * p.perPage // the first row shown stays on show
		p.perPage, p.page = n, first/n
		p.show(0)
	}
	body.Move(fyne.Position{})
	body.Resize(fyne.NewSize(size.Width, bodyH))
	p.body.Refresh()
}

func setEnabled(b *button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}
