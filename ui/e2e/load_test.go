package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"pudo/app/testenv"
)

// TestTypingOnAStarvedKiosk holds the real kiosk to a quarter of one core
// (cpulimit stops and starts it), the way a busy locker computer runs,
// and types at it as people and keyboard scanners do: a code at 150 ms a
// key and one at 60 ms a key each open their door, and a courier token at
// 3 ms a key signs the courier in, ten times of ten. A starved process
// gets its keys in bunches, so none of this may depend on the time
// between keys: the kiosk reads input by what it is. Each step waits for
// its event in the kiosk's log, as long as testenv.Patience.
func TestTypingOnAStarvedKiosk(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real X server")
	}
	needTools(t)
	testenv.Tool(t, "cpulimit", "cpulimit")
	bin := buildPudo(t)
	display := startXvfb(t)
	out := outDir(t)

	// The simulated doors shut sooner than the demo's four seconds (the
	// test is about typing, and every second is four on a starved kiosk),
	// yet open long enough for a starved poll to see them open.
	conf := filepath.Join(t.TempDir(), "pudo.toml")
	if err := os.WriteFile(conf, []byte("[lock]\nsim_auto_close = \"2500ms\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--config", conf, "--data-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8", "JOURNAL_STREAM=")
	stderr, _ := cmd.StderrPipe()
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	log := watch(stderr)
	log.await(t, `msg="kiosk ready"`)
	token := log.await(t, `msg="demo courier QR".* token=(\S+)`)[1]
	codes := &demoCodes{log: log}
	// The keyboard's focus on the kiosk's window before the first key: a
	// key sent before the window has it goes nowhere, kiosk or not.
	xdotool(t, display, "search", "--sync", "--onlyvisible", "--name", "^Pudo$", "windowfocus", "--sync")
	log.next(t, `msg=screen.* name=home`)

	limit := exec.CommandContext(ctx, "cpulimit", "--pid", fmt.Sprint(cmd.Process.Pid), "--limit", "25")
	if err := limit.Start(); err != nil {
		t.Fatalf("cpulimit: %v", err)
	}
	defer func() { limit.Process.Kill(); limit.Wait() }()

	for round := 1; round <= 10; round++ {
		start := time.Now()
		for _, delay := range []int{150, 60} {
			code, door := codes.take(t)
			xdotool(t, display, "type", "--delay", fmt.Sprint(delay), strings.ToLower(code))
			xdotool(t, display, "key", "--delay", fmt.Sprint(delay), "Return")
			log.next(t, fmt.Sprintf(`msg="opening settled".* door=%s outcome=opened`, door))
			// The simulated door shuts by itself; the shopper says yes.
			log.next(t, `msg=screen.* name=gotIt`)
			if round == 1 {
				screenshot(t, display, filepath.Join(out, fmt.Sprintf("e2e-load-%dms.png", delay)))
			}
			// Thanks: typing there starts the next person's code entry.
			tapUntil(t, display, at.yes, log, `msg=screen.* name=thanks`)
			t.Logf("round %d: a code typed at %d ms a key opened door %s", round, delay, door)
		}
		log.next(t, `msg=screen.* name=home`) // a token on the thanks screen would be the next person's
		xdotool(t, display, "type", "--delay", "3", token)
		xdotool(t, display, "key", "Return")
		log.next(t, `msg="courier logged in"`)
		log.next(t, `msg=screen.* name=courierMenu`)
		time.Sleep(500 * time.Millisecond) // drawn, for the screenshot that finds Log out
		menu := screenshot(t, display, filepath.Join(out, fmt.Sprintf("e2e-load-courier-%d.png", round)))
		tap(t, display, lowestControl(t, menu))
		log.next(t, `msg="courier logged out"`)
		log.next(t, `msg=screen.* name=home`)
		t.Logf("round %d: a courier token typed at 3 ms a key signed the courier in (round: %v)", round,
			time.Since(start).Round(time.Second))
	}
}

// demoCodes hands out the demo locker's codes as its log names them, each
// once: the locker stocks a new parcel for every one collected.
type demoCodes struct {
	log  *logWatch
	mu   sync.Mutex
	used map[string]bool
}

var demoParcel = regexp.MustCompile(`msg="demo parcel".* code=([0-9A-Z]{4}-[0-9A-Z]{4}) door=(\d+)`)

func (d *demoCodes) take(t *testing.T) (code, door string) {
	t.Helper()
	deadline := time.Now().Add(testenv.Patience)
	for time.Now().Before(deadline) {
		d.mu.Lock()
		if d.used == nil {
			d.used = map[string]bool{}
		}
		d.log.mu.Lock()
		for _, line := range d.log.lines {
			if m := demoParcel.FindStringSubmatch(line); m != nil && !d.used[m[1]] {
				d.used[m[1]] = true
				d.log.mu.Unlock()
				d.mu.Unlock()
				return m[1], m[2]
			}
		}
		d.log.mu.Unlock()
		d.mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the demo locker named no code left to collect")
	return "", ""
}

// lowestControl is the centre of the last control down the screen's left
// edge: the courier menu's Log out.
func lowestControl(t *testing.T, img image.Image) [2]int {
	t.Helper()
	b := img.Bounds()
	bg := img.At(b.Min.X+2, b.Min.Y+2)
	x := b.Min.X + 20
	down := runs(b.Min.Y, b.Max.Y, func(y int) bool { return img.At(x, y) != bg })
	if len(down) == 0 {
		t.Fatal("no control down the left edge")
	}
	last := down[len(down)-1]
	return [2]int{(b.Min.X + b.Max.X) / 2, (last[0] + last[1]) / 2}
}
