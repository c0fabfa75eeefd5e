package ui

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync/atomic"

	"pudo/app"
	"pudo/app/voice"
	"pudo/assets"
)

// Language is one screen language the kiosk offers.
type Language struct {
	Code string // ISO 639-1, also the name of its file in assets/translations
	Name string // the language's own name, as its speakers look for it
}

// Languages are the kiosk's screen languages (app.Languages), in the
// order the home screen offers them, with their names.
var Languages = func() []Language {
	names := map[string]string{"en": "English", "pl": "Polski", "nl": "Nederlands", "es": "Español", "fr": "Français"}
	out := make([]Language, len(app.Languages))
	for i, code := range app.Languages {
		out[i] = Language{Code: code, Name: names[code]}
	}
	return out
}()

// catalog maps a language code to its texts by key. Fyne's lang package has
// no way to switch language while running, so the kiosk keeps its own.
type catalog map[string]map[string]string

// pluralCatalog maps a language code to its counted texts by key: one text
// per plural category of the language (voice.PluralForms). In the JSON files
// a counted text is an object, {"one": "...", "other": "..."}, and its
// count is the placeholder {{.N}}.
type pluralCatalog map[string]map[string]map[voice.PluralCategory]string

var texts, plurals = mustLoadCatalog(assets.Translations)

// current is the language on screen. Screens read it on the Fyne goroutine,
// the admin screen's tests from others, hence atomic.
var current atomic.Value

func init() { current.Store("en") }

func mustLoadCatalog(fsys fs.FS) (catalog, pluralCatalog) {
	c, p, err := loadCatalog(fsys)
	if err != nil {
		panic(err) // the files are embedded: a bad one fails every test
	}
	return c, p
}

func loadCatalog(fsys fs.FS) (catalog, pluralCatalog, error) {
	c, p := catalog{}, pluralCatalog{}
	files, err := fs.Glob(fsys, "translations/*.json")
	if err != nil {
		return nil, nil, err
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, nil, err
		}
		lang := strings.TrimSuffix(path.Base(f), ".json")
		c[lang], p[lang], err = parseTexts(b)
		if err != nil {
			return nil, nil, fmt.Errorf("ui: translations %s: %w", f, err)
		}
	}
	return c, p, nil
}

// parseTexts splits one language's file into plain and counted texts.
func parseTexts(b []byte) (map[string]string, map[string]map[voice.PluralCategory]string, error) {
	raw := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, nil, err
	}
	plain, counted := map[string]string{}, map[string]map[voice.PluralCategory]string{}
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			plain[k] = s
			continue
		}
		var forms map[voice.PluralCategory]string
		if err := json.Unmarshal(v, &forms); err != nil {
			return nil, nil, fmt.Errorf("key %q: neither a text nor plural forms", k)
		}
		counted[k] = forms
	}
	return plain, counted, nil
}

// SetLanguage switches the screen language; an unknown code keeps the
// current one and reports false.
func SetLanguage(code string) bool {
	if _, ok := texts[code]; !ok {
		return false
	}
	current.Store(code)
	return true
}

// CurrentLanguage is the code of the language on screen.
func CurrentLanguage() string { return current.Load().(string) }

// tr is the text for key in the current language, else in English, else the
// key itself, so a missing text shows up in screenshots instead of a blank.
func tr(key string) string {
	if s, ok := texts[CurrentLanguage()][key]; ok && s != "" {
		return s
	}
	if s, ok := texts["en"][key]; ok {
		return s
	}
	return key
}

// trf is tr with values for the text's {{.Name}} placeholders, given as
// name, value pairs. A counted text takes the form its count N calls for in
// the current language: trf("batch.start", "N", 2).
func trf(key string, pairs ...any) string {
	s, ok := counted(key, pairs)
	if !ok {
		s = tr(key)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, "{{."+fmt.Sprint(pairs[i])+"}}", fmt.Sprint(pairs[i+1]))
	}
	return s
}

// counted is the form of a counted text for the count among pairs, in the
// current language, else in English; false when key is not a counted text.
func counted(key string, pairs []any) (string, bool) {
	n := voice.CountOf(pairs)
	for _, lang := range []string{CurrentLanguage(), "en"} {
		if forms, ok := plurals[lang][key]; ok {
			if s := forms[voice.PluralOf(lang, n)]; s != "" {
				return s, true
			}
			if s := forms[voice.PluralOther]; s != "" {
				return s, true
			}
		}
	}
	return "", false
}
