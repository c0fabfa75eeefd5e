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
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
// it: the apt package that holds it (make deps installs it). A package the
// Makefile's APT_PKGS does not list fails the test wherever it runs: make
// deps would not install it on a fresh CI machine, and the test would
// pass here and fail there.
func Tool(tb testing.TB, name, aptPackage string) string {
	tb.Helper()
	pkgs, err := makeDeps()
	if err != nil {
		tb.Fatal(err)
	}
	if !slices.Contains(pkgs, aptPackage) && !slices.Contains(makeDepsRunsOn, aptPackage) {
		tb.Fatalf("testenv: %s comes with the apt package %s, which the Makefile's APT_PKGS lacks: add it, or make deps will not install it on a fresh machine", name, aptPackage)
	}
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(tb, "%s not installed (make deps installs it: apt-get install %s)", name, aptPackage)
	}
	return p
}

// makeDepsRunsOn are what make deps itself needs (make, and dpkg-query
// to tell what is installed): there before it runs, never in APT_PKGS.
var makeDepsRunsOn = []string{"make", "dpkg"}

// makeDeps are the apt packages make deps installs: the Makefile's
// APT_PKGS, continuation lines included.
var makeDeps = sync.OnceValues(func() ([]string, error) {
	dir, err := root()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, "Makefile"))
	if err != nil {
		return nil, fmt.Errorf("testenv: %w", err)
	}
	_, rest, ok := strings.Cut(string(b), "\nAPT_PKGS :=")
	if !ok {
		return nil, errors.New("testenv: the Makefile has no APT_PKGS")
	}
	var pkgs []string
	for line := range strings.Lines(rest) {
		line = strings.TrimSpace(line)
		more := strings.HasSuffix(line, "\\")
		pkgs = append(pkgs, strings.Fields(strings.TrimSuffix(line, "\\"))...)
		if !more {
			break
		}
	}
	return pkgs, nil
})

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
