package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
	"pudo/app/voice"
)

// helpScreen says how to collect, send and return, and shows where the
// scanner is on a picture of the locker's front (config
// [locker.wayfinding]).
type helpScreen struct {
	v *app.HelpView
	c interface {
		controls
		send(app.Intent)
		portrait() bool
		room() float32 // the width a screen's content has
	}
	locker  lockerFront
	audio   bool // audio mode can start: the help says how
	bigText bool // the shopper's switch: the picture goes beside the text
}

func (s *helpScreen) idle() app.Idle { return s.v.Idle() }

func (s *helpScreen) draw() fyne.CanvasObject {
	c := s.c
	// Each section's heading in bold at the start of its paragraph: on
	// lines of their own, big text would not fit the panel.
	var segs []widget.RichTextSegment
	section := func(head, body string) {
		segs = append(segs, &widget.TextSegment{Text: head + " ", Style: widget.RichTextStyleStrong},
			&widget.TextSegment{Text: body, Style: widget.RichTextStyleParagraph})
	}
	section(tr("help.collect.title"), tr("help.collect"))
	section(tr("help.send.title"), tr("help.send"))
	section(tr("help.scanner.title"), phraseText(s.locker.cab.ScannerWay())+" "+tr("help.scanner.map"))
	if s.audio {
		section(tr("help.audio.title"), tr("help.audio"))
	}
	text := widget.NewRichText(segs...)
	text.Wrapping = fyne.TextWrapWord
	picture := s.locker.picture(0, nil, true)
	home := c.mainButton(tr("common.home"), theme.HomeIcon(), func() { c.send(app.Back{}) })
	t := title(tr("help.title"))
	t.SizeName = theme.SizeNameSubHeadingText
	if c.portrait() {
		body := container.NewBorder(text, nil, nil, nil, picture)
		return container.NewPadded(container.NewBorder(t, home, nil, nil, body))
	}
	// Landscape: the way home beside the title, where it leaves big text
	// the height it needs; the picture takes the room under the text, or
	// with big text, which needs that height too, at the right.
	head := container.NewBorder(nil, nil, nil, home, t)
	if s.bigText {
		side := container.New(minWidth(c.room()*0.22), picture)
		return container.NewPadded(container.NewBorder(head, nil, nil, side, text))
	}
	return container.NewPadded(container.NewBorder(head, nil, nil, nil, container.NewBorder(text, nil, nil, nil, picture)))
}

// phraseText is a phrase written out in the current language, its nested
// phrases too ("The scanner is below the screen, at waist height.").
func phraseText(p voice.Phrase) string {
	args := slices.Clone(p.Args)
	for i := 1; i < len(args); i += 2 {
		if sub, ok := args[i].(voice.Phrase); ok {
			args[i] = phraseText(sub)
		}
	}
	return trf(p.Key, args...)
}

// part is one thing on the cabinet's front: its slot left to right (a
// column's place), its bottom and height in cm.
type part struct {
	slot           int
	bottom, height int
	narrow         bool         // the screen and the scanner are narrower than a column
	mark           bool         // the scanner: its label goes under it
	number         *canvas.Text // a door's number, drawn no larger than the door
}

// cabinetLayout places the parts to scale, the floor along the bottom.
type cabinetLayout struct {
	parts   []part
	label   int                // the object index of the scanner's label; -1: none
	floor   int                // of the floor line
	numbers fyne.ThemeSizeName // the size of the doors' numbers where they have the room
}

const slotCM = 50 // a column's width, and the picture's unit across

func (l *cabinetLayout) span() (lo, hi, top int) {
	lo, hi = l.parts[0].slot, l.parts[0].slot
	for _, p := range l.parts {
		lo, hi, top = min(lo, p.slot), max(hi, p.slot), max(top, p.bottom+p.height)
	}
	return lo, hi, top + 10
}

func (l *cabinetLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(l.parts) == 0 {
		return
	}
	lo, hi, top := l.span()
	cols := float32(hi - lo + 1)
	scale := min(size.Width/(cols*slotCM), size.Height/float32(top))
	x0 := (size.Width - cols*slotCM*scale) / 2
	y0 := size.Height - float32(top)*scale
	for i, p := range l.parts {
		w, inset := float32(slotCM-4), float32(2)
		if p.narrow {
			w, inset = 30, 10
		}
		x := x0 + (float32(p.slot-lo)*slotCM+inset)*scale
		y := y0 + float32(top-p.bottom-p.height)*scale
		objs[i].Move(fyne.NewPos(x, y))
		objs[i].Resize(fyne.NewSize(w*scale, float32(p.height)*scale))
		if p.number != nil {
			// A small picture (big text leaves it a narrow column) shrinks
			// its numbers with its doors rather than let them overlap.
			p.number.TextSize = min(theme.Size(l.numbers), float32(p.height)*scale*0.7, w*scale*0.45)
		}
		if p.mark && l.label >= 0 {
			// The label under the scanner, in its slot, which holds only
			// the screen and the scanner: beside it, it would cover the
			// next column's doors.
			lbl := objs[l.label].(*canvas.Text)
			lbl.TextSize = theme.Size(theme.SizeNameCaptionText)
			if ls := lbl.MinSize(); ls.Width > slotCM*scale {
				lbl.TextSize *= slotCM * scale / ls.Width
			}
			ls := lbl.MinSize()
			lx := min(max(x+(w*scale-ls.Width)/2, 0), size.Width-ls.Width)
			lbl.Move(fyne.NewPos(lx, y+float32(p.height)*scale+4))
			lbl.Resize(ls)
		}
	}
	objs[l.floor].Move(fyne.NewPos(x0, size.Height-2))
	objs[l.floor].Resize(fyne.NewSize(cols*slotCM*scale, 2))
}

func (l *cabinetLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(240, 240) }
