package voice

import (
	"slices"
	"strings"
	"time"

	"pudo/app"
)

// Key is what a key of the tactile keypad means, whatever its label.
type Key int

// The keys of code entry without sight. Key0 to Key9 are the digits, in
// order, so Key0+n is digit n.
const (
	KeyNone Key = iota
	Key0
	Key1
	Key2
	Key3
	Key4
	Key5
	Key6
	Key7
	Key8
	Key9
	KeyConfirm  // take the code, or answer yes
	KeyDelete   // delete the last character
	KeyReadBack // hear the whole code so far
	KeyRepeat   // hear the screen's spoken text again; starts audio mode
	KeyLanguage // the next language
	KeyHelp     // hear what each key does
)

// Digit is the digit of a digit key, or -1.
func (k Key) Digit() int {
	if k >= Key0 && k <= Key9 {
		return int(k - Key0)
	}
	return -1
}

// Keymap is which physical keys do what, for a USB numeric keypad in
// keyboard mode (config [keypad]). Keys are named as X11 names them
// (KP_Enter, KP_Add, ...); the digit keys always type digits.
type Keymap struct {
	Confirm  []string `toml:"confirm"`
	Delete   []string `toml:"delete"`
	ReadBack []string `toml:"read_back"`
	Repeat   []string `toml:"repeat"`
	Language []string `toml:"language"`
	Help     []string `toml:"help"`
	// LetterPause is how long a key of 2-9 waits for another press before
	// the character it shows is taken (phone-style letters).
	LetterPause time.Duration `toml:"letter_pause"`
}

// DefaultKeymap suits the common 17-key numeric keypad: Enter confirms,
// minus deletes, plus reads the code back, star repeats, slash changes the
// language and the dot explains the keys. Each sits at an edge or a corner
// of the keypad, where a finger finds it without sight.
func DefaultKeymap() Keymap {
	return Keymap{
		Confirm: []string{"KP_Enter", "Return"}, Delete: []string{"KP_Subtract", "BackSpace"},
		ReadBack: []string{"KP_Add"}, Repeat: []string{"KP_Multiply"}, Language: []string{"KP_Divide"},
		Help: []string{"KP_Decimal"}, LetterPause: 1500 * time.Millisecond,
	}
}

// toolkitNames maps an X11 key name to the names the screen toolkit (Fyne)
// reports for it. Fyne reports the keypad's digits as the digits of the top
// row, and its symbols by the character they type; KP_Decimal types "." or
// "," depending on the keyboard layout. The keypad's keys report the same
// with NumLock off: GLFW reads them as if NumLock were on, so a blind
// shopper who turned it off by mistake is not locked out.
var toolkitNames = map[string][]string{
	"KP_Enter": {"KP_Enter"}, "KP_Add": {"+"}, "KP_Subtract": {"-"}, "KP_Multiply": {"*"},
	"KP_Divide": {"/"}, "KP_Decimal": {".", ","}, "Return": {"Return"}, "BackSpace": {"BackSpace"},
	"Escape": {"Escape"}, "Tab": {"Tab"}, "Delete": {"Delete"}, "Insert": {"Insert"},
	"Home": {"Home"}, "End": {"End"}, "Prior": {"Prior"}, "Next": {"Next"},
	"Up": {"Up"}, "Down": {"Down"}, "Left": {"Left"}, "Right": {"Right"}, "space": {"Space"},
	"F1": {"F1"}, "F2": {"F2"}, "F3": {"F3"}, "F4": {"F4"}, "F5": {"F5"}, "F6": {"F6"},
	"F7": {"F7"}, "F8": {"F8"}, "F9": {"F9"}, "F10": {"F10"}, "F11": {"F11"}, "F12": {"F12"},
}

// spokenKeyNames are the keys with a spoken name in the catalogue
// (spoken.keyname.*); other keys are said as their name ("the F1 key").
var spokenKeyNames = map[string]string{
	"KP_Enter": "enter", "Return": "enter", "KP_Add": "plus", "KP_Subtract": "minus",
	"KP_Multiply": "star", "KP_Divide": "slash", "KP_Decimal": "dot", "BackSpace": "backspace",
	"Escape": "escape", "Delete": "delete", "space": "space",
}

// SpokenKeyNames are the catalogue keys of the keys' spoken names, for the
// translation test.
func SpokenKeyNames() []string {
	var keys []string
	for _, n := range spokenKeyNames {
		keys = append(keys, SpokenPrefix+"keyname."+n)
	}
	slices.Sort(keys)
	return slices.Compact(append(keys, SpokenPrefix+"keyname.other"))
}

func (m Keymap) actions() []struct {
	key   Key
	names []string
	field string
} {
	return []struct {
		key   Key
		names []string
		field string
	}{
		{KeyConfirm, m.Confirm, "confirm"}, {KeyDelete, m.Delete, "delete"}, {KeyReadBack, m.ReadBack, "read_back"},
		{KeyRepeat, m.Repeat, "repeat"}, {KeyLanguage, m.Language, "language"}, {KeyHelp, m.Help, "help"},
	}
}

// Validate says which key is wrong: an unknown name, a digit, a key bound
// twice, an action without a key.
func (m Keymap) Validate() error {
	seen := map[string]string{}
	for _, a := range m.actions() {
		key := "keypad." + a.field
		if len(a.names) == 0 {
			return app.ConfigErrorf(key, "needs at least one key")
		}
		for _, n := range a.names {
			switch {
			case n == "NumLock" || n == "Num_Lock":
				return app.ConfigErrorf(key, "NumLock cannot be used: the screen toolkit does not report it (and the keypad's keys mean the same with NumLock off)")
			case strings.HasPrefix(n, "KP_") && len(n) == 4 && n[3] >= '0' && n[3] <= '9':
				return app.ConfigErrorf(key, "%s is a digit; the digit keys always type digits", n)
			case toolkitNames[n] == nil:
				return app.ConfigErrorf(key, "unknown key %q (try KP_Enter, KP_Add, KP_Subtract, KP_Multiply, KP_Divide, KP_Decimal, Return, BackSpace, F1..F12)", n)
			case seen[n] != "":
				return app.ConfigErrorf(key, "%s already does %s", n, seen[n])
			}
			seen[n] = a.field
		}
	}
	if m.LetterPause < 500*time.Millisecond || m.LetterPause > 5*time.Second {
		return app.ConfigErrorf("keypad.letter_pause", "must be 0.5s..5s")
	}
	return nil
}

// Lookup is what a key means, given the name the screen toolkit reports
// for it ("0".."9", "KP_Enter", "+", ...).
func (m Keymap) Lookup(toolkitName string) (Key, bool) {
	if len(toolkitName) == 1 && toolkitName[0] >= '0' && toolkitName[0] <= '9' {
		return Key0 + Key(toolkitName[0]-'0'), true
	}
	for _, a := range m.actions() {
		for _, n := range a.names {
			if slices.Contains(toolkitNames[n], toolkitName) {
				return a.key, true
			}
		}
	}
	return KeyNone, false
}

// Spoken is the name of the first key bound to k, to say in hints such as
// "press Enter to confirm".
func (m Keymap) Spoken(k Key) Phrase {
	if d := k.Digit(); d >= 0 {
		return Say(SpokenPrefix+"digit", "Digit", d)
	}
	for _, a := range m.actions() {
		if a.key != k || len(a.names) == 0 {
			continue
		}
		if n, ok := spokenKeyNames[a.names[0]]; ok {
			return Say(SpokenPrefix + "keyname." + n)
		}
		return Say(SpokenPrefix+"keyname.other", "Name", a.names[0])
	}
	return Say(SpokenPrefix+"keyname.other", "Name", "?")
}
