package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"pudo/app/testenv"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestQuietStartCleanStop is a newcomer's first minute: under
// Debian's default C.UTF-8 locale and without a sound card the kiosk says
// nothing but its own log lines; in --windowed mode a wrong code does not
// grow the window; Ctrl-C and SIGTERM close the window and the database,
// so no write-ahead log is left behind and the exit status is 0.
func TestQuietStartCleanStop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real X server")
	}
	needTools(t)
	bin := buildPudo(t)
	for _, c := range []struct {
		name string
		sig  syscall.Signal
	}{{"ctrl-c", syscall.SIGINT}, {"sigterm", syscall.SIGTERM}} {
		t.Run(c.name, func(t *testing.T) {
			display := startXvfb(t)
			data := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "--data-dir", data, "--windowed")
			config := t.TempDir() // Fyne's files, were it to write any
			cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=C.UTF-8", "LC_ALL=", "JOURNAL_STREAM=", "XDG_CONFIG_HOME="+config)
			// Our own pipe, not StderrPipe: Wait would close that one before
			// the last lines, where an X or sound error would be, are read.
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			cmd.Stderr = w
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			w.Close()
			log := watch(r)
			log.await(t, `msg="kiosk ready"`)
			kioskWindow(t, display)
			before := windowSize(t, display)

			xdotool(t, display, "type", "--delay", "120", "zzzzzzzz")
			xdotool(t, display, "key", "Return")
			log.await(t, `msg=screen.* name=code`)
			time.Sleep(1500 * time.Millisecond) // the refusal drawn
			if after := windowSize(t, display); after != before {
				t.Errorf("a wrong code changed the window from %s to %s", before, after)
			}

			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			if err := testenv.Receive(t, fmt.Sprintf("the kiosk to exit after %v", c.sig), done); err != nil {
				t.Errorf("exit after %v: %v, want status 0", c.sig, err)
			}
			// Fyne's preferences are neither read nor written: two kiosks of
			// one user would share the file.
			if prefs, _ := filepath.Glob(filepath.Join(config, "fyne", "*", "preferences.json")); len(prefs) > 0 {
				t.Errorf("Fyne wrote its preferences: %v", prefs)
			}
			for _, f := range []string{"pudo.db-wal", "pudo.db-shm"} {
				if _, err := os.Stat(filepath.Join(data, f)); err == nil {
					t.Errorf("%s left behind: the database was not closed", f)
				}
			}
			// The kiosk's last line: it says why it stopped.
			log.await(t, fmt.Sprintf(`msg="kiosk stopped" why="%s signal received"`, c.sig))
			lines := log.all()
			for _, noise := range []string{"Fyne error", "ALSA lib", "XIO:", "Error parsing user locale"} {
				for _, l := range lines {
					if strings.Contains(l, noise) {
						t.Errorf("noise on stderr: %s", l)
					}
				}
			}
			if !soundCard() {
				n := 0
				for _, l := range lines {
					if strings.Contains(l, "no sound card") {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%d lines say there is no sound card, want one", n)
				}
			}
		})
	}
}

var geometry = regexp.MustCompile(`Geometry: (\d+x\d+)`)

// windowSize is the kiosk window's size as X has it.
func windowSize(t *testing.T, display string) string {
	t.Helper()
	cmd := exec.Command("xdotool", "search", "--sync", "--name", "^Pudo$", "getwindowgeometry")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("xdotool getwindowgeometry: %v\n%s", err, out)
	}
	m := geometry.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no geometry in %q", out)
	}
	return string(m[1])
}

// soundCard: the machine has one, so the kiosk may well speak up about it.
func soundCard() bool {
	b, err := os.ReadFile("/proc/asound/cards")
	return err == nil && !strings.Contains(string(b), "no soundcards")
}

// all is every line seen so far.
func (lw *logWatch) all() []string {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return append([]string(nil), lw.lines...)
}
