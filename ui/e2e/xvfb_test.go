package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/testenv"
)

// tools are what the end-to-end test needs; CI installs them (make deps).
var tools = map[string]string{"Xvfb": "xvfb", "xdotool": "xdotool", "import": "imagemagick"}

func needTools(t testing.TB) {
	t.Helper()
	for tool, pkg := range tools {
		testenv.Tool(t, tool, pkg)
	}
}

// buildPudo builds the real binary as it ships (make binary) for a test.
func buildPudo(t testing.TB) string {
	t.Helper()
	return makeBinary(t, ".", "pudo")
}

// makeBinary builds the main package pkg as make builds the kiosk.
func makeBinary(t testing.TB, pkg, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("make", "--no-print-directory", "-s", "binary", "BIN="+bin, "PKG="+pkg)
	cmd.Dir = testenv.Root(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make binary PKG=%s: %v\n%s", pkg, err, out)
	}
	return bin
}

// startXvfb starts a virtual screen and returns its DISPLAY value.
func startXvfb(t testing.TB) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb gave no display number: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// logWatch collects the kiosk's log lines and waits for patterns in them.
type logWatch struct {
	mu    sync.Mutex // protects lines and from
	lines []string
	from  int // the line after next's last match
	added chan struct{}
}

func watch(r io.Reader) *logWatch {
	lw := &logWatch{added: make(chan struct{}, 1)}
	go func() {
		s := bufio.NewScanner(r)
		for s.Scan() {
			lw.mu.Lock()
			lw.lines = append(lw.lines, s.Text())
			lw.mu.Unlock()
			select {
			case lw.added <- struct{}{}:
			default:
			}
		}
	}()
	return lw
}

// await returns the submatches of the first line matching re, waiting for
// it as long as testenv.Patience.
func (lw *logWatch) await(t testing.TB, re string) []string {
	t.Helper()
	return lw.awaitFrom(t, 0, re)
}

// text is every line collected so far.
func (lw *logWatch) text() string {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return strings.Join(lw.lines, "\n")
}

// next is await for a line after the last one next matched: for screens
// that come more than once.
func (lw *logWatch) next(t testing.TB, re string) []string {
	t.Helper()
	return lw.awaitFrom(t, lw.from, re)
}

func (lw *logWatch) awaitFrom(t testing.TB, from int, re string) []string {
	t.Helper()
	return lw.awaitWithin(t, from, re, testenv.Patience)
}

// awaitWithin is awaitFrom with another ceiling, for a benchmark that
// waits out the kiosk's start-up work before it measures.
func (lw *logWatch) awaitWithin(t testing.TB, from int, re string, patience time.Duration) []string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(patience)
	for {
		lw.mu.Lock()
		for i := from; i < len(lw.lines); i++ {
			if m := rx.FindStringSubmatch(lw.lines[i]); m != nil {
				lw.from = i + 1
				lw.mu.Unlock()
				return m
			}
		}
		lw.mu.Unlock()
		select {
		case <-lw.added:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			lw.mu.Lock()
			defer lw.mu.Unlock()
			t.Fatalf("still waiting after %v for a log line matching %q; log:\n%s", patience, re, strings.Join(lw.lines, "\n"))
		}
	}
}

func screenshot(t *testing.T, display, path string) image.Image {
	t.Helper()
	cmd := exec.Command("import", "-window", "root", path)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	return img
}

// distinctColours counts colours on a coarse grid: a blank or black screen
// has one or two, a drawn kiosk screen dozens.
func distinctColours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 12, g >> 12, bl >> 12}] = true
		}
	}
	return len(seen)
}

func xdotool(t testing.TB, display string, args ...string) {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool %v: %v\n%s", args, err, out)
	}
}

// kioskWindow waits until the kiosk's window is mapped and has the
// keyboard's focus: keys typed before that go nowhere, and a window found
// by name may not be mapped yet.
func kioskWindow(t testing.TB, display string) {
	t.Helper()
	xdotool(t, display, "search", "--sync", "--onlyvisible", "--name", "^Pudo$", "windowfocus", "--sync")
}

func outDir(t *testing.T) string {
	if d := os.Getenv("PUDO_SCREENSHOTS"); d != "" {
		os.MkdirAll(d, 0o755)
		return d
	}
	return t.TempDir()
}

// TestDemoLockerUnderXvfb starts the real kiosk with no configuration, checks
// it draws its home screen, types a demo code on the keyboard and sees the
// simulated board open the door, and the kiosk come back home after the
// door closes; then, after one Tab on home, a second code typed still
// opens its door.
func TestDemoLockerUnderXvfb(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real X server")
	}
	needTools(t)
	bin := buildPudo(t)
	display := startXvfb(t)
	out := outDir(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--data-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8", "JOURNAL_STREAM=")
	stderr, _ := cmd.StderrPipe()
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	log := watch(stderr)

	ready := log.await(t, `msg="kiosk ready".*startup_ms=(\d+)`)
	t.Logf("kiosk ready after %s ms of wiring", ready[1])
	demo := log.await(t, `msg="demo parcel".* code=([0-9A-Z]{4}-[0-9A-Z]{4}) door=(\d+)`)
	code, door := demo[1], demo[2]
	demo2 := log.next(t, `msg="demo parcel".* code=([0-9A-Z]{4}-[0-9A-Z]{4}) door=(\d+)`)
	code2, door2 := demo2[1], demo2[2]

	kioskWindow(t, display)
	var homeAt homeControls
	testenv.AwaitOK(t, "the home screen drawn, its controls found", func() error {
		home := screenshot(t, display, filepath.Join(out, "e2e-1-home.png"))
		if n := distinctColours(home); n < 8 {
			return fmt.Errorf("blank: %d colours", n)
		}
		var err error
		homeAt, err = findHomeControls(home)
		return err
	})

	// Touch alone: switch to Polish and back, then Collect.
	tap(t, display, homeAt.polski)
	if got := log.next(t, `msg=language.* code=(\w+)`)[1]; got != "pl" {
		t.Fatalf("the tap on Polski at %v chose %q", homeAt.polski, got)
	}
	time.Sleep(300 * time.Millisecond)
	screenshot(t, display, filepath.Join(out, "e2e-2-home-pl.png"))
	tap(t, display, homeAt.english)
	log.next(t, `msg=language.* code=en`)
	tap(t, display, homeAt.collect)
	log.next(t, `msg=screen.* name=code`)

	xdotool(t, display, "type", "--delay", "120", strings.ToLower(code))
	xdotool(t, display, "key", "Return")
	log.await(t, fmt.Sprintf(`msg="opening settled".* door=%s outcome=opened`, door))
	time.Sleep(500 * time.Millisecond)
	open := screenshot(t, display, filepath.Join(out, "e2e-3-door-open.png"))
	if n := distinctColours(open); n < 8 {
		t.Fatalf("door screen looks blank: %d colours", n)
	}
	// The simulated door closes by itself a few seconds later.
	log.await(t, fmt.Sprintf(`msg="door event".* door=%s event=closed`, door))
	log.next(t, `msg=screen.* name=gotIt`)
	time.Sleep(300 * time.Millisecond)
	screenshot(t, display, filepath.Join(out, "e2e-4-did-you-get.png"))
	tapUntil(t, display, at.yes, log, `msg=screen.* name=thanks`)
	time.Sleep(300 * time.Millisecond)
	screenshot(t, display, filepath.Join(out, "e2e-5-thanks.png"))

	// One Tab gives a button Fyne's focus, which once took every key after
	// it; the code typed after it must still reach the kiosk.
	log.next(t, `msg=screen.* name=home`)
	time.Sleep(500 * time.Millisecond)
	xdotool(t, display, "key", "Tab")
	xdotool(t, display, "type", "--delay", "120", strings.ToLower(code2))
	xdotool(t, display, "key", "Return")
	log.next(t, fmt.Sprintf(`msg="opening settled".* door=%s outcome=opened`, door2))
	log.next(t, fmt.Sprintf(`msg="door event".* door=%s event=closed`, door2))
	log.next(t, `msg=screen.* name=gotIt`)
	time.Sleep(300 * time.Millisecond)
	tapUntil(t, display, at.yes, log, `msg=screen.* name=thanks`)

	// Staff: five taps on the logo, the demo PIN typed like a person.
	log.next(t, `msg=screen.* name=home`)
	waitOutTapGuard()
	for range 5 {
		tap(t, display, at.logo)
	}
	log.next(t, `msg=screen.* name=pin`)
	xdotool(t, display, "type", "--delay", "120", "12345678")
	xdotool(t, display, "key", "Return")
	log.await(t, `msg="staff logged in"`)
	time.Sleep(500 * time.Millisecond)
	screenshot(t, display, filepath.Join(out, "e2e-6-admin-doors.png"))
}

// at are where the controls are on the 1280x800 screen, as the screenshots
// show them; home's are found on its screenshot (findHomeControls).
var at = struct{ yes, logo [2]int }{yes: [2]int{640, 765}, logo: [2]int{640, 140}}

// homeControls are the centres of home's controls the test taps.
type homeControls struct{ collect, english, polski [2]int }

// findHomeControls finds home's controls where home draws them: down its
// left edge, the last three bands that are not background are the main
// actions, the language row and the secondary row; across the language
// row, one button for each language, English (the first) and Polish (the
// second) first. A row is read a little under its top, across the
// buttons' fill: their labels may be drawn in the background's colour (a
// highlighted button's at night), which splits a button in two.
func findHomeControls(home image.Image) (homeControls, error) {
	b := home.Bounds()
	bg := home.At(b.Min.X+2, b.Min.Y+2)
	differs := func(x, y int) bool { return home.At(x, y) != bg }
	x := b.Min.X + 20
	down := runs(b.Min.Y, b.Max.Y, func(y int) bool { return differs(x, y) })
	if len(down) < 3 {
		return homeControls{}, fmt.Errorf("home's left edge has %d bands, want the main actions and two rows under them: %v", len(down), down)
	}
	main, langs := down[len(down)-3], down[len(down)-2]
	across := func(band [2]int) [][2]int {
		y := band[0] + (band[1]-band[0])/6
		return runs(b.Min.X, b.Max.X, func(x int) bool { return differs(x, y) })
	}
	mainX, langX := across(main), across(langs)
	if len(mainX) < 1 || len(langX) != len(app.Languages) {
		return homeControls{}, fmt.Errorf("home's rows have %d main buttons and %d language buttons, want one or more and %d: %v %v",
			len(mainX), len(langX), len(app.Languages), mainX, langX)
	}
	mid := func(r [2]int) int { return (r[0] + r[1]) / 2 }
	return homeControls{collect: [2]int{mid(mainX[0]), mid(main)}, english: [2]int{mid(langX[0]), mid(langs)},
		polski: [2]int{mid(langX[1]), mid(langs)}}, nil
}

// runs are the stretches [from, to) of lo..hi where in holds that are at
// least 20 pixels long: a button, not a line of text.
func runs(lo, hi int, in func(int) bool) [][2]int {
	var out [][2]int
	start := -1
	for i := lo; i <= hi; i++ {
		switch on := i < hi && in(i); {
		case on && start < 0:
			start = i
		case !on && start >= 0:
			if i-start >= 20 {
				out = append(out, [2]int{start, i})
			}
			start = -1
		}
	}
	return out
}

// tapUntil taps p until the log says want: a tap that lands within the
// kiosk's guard after a screen it did not cause (app.DefaultTapGuard) is
// ignored, and the kiosk says so.
func tapUntil(t *testing.T, display string, p [2]int, log *logWatch, want string) {
	t.Helper()
	for range 5 {
		tap(t, display, p)
		m := log.next(t, want+`|(msg="tap ignored)`)
		if m[len(m)-1] == "" {
			return
		}
	}
	t.Fatalf("five taps at %v ignored", p)
}

// waitOutTapGuard waits until taps count again after a screen the
// person did not cause: the kiosk starts its guard when it shows the
// screen, before it logs it, so a wait longer than the guard from the log
// line is one from the screen too, however late either runs.
func waitOutTapGuard() { time.Sleep(app.DefaultTapGuard + 300*time.Millisecond) }

func tap(t *testing.T, display string, p [2]int) {
	t.Helper()
	xdotool(t, display, "mousemove", fmt.Sprint(p[0]), fmt.Sprint(p[1]), "click", "1")
	time.Sleep(150 * time.Millisecond)
}
