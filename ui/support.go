package ui

import (
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Support is whom people contact when the locker cannot help them, from
// the config's [support]; every problem screen shows it with newSupport.
type Support struct {
	Phone string
	Web   string            // also drawn as a QR code
	Note  map[string]string // by language code; English's when a language has none
}

// note is the support note in the current language, else English's.
func (s Support) note() string {
	if n, ok := s.Note[CurrentLanguage()]; ok && n != "" {
		return n
	}
	return s.Note["en"]
}

// Reference is what support looks a problem up by in the log: it always
// names the locker, the door and the time, so a caller can read it out.
type Reference struct {
	Locker string
	Door   int64     // the door in question; 0 when there is none
	Whole  bool      // the whole locker is out of order: every door
	At     time.Time // shown in UTC, as the log has it
}

// String is the reference in the current language.
func (r Reference) String() string {
	door := trf("support.door", "Door", r.Door)
	switch {
	case r.Whole:
		door = tr("support.door.all")
	case r.Door == 0:
		door = tr("support.door.none")
	}
	return trf("support.ref", "Locker", r.Locker, "Door", door, "Time", r.At.UTC().Format("2006-01-02 15:04"))
}

// contact is whom people contact when the locker cannot help them, and
// what to quote: the router gives it to each screen that names support.
type contact struct {
	support Support
	locker  string
	now     func() time.Time
}

// ref is the reference of a problem at door (0: none) now.
func (c contact) ref(door int64) Reference {
	return Reference{Locker: c.locker, Door: door, At: c.now()}
}

// whole is the reference of the whole locker out of order now.
func (c contact) whole() Reference {
	return Reference{Locker: c.locker, Whole: true, At: c.now()}
}

// contact is the kiosk's support contact; its clock is the kiosk's.
func (k *Kiosk) contact() contact {
	return contact{support: k.opts.Support, locker: k.opts.KioskID, now: func() time.Time { return k.now() }}
}

// qrMinSide is the least side of the support QR code on screen: about 5 px
// a module for a short address, which a phone reads from arm's length.
const qrMinSide = 160

// newSupport is the contact block of a problem screen: what to do, whom to
// call, where to go (with a QR code of it) and the reference to give. One
// rich text of short paragraphs: labels would pad every line, and big text
// needs the room.
func newSupport(s Support, ref Reference) fyne.CanvasObject {
	return newSupportAfter("", s, ref)
}

// newSupportAfter is newSupport after a paragraph of what to do (none if
// empty), in the same rich text: a label of its own would pad it above
// and below, which big text on a landscape panel has no room for.
func newSupportAfter(what string, s Support, ref Reference) fyne.CanvasObject {
	var segs []widget.RichTextSegment
	add := func(text string, style widget.RichTextStyle) {
		segs = append(segs, &widget.TextSegment{Text: text, Style: style})
	}
	if what != "" {
		add(what, widget.RichTextStyleParagraph)
	}
	strong := widget.RichTextStyleParagraph
	strong.TextStyle.Bold = true
	add(tr("support.title"), strong)
	if s.Phone != "" {
		add(trf("support.phone", "Phone", s.Phone), widget.RichTextStyleParagraph)
	}
	var qr fyne.CanvasObject
	if s.Web != "" {
		add(trf("support.web", "Web", s.Web), widget.RichTextStyleParagraph)
		qr = qrImage(s.Web)
	}
	if n := s.note(); n != "" {
		add(n, widget.RichTextStyleParagraph)
	}
	add(ref.String(), widget.RichTextStyleCodeBlock)
	text := widget.NewRichText(segs...)
	text.Wrapping = fyne.TextWrapWord
	if qr == nil {
		return text
	}
	// The code beside the text, not centred over it: a wrapped text in a
	// centring container gets no width and grows the window (PanelWindow).
	return container.NewBorder(nil, nil, container.NewCenter(qr), nil, text)
}

// newSupportLine is the contact in brief, for a screen that goes on (a
// door the locker cannot confirm, a code already collected): whom to call
// and the reference, no QR code.
func newSupportLine(s Support, ref Reference) fyne.CanvasObject {
	return newWarningWithSupport("", s, ref)
}

// newWarningWithSupport is a warning (none if empty) and the contact in
// brief as one rich text: a label of its own would pad the warning above
// and below, which big text on a landscape panel has no room for.
func newWarningWithSupport(warning string, s Support, ref Reference) fyne.CanvasObject {
	var contact string
	switch {
	case s.Phone != "" && s.Web != "":
		contact = trf("support.brief", "Phone", s.Phone, "Web", s.Web)
	case s.Phone != "":
		contact = trf("support.phone", "Phone", s.Phone)
	default:
		contact = s.Web
	}
	var segs []widget.RichTextSegment
	if warning != "" {
		style := widget.RichTextStyleParagraph
		style.ColorName = theme.ColorNameError
		style.Alignment = fyne.TextAlignCenter
		segs = append(segs, &widget.TextSegment{Text: warning, Style: style})
	}
	segs = append(segs,
		&widget.TextSegment{Text: tr("support.title") + " " + contact, Style: widget.RichTextStyleParagraph},
		&widget.TextSegment{Text: ref.String(), Style: widget.RichTextStyleCodeBlock})
	text := widget.NewRichText(segs...)
	text.Wrapping = fyne.TextWrapWord
	return text
}

// qrImage draws text as a QR code, black on a white quiet zone in every
// style: phones read dark modules on light, not the other way round. Nil
// when the text does not fit a QR code, which config keeps from happening.
func qrImage(text string) fyne.CanvasObject {
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_ERROR_CORRECTION: "M", gozxing.EncodeHintType_MARGIN: 4})
	if err != nil {
		return nil
	}
	n := m.GetWidth()
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := range n {
		for x := range n {
			img.SetGray(x, y, color.Gray{Y: 0xFF})
			if m.Get(x, y) {
				img.SetGray(x, y, color.Gray{})
			}
		}
	}
	c := canvas.NewImageFromImage(img)
	c.ScaleMode = canvas.ImageScalePixels // crisp modules, no blur between them
	c.FillMode = canvas.ImageFillContain
	px := (qrMinSide + n - 1) / n
	c.SetMinSize(fyne.NewSquareSize(float32(px * n)))
	return c
}
