// Package testenv is what tests ask about the machine they run on: whether
// it is CI, where the shared test data lies, and whether a program they
// need is installed.
//
// CI is the CI environment variable, as CI services and .ci/run set it;
// this package reads it, and nothing else does. A test that lacks a tool or
// the shared data skips on a developer's machine, saying what is missing
// and how to get it, and fails under CI, where make deps installs every
// tool and the data lies beside the clone: a skip there would hide a
// broken test behind a green run.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// CI reports whether the tests run under CI: CI is set to anything but
// "", "0" or "false".
func CI() bool {
	switch strings.ToLower(os.Getenv("CI")) {
	case "", "0", "false":
		return false
	}
	return true
}

// Missing is for what a test needs and cannot find: it fails the test
// under CI and skips it elsewhere, with the same message.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if CI() {
		tb.Fatalf("%s (CI=%s: missing, not skipped)", msg, os.Getenv("CI"))
	} else {
		tb.Skipf("skipped: %s", msg)
	}
}

// Tool is the path of the program name, or Missing with how to install
// it: the apt package that holds it (make deps installs it).
func Tool(tb testing.TB, name, aptPackage string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(tb, "%s not installed (make deps installs it: apt-get install %s)", name, aptPackage)
	}
	return p
}

// Root is the repository's root: the directory of pudo's go.mod, found
// upward from the test's working directory.
func Root(tb testing.TB) string {
	tb.Helper()
	root, err := root()
	if err != nil {
		tb.Fatal(err)
	}
	return root
}

var root = sync.OnceValues(func() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.HasPrefix(string(b), "module pudo\n") {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("testenv: no go.mod of module pudo above %s", dir)
		}
	}
})

// Shared is the path of rel inside the shared test data, ../shared beside
// the repository (the photographs and code images too big to keep in
// it), checked by the file marker inside it; or Missing.
func Shared(tb testing.TB, rel, marker string) string {
	tb.Helper()
	dir := filepath.Join(filepath.Dir(Root(tb)), "shared", rel)
	if _, err := os.Stat(filepath.Join(dir, marker)); err != nil {
		Missing(tb, "shared test data not found: %v (expected ../shared/%s beside the repository; README, Tests)", err, rel)
	}
	return dir
}
