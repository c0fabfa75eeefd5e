package voice

import (
	"strings"
	"time"

	"pudo/app"
)

// multiTap is what each digit key types, press after press, as on a phone:
// once the digit, then its letters (only those of CodeAlphabet: 4 is G H,
// 5 is J K, 6 is M N, 8 is T V). A person learns it by ear, since each
// press says the character it has reached.
var multiTap = [10]string{"0", "1", "2ABC", "3DEF", "4GH", "5JK", "6MN", "7PQRS", "8TV", "9WXYZ"}

// EntryOptions shape one code entry.
type EntryOptions struct {
	Length int  // characters of a complete code
	Digits bool // digits only, no letters (PINs)
	// Secret never says a character aloud, only how many were typed: a
	// staff PIN must not be heard by the next person in the queue.
	Secret bool
	Keys   Keymap // the letter pause, and the keys named in hints
}

// EntryStep is what one key (or the end of a letter pause) did.
type EntryStep struct {
	Code    string // the characters taken so far
	Pending rune   // the character a digit key shows, not yet taken; 0: none
	Added   rune   // the character taken by this step, for a click; 0: none
	// Say is what to say back, in order; a new step's words interrupt the
	// last step's.
	Say []Phrase
	// Submit: the code is complete and confirmed; try it.
	Submit bool
	// Passed: the key is not one of code entry's (repeat, language, a
	// key of no meaning): the session handles it.
	Passed bool
	// Deadline is when to call Tick to take the pending character; zero
	// when none is pending.
	Deadline time.Time
}

// CodeEntry types a code on a tactile keypad without sight: digits, and
// Crockford letters by phone-style repeated presses of 2-9 (2 once is 2,
// twice A, three times B, ...), each character said back, a key to delete,
// one to hear the whole code and one to confirm. It is a pure state
// machine: keys and the time come in, what to show and say goes out.
type CodeEntry struct {
	opts     EntryOptions
	code     []byte
	tapKey   int // the digit key being pressed again and again; -1: none
	tapIndex int // how far along multiTap[tapKey]
	deadline time.Time
}

// NewCodeEntry starts an empty code.
func NewCodeEntry(opts EntryOptions) *CodeEntry {
	if opts.Length <= 0 {
		opts.Length = 8
	}
	if opts.Keys.LetterPause <= 0 {
		opts.Keys.LetterPause = DefaultKeymap().LetterPause
	}
	return &CodeEntry{opts: opts, tapKey: -1}
}

// Press takes one key at time now.
func (e *CodeEntry) Press(k Key, now time.Time) EntryStep {
	var say []Phrase
	var added rune
	if e.tapKey >= 0 && !now.Before(e.deadline) {
		added, say = e.take()
	}
	var s EntryStep
	switch {
	case k.Digit() >= 0:
		s = e.digit(k.Digit(), now)
	case k == KeyDelete:
		s = e.delete()
	case k == KeyReadBack:
		s = e.readBack()
	case k == KeyConfirm:
		s = e.confirm()
	case k == KeyHelp:
		s = e.step(e.help()...)
	default:
		s = e.step()
		s.Passed = true
	}
	if added != 0 && s.Added == 0 {
		s.Added = added
	}
	s.Say = append(say, s.Say...)
	return s
}

// Add types character c directly, as the on-screen keypad does: the
// pending character first, then c, said back spelled. A character outside
// the code's alphabet is refused with a hint.
func (e *CodeEntry) Add(c byte, now time.Time) EntryStep {
	var say []Phrase
	var added rune
	if e.tapKey >= 0 {
		added, say = e.take()
	}
	chars := app.CodeAlphabet
	if e.opts.Digits {
		chars = chars[:10]
	}
	switch {
	case strings.IndexByte(chars, c) < 0:
		return e.withAdded(added, say...)
	case e.full():
		return e.withAdded(added, append(say, e.fullHint())...)
	}
	e.code = append(e.code, c)
	say = append(say, e.spell(c, true))
	if e.full() {
		say = append(say, e.completeHint())
	}
	return e.withAdded(rune(c), say...)
}

// Tick takes the pending character once its letter pause is over.
func (e *CodeEntry) Tick(now time.Time) EntryStep {
	if e.tapKey < 0 || now.Before(e.deadline) {
		return e.step()
	}
	added, say := e.take()
	s := e.step(say...)
	s.Added = added
	return s
}

// Code is the characters taken so far.
func (e *CodeEntry) Code() string { return string(e.code) }

// Pending is the character a digit key pressed again and again stands
// for now, before it is taken; ok false when no key is being pressed.
func (e *CodeEntry) Pending() (c rune, ok bool) {
	if e.tapKey < 0 {
		return 0, false
	}
	return rune(multiTap[e.tapKey][e.tapIndex]), true
}

// Reset empties the code.
func (e *CodeEntry) Reset() { e.code, e.tapKey = e.code[:0], -1 }

func (e *CodeEntry) step(say ...Phrase) EntryStep {
	s := EntryStep{Code: string(e.code), Say: say}
	if c, ok := e.Pending(); ok {
		s.Pending, s.Deadline = c, e.deadline
	}
	return s
}

func (e *CodeEntry) full() bool { return len(e.code) >= e.opts.Length }

func (e *CodeEntry) digit(d int, now time.Time) EntryStep {
	if e.tapKey == d { // the same key again: its next character
		e.tapIndex = (e.tapIndex + 1) % len(multiTap[d])
		e.deadline = now.Add(e.opts.Keys.LetterPause)
		return e.step(e.spell(multiTap[d][e.tapIndex], false))
	}
	var say []Phrase
	var added rune
	if e.tapKey >= 0 {
		added, say = e.take()
	}
	if e.full() {
		return e.withAdded(added, append(say, e.fullHint())...)
	}
	if e.opts.Digits || len(multiTap[d]) == 1 { // nothing to cycle through: taken at once
		e.code = append(e.code, byte('0'+d))
		say = append(say, e.spell(byte('0'+d), false))
		if e.full() {
			say = append(say, e.completeHint())
		}
		return e.withAdded(rune('0'+d), say...)
	}
	e.tapKey, e.tapIndex, e.deadline = d, 0, now.Add(e.opts.Keys.LetterPause)
	return e.withAdded(added, append(say, e.spell(byte('0'+d), false))...)
}

func (e *CodeEntry) withAdded(added rune, say ...Phrase) EntryStep {
	s := e.step(say...)
	s.Added = added
	return s
}

// take adds the pending character to the code. A letter is said back
// spelled ("B as in Bravo"): B, D, P, T and V sound alike on a small
// loudspeaker. A digit was said as it is while pending: taken silently.
func (e *CodeEntry) take() (rune, []Phrase) {
	c := multiTap[e.tapKey][e.tapIndex]
	e.tapKey = -1
	e.code = append(e.code, c)
	var say []Phrase
	if c > '9' {
		say = append(say, e.spell(c, true))
	}
	if e.full() {
		say = append(say, e.completeHint())
	}
	return rune(c), say
}

func (e *CodeEntry) delete() EntryStep {
	var c byte
	switch {
	case e.tapKey >= 0:
		c = multiTap[e.tapKey][e.tapIndex]
		e.tapKey = -1
	case len(e.code) > 0:
		c = e.code[len(e.code)-1]
		e.code = e.code[:len(e.code)-1]
	default:
		return e.step(Say(SpokenPrefix + "code.empty"))
	}
	if e.opts.Secret {
		return e.step(Say(SpokenPrefix+"pin.deleted", "N", len(e.code)))
	}
	return e.step(Say(SpokenPrefix+"code.deleted", "Char", e.spell(c, true)))
}

func (e *CodeEntry) readBack() EntryStep {
	var added rune
	var say []Phrase
	if e.tapKey >= 0 {
		added, _ = e.take() // read back below with the rest
	}
	switch {
	case len(e.code) == 0:
		say = []Phrase{Say(SpokenPrefix + "code.empty")}
	case e.opts.Secret:
		say = []Phrase{Say(SpokenPrefix+"pin.count", "N", len(e.code))}
	default:
		say = append([]Phrase{Say(SpokenPrefix+"code.readback", "N", len(e.code), "Need", e.opts.Length)}, e.spellAll()...)
	}
	return e.withAdded(added, say...)
}

func (e *CodeEntry) confirm() EntryStep {
	var added rune
	if e.tapKey >= 0 {
		added, _ = e.take()
	}
	if e.full() {
		s := e.withAdded(added)
		s.Submit = true
		return s
	}
	if e.opts.Secret {
		return e.withAdded(added, Say(SpokenPrefix+"pin.short", "N", len(e.code), "Need", e.opts.Length))
	}
	say := []Phrase{Say(SpokenPrefix+"code.short", "N", len(e.code), "Need", e.opts.Length)}
	return e.withAdded(added, append(say, e.spellAll()...)...)
}

func (e *CodeEntry) spellAll() []Phrase {
	out := make([]Phrase, len(e.code))
	for i, c := range e.code {
		out[i] = e.spell(c, true)
	}
	return out
}

// spell is how one character is said: a digit as itself, a letter by its
// name, or spelled with a word where it must not be misheard. In secret
// entry, only that a key was pressed.
func (e *CodeEntry) spell(c byte, spelled bool) Phrase {
	switch {
	case e.opts.Secret:
		return Say(SpokenPrefix+"pin.count", "N", len(e.code))
	case c <= '9':
		return Say(SpokenPrefix+"digit", "Digit", int(c-'0'))
	case spelled:
		return Say(SpokenPrefix + "alpha." + string(c))
	}
	return Say(SpokenPrefix+"letter", "Letter", string(c))
}

func (e *CodeEntry) completeHint() Phrase {
	return Say(SpokenPrefix+"code.complete", "Confirm", e.opts.Keys.Spoken(KeyConfirm))
}

func (e *CodeEntry) fullHint() Phrase {
	return Say(SpokenPrefix+"code.full", "Need", e.opts.Length,
		"Confirm", e.opts.Keys.Spoken(KeyConfirm), "Delete", e.opts.Keys.Spoken(KeyDelete))
}

func (e *CodeEntry) help() []Phrase {
	k := e.opts.Keys
	keys := []any{"Confirm", k.Spoken(KeyConfirm), "Delete", k.Spoken(KeyDelete), "ReadBack", k.Spoken(KeyReadBack),
		"Repeat", k.Spoken(KeyRepeat), "Language", k.Spoken(KeyLanguage)}
	if e.opts.Digits {
		return []Phrase{Say(SpokenPrefix+"keys.help.digits", keys...)}
	}
	return []Phrase{Say(SpokenPrefix+"keys.help", keys...)}
}

// SpokenAlphabetKeys are the catalogue keys the letters are spelled with,
// for the translation test.
func SpokenAlphabetKeys() []string {
	var keys []string
	for _, c := range app.CodeAlphabet[10:] {
		keys = append(keys, SpokenPrefix+"alpha."+string(c))
	}
	return keys
}

// Spell is the way a code is said aloud, character by character, as code
// entry reads it back: for a screen that says a code it shows.
func Spell(code string) []Phrase {
	e := CodeEntry{}
	out := make([]Phrase, 0, len(code))
	for _, c := range []byte(code) {
		if c > '9' && strings.IndexByte(app.CodeAlphabet, c) < 0 {
			out = append(out, Say(SpokenPrefix+"letter", "Letter", string(c)))
			continue
		}
		out = append(out, e.spell(c, true))
	}
	return out
}

// EntryPhrases is everything code entry with opts can say: rendered ahead,
// typing by keypad needs no speech engine's time.
func EntryPhrases(opts EntryOptions) []Phrase {
	e := NewCodeEntry(opts)
	out := []Phrase{Say(SpokenPrefix + "code.empty"), e.completeHint(), e.fullHint()}
	out = append(out, e.help()...)
	if opts.Secret {
		for n := range e.opts.Length + 1 {
			out = append(out, Say(SpokenPrefix+"pin.count", "N", n), Say(SpokenPrefix+"pin.deleted", "N", n),
				Say(SpokenPrefix+"pin.short", "N", n, "Need", e.opts.Length))
		}
		return out
	}
	chars := app.CodeAlphabet
	if opts.Digits {
		chars = chars[:10]
	}
	for _, c := range []byte(chars) {
		out = append(out, e.spell(c, false))
		if c > '9' {
			out = append(out, e.spell(c, true))
		}
		out = append(out, Say(SpokenPrefix+"code.deleted", "Char", e.spell(c, true)))
	}
	for n := range e.opts.Length + 1 {
		out = append(out, Say(SpokenPrefix+"code.readback", "N", n, "Need", e.opts.Length),
			Say(SpokenPrefix+"code.short", "N", n, "Need", e.opts.Length))
	}
	return out
}
