package scanner

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// photoCount is how one set of photographs fared.
type photoCount struct{ of, read, wrong int }

// holdPhotoRates reads every photograph with readOne and holds each set to
// golden: reads may rise, wrong reads may fall (rerun with -update to
// record either); a read on a photograph with no code fails at once.
func holdPhotoRates(t *testing.T, imgs []corpusImage, golden, what string, readOne func(*testing.T, corpusImage) (Result, bool)) {
	bySet := map[string][]corpusImage{}
	for _, c := range imgs {
		bySet[c.set] = append(bySet[c.set], c)
	}
	var mu sync.Mutex
	got := map[string]photoCount{}
	t.Run("sets", func(t *testing.T) {
		for set, cs := range bySet {
			t.Run(set, func(t *testing.T) {
				t.Parallel()
				n := photoCount{of: len(cs)}
				for _, c := range cs {
					r, ok := readOne(t, c)
					switch {
					case !ok:
						if c.want == "" {
							n.read++ // no code: counted when left unread
						}
					case c.want == "":
						t.Errorf("%s/%s: false read %s %q (stage %s)", c.set, c.name, r.Format, r.Text, r.Stage)
					case r.Text != c.want:
						n.wrong++
						t.Logf("%s/%s: wrong read %s %q, want %q (stage %s)", c.set, c.name, r.Format, r.Text, c.want, r.Stage)
					default:
						n.read++
					}
				}
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
		writePhotoRates(t, golden, what, got)
		return
	}
	want := readPhotoRates(t, golden)
	for set, n := range got {
		w, ok := want[set]
		switch {
		case !ok:
			t.Errorf("%s: not in %s; run with -update", set, golden)
		case n.read < w.read:
			t.Errorf("%s: read %d of %d, recorded %d: the read rate fell", set, n.read, n.of, w.read)
		case n.wrong > w.wrong:
			t.Errorf("%s: %d wrong reads, recorded %d: misreads rose", set, n.wrong, w.wrong)
		case n.read > w.read || n.wrong < w.wrong:
			t.Logf("%s: read %d, %d wrong, recorded %d, %d: better; run with -update to record it", set, n.read, n.wrong, w.read, w.wrong)
		}
	}
}

func readPhotoRates(t *testing.T, golden string) map[string]photoCount {
	f, err := os.Open(golden)
	if err != nil {
		t.Fatalf("%v; run with -update to create it", err)
	}
	defer f.Close()
	out := map[string]photoCount{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var set string
		var n photoCount
		if _, err := fmt.Sscanf(line, "%s %d/%d wrong %d", &set, &n.read, &n.of, &n.wrong); err != nil {
			t.Fatalf("%s: bad line %q", golden, line)
		}
		out[set] = n
	}
	return out
}

// family is a set's symbology: the set's name without its number.
func family(set string) string {
	if noCodeSet(set) {
		return "no code"
	}
	if i := strings.LastIndex(set, "-"); i > 0 {
		return set[:i]
	}
	return set
}

func writePhotoRates(t *testing.T, golden, what string, got map[string]photoCount) {
	var sets []string
	fams := map[string]photoCount{}
	for s, n := range got {
		sets = append(sets, s)
		f := fams[family(s)]
		fams[family(s)] = photoCount{f.of + n.of, f.read + n.read, f.wrong + n.wrong}
	}
	sort.Strings(sets)
	var b strings.Builder
	fmt.Fprintf(&b, "# Photographs read right, and read wrong, per set by %s.\n", what)
	b.WriteString("# Sets with no code count photographs left unread. Regenerate: go test ./scanner -run 'Photo|Local' -update\n")
	for _, s := range sets {
		n := got[s]
		fmt.Fprintf(&b, "%s %d/%d wrong %d\n", s, n.read, n.of, n.wrong)
	}
	var names []string
	for f := range fams {
		names = append(names, f)
	}
	sort.Strings(names)
	total := photoCount{}
	for _, f := range names {
		n := fams[f]
		fmt.Fprintf(&b, "# %s: %d/%d, %d wrong\n", f, n.read, n.of, n.wrong)
		if f != "no code" {
			total = photoCount{total.of + n.of, total.read + n.read, total.wrong + n.wrong}
		}
	}
	fmt.Fprintf(&b, "# codes: %d/%d read, %d wrong\n", total.read, total.of, total.wrong)
	if err := os.WriteFile(filepath.FromSlash(golden), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
