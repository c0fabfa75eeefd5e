package core

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzParseScenario: the parser never panics, and what it accepts reads
// back the same once written out again.
func FuzzParseScenario(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "scenarios", "*.txt"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Add("pickup A\nexpect error being-opened|none\n")
	f.Add("parcel A door 99\n")
	f.Add("wait -1s\nflap 3\n# c\n\n")
	f.Fuzz(func(t *testing.T, text string) {
		steps, err := parseScenario(text)
		if err != nil {
			return
		}
		var b strings.Builder
		for _, s := range steps {
			b.WriteString(s.String() + "\n")
		}
		again, err := parseScenario(b.String())
		if err != nil {
			t.Fatalf("written out %q, it no longer parses: %v", b.String(), err)
		}
		if len(again) != len(steps) {
			t.Fatalf("%d steps, %d after a round trip", len(steps), len(again))
		}
		for i := range steps {
			if steps[i].verb != again[i].verb || !slices.Equal(steps[i].args, again[i].args) {
				t.Fatalf("step %d: %v, then %v", i, steps[i], again[i])
			}
		}
	})
}
