package ui

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync/atomic"

	"pudo/assets"
)

// Language is one screen language the kiosk offers.
type Language struct {
	Code string // ISO 639-1, also the name of its file in assets/translations
	Name string // the language's own name, as its speakers look for it
}

// Languages are the kiosk's screen languages, in the order the home screen
// offers them. English comes first: it is the fallback for a missing text.
var Languages = []Language{
	{"en", "English"}, {"pl", "Polski"}, {"nl", "Nederlands"}, {"es", "Español"}, {"fr", "Français"},
}

// catalog maps a language code to its texts by key. Fyne's lang package has
// no way to switch language while running, so the kiosk keeps its own.
type catalog map[string]map[string]string

var texts = mustLoadCatalog(assets.Translations)

// current is the language on screen. Screens read it on the Fyne goroutine,
// the admin screen's tests from others, hence atomic.
var current atomic.Value

func init() { current.Store("en") }

func mustLoadCatalog(fsys fs.FS) catalog {
	c, err := loadCatalog(fsys)
	if err != nil {
		panic(err) // the files are embedded: a bad one fails every test
	}
	return c
}

func loadCatalog(fsys fs.FS) (catalog, error) {
	c := catalog{}
	files, err := fs.Glob(fsys, "translations/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("ui: translations %s: %w", f, err)
		}
		c[strings.TrimSuffix(path.Base(f), ".json")] = m
	}
	return c, nil
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
// name, value pairs.
func trf(key string, pairs ...any) string {
	s := tr(key)
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, "{{."+fmt.Sprint(pairs[i])+"}}", fmt.Sprint(pairs[i+1]))
	}
	return s
}
