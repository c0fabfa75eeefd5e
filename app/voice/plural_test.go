package voice

import "testing"

// TestPluralRules holds the rules to CLDR's own integer samples
// (common/supplemental/plurals.xml, release 44).
func TestPluralRules(t *testing.T) {
	samples := map[string]map[PluralCategory][]int64{
		"en": {PluralOne: {1}, PluralOther: {0, 2, 3, 16, 100, 1000, 10000, 100000, 1000000}},
		"nl": {PluralOne: {1}, PluralOther: {0, 2, 3, 16, 100, 1000, 10000, 100000, 1000000}},
		"es": {PluralOne: {1}, PluralMany: {1000000, 2000000, 10000000}, PluralOther: {0, 2, 16, 100, 1000, 10000, 100000, 1000001}},
		"fr": {PluralOne: {0, 1}, PluralMany: {1000000, 3000000, 100000000}, PluralOther: {2, 3, 17, 100, 1000, 10000, 100000, 1000001}},
		"pl": {PluralOne: {1}, PluralFew: {2, 3, 4, 22, 23, 24, 32, 102, 1002},
			PluralMany: {0, 5, 6, 11, 12, 13, 14, 19, 20, 21, 25, 100, 111, 112, 1000, 10000, 100000, 1000000}},
	}
	for lang, cats := range samples {
		if len(PluralForms(lang)) == 0 {
			t.Errorf("%s: no forms", lang)
		}
		for want, ns := range cats {
			for _, n := range ns {
				if got := PluralOf(lang, n); got != want {
					t.Errorf("%s: %d is %q, CLDR says %q", lang, n, got, want)
				}
			}
		}
	}
	if got := PluralOf("pl", -3); got != PluralFew {
		t.Errorf("pl: -3 is %q, want few", got)
	}
	if got := PluralOf("xx", 1); got != PluralOther {
		t.Errorf("unknown language: %q, want other", got)
	}
}

func TestCountOf(t *testing.T) {
	tests := []struct {
		pairs []any
		want  int64
	}{
		{[]any{"N", 3}, 3},
		{[]any{"Door", 7, "N", int64(12)}, 12},
		{[]any{"Door", 7}, 0},
		{[]any{"N", "three"}, 0},
		{[]any{"N"}, 0},
	}
	for _, tc := range tests {
		if got := CountOf(tc.pairs); got != tc.want {
			t.Errorf("CountOf(%v) = %d, want %d", tc.pairs, got, tc.want)
		}
	}
}
