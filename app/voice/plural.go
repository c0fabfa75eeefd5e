package voice

// PluralCategory names a CLDR plural category: which form of a counted text
// a number takes in a language. https://cldr.unicode.org/index/cldr-spec/plural-rules
//
// The translation catalogue holds a counted text as an object of its forms,
// {"one": "...", "other": "..."}, with the count in {{.N}}; the screens and
// the speech player both pick the form with PluralOf.
type PluralCategory string

const (
	PluralOne   PluralCategory = "one"
	PluralFew   PluralCategory = "few"
	PluralMany  PluralCategory = "many"
	PluralOther PluralCategory = "other"
)

// pluralRule picks the category of a whole number in one language; the
// kiosk only ever counts whole things (doors, parcels), so the rules below
// are CLDR's cardinal rules with the fraction operands v, f, t at 0.
type pluralRule struct {
	forms []PluralCategory
	pick  func(i uint64) PluralCategory
}

// pluralRules are CLDR's (release 44) cardinal rules for the kiosk's
// languages.
var pluralRules = map[string]pluralRule{
	// one: i = 1 and v = 0
	"en": {[]PluralCategory{PluralOne, PluralOther}, oneIfOne},
	"nl": {[]PluralCategory{PluralOne, PluralOther}, oneIfOne},
	// one: n = 1; many: e = 0 and i != 0 and i % 1000000 = 0 and v = 0
	"es": {[]PluralCategory{PluralOne, PluralMany, PluralOther}, func(i uint64) PluralCategory {
		if i == 1 {
			return PluralOne
		}
		return manyIfMillions(i)
	}},
	// one: i = 0,1; many: as Spanish
	"fr": {[]PluralCategory{PluralOne, PluralMany, PluralOther}, func(i uint64) PluralCategory {
		if i <= 1 {
			return PluralOne
		}
		return manyIfMillions(i)
	}},
	// one: i = 1 and v = 0; few: v = 0 and i % 10 = 2..4 and i % 100 != 12..14;
	// many: every other whole number; other: fractions only.
	"pl": {[]PluralCategory{PluralOne, PluralFew, PluralMany, PluralOther}, func(i uint64) PluralCategory {
		switch {
		case i == 1:
			return PluralOne
		case i%10 >= 2 && i%10 <= 4 && (i%100 < 12 || i%100 > 14):
			return PluralFew
		}
		return PluralMany
	}},
}

func oneIfOne(i uint64) PluralCategory {
	if i == 1 {
		return PluralOne
	}
	return PluralOther
}

// manyIfMillions is the Romance "many": "1 000 000 de portes".
func manyIfMillions(i uint64) PluralCategory {
	if i != 0 && i%1000000 == 0 {
		return PluralMany
	}
	return PluralOther
}

// PluralForms are the categories a counted text in lang must give: all of
// CLDR's, "other" included where only fractions reach it, so a translator
// sees every form the language has. Nil for a language without rules.
func PluralForms(lang string) []PluralCategory {
	return pluralRules[lang].forms
}

// PluralOf is the category of n in lang; a language without rules takes
// "other", the form every counted text has.
func PluralOf(lang string, n int64) PluralCategory {
	r, ok := pluralRules[lang]
	if !ok {
		return PluralOther
	}
	i := uint64(n)
	if n < 0 {
		i = uint64(-n)
	}
	return r.pick(i)
}

// Count is the whole number in a placeholder value, if it is one.
func Count(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case int32:
		return int64(n), true
	case uint:
		return int64(n), true
	case uint32:
		return int64(n), true
	}
	return 0, false
}

// CountOf is the value of the placeholder N among name, value pairs: the
// count a counted text takes its form by; 0 when there is none.
func CountOf(pairs []any) int64 {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == "N" {
			n, _ := Count(pairs[i+1])
			return n
		}
	}
	return 0
}
