package voice

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pudo/app"
)

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// press is one key at a time offset from t0, or a Tick when key is KeyNone.
type press struct {
	key Key
	at  time.Duration
}

func keys(ks ...any) []press {
	var out []press
	at := time.Duration(0)
	for _, k := range ks {
		switch v := k.(type) {
		case Key:
			out = append(out, press{v, at})
			at += 200 * time.Millisecond
		case time.Duration: // a pause, then a Tick
			at += v
			out = append(out, press{KeyNone, at})
		}
	}
	return out
}

// said renders phrases as "key(arg=value ...)" for comparison.
func said(ps []Phrase) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, phraseString(p))
	}
	return strings.Join(parts, " | ")
}

func phraseString(p Phrase) string {
	s := strings.TrimPrefix(p.Key, SpokenPrefix)
	if len(p.Args) == 0 {
		return s
	}
	var args []string
	for i := 0; i+1 < len(p.Args); i += 2 {
		v := p.Args[i+1]
		if ph, ok := v.(Phrase); ok {
			v = phraseString(ph)
		}
		args = append(args, fmt.Sprintf("%v=%v", p.Args[i], v))
	}
	return s + "(" + strings.Join(args, " ") + ")"
}

func run(e *CodeEntry, ps []press) (EntryStep, []string) {
	var last EntryStep
	var log []string
	for _, p := range ps {
		if p.key == KeyNone {
			last = e.Tick(t0.Add(p.at))
		} else {
			last = e.Press(p.key, t0.Add(p.at))
		}
		log = append(log, said(last.Say))
	}
	return last, log
}

func TestCodeEntry(t *testing.T) {
	pause := 1500 * time.Millisecond
	tests := []struct {
		name    string
		opts    EntryOptions
		keys    []press
		code    string
		pending rune
		submit  bool
		say     string // what the last step said
	}{
		{"digit 0 is taken at once", EntryOptions{}, keys(Key0), "0", 0, false, "digit(Digit=0)"},
		{"a letter key shows its digit first", EntryOptions{}, keys(Key2), "", '2', false, "digit(Digit=2)"},
		{"twice is A", EntryOptions{}, keys(Key2, Key2), "", 'A', false, "letter(Letter=A)"},
		{"cycle wraps to the digit", EntryOptions{}, keys(Key2, Key2, Key2, Key2, Key2), "", '2', false, "digit(Digit=2)"},
		{"4 has no I", EntryOptions{}, keys(Key4, Key4, Key4, Key4), "", '4', false, "digit(Digit=4)"},
		{"9 reaches Z", EntryOptions{}, keys(Key9, Key9, Key9, Key9, Key9), "", 'Z', false, "letter(Letter=Z)"},
		{"the pause takes a letter, spelled", EntryOptions{}, keys(Key2, Key2, Key2, pause), "B", 0, false, "alpha.B"},
		{"the pause takes a digit silently", EntryOptions{}, keys(Key7, pause), "7", 0, false, ""},
		{"a tick before the pause does nothing", EntryOptions{}, keys(Key2, Key2, time.Second), "", 'A', false, ""},
		{"another key takes the letter", EntryOptions{}, keys(Key6, Key6, Key3), "M", '3', false, "alpha.M | digit(Digit=3)"},
		{"a late press takes the letter first", EntryOptions{}, keys(Key8, Key8, 2*time.Second, Key8), "T", '8', false, "digit(Digit=8)"},
		{"delete drops the pending letter", EntryOptions{}, keys(Key1, Key5, Key5, KeyDelete), "1", 0, false, "code.deleted(Char=alpha.J)"},
		{"delete drops the last", EntryOptions{}, keys(Key1, Key0, KeyDelete), "1", 0, false, "code.deleted(Char=digit(Digit=0))"},
		{"delete on nothing", EntryOptions{}, keys(KeyDelete), "", 0, false, "code.empty"},
		{"D is pending", EntryOptions{}, keys(Key1, Key3, Key3), "1", 'D', false, "letter(Letter=D)"},
		{"read back", EntryOptions{}, keys(Key1, Key3, Key3, KeyReadBack), "1D", 0, false,
			"code.readback(N=2 Need=8) | digit(Digit=1) | alpha.D"},
		{"read back nothing", EntryOptions{}, keys(KeyReadBack), "", 0, false, "code.empty"},
		{"confirm short", EntryOptions{Length: 3}, keys(Key1, KeyConfirm), "1", 0, false,
			"code.short(N=1 Need=3) | digit(Digit=1)"},
		{"the last character says to confirm", EntryOptions{Length: 2}, keys(Key1, Key0), "10", 0, false,
			"digit(Digit=0) | code.complete(Confirm=keyname.enter)"},
		{"full", EntryOptions{Length: 2}, keys(Key1, Key0, Key1), "10", 0, false,
			"code.full(Need=2 Confirm=keyname.enter Delete=keyname.minus)"},
		{"full after a pending letter", EntryOptions{Length: 2}, keys(Key1, Key2, Key2, Key3), "1A", 0, false,
			"alpha.A | code.complete(Confirm=keyname.enter) | code.full(Need=2 Confirm=keyname.enter Delete=keyname.minus)"},
		{"confirm complete", EntryOptions{Length: 2}, keys(Key1, Key0, KeyConfirm), "10", 0, true, ""},
		{"confirm takes the pending", EntryOptions{Length: 2}, keys(Key1, Key9, Key9, KeyConfirm), "1W", 0, true, ""},
		{"repeat passes", EntryOptions{}, keys(Key1, KeyRepeat), "1", 0, false, ""},
		{"help", EntryOptions{}, keys(KeyHelp), "", 0, false,
			"keys.help(Confirm=keyname.enter Delete=keyname.minus ReadBack=keyname.plus Repeat=keyname.star Language=keyname.slash)"},
		{"digits only take 2 at once", EntryOptions{Digits: true}, keys(Key2, Key2), "22", 0, false, "digit(Digit=2)"},
		{"a PIN is never said", EntryOptions{Digits: true, Secret: true, Length: 4}, keys(Key4, Key2), "42", 0, false, "pin.count(N=2)"},
		{"a PIN read back", EntryOptions{Digits: true, Secret: true}, keys(Key4, Key2, KeyReadBack), "42", 0, false, "pin.count(N=2)"},
		{"a PIN delete", EntryOptions{Digits: true, Secret: true}, keys(Key4, Key2, KeyDelete), "4", 0, false, "pin.deleted(N=1)"},
		{"a PIN short", EntryOptions{Digits: true, Secret: true, Length: 4}, keys(Key4, KeyConfirm), "4", 0, false, "pin.short(N=1 Need=4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Keys = DefaultKeymap()
			s, log := run(NewCodeEntry(tt.opts), tt.keys)
			if s.Code != tt.code || s.Pending != tt.pending || s.Submit != tt.submit {
				t.Errorf("code %q pending %q submit %v, want %q %q %v", s.Code, s.Pending, s.Submit, tt.code, tt.pending, tt.submit)
			}
			if got := said(s.Say); got != tt.say {
				t.Errorf("said %q, want %q (all: %q)", got, tt.say, log)
			}
			if (s.Pending == 0) != s.Deadline.IsZero() {
				t.Errorf("pending %q with deadline %v", s.Pending, s.Deadline)
			}
		})
	}
}

func TestCodeEntryReachesEveryCharacter(t *testing.T) {
	reached := map[byte]bool{}
	for d, cycle := range multiTap {
		for n := range len(cycle) {
			e := NewCodeEntry(EntryOptions{Keys: DefaultKeymap()})
			var s EntryStep
			for i := range n + 1 {
				s = e.Press(Key0+Key(d), t0.Add(time.Duration(i)*100*time.Millisecond))
			}
			s = e.Tick(t0.Add(time.Hour))
			if len(s.Code) != 1 {
				t.Fatalf("key %d x%d: code %q", d, n+1, s.Code)
			}
			reached[s.Code[0]] = true
		}
	}
	for _, c := range []byte(app.CodeAlphabet) {
		if !reached[c] {
			t.Errorf("%c cannot be typed", c)
		}
		delete(reached, c)
	}
	if len(reached) > 0 {
		t.Errorf("characters outside the alphabet typed: %v", reached)
	}
}

// FuzzCodeEntry presses random keys at random times: the code stays in the
// alphabet and within its length, a pending character always has a
// deadline, Submit only comes with a complete code, and a secret entry
// never says a character.
func FuzzCodeEntry(f *testing.F) {
	f.Add([]byte{2, 2, 0, 13, 3, 11}, false)
	f.Add([]byte{9, 9, 9, 9, 9, 9, 200, 14, 11}, true)
	f.Fuzz(func(t *testing.T, in []byte, secret bool) {
		opts := EntryOptions{Length: 6, Secret: secret, Digits: secret, Keys: DefaultKeymap()}
		e := NewCodeEntry(opts)
		now := t0
		for _, b := range in {
			now = now.Add(time.Duration(b>>4) * 150 * time.Millisecond)
			var s EntryStep
			if k := Key(b & 15); k == KeyNone {
				s = e.Tick(now)
			} else {
				s = e.Press(k, now)
			}
			if len(s.Code) > opts.Length || strings.Trim(s.Code, app.CodeAlphabet) != "" {
				t.Fatalf("code %q", s.Code)
			}
			if (s.Pending == 0) != s.Deadline.IsZero() || (s.Pending != 0 && !strings.ContainsRune(app.CodeAlphabet, s.Pending)) {
				t.Fatalf("pending %q deadline %v", s.Pending, s.Deadline)
			}
			if s.Submit && len(s.Code) != opts.Length {
				t.Fatalf("submitted %q", s.Code)
			}
			if secret {
				for _, p := range s.Say {
					if k := phraseString(p); strings.Contains(k, "digit") || strings.Contains(k, "alpha") || strings.Contains(k, "letter") {
						t.Fatalf("a secret entry said %s", k)
					}
				}
			}
		}
	})
}

func TestKeymapLookup(t *testing.T) {
	m := DefaultKeymap()
	tests := map[string]Key{
		"0": Key0, "7": Key7, "KP_Enter": KeyConfirm, "Return": KeyConfirm, "-": KeyDelete, "BackSpace": KeyDelete,
		"+": KeyReadBack, "*": KeyRepeat, "/": KeyLanguage, ".": KeyHelp, ",": KeyHelp, "F1": KeyNone, "A": KeyNone,
	}
	for name, want := range tests {
		got, ok := m.Lookup(name)
		if got != want || ok != (want != KeyNone) {
			t.Errorf("Lookup(%q) = %v %v, want %v", name, got, ok, want)
		}
	}
	m.Repeat = []string{"F1"}
	if k, _ := m.Lookup("F1"); k != KeyRepeat {
		t.Errorf("rebound F1 = %v", k)
	}
	if got := phraseString(m.Spoken(KeyRepeat)); got != "keyname.other(Name=F1)" {
		t.Errorf("Spoken(F1) = %s", got)
	}
}

func TestKeymapValidate(t *testing.T) {
	if err := DefaultKeymap().Validate(); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		change func(*Keymap)
		want   string
	}{
		"unknown":     {func(m *Keymap) { m.Help = []string{"KP_Foo"} }, "keypad.help: unknown key"},
		"digit":       {func(m *Keymap) { m.Help = []string{"KP_5"} }, "keypad.help: KP_5 is a digit"},
		"numlock":     {func(m *Keymap) { m.Repeat = []string{"NumLock"} }, "keypad.repeat: NumLock"},
		"twice":       {func(m *Keymap) { m.Help = []string{"KP_Add"} }, "keypad.help: KP_Add already does read_back"},
		"none":        {func(m *Keymap) { m.Confirm = nil }, "keypad.confirm: needs at least one key"},
		"quick":       {func(m *Keymap) { m.LetterPause = 100 * time.Millisecond }, "keypad.letter_pause"},
		"language":    {func(m *Keymap) { m.Language = []string{"space"} }, ""},
		"two for one": {func(m *Keymap) { m.Confirm = []string{"KP_Enter", "F12"} }, ""},
	}
	for name, tt := range tests {
		m := DefaultKeymap()
		tt.change(&m)
		err := m.Validate()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", name, err, tt.want)
		}
	}
}

func TestSpell(t *testing.T) {
	if got := said(Spell("7BQ")); got != "digit(Digit=7) | alpha.B | alpha.Q" {
		t.Errorf("Spell = %s", got)
	}
}

func TestTimeout(t *testing.T) {
	for _, tt := range []struct {
		d     time.Duration
		audio bool
		want  time.Duration
	}{{time.Minute, false, time.Minute}, {time.Minute, true, 2 * time.Minute}, {20 * time.Second, true, 40 * time.Second}} {
		if got := Timeout(tt.d, tt.audio); got != tt.want {
			t.Errorf("Timeout(%v, %v) = %v", tt.d, tt.audio, got)
		}
	}
}
