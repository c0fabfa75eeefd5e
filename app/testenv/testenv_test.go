package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCI(t *testing.T) {
	for _, tt := range []struct {
		env  string
		want bool
	}{{"", false}, {"0", false}, {"false", false}, {"FALSE", false}, {"true", true}, {"1", true}, {"yes", true}} {
		t.Setenv("CI", tt.env)
		if got := CI(); got != tt.want {
			t.Errorf("CI=%q: CI() = %v, want %v", tt.env, got, tt.want)
		}
	}
}

// recorder is a test that notes how it ended instead of ending.
type recorder struct {
	testing.TB
	failed, skipped string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Fatalf(format string, args ...any) { r.failed = format }
func (r *recorder) Skipf(format string, args ...any)  { r.skipped = format }

// TestMissingFailsUnderCI: what a test lacks skips it on a developer's
// machine and fails it under CI.
func TestMissingFailsUnderCI(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		var r recorder
		Tool(&r, "pudo-no-such-program", "pudo-no-such-package")
		if (r.failed != "") != (ci == "true") || (r.skipped != "") != (ci == "") {
			t.Errorf("CI=%q: failed %q, skipped %q", ci, r.failed, r.skipped)
		}
		r = recorder{}
		Shared(&r, "testdata/no-such-set", "manifest.tsv")
		if (r.failed != "") != (ci == "true") || (r.skipped != "") != (ci == "") {
			t.Errorf("CI=%q: shared data: failed %q, skipped %q", ci, r.failed, r.skipped)
		}
	}
}

func TestRoot(t *testing.T) {
	root := Root(t)
	if _, err := os.Stat(filepath.Join(root, "app", "testenv", "testenv.go")); err != nil {
		t.Fatalf("Root = %s: %v", root, err)
	}
}
