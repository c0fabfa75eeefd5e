package voice

import (
	"regexp"
	"strings"
)

// Phrase is something to say aloud: a key of the translation catalogue and
// the values of its {{.Name}} placeholders, given as name, value pairs. A
// value may itself be a Phrase, said in the same language ("Door 14, two
// columns to your right"). Rules that speak (code entry by keypad, the way
// to a door) return phrases, so they stay free of any language; the speech
// player looks them up in the language of the session.
type Phrase struct {
	Key  string
	Args []any
}

// Say is the phrase of key with name, value pairs for its placeholders.
func Say(key string, pairs ...any) Phrase { return Phrase{Key: key, Args: pairs} }

// SpokenPrefix starts the catalogue keys written to be heard rather than
// read. A screen asks for its printed key; where the printed text does not
// work aloud ("the keypad below", "the yellow door") the catalogue has a
// spoken variant under SpokenPrefix+key, and that is said instead.
const SpokenPrefix = "spoken."

// SpokenKey is the key whose text is said for key: its spoken variant when
// the catalogue has one (has reports whether a key exists), else key.
func SpokenKey(key string, has func(key string) bool) string {
	if strings.HasPrefix(key, SpokenPrefix) {
		return key
	}
	if has(SpokenPrefix + key) {
		return SpokenPrefix + key
	}
	return key
}

// Secret reports whether p says a character of a code or a PIN: code
// entry spells what is typed aloud (the shopper's choice in audio mode),
// but no log may hold it.
func Secret(p Phrase) bool {
	switch {
	case p.Key == SpokenPrefix+"digit", p.Key == SpokenPrefix+"letter",
		strings.HasPrefix(p.Key, SpokenPrefix+"alpha."):
		return true
	}
	return false
}

// Chars is a value said one character at a time: a phone number, a
// locker's id, a reference. A speech engine reads "7946" as "seven
// thousand nine hundred and forty-six", which nobody can write down; one
// character at a time it reads "7 9 4 6" in every language. Its groups
// (between spaces, dashes, dots and slashes) keep a pause between them,
// as a person reads a number out.
type Chars string

// Spaced is c as a speech engine should read it: its characters apart,
// its groups apart by a comma ("+ 4 4, 2 0, 7 9 4 6").
func (c Chars) Spaced() string {
	groups := strings.FieldsFunc(string(c), func(r rune) bool {
		return r == ' ' || r == '-' || r == '.' || r == '/' || r == '\u00a0'
	})
	out := make([]string, 0, len(groups))
	for _, g := range groups {
		out = append(out, strings.Join(strings.Split(g, ""), " "))
	}
	return strings.Join(out, ", ")
}

// Text is a screen's printed text said as it stands, for a person who
// explores the screen by touch: a number of five digits or more, counting
// its groups ("+44 20 7946 0000", "2026-03-02"), and any group of three
// digits or more are said one digit at a time, as Chars are; short
// numbers ("door 14", "14:30") as numbers.
type Text string

// numberRun is a number in a text with its groups.
var numberRun = regexp.MustCompile(`\+?\d+(?:[ ./-]\d+)*`)

// longGroup is a group of digits said one at a time whatever the number.
var longGroup = regexp.MustCompile(`\d{3,}`)

// Spoken is t as a speech engine should read it.
func (t Text) Spoken() string {
	return numberRun.ReplaceAllStringFunc(string(t), func(n string) string {
		digits := 0
		for _, r := range n {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits >= 5 {
			return Chars(n).Spaced()
		}
		return longGroup.ReplaceAllStringFunc(n, func(g string) string { return Chars(g).Spaced() })
	})
}
