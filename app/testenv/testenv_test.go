package testenv

import (
	"os"
	"path/filepath"
	"slices"
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
		Tool(&r, "pudo-no-such-program", "xvfb")
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

// TestToolOutsideMakeDepsFails: a tool whose package make deps does not
// install fails wherever it runs, installed here or not, CI or not.
func TestToolOutsideMakeDepsFails(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		var r recorder
		Tool(&r, "sh", "pudo-no-such-package")
		if r.failed == "" {
			t.Errorf("CI=%q: a package outside APT_PKGS did not fail the test", ci)
		}
	}
	pkgs, err := makeDeps()
	if err != nil || !slices.Contains(pkgs, "xvfb") || !slices.Contains(pkgs, "desktop-file-utils") {
		t.Fatalf("APT_PKGS read as %q, %v", pkgs, err)
	}
}
