package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAudioModeUnderXvfb is a blind shopper's walk, the screen turned away,
// on the real kiosk: audio mode by a long press, a pickup code typed on a
// USB numeric keypad by multi-tap, the door, the did-you-get-it question
// answered by the keypad; then Polish by the keypad's language key and a
// pickup by the QR code of an app token dropped in the scan folder. Every
// step is followed by what the kiosk said (the log's "speech: say"), and
// the log never holds the code typed. espeak-ng is needed only for the
// sound itself: without it the kiosk still logs what it would say.
func TestAudioModeUnderXvfb(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real X server")
	}
	needTools(t)
	bin := buildPudo(t)
	display := startXvfb(t)
	dir := t.TempDir()
	scans := filepath.Join(dir, "scans")
	if err := os.Mkdir(scans, 0o755); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "pudo.toml")
	if err := os.WriteFile(config, []byte(fmt.Sprintf(`[kiosk]
data_dir = %q
[scanner.camera]
enabled = false
[scanner.serial]
enabled = false
[scanner.folder]
enabled = true
dir = %q
[speech]
cache_dir = %q
[keypad]
letter_pause = "5s"
`, filepath.Join(dir, "data"), scans, filepath.Join(dir, "speech"))), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--config", config)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8", "JOURNAL_STREAM=")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	log := watch(stderr)
	log.await(t, `msg="kiosk ready"`)
	demo := log.await(t, `msg="demo parcel".* code=([0-9A-Z]{4})-([0-9A-Z]{4}) door=(\d+)`)
	code, door := demo[1]+demo[2], demo[3]
	door2 := log.next(t, `msg="demo parcel".* door=(\d+)`)[1]
	kioskWindow(t, display)

	said := func(re string) string {
		t.Helper()
		m := log.next(t, `msg="speech: say".*text="?(`+re+`[^"]*)`)
		t.Logf("said: %s", m[1])
		return m[1]
	}
	// The press is held until the kiosk says audio mode is on: a long
	// press timed by the test would be a short one to a starved kiosk.
	xdotool(t, display, "mousemove", "640", "300", "mousedown", "1")
	said(`Audio guidance is on\..*\| Parcel locker`)
	xdotool(t, display, "mouseup", "1")
	xdotool(t, display, "key", "KP_1")
	said(`Type your pickup code`)
	typeByMultiTap(t, display, code, func(re string) { said(re) })
	xdotool(t, display, "key", "KP_Enter")
	said(`Door ` + door + `, `)
	log.next(t, fmt.Sprintf(`msg="opening settled".* door=%s outcome=opened`, door))
	said(`Door ` + door + `, .*It is open`)
	said(`Door ` + door + ` is closed\. \| Did you get your parcel from door ` + door + `\?`)
	xdotool(t, display, "key", "KP_Enter")
	said(`Thank you!`)
	said(`Audio guidance is off\.`)

	// Polish, and the QR code of an app pickup token for the second demo
	// parcel (rent 2 of a fresh locker).
	xdotool(t, display, "key", "KP_Multiply")
	said(`Audio guidance is on\.`)
	xdotool(t, display, "key", "KP_Divide")
	said(`Polski\. \| Automat paczkowy`)
	token := exec.Command(bin, "token", "new", "--key", filepath.Join(dir, "data", "demo-operator.key"), "--pickup", "2",
		"--lockers", "PUDO-DEMO", "--qr", filepath.Join(dir, "token.png"))
	if out, err := token.CombinedOutput(); err != nil {
		t.Fatalf("pudo token new: %v\n%s", err, out)
	}
	if err := os.Rename(filepath.Join(dir, "token.png"), filepath.Join(scans, "token.png")); err != nil {
		t.Fatal(err)
	}
	said(`Skrytka ` + door2 + `, `)
	said(`Skrytka ` + door2 + ` jest zamknięta\. \| Czy masz paczkę ze skrytki ` + door2 + `\?`)
	xdotool(t, display, "key", "KP_Enter")
	said(`Dziękujemy!`)

	log.mu.Lock()
	defer log.mu.Unlock()
	for _, l := range log.lines {
		if strings.Contains(l, "speech: say") && (strings.Contains(l, code) || strings.Contains(l, code[:4]+"-")) {
			t.Errorf("the code in the log: %s", l)
		}
	}
}

// multiTap is the tactile keypad's scheme (voice.CodeEntry): a digit key
// pressed again and again steps through the digit and its letters.
var multiTap = [10]string{"0", "1", "2ABC", "3DEF", "4GH", "5JK", "6MN", "7PQRS", "8TV", "9WXYZ"}

// typeByMultiTap types code on the keypad as a person listening does:
// each press once the kiosk has said the one before (a masked character,
// "•", in its log), and after each character the read-back (KP_Add),
// which takes the pending letter at once, awaited as "Characters typed: n
// of 8". The letter pause (5 s here) then only has to outlast one press's
// way to the kiosk, not a bunch of them held up on a starved machine, and
// no press waits it out by the clock.
func typeByMultiTap(t *testing.T, display, code string, said func(re string)) {
	t.Helper()
	for n, c := range code {
		d, i := multiTapKey(t, c)
		for range i + 1 {
			xdotool(t, display, "key", fmt.Sprintf("KP_%d", d))
			said(`•`)
		}
		xdotool(t, display, "key", "KP_Add")
		said(fmt.Sprintf(`Characters typed: %d of 8\.`, n+1))
	}
}

// multiTapKey is the digit key for c and how many presses past the first.
func multiTapKey(t *testing.T, c rune) (digit, index int) {
	t.Helper()
	for d, keys := range multiTap {
		if i := strings.IndexRune(keys, c); i >= 0 {
			return d, i
		}
	}
	t.Fatalf("%q is on no key of the keypad", c)
	return 0, 0
}
