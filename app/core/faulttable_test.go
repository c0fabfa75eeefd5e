package core

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The fault table in lockio/PROTOCOLS.md names the tests that hold each
// fault: every scenario, test function and contract case it names exists,
// so the table cannot point at a test that was renamed or dropped.
func TestFaultTableNamesRealTests(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "lockio", "PROTOCOLS.md"))
	if err != nil {
		t.Fatal(err)
	}
	var sources strings.Builder
	for _, dir := range []string{"../../lockio", "../../lockio/emulator", "../../lockio/lockboardsim", ".", "../../ui", "../enginetest"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sources.Write(b)
		}
	}
	src := sources.String()
	names := regexp.MustCompile("`([A-Za-z0-9-]+)`")
	rows := 0
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 6 || strings.HasPrefix(strings.TrimSpace(cells[1]), "Fault") || strings.HasPrefix(cells[1], "---") {
			continue
		}
		rows++
		held := cells[4]
		if strings.TrimSpace(held) == "" {
			t.Errorf("fault %q: no test holds it", strings.TrimSpace(cells[1]))
		}
		for _, m := range names.FindAllStringSubmatch(held, -1) {
			name := m[1]
			switch {
			case strings.HasPrefix(name, "Test"):
				if !strings.Contains(src, "func "+name+"(") {
					t.Errorf("fault %q: no test function %s", strings.TrimSpace(cells[1]), name)
				}
			case strings.Contains(name, "-"):
				if _, err := os.Stat(filepath.Join("testdata", "scenarios", name+".txt")); err != nil {
					if _, err := os.Stat(filepath.Join("..", "session", "testdata", "sessions", name+".txt")); err != nil {
						t.Errorf("fault %q: no scenario or session script %s", strings.TrimSpace(cells[1]), name)
					}
				}
			default:
				if !strings.Contains(src, `{"`+name+`", `) {
					t.Errorf("fault %q: no contract case %s", strings.TrimSpace(cells[1]), name)
				}
			}
		}
	}
	if rows < 20 {
		t.Fatalf("found %d rows of the fault table, want its 20 or more", rows)
	}
}
