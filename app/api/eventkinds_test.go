package api

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"pudo/app"
)

// TestEventKindsDocumented holds the event names in app to the Event.kind
// enumeration of openapi.json, both ways, and checks that the engine
// writes no kind outside them: the log is the webhooks' outbox, so its
// names are public.
func TestEventKindsDocumented(t *testing.T) {
	var doc struct {
		Comp struct {
			Schemas struct {
				Event struct {
					Properties struct {
						Kind struct {
							Enum []string `json:"enum"`
						} `json:"kind"`
					} `json:"properties"`
				} `json:"Event"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	enum := doc.Comp.Schemas.Event.Properties.Kind.Enum
	var kinds []string
	for _, k := range app.EventKinds {
		kinds = append(kinds, string(k))
	}
	for _, k := range kinds {
		if !slices.Contains(enum, k) {
			t.Errorf("event kind %q is not in openapi.json", k)
		}
	}
	for _, k := range enum {
		if !slices.Contains(kinds, k) {
			t.Errorf("openapi.json lists %q, which app does not name", k)
		}
	}
	// Each rent move's event is "rent." + the state it reaches.
	for _, s := range app.Lifecycle {
		if !slices.Contains(kinds, "rent."+string(s.To)) {
			t.Errorf("move %s reaches %s, but rent.%s is no event kind", s.Move, s.To, s.To)
		}
	}
	// Kinds the engine spells as literals (where a constant would do).
	files, _ := filepath.Glob(filepath.Join("..", "core", "*.go"))
	re := regexp.MustCompile(`(?:Kind: |kind :?= |refuse\(ctx, )"([a-z][a-z.\-]+)"`)
	for _, f := range files {
		if matched, _ := filepath.Match("*_test.go", filepath.Base(f)); matched {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !slices.Contains(kinds, m[1]) {
				t.Errorf("%s writes event kind %q, which app does not name", filepath.Base(f), m[1])
			}
		}
	}
}
