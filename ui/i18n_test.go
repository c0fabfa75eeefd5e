package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"pudo/app"
	"pudo/app/voice"
	"pudo/assets"
)

// dynamicKeys are keys the code builds from a prefix and a value, with
// every value it can take.
var dynamicKeys = func() []string {
	var keys []string
	add := func(prefix string, values ...string) {
		for _, v := range values {
			keys = append(keys, prefix+v)
		}
	}
	add("door.state.", doorStates...)
	add("sensor.", "closed", "open", "unknown")
	add("rent.state.", "all", "reserved", "stored", "expired", "collected", "reclaimed", "cancelled")
	add("bus.", "starting", "up", "down", "reconnecting", "permission-denied", "closed")
	add("set.night.", string(NightAuto), string(NightOn), string(NightOff))
	add("size.", "S", "M", "L")
	add("sensor.word.", "closed", "open", "unknown")
	add("alerts.guess.", "codes", "pins")
	keys = append(keys, eventKeys()...)
	for _, p := range purposes {
		keys = append(keys, "purpose."+string(p))
	}
	add("actor.", actors...)
	for _, m := range []map[app.DoorTask]string{doorWhat} {
		keys = append(keys, slices.Collect(maps.Values(m))...)
	}
	keys = append(keys, slices.Collect(maps.Values(refusals))...)
	keys = append(keys, slices.Collect(maps.Values(pinRefusals))...)
	keys = append(keys, slices.Collect(maps.Values(batchTitle))...)
	keys = append(keys, slices.Collect(maps.Values(batchStatus))...)
	keys = append(keys, slices.Collect(maps.Values(doorTestStatus))...)
	for _, t := range adminTabs {
		keys = append(keys, t.key)
	}
	for _, p := range troubles {
		keys = append(keys, p.title, p.what)
	}
	return keys
}()

// trCall is one call of tr or trf with a literal key.
type trCall struct {
	fn, key, at string
	names       []string // the literal placeholder names trf is given
}

// trCalls are the calls of tr and trf with a literal key in the package's
// code.
func trCalls(t *testing.T) []trCall {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	var calls []trCall
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok || (id.Name != "tr" && id.Name != "trf") {
				return true
			}
			c := trCall{fn: id.Name, at: fset.Position(call.Pos()).String()}
			for i, a := range call.Args {
				lit, ok := a.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING || (i > 0 && i%2 == 0) {
					continue
				}
				s, _ := strconv.Unquote(lit.Value)
				if i == 0 {
					c.key = s
				} else {
					c.names = append(c.names, s)
				}
			}
			if c.key != "" {
				calls = append(calls, c)
			}
			return true
		})
	}
	return calls
}

// usedKeys are the string keys passed to tr and trf in the package's code.
func usedKeys(t *testing.T) []string {
	t.Helper()
	keys := map[string]bool{}
	for _, c := range trCalls(t) {
		keys[c.key] = true
	}
	return slices.Sorted(maps.Keys(keys))
}

var placeholder = regexp.MustCompile(`\{\{\.[A-Za-z]+\}\}`)

// TestTranslationsComplete fails when a text the screens use is missing in
// any language, when a language has a text English lacks, or when a
// translation lost or gained a placeholder.
func TestTranslationsComplete(t *testing.T) {
	en := texts["en"]
	for _, k := range append(usedKeys(t), dynamicKeys...) {
		_, plain := en[k]
		_, counted := plurals["en"][k]
		if !plain && !counted {
			t.Errorf("en: key %q is used but missing", k)
		}
	}
	for _, l := range Languages {
		m, ok := texts[l.Code]
		if !ok {
			t.Errorf("no translations/%s.json", l.Code)
			continue
		}
		for k, v := range en {
			tv, ok := m[k]
			switch {
			case !ok || strings.TrimSpace(tv) == "":
				t.Errorf("%s: key %q missing", l.Code, k)
			case !slices.Equal(sortedPlaceholders(v), sortedPlaceholders(tv)):
				t.Errorf("%s: key %q has placeholders %v, English %v", l.Code, k, sortedPlaceholders(tv), sortedPlaceholders(v))
			}
		}
		for k := range m {
			if _, ok := en[k]; !ok {
				t.Errorf("%s: key %q is not in en.json as a plain text", l.Code, k)
			}
		}
		for k := range plurals[l.Code] {
			if _, ok := plurals["en"][k]; !ok {
				t.Errorf("%s: counted key %q is not counted in en.json", l.Code, k)
			}
		}
	}
	if len(texts) != len(Languages) {
		t.Errorf("%d translation files, %d languages offered", len(texts), len(Languages))
	}
}

// TestPluralForms fails when a counted text lacks a plural form its
// language has by CLDR, has one it does not, or drops the count where the
// form stands for more than one number.
func TestPluralForms(t *testing.T) {
	cover := map[voice.PluralCategory][]int64{}
	for _, l := range Languages {
		clear(cover)
		rules := voice.PluralForms(l.Code)
		if len(rules) == 0 {
			t.Errorf("%s: no plural rule", l.Code)
			continue
		}
		for k, en := range plurals["en"] {
			forms, ok := plurals[l.Code][k]
			if !ok {
				t.Errorf("%s: counted key %q missing", l.Code, k)
				continue
			}
			got := slices.Sorted(maps.Keys(forms))
			if want := slices.Sorted(slices.Values(rules)); !slices.Equal(got, want) {
				t.Errorf("%s: %q has forms %v, CLDR's are %v", l.Code, k, got, want)
			}
			want := sortedPlaceholders(en[voice.PluralOther])
			if !slices.Contains(want, "{{.N}}") {
				t.Errorf("en: %q other form has no {{.N}}", k)
			}
			for c, s := range forms {
				ph := sortedPlaceholders(s)
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s: %q %s form is empty", l.Code, k, c)
				}
				if _, ok := cover[c]; !ok {
					cover[c] = numbersIn(l.Code, c)
				}
				if len(cover[c]) > 1 && !slices.Equal(ph, want) {
					t.Errorf("%s: %q %s form (%v...) has placeholders %v, want %v", l.Code, k, c, cover[c], ph, want)
				}
				if extra := slices.DeleteFunc(ph, func(p string) bool { return slices.Contains(want, p) }); len(extra) > 0 {
					t.Errorf("%s: %q %s form has placeholders %v English lacks", l.Code, k, c, extra)
				}
			}
		}
	}
}

// numbersIn lists the whole numbers up to 2,000,000 that take category c
// in lang, the first few and a count: a form standing for one number only
// may say it in words ("Open the door"), any other must show {{.N}}.
func numbersIn(lang string, c voice.PluralCategory) []int64 {
	var ns []int64
	for n := int64(0); n <= 2000000 && len(ns) < 3; n++ {
		if voice.PluralOf(lang, n) == c {
			ns = append(ns, n)
		}
	}
	return ns
}

// TestCountedTexts reads the counted texts in every language as people
// would see them.
func TestCountedTexts(t *testing.T) {
	t.Cleanup(func() { SetLanguage("en") })
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "Open the door"},
		{"en", 2, "Open 2 doors one by one"},
		{"nl", 1, "Open de deur"},
		{"nl", 3, "Open 3 deuren één voor één"},
		{"es", 1, "Abrir la puerta"},
		{"es", 5, "Abrir 5 puertas una a una"},
		{"es", 1000000, "Abrir 1000000 de puertas una a una"},
		{"fr", 0, "Ouvrir 0 porte"},
		{"fr", 1, "Ouvrir 1 porte"},
		{"fr", 2, "Ouvrir 2 portes une à une"},
		{"pl", 1, "Otwórz skrytkę"},
		{"pl", 2, "Otwieraj 2 skrytki po kolei"},
		{"pl", 5, "Otwieraj 5 skrytek po kolei"},
		{"pl", 12, "Otwieraj 12 skrytek po kolei"},
		{"pl", 22, "Otwieraj 22 skrytki po kolei"},
	}
	for _, tc := range tests {
		SetLanguage(tc.lang)
		if got := trf("batch.start", "N", tc.n); got != tc.want {
			t.Errorf("%s %d: %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
	SetLanguage("pl")
	if got := trf("door.more", "N", int64(5)); !strings.HasPrefix(got, "Jeszcze 5 paczek ") {
		t.Errorf("pl door.more 5: %q", got)
	}
}

// TestCountedKeysTakeN fails when code asks for a counted text with tr, or
// with trf but no count named N: it would show the wrong form.
func TestCountedKeysTakeN(t *testing.T) {
	for _, c := range trCalls(t) {
		if _, ok := plurals["en"][c.key]; !ok {
			continue
		}
		if c.fn != "trf" || !slices.Contains(c.names, "N") {
			t.Errorf("%s: %s(%q) without a count named N", c.at, c.fn, c.key)
		}
	}
	if len(plurals["en"]) == 0 {
		t.Fatal("no counted texts in en.json")
	}
}

// TestNoTrademarks keeps competitors' brand names off the screens: a
// parcel locker is an "automat paczkowy" in Polish, not a Paczkomat.
func TestNoTrademarks(t *testing.T) {
	marks := []string{"paczkomat"}
	for lang, m := range texts {
		all := slices.Collect(maps.Values(m))
		for _, forms := range plurals[lang] {
			all = append(all, slices.Collect(maps.Values(forms))...)
		}
		for _, s := range all {
			for _, mark := range marks {
				if strings.Contains(strings.ToLower(s), mark) {
					t.Errorf("%s: %q names the trademark %q", lang, s, mark)
				}
			}
		}
	}
}

func sortedPlaceholders(s string) []string {
	return slices.Sorted(slices.Values(placeholder.FindAllString(s, -1)))
}

func TestTrFallsBack(t *testing.T) {
	t.Cleanup(func() { SetLanguage("en") })
	if !SetLanguage("pl") || CurrentLanguage() != "pl" {
		t.Fatal("pl not set")
	}
	if SetLanguage("xx") || CurrentLanguage() != "pl" {
		t.Fatal("an unknown language was taken")
	}
	tests := map[string]struct{ key, want string }{
		"translated":  {"home.collect", "Odbierz paczkę"},
		"no such key": {"no.such.key", "no.such.key"},
	}
	for name, tc := range tests {
		if got := tr(tc.key); got != tc.want {
			t.Errorf("%s: tr(%q) = %q, want %q", name, tc.key, got, tc.want)
		}
	}
	if got := trf("door.number", "Door", 7); got != "Skrytka 7" {
		t.Errorf("trf = %q", got)
	}
}

// TestTextsNeedNoEmoji: no translation holds a character only a colour
// emoji font draws, so the kiosk ships without Fyne's (make binary builds
// with no_emoji: Fyne parsed that 4 MB font for every style it drew).
func TestTextsNeedNoEmoji(t *testing.T) {
	files, err := fs.Glob(assets.Translations, "translations/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("translations: %v, %v", files, err)
	}
	emoji := []*unicode.RangeTable{{R16: []unicode.Range16{{Lo: 0x2600, Hi: 0x27BF, Stride: 1}},
		R32: []unicode.Range32{{Lo: 0x1F000, Hi: 0x1FAFF, Stride: 1}}}}
	for _, f := range files {
		b, err := fs.ReadFile(assets.Translations, f)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range string(b) {
			if unicode.IsOneOf(emoji, r) || r == 0xFE0F {
				t.Errorf("%s: byte %d: %q (U+%04X) needs an emoji font", f, i, r, r)
			}
		}
	}
}
