package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// keypad is the on-screen entry: for codes it shows XXXX-XXXX as they are
// typed, for PINs dots; one key per symbol, delete, and OK once enough is in.
type keypad struct {
	symbols string
	length  int  // a code's exact length; for a PIN the minimum
	secret  bool // show dots, and accept up to 12 digits
	off     bool // entry blocked: keys and keyboard alike
	// fresh: the code on show was refused; the next symbol typed starts a
	// new one, Delete edits it.
	fresh    bool
	code     string
	pending  rune // audio mode: the character a keypad key shows, not taken yet
	display  *widget.Label
	ok       *button
	keys     map[string]*button
	onOK     func(code string)
	onKey    func()
	controls *fyne.Container
	back     fyne.CanvasObject // withBack's
	content  fyne.CanvasObject
	room     float32 // the width the keypad has, for withBack's row
	// prefix may start a code typed whole (a return code's RT): typed,
	// the code is that much longer.
	prefix string
}

// codeCols are the code keypad's columns: four rows of eight, in the same
// order on a landscape and a portrait panel, so a person who learned
// where a key is finds it in the same place on every locker.
const codeCols = 8

// codeKeypad is the code screen's keypad.
func (k *Kiosk) codeKeypad(okLabel string, onOK func(code string)) *keypad {
	return newCodeKeypad(k, okLabel, onOK)
}

// keyMaker makes a keypad's keys: every key counts as presence (touch),
// and the keypad's bottom row fits the width a screen's content has.
type keyMaker interface {
	newButton(label string, icon fyne.Resource, f func()) *button
	touch()
	room() float32
}

func newCodeKeypad(kk keyMaker, okLabel string, onOK func(string)) *keypad {
	k := newKeypad(kk, app.CodeAlphabet, app.CodeLength, false, codeCols, okLabel, onOK) // a code holds no I, L, O or U: the keypad offers none
	b := k.content.(*fyne.Container)
	grid := b.Objects[0]
	k.content = container.New(&keysLayout{rows: (len(app.CodeAlphabet) + codeCols - 1) / codeCols, cols: codeCols},
		container.NewVBox(), k.display, grid, k.controls)
	return k
}

// head puts what the keypad is for (a title, a message) right above its
// display, so that they stay together where the keys are.
func (k *keypad) head(o fyne.CanvasObject) {
	if c, ok := k.content.(*fyne.Container); ok {
		if _, keys := c.Layout.(*keysLayout); keys {
			c.Objects[0] = o
			c.Refresh()
		}
	}
}

// keysLayout stacks a code keypad: its head, display, keys and controls.
// The keys are never taller than keyAspect times their width (a portrait
// panel would make slabs of them); the room left over goes above the
// head, so that the keys stay low, where every hand reaches them.
type keysLayout struct{ rows, cols int }

// keyAspect is how much taller than wide a key may be.
const keyAspect = 1.25

func (l *keysLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for i, o := range objs {
		m := o.MinSize()
		if i == 2 {
			m.Height = l.minGrid()
		}
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height
		if i > 0 {
			s.Height += theme.Padding()
		}
	}
	return s
}

// minGrid is the least height of the keys: a key shows one character, so
// it may be lower than a button's own minimum (its padding), as big text
// on a landscape panel needs.
func (l *keysLayout) minGrid() float32 {
	return float32(l.rows)*theme.TextSize()*1.75 + float32(l.rows-1)*theme.Padding()
}

func (l *keysLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	head, display, grid, controls := objs[0], objs[1], objs[2], objs[3]
	hh, dh, ch := head.MinSize().Height, display.MinSize().Height, controls.MinSize().Height
	keyW := (size.Width - float32(l.cols-1)*pad) / float32(l.cols)
	room := size.Height - hh - dh - ch - 3*pad
	rowH := min(room-float32(l.rows-1)*pad, float32(l.rows)*keyW*keyAspect) / float32(l.rows)
	gh := max(float32(l.rows)*rowH+float32(l.rows-1)*pad, l.minGrid())
	y := max(size.Height-hh-dh-ch-gh-3*pad, 0)
	for _, p := range []struct {
		o fyne.CanvasObject
		h float32
	}{{head, hh}, {display, dh}, {grid, gh}, {controls, ch}} {
		p.o.Move(fyne.NewPos(0, y))
		p.o.Resize(fyne.NewSize(size.Width, p.h))
		y += p.h + pad
	}
}

func newPINKeypad(kk keyMaker, onOK func(string)) *keypad {
	return newKeypad(kk, "1234567890", 8, true, 5, tr("keypad.enter"), onOK)
}

// newKeypad's keys count as presence: every key restarts the idle clock.
func newKeypad(kk keyMaker, symbols string, length int, secret bool, cols int, okLabel string, onOK func(string)) *keypad {
	k := &keypad{symbols: symbols, length: length, secret: secret, onOK: onOK, onKey: kk.touch, keys: map[string]*button{}, room: kk.room()}
	k.display = widget.NewLabel("")
	k.display.Alignment = fyne.TextAlignCenter
	k.display.TextStyle = fyne.TextStyle{Monospace: true, Bold: true}
	k.display.SizeName = theme.SizeNameHeadingText
	grid := container.NewGridWithColumns(cols)
	for _, r := range symbols {
		s := string(r)
		b := kk.newButton(s, nil, func() { k.Type(s) })
		k.keys[s] = b
		grid.Add(b)
	}
	del := kk.newButton(tr("keypad.delete"), theme.ContentUndoIcon(), k.Delete)
	k.keys["delete"] = del
	k.ok = kk.newButton(okLabel, theme.ConfirmIcon(), k.submit)
	k.ok.Importance = widget.HighImportance
	k.controls = container.NewGridWithColumns(2, del, k.ok)
	k.content = container.NewBorder(k.display, k.controls, nil, nil, grid)
	k.refresh()
	return k
}

// withBack puts a Back button first in the keypad's bottom row: one row
// fewer leaves room for big text. Where three equal keys do not fit the
// width (portrait, big text, a long OK label), Back and Delete share a row
// above a full-width OK, which stays the largest key.
func (k *keypad) withBack(back fyne.CanvasObject) *keypad {
	k.back = back
	del := k.controls.Objects[0]
	widest := max(back.MinSize().Width, del.MinSize().Width, k.ok.MinSize().Width)
	sum := back.MinSize().Width + del.MinSize().Width + k.ok.MinSize().Width
	switch {
	case 3*widest+2*theme.Padding() <= k.room:
		k.controls.Objects = []fyne.CanvasObject{back, del, k.ok}
		k.controls.Layout = layout.NewGridLayoutWithColumns(3)
	case sum+2*theme.Padding() <= k.room:
		// A long OK label: each key its own width and a share of the rest,
		// still one row, which a landscape panel's height needs.
		k.controls.Objects = []fyne.CanvasObject{back, del, k.ok}
		k.controls.Layout = shareRow{}
	default:
		k.controls.Objects = []fyne.CanvasObject{container.NewGridWithColumns(2, back, del), k.ok}
		k.controls.Layout = layout.NewVBoxLayout()
	}
	k.controls.Refresh()
	return k
}

// shareRow lays objects side by side, each as wide as it needs and an
// equal share of the width left over.
type shareRow struct{}

func (shareRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for i, o := range objs {
		m := o.MinSize()
		s.Width += m.Width
		if i > 0 {
			s.Width += theme.Padding()
		}
		s.Height = max(s.Height, m.Height)
	}
	return s
}

func (r shareRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) == 0 {
		return
	}
	extra := (size.Width - r.MinSize(objs).Width) / float32(len(objs))
	var x float32
	for _, o := range objs {
		w := o.MinSize().Width + extra
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + theme.Padding()
	}
}

func (k *keypad) max() int {
	switch {
	case k.secret:
		return 12
	case k.prefixed():
		return k.length + len(k.prefix)
	}
	return k.length
}

// prefixed reports whether the code typed starts with the keypad's prefix.
func (k *keypad) prefixed() bool { return k.prefix != "" && strings.HasPrefix(k.code, k.prefix) }

// Type adds symbols as typed on the keypad or a keyboard; anything that is
// not part of a code (dashes, spaces) is ignored, ambiguous letters are read
// the way the code rules say.
func (k *keypad) Type(s string) {
	for _, r := range strings.ToUpper(s) {
		if !k.secret {
			switch r {
			case 'I', 'L':
				r = '1'
			case 'O':
				r = '0'
			}
		}
		if k.fresh && strings.ContainsRune(k.symbols, r) {
			k.code, k.fresh = "", false
		}
		if len(k.code) < k.max() && strings.ContainsRune(k.symbols, r) {
			k.code += string(r)
		}
	}
	k.pending = 0
	k.refresh()
}

// key takes a key from the keyboard: a rune is typed, Backspace deletes.
func (k *keypad) key(kp keyPress) bool {
	switch {
	case k.off:
		return kp.r != 0 || kp.name == fyne.KeyBackspace
	case kp.r != 0:
		k.Type(string(kp.r))
	case kp.name == fyne.KeyBackspace:
		k.Delete()
	default:
		return false
	}
	return true
}

// mirror shows the code typed in audio mode (the locker's code entry holds
// it), with the character a keypad key shows before it is taken.
func (k *keypad) mirror(code string, pending rune) {
	if len(code) > k.max() {
		code = code[:k.max()]
	}
	k.code, k.pending = code, pending
	k.refresh()
}

// Delete removes the last symbol.
func (k *keypad) Delete() {
	k.fresh = false
	if k.code != "" {
		k.code = k.code[:len(k.code)-1]
	}
	k.pending = 0
	k.refresh()
}

// Clear empties the entry.
func (k *keypad) Clear() {
	k.code, k.fresh, k.pending = "", false, 0
	k.refresh()
}

// Disable blocks entry, e.g. while code entry is paused.
func (k *keypad) Disable(off bool) {
	k.off = off
	for _, b := range k.keys {
		setEnabled(b, !off)
	}
	if off {
		k.ok.Disable()
	} else {
		k.refresh()
	}
}

func (k *keypad) complete() bool {
	return len(k.code) == k.length || len(k.code) >= k.length && k.prefixed() && len(k.code) == k.max()
}

func (k *keypad) submit() {
	if !k.off && k.complete() && k.onOK != nil {
		k.onOK(k.code)
	}
}

func (k *keypad) refresh() {
	if k.onKey != nil {
		k.onKey()
	}
	if k.secret {
		k.display.SetText(strings.Repeat("●", len(k.code)) + strings.Repeat("·", max(0, k.length-len(k.code))))
	} else {
		typed, head := k.code, ""
		if k.prefixed() {
			typed, head = typed[len(k.prefix):], k.prefix+"-"
		}
		if k.pending != 0 && len(typed) < k.length {
			typed += string(k.pending)
		}
		shown := []rune(typed + strings.Repeat("·", max(0, k.length-len(typed))))
		k.display.SetText(head + string(shown[:4]) + "-" + string(shown[4:]))
	}
	setEnabled(k.ok, k.complete())
}
