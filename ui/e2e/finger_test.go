package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// finger is a blind tester's finger on the real kiosk under Xvfb: it
// moves over the screen and hears what the kiosk says under it (the log's
// "speech: say" lines, which are what the speaker says), and never looks
// at the screen. It finds a control as a person who cannot see does:
// sliding over the screen until its name is heard, lifting there, and
// double tapping.
type finger struct {
	t       *testing.T
	display string
	log     *logWatch
	lifted  time.Time // the last lift: a touch within a double tap's time after it would make one
}

// said is one line the kiosk said: what, and why (screen, key, touch).
type said struct {
	text string
	by   string
}

var sayLine = regexp.MustCompile(`msg="speech: say".* text=("(?:[^"\\]|\\.)*"|\S*) by=(\w+)`)

// parseSaid reads a "speech: say" line; ok false for any other line.
func parseSaid(line string) (said, bool) {
	m := sayLine.FindStringSubmatch(line)
	if m == nil {
		return said{}, false
	}
	text := m[1]
	if strings.HasPrefix(text, `"`) {
		if u, err := strconv.Unquote(text); err == nil {
			text = u
		}
	}
	return said{text, m[2]}, true
}

// saidSince is what the kiosk said from log line i on.
func (lw *logWatch) saidSince(i int) []said {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	var out []said
	for _, l := range lw.lines[min(i, len(lw.lines)):] {
		if s, ok := parseSaid(l); ok {
			out = append(out, s)
		}
	}
	return out
}

// mark is where the log is now.
func (lw *logWatch) mark() int {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return len(lw.lines)
}

// settle waits until the log has been still for a moment: the kiosk has
// answered the last move (or had nothing to say). At most a few seconds:
// a kiosk that keeps talking is not waited for forever.
func (lw *logWatch) settle() {
	const still = 60 * time.Millisecond
	n := lw.mark()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-lw.added:
		case <-time.After(still):
		}
		if m := lw.mark(); m == n {
			return
		} else {
			n = m
		}
	}
}

// doubleTapGap is longer than the kiosk's double tap: two touches this far
// apart are two touches.
const doubleTapGap = 700 * time.Millisecond

func (f *finger) x(args ...string) { f.t.Helper(); xdotool(f.t, f.display, args...) }

// rest waits out the double tap's time since the last lift.
func (f *finger) rest() {
	if d := doubleTapGap - time.Since(f.lifted); d > 0 {
		time.Sleep(d)
	}
}

// heard is a find: what a touch said, and where the finger was.
type heard struct {
	text string
	x, y int
}

// slide puts the finger down at (x0, y0) and slides it in steps to (x1,
// y1), then lifts it; it returns what was heard on the way, in order. The
// kiosk logs each lift after the moves before it, so everything heard on
// the way is in the log once the lift is. Where each was heard is where
// the finger was when its line came, which may be a step or two late on a
// busy machine: a place to touch and check, not more. With settle false
// the finger does not wait between steps: only what was heard counts.
// stop ends the slide early once it is true of a find.
func (f *finger) slide(x0, y0, x1, y1, steps int, settle bool, stop func(string) bool) []heard {
	f.t.Helper()
	f.rest()
	from := f.log.mark()
	var at []heard // where the finger was as lines came
	seen := from
	note := func(x, y int) {
		if !settle {
			return
		}
		f.log.settle()
		for n := f.log.mark(); seen < n; seen++ {
			at = append(at, heard{"", x, y})
		}
	}
	f.x("mousemove", fmt.Sprint(x0), fmt.Sprint(y0), "mousedown", "1")
	note(x0, y0)
	for i := 1; i <= steps; i++ {
		x, y := x0+(x1-x0)*i/steps, y0+(y1-y0)*i/steps
		f.x("mousemove", "--sync", fmt.Sprint(x), fmt.Sprint(y))
		note(x, y)
		if stop != nil && settle && stopped(f.log.saidSince(from), stop) {
			break
		}
	}
	f.x("mouseup", "1")
	f.log.heardFrom(f.t, from, `msg="audio mode: lift"`)
	f.lifted = time.Now() // as the kiosk saw the lift: it times a double tap from there
	var out []heard
	f.log.mu.Lock()
	lines := slices.Clone(f.log.lines[from:])
	f.log.mu.Unlock()
	for i, l := range lines {
		if strings.Contains(l, `msg="audio mode: lift"`) {
			break
		}
		s, ok := parseSaid(l)
		if !ok || s.by != "touch" {
			continue
		}
		h := heard{text: s.text, x: x1, y: y1}
		if i < len(at) {
			h.x, h.y = at[i].x, at[i].y
		}
		out = append(out, h)
	}
	return out
}

func stopped(ss []said, stop func(string) bool) bool {
	for _, s := range ss {
		if s.by == "touch" && stop(s.text) {
			return true
		}
	}
	return false
}

// touch is a finger on (x, y) and off: what it heard there.
func (f *finger) touch(x, y int) string {
	f.t.Helper()
	if h := f.slide(x, y, x, y, 0, false, nil); len(h) > 0 {
		return h[0].text
	}
	return ""
}

// doubleTap taps twice quickly where the finger is: the kiosk uses what
// was found last.
func (f *finger) doubleTap() {
	f.t.Helper()
	f.rest()
	from := f.log.mark()
	f.x("click", "--repeat", "2", "--delay", "120", "1")
	f.log.heardFrom(f.t, from, `msg="audio mode: lift".* double_tap=true`)
	f.lifted = time.Now()
}

// find slides over the screen row by row until it hears want, and
// returns where it heard it.
func (f *finger) find(want string) (int, int) {
	f.t.Helper()
	var all []string
	for y := 40; y < 800; y += 45 {
		for _, h := range f.slide(10, y, 1270, y, 42, true, func(s string) bool { return s == want }) {
			if h.text == want {
				return h.x, h.y
			}
			all = append(all, h.text)
		}
	}
	f.t.Fatalf("%q not heard anywhere on the screen; heard %q", want, all)
	return 0, 0
}

// choose finds want, touches it to hear it is the one, and double taps.
// Where it was heard may be a little past it: the touch looks back.
func (f *finger) choose(want string) {
	f.t.Helper()
	x, y := f.find(want)
	var got []string
	for _, dx := range []int{0, -30, -60, -100, 30} {
		s := f.touch(x+dx, y)
		if s == want {
			f.doubleTap()
			return
		}
		got = append(got, s)
	}
	f.t.Fatalf("heard %q near %d,%d, but touches there say %q", want, x, y, got)
}

// keypad is the code keypad as a finger learned it. Its keys say the
// character under the finger aloud, but the log (all the test hears)
// writes a code's characters as "•", so the keys are told apart as a
// blind person who knows the keypad's order tells them: 0-9 then A-Z
// (without I, L, O, U) in reading order, counted row by row.
type keypad struct {
	rows  []int   // the middle of each row of keys, top down
	count []int   // keys in each row
	near  [][]int // where each key was heard, roughly
	keys  string
	found map[rune][2]int
}

func isKey(s string) bool { return s == "•" }

// mapKeypad finds the rows of keys and counts the keys in each.
func (f *finger) mapKeypad(keys string) *keypad {
	f.t.Helper()
	var firstX, firstY int
	for y := 100; y < 800 && firstX == 0; y += 45 {
		var row []heard
		for _, h := range f.slide(6, y, 1274, y, 70, true, nil) {
			if isKey(h.text) {
				row = append(row, h)
			}
		}
		if len(row) >= 4 {
			firstX, firstY = row[0].x+10, y
		}
	}
	if firstX == 0 {
		f.t.Fatal("no row of keys heard anywhere on the screen")
	}
	kp := &keypad{keys: keys, found: map[rune][2]int{}}
	for _, h := range f.slide(firstX, max(firstY-240, 60), firstX, 796, 80, true, nil) {
		if isKey(h.text) {
			kp.rows = append(kp.rows, h.y+25)
		}
	}
	n := 0
	for _, y := range kp.rows {
		var xs []int
		for _, h := range f.slide(4, y, 1276, y, 106, true, nil) {
			if isKey(h.text) {
				xs = append(xs, h.x)
			}
		}
		kp.count, kp.near = append(kp.count, len(xs)), append(kp.near, xs)
		n += len(xs)
	}
	if n != len([]rune(keys)) {
		screenshot(f.t, f.display, filepath.Join(outDir(f.t), "blind-keypad.png"))
		f.t.Fatalf("counted %d keys in %d rows at %v (%v in each), want %d", n, len(kp.rows), kp.rows, kp.count, len([]rune(keys)))
	}
	return kp
}

// key is where to touch for character c: its row and its place in the
// row by the order, its spot found by sliding from the row's start to a
// guess and counting the keys heard on the way (the guess is on the key
// when the count is its place, and a touch there hears a key).
func (f *finger) key(kp *keypad, c rune) (int, int) {
	f.t.Helper()
	if at, ok := kp.found[c]; ok {
		return at[0], at[1]
	}
	i := strings.IndexRune(kp.keys, c)
	if i < 0 {
		f.t.Fatalf("no key %q on the keypad", c)
	}
	r := 0
	for i >= kp.count[r] {
		i -= kp.count[r]
		r++
	}
	y, xs := kp.rows[r], kp.near[r]
	pitch := 100
	if len(xs) > 1 {
		pitch = (xs[len(xs)-1] - xs[0]) / (len(xs) - 1)
	}
	x := xs[i] + pitch/4
	for range 8 {
		heardKeys := 0
		for _, h := range f.slide(4, y, x, y, max((x-4)/30, 1), false, nil) {
			if isKey(h.text) {
				heardKeys++
			}
		}
		switch {
		case heardKeys < i+1:
			x += pitch / 3
		case heardKeys > i+1:
			x -= pitch / 3
		case !isKey(f.touch(x, y)):
			x -= pitch / 5 // in the gap after it
		default:
			kp.found[c] = [2]int{x, y}
			return x, y
		}
	}
	f.t.Fatalf("key %q (row %d, place %d) not found near x %d", c, r+1, i+1, x)
	return 0, 0
}

// heardFrom waits for a line matching re from line from on, like
// awaitFrom, but leaves next's place in the log where it was: the finger's
// own lines are not the screens'.
func (lw *logWatch) heardFrom(t *testing.T, from int, re string) {
	t.Helper()
	lw.mu.Lock()
	keep := lw.from
	lw.mu.Unlock()
	lw.awaitFrom(t, from, re)
	lw.mu.Lock()
	lw.from = keep
	lw.mu.Unlock()
}

// save writes the kiosk's log to path, for a person to read.
func (lw *logWatch) save(path string) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	os.WriteFile(path, []byte(strings.Join(lw.lines, "\n")+"\n"), 0o644)
}
