package voice

import "strings"

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
