package ui

// pluralCategory names a CLDR plural category: which form of a counted text
// a number takes in a language. https://cldr.unicode.org/index/cldr-spec/plural-rules
type pluralCategory string

const (
	pluralOne   pluralCategory = "one"
	pluralFew   pluralCategory = "few"
	pluralMany  pluralCategory = "many"
	pluralOther pluralCategory = "other"
)

// pluralRule picks the category of a whole number in one language; the
// kiosk only ever counts whole things (doors, parcels), so the rules below
// are CLDR's cardinal rules with the fraction operands v, f, t at 0.
type pluralRule struct {
	// forms are the categories a catalogue entry of the language must
	// give: all of CLDR's, "other" included even where only fractions
	// reach it, so a translator sees every form the language has.
	forms []pluralCategory
	pick  func(i uint64) pluralCategory
}

// pluralRules are CLDR's (release 44) cardinal rules for the kiosk's
// languages, keyed like Languages.
var pluralRules = map[string]pluralRule{
	// one: i = 1 and v = 0
	"en": {[]pluralCategory{pluralOne, pluralOther}, oneIfOne},
	"nl": {[]pluralCategory{pluralOne, pluralOther}, oneIfOne},
	// one: n = 1; many: e = 0 and i != 0 and i % 1000000 = 0 and v = 0
	"es": {[]pluralCategory{pluralOne, pluralMany, pluralOther}, func(i uint64) pluralCategory {
		if i == 1 {
			return pluralOne
		}
		return manyIfMillions(i)
	}},
	// one: i = 0,1; many: as Spanish
	"fr": {[]pluralCategory{pluralOne, pluralMany, pluralOther}, func(i uint64) pluralCategory {
		if i <= 1 {
			return pluralOne
		}
		return manyIfMillions(i)
	}},
	// one: i = 1 and v = 0; few: v = 0 and i % 10 = 2..4 and i % 100 != 12..14;
	// many: every other whole number; other: fractions only.
	"pl": {[]pluralCategory{pluralOne, pluralFew, pluralMany, pluralOther}, func(i uint64) pluralCategory {
		switch {
		case i == 1:
			return pluralOne
		case i%10 >= 2 && i%10 <= 4 && (i%100 < 12 || i%100 > 14):
			return pluralFew
		}
		return pluralMany
	}},
}

func oneIfOne(i uint64) pluralCategory {
	if i == 1 {
		return pluralOne
	}
	return pluralOther
}

// manyIfMillions is the Romance "many": "1 000 000 de portes".
func manyIfMillions(i uint64) pluralCategory {
	if i != 0 && i%1000000 == 0 {
		return pluralMany
	}
	return pluralOther
}

// pluralOf is the category of n in lang; a language without rules (none
// offered) takes "other", the form every entry has.
func pluralOf(lang string, n int64) pluralCategory {
	r, ok := pluralRules[lang]
	if !ok {
		return pluralOther
	}
	i := uint64(n)
	if n < 0 {
		i = uint64(-n)
	}
	return r.pick(i)
}

// count is the whole number in a placeholder value, if it is one.
func count(v any) (int64, bool) {
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
