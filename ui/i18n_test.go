package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pudo/app"
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
	add("bus.", "starting", "up", "down", "permission-denied", "closed")
	add("set.night.", string(NightAuto), string(NightOn), string(NightOff))
	add("size.", "S", "M", "L")
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

// usedKeys are the string keys passed to tr and trf in the package's code.
func usedKeys(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	keys := map[string]bool{}
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
			if id, ok := call.Fun.(*ast.Ident); ok && (id.Name == "tr" || id.Name == "trf") {
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					k, _ := strconv.Unquote(lit.Value)
					keys[k] = true
				}
			}
			return true
		})
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
		if _, ok := en[k]; !ok {
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
				t.Errorf("%s: key %q is not in en.json", l.Code, k)
			}
		}
	}
	if len(texts) != len(Languages) {
		t.Errorf("%d translation files, %d languages offered", len(texts), len(Languages))
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
