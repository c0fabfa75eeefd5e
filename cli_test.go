package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// pudo runs this test binary as the pudo command with args, in an
// environment whose locale variables are only those given: package init
// runs as in the real binary, which is what these tests are about.
func pudo(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunAsPudo$")
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k != "LANG" && k != "LANGUAGE" && !strings.HasPrefix(k, "LC_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Env = append(cmd.Env, "PUDO_TEST_ARGS="+strings.Join(args, "\x1f"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// TestRunAsPudo is the pudo command when the tests above start this
// binary; run directly it has nothing to do.
func TestRunAsPudo(t *testing.T) {
	args, ok := os.LookupEnv("PUDO_TEST_ARGS")
	if !ok {
		t.Skip("only as a child of the tests that start pudo")
	}
	var list []string
	if args != "" {
		list = strings.Split(args, "\x1f")
	}
	os.Exit(run(context.Background(), list, os.Stdout, os.Stderr))
}

// TestVersionIsQuiet: `pudo version` prints the version and nothing else,
// under Debian's C.UTF-8 default and the other locales people have.
func TestVersionIsQuiet(t *testing.T) {
	for _, env := range [][]string{
		{"LANG=C.UTF-8"}, {"LC_ALL=C.UTF-8"}, {"LANG=C"}, {"LANG=POSIX"}, {},
		{"LANG=en_US.UTF-8"}, {"LANG=pl_PL.UTF-8"}, {"LC_MESSAGES=C.utf8", "LANG=fr_FR.UTF-8"},
	} {
		stdout, stderr, code := pudo(t, env, "version")
		if code != 0 || stdout != "pudo "+version+"\n" || stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", env, code, stdout, stderr)
		}
	}
}

// TestHelpListsEveryCommand: `pudo help` and `pudo --help` print every
// subcommand, one line each, and the kiosk's flags, and exit 0.
func TestHelpListsEveryCommand(t *testing.T) {
	for name := range commands {
		if _, ok := commandHelp[name]; !ok && !strings.HasPrefix(name, "-") {
			t.Errorf("command %q has no line in commandHelp", name)
		}
	}
	for name := range commandHelp {
		if _, ok := commands[name]; !ok {
			t.Errorf("commandHelp lists %q, which is no command", name)
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"--windowed", "--help"}} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, &out, &errOut)
		text := out.String() + errOut.String()
		if code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
		for name, line := range commandHelp {
			if !strings.Contains(text, "\n  "+name+" ") || !strings.Contains(text, line+"\n") {
				t.Errorf("%v: no line for %s in\n%s", args, name, text)
			}
		}
		if !strings.Contains(text, "-windowed") || !strings.Contains(text, "-config") {
			t.Errorf("%v: the kiosk's flags are missing:\n%s", args, text)
		}
	}
}

func TestUnknownCommandPointsToHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "pudo help") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}
