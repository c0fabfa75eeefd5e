package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// keypadKeys are the symbols a pickup code can hold: Crockford Base32 has
// no I, L, O or U, so the keypad offers none.
const keypadKeys = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

const codeLen = 8

// keypad is the on-screen code entry: a display showing XXXX-XXXX as it is
// typed, one key per symbol, delete, and OK once eight symbols are in.
type keypad struct {
	code    string
	display *widget.Label
	ok      *widget.Button
	keys    map[string]*widget.Button
	onOK    func(code string)
	content fyne.CanvasObject
}

func newKeypad(onOK func(code string)) *keypad {
	k := &keypad{onOK: onOK, keys: map[string]*widget.Button{}}
	k.display = widget.NewLabel("")
	k.display.Alignment = fyne.TextAlignCenter
	k.display.TextStyle = fyne.TextStyle{Monospace: true}
	k.display.SizeName = theme.SizeNameHeadingText
	grid := container.NewGridWithColumns(8)
	for _, r := range keypadKeys {
		s := string(r)
		b := widget.NewButton(s, func() { k.Type(s) })
		k.keys[s] = b
		grid.Add(b)
	}
	del := widget.NewButtonWithIcon(tr("keypad.delete", "Delete"), theme.ContentUndoIcon(), k.Delete)
	k.keys["delete"] = del
	k.ok = widget.NewButtonWithIcon(tr("keypad.ok", "Open my door"), theme.ConfirmIcon(), k.submit)
	k.ok.Importance = widget.HighImportance
	k.content = container.NewBorder(k.display, container.NewGridWithColumns(2, del, k.ok), nil, nil, grid)
	k.refresh()
	return k
}

// Type adds symbols as typed on the keypad or a keyboard; anything that is
// not part of a code (dashes, spaces) is ignored, ambiguous letters are read
// the way the code rules say.
func (k *keypad) Type(s string) {
	for _, r := range strings.ToUpper(s) {
		switch r {
		case 'I', 'L':
			r = '1'
		case 'O':
			r = '0'
		}
		if len(k.code) < codeLen && strings.ContainsRune(keypadKeys, r) {
			k.code += string(r)
		}
	}
	k.refresh()
}

// Delete removes the last symbol.
func (k *keypad) Delete() {
	if k.code != "" {
		k.code = k.code[:len(k.code)-1]
	}
	k.refresh()
}

// Clear empties the entry.
func (k *keypad) Clear() {
	k.code = ""
	k.refresh()
}

func (k *keypad) submit() {
	if len(k.code) == codeLen && k.onOK != nil {
		k.onOK(k.code)
	}
}

func (k *keypad) refresh() {
	shown := []rune(k.code + strings.Repeat("_", codeLen-len(k.code)))
	k.display.SetText(string(shown[:4]) + "-" + string(shown[4:]))
	if len(k.code) == codeLen {
		k.ok.Enable()
	} else {
		k.ok.Disable()
	}
}
