package scanner

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

const passRateGolden = "testdata/passrate.golden"

// TestPassRate decodes every shared test image with the still-image pipeline
// (what pudo decode and the folder source run) and holds each set's read
// count to the recorded one: it may rise (rerun with -update), never fall.
// Any wrong text, or any read on nocode-bg, fails at once.
func TestPassRate(t *testing.T) {
	holdRates(t, passRateGolden, "the still-image pipeline (DecodeImage)", decodeSet)
}

// holdRates runs readSet over every set of the shared images in parallel and
// holds each set's count to the one recorded in golden: it may rise (rerun
// with -update), never fall.
func holdRates(t *testing.T, golden, what string, readSet func(*testing.T, []corpusImage) int) {
	skipUnderRace(t)
	imgs := loadCorpus(t)
	bySet := map[string][]corpusImage{}
	for _, c := range imgs {
		bySet[c.set] = append(bySet[c.set], c)
	}
	var mu sync.Mutex
	got := map[string]int{}
	t.Run("sets", func(t *testing.T) {
		for set, cs := range bySet {
			t.Run(set, func(t *testing.T) {
				t.Parallel()
				n := readSet(t, cs)
				mu.Lock()
				got[set] = n
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}
	if *update {
		writePassRates(t, golden, what, got, bySet)
		return
	}
	want := readPassRates(t, golden)
	for set, n := range got {
		w, ok := want[set]
		switch {
		case !ok:
			t.Errorf("%s: not in %s; run with -update", set, golden)
		case n < w:
			t.Errorf("%s: read %d of %d, recorded %d: the read rate fell", set, n, len(bySet[set]), w)
		case n > w:
			t.Logf("%s: read %d, recorded %d: better; run with -update to record it", set, n, w)
		}
	}
}

func decodeSet(t *testing.T, cs []corpusImage) int {
	d, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cs {
		r, err := d.DecodeImage(c.img)
		switch {
		case err != nil:
			if c.want == "" {
				n++ // nocode-bg: counted when correctly left unread
			}
		case c.want == "":
			t.Errorf("%s/%s: false read %s %q (stage %s)", c.set, c.name, r.Format, r.Text, r.Stage)
		case r.Text != c.want:
			t.Errorf("%s/%s: read %q, want %q (stage %s)", c.set, c.name, r.Text, c.want, r.Stage)
		default:
			n++
		}
	}
	return n
}

func readPassRates(t *testing.T, golden string) map[string]int {
	f, err := os.Open(golden)
	if err != nil {
		t.Fatalf("%v; run with -update to create it", err)
	}
	defer f.Close()
	out := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var set string
		var n, of int
		if _, err := fmt.Sscanf(line, "%s %d/%d", &set, &n, &of); err != nil {
			t.Fatalf("%s: bad line %q", golden, line)
		}
		out[set] = n
	}
	return out
}

func writePassRates(t *testing.T, golden, what string, got map[string]int, bySet map[string][]corpusImage) {
	var sets []string
	for s := range got {
		sets = append(sets, s)
	}
	sort.Strings(sets)
	var b strings.Builder
	fmt.Fprintf(&b, "# Images read correctly per set by %s.\n", what)
	b.WriteString("# nocode-bg counts frames left unread. Regenerate: go test ./scanner -run 'TestPassRate|TestCameraRate' -update\n")
	total, all := 0, 0
	for _, s := range sets {
		fmt.Fprintf(&b, "%s %d/%d\n", s, got[s], len(bySet[s]))
		if !strings.HasPrefix(s, "nocode") {
			total += got[s]
			all += len(bySet[s])
		}
	}
	fmt.Fprintf(&b, "# codes read: %d/%d\n", total, all)
	if err := os.WriteFile(filepath.FromSlash(golden), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
