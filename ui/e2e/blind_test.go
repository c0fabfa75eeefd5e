package e2e

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pudo/app/voice"
	"pudo/assets"
)

var update = flag.Bool("update", false, "write the blind walk's transcript golden")

// keypadKeys are the code keypad's keys in reading order.
const keypadKeys = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// supportPhone is the test locker's support number: said one digit at a
// time, never as "seven thousand nine hundred ...".
const supportPhone = "+44 20 7946 0000"

// TestBlindWalkByTouch is a blind shopper at the real kiosk under Xvfb
// with nothing but the touchscreen: no keypad, and the screen never
// looked at. From the idle screen, a long press starts audio mode; the
// shopper finds "Collect a parcel" by sliding a finger over the screen,
// double taps, types the pickup code key by key on the on-screen keypad
// (each key found by touch), opens the door and says they got the parcel.
// Then in Polish: the language chosen by touch, the first code again
// (already collected: the support number is said, and espeak-ng's
// phonemes of it hold no "tysiąc"), then the second code. What the screens
// said, phrase by phrase in order, is compared with
// testdata/blind-walk.golden (-update writes it); what the finger heard
// while searching is not: it depends on where the finger went.
func TestBlindWalkByTouch(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real X server")
	}
	needTools(t)
	cat, err := voice.LoadCatalogue(assets.Translations)
	if err != nil {
		t.Fatal(err)
	}
	text := func(lang, key string, pairs ...any) string {
		t.Helper()
		s, err := cat.Text(lang, voice.Say(key, pairs...))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	button := func(lang, key string) string {
		return text(lang, voice.SpokenPrefix+"touch.button", "Text", voice.Text(text(lang, key)))
	}
	bin := buildPudo(t)
	display := startXvfb(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "pudo.toml")
	if err := os.WriteFile(config, []byte(fmt.Sprintf(`[kiosk]
data_dir = %q
[scanner.camera]
enabled = false
[scanner.serial]
enabled = false
[scanner.folder]
enabled = false
[speech]
cache_dir = %q
[support]
phone = %q
`, filepath.Join(dir, "data"), filepath.Join(dir, "speech"), supportPhone)), 0o644); err != nil {
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
	if d := os.Getenv("PUDO_SCREENSHOTS"); d != "" {
		t.Cleanup(func() { log.save(filepath.Join(d, "blind-walk.log")) })
	}
	log.await(t, `msg="kiosk ready"`)
	demo := log.await(t, `msg="demo parcel".* code=([0-9A-Z]{4})-([0-9A-Z]{4}) door=(\d+)`)
	code1, door1 := demo[1]+demo[2], demo[3]
	demo = log.next(t, `msg="demo parcel".* code=([0-9A-Z]{4})-([0-9A-Z]{4}) door=(\d+)`)
	code2, door2 := demo[1]+demo[2], demo[3]
	xdotool(t, display, "search", "--sync", "--name", "^Pudo$")
	time.Sleep(time.Second)
	start := log.mark()
	f := &finger{t: t, display: display, log: log}

	saidNext := func(want string) string {
		t.Helper()
		m := log.next(t, `msg="speech: say".*text="?(`+want+`[^"]*)"?.* by=(screen|key)`)
		t.Logf("said: %s", m[1])
		return m[1]
	}
	typeCode := func(lang, code string, kp *keypad) {
		t.Helper()
		for i, c := range code {
			x, y := f.key(kp, c)
			if got := f.touch(x, y); got != "•" {
				t.Fatalf("the key learned for character %d says %q", i+1, got)
			}
			f.doubleTap()
			saidNext(regexpQuote(text(lang, voice.SpokenPrefix+"code.readback", "N", i+1, "Need", 8)))
		}
	}
	pickup := func(lang, code, door string) {
		t.Helper()
		typeCode(lang, code, f.mapKeypad(keypadKeys))
		f.choose(text(lang, "keypad.ok"))
		saidNext(regexpQuote(text(lang, "door.number", "Door", door)))
		log.next(t, fmt.Sprintf(`msg="opening settled".* door=%s outcome=opened`, door))
		saidNext(regexpQuote(text(lang, voice.SpokenPrefix+"door.closed", "Door", door)))
		f.choose(button(lang, "got.yes"))
		saidNext(regexpQuote(text(lang, "thanks.title")))
		saidNext(regexpQuote(text(lang, voice.SpokenPrefix+"audio.off")))
	}

	// English.
	log.next(t, `msg=screen.* name=home`)
	f.x("mousemove", "640", "400", "mousedown", "1", "sleep", "2.5", "mouseup", "1")
	f.lifted = time.Now()
	saidNext(regexpQuote(text("en", voice.SpokenPrefix+"audio.on")))
	f.choose(button("en", "home.collect"))
	saidNext(regexpQuote(text("en", "code.title")))
	pickup("en", code1, door1)

	// Polish, once the thanks gave way to home.
	time.Sleep(time.Second)
	f.x("mousemove", "640", "400", "mousedown", "1", "sleep", "2.5", "mouseup", "1")
	f.lifted = time.Now()
	saidNext(regexpQuote(text("en", voice.SpokenPrefix+"audio.on")))
	f.choose(text("en", voice.SpokenPrefix+"touch.button", "Text", voice.Text("Polski")))
	saidNext(regexpQuote(text("pl", voice.SpokenPrefix+"language")))
	f.choose(button("pl", "home.collect"))
	saidNext(regexpQuote(text("pl", "code.title")))
	keys := f.mapKeypad(keypadKeys)
	typeCode("pl", code1, keys)
	f.choose(text("pl", "keypad.ok"))
	refused := saidNext(regexpQuote(text("pl", "code.collected")))
	checkPhonemes(t, "pl", refused)
	typeCode("pl", code2, keys)
	f.choose(text("pl", "keypad.ok"))
	saidNext(regexpQuote(text("pl", "door.number", "Door", door2)))
	log.next(t, fmt.Sprintf(`msg="opening settled".* door=%s outcome=opened`, door2))
	saidNext(regexpQuote(text("pl", voice.SpokenPrefix+"door.closed", "Door", door2)))
	f.choose(button("pl", "got.yes"))
	saidNext(regexpQuote(text("pl", "thanks.title")))
	saidNext(regexpQuote(text("pl", voice.SpokenPrefix+"audio.off")))

	compareTranscript(t, log.saidSince(start), code1, code2)
}

// regexpQuote quotes s for the log's patterns.
func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteRune('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// compareTranscript holds what the screens said and the keys answered,
// phrase by phrase, to testdata/blind-walk.golden. The codes typed never
// appear in it.
func compareTranscript(t *testing.T, all []said, codes ...string) {
	t.Helper()
	var lines []string
	for _, s := range all {
		if s.by == "touch" {
			continue // the demo's banner holds its codes, for people to try them
		}
		for _, c := range codes {
			if strings.Contains(s.text, c) || strings.Contains(s.text, c[:4]+"-") {
				t.Errorf("a code in the transcript: %q", s.text)
			}
		}
		for _, p := range strings.Split(s.text, " | ") {
			lines = append(lines, s.by+": "+p)
		}
	}
	got := strings.Join(lines, "\n") + "\n"
	golden := filepath.Join("testdata", "blind-walk.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		wl, gl := strings.Split(string(want), "\n"), lines
		for i := range max(len(wl), len(gl)) {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Fatalf("transcript differs from %s at phrase %d:\nwant %q\ngot  %q\nwhole transcript:\n%s", golden, i+1, w, g, got)
			}
		}
	}
}

// checkPhonemes renders what was said with espeak-ng in lang's voice and
// checks the support number in it is said one digit at a time: its
// phonemes hold no "thousand".
func checkPhonemes(t *testing.T, lang, said string) {
	t.Helper()
	if !strings.Contains(said, voice.Chars(supportPhone).Spaced()) {
		t.Fatalf("the support number is not said digit by digit: %q", said)
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skipf("espeak-ng not installed (make deps installs it): %v", err)
	}
	voices := map[string]string{"en": "en-gb", "pl": "pl"}
	thousands := map[string]string{"en": "thousand", "pl": "tysiąc"}
	ph := func(text string) string {
		out, err := exec.Command("espeak-ng", "-q", "-x", "-v", voices[lang], "--", text).Output()
		if err != nil {
			t.Fatalf("espeak-ng: %v", err)
		}
		return strings.Map(func(r rune) rune {
			if strings.ContainsRune("'_,:!| \n", r) {
				return -1
			}
			return r
		}, string(out))
	}
	got, thousand := ph(said), ph(thousands[lang])
	t.Logf("phonemes of %q: %s", said, got)
	if strings.Contains(got, thousand) {
		t.Fatalf("%q is said with %q (%s) in it", said, thousands[lang], thousand)
	}
}
