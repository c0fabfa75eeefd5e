package scanner

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"testing"
)

// outcome is how one decoder fared on one image.
type outcome int8

const (
	unread    outcome = iota // a code left unread, or no code and none read
	right                    // the expected text
	wrong                    // a code read as another text
	falseRead                // a read on an image with no code
)

// scored is one image's outcome and what was read.
type scored struct {
	c corpusImage
	o outcome
	r Result
}

// readFunc is one way of reading an image: a path of ours or a peer.
type readFunc func(*testing.T, corpusImage) (Result, bool)

// scoreAll reads every image with read, in parallel on GOMAXPROCS workers
// (each read makes its own decoder), and returns the outcomes in imgs' order.
func scoreAll(t *testing.T, imgs []corpusImage, read readFunc) []scored {
	out := make([]scored, len(imgs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, workers()) {
		wg.Go(func() {
			for i := range next {
				c := imgs[i]
				r, ok := read(t, c)
				s := scored{c: c, r: r}
				switch {
				case !ok:
				case c.want == "":
					s.o = falseRead
				case r.Text == c.want:
					s.o = right
				default:
					s.o = wrong
				}
				out[i] = s
			}
		})
	}
	for i := range imgs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// tally is the count of each outcome over some images.
type tally struct{ codes, read, wrong, nocode, falses int }

func (t *tally) add(s scored) {
	if s.c.want == "" {
		t.nocode++
	} else {
		t.codes++
	}
	switch s.o {
	case right:
		t.read++
	case wrong:
		t.wrong++
	case falseRead:
		t.falses++
	}
}

func (t tally) String() string {
	return fmt.Sprintf("%d/%d read, %d wrong, %d false on %d no-code", t.read, t.codes, t.wrong, t.falses, t.nocode)
}

// byFamily tallies outcomes per family (see family) and over all ("all").
func byFamily(ss []scored) map[string]tally {
	out := map[string]tally{}
	for _, s := range ss {
		for _, k := range []string{family(s.c.set), "all"} {
			t := out[k]
			t.add(s)
			out[k] = t
		}
	}
	return out
}

// misreads lists the wrong and false reads of ss, one a line.
func misreads(ss []scored) []string {
	var out []string
	for _, s := range ss {
		switch s.o {
		case wrong:
			out = append(out, fmt.Sprintf("%s/%s: wrong %s %q, want %q (%s)", s.c.set, s.c.name, s.r.Format, clip(s.r.Text), clip(s.c.want), s.r.Stage))
		case falseRead:
			out = append(out, fmt.Sprintf("%s/%s: false %s %q (%s)", s.c.set, s.c.name, s.r.Format, clip(s.r.Text), s.r.Stage))
		}
	}
	sort.Strings(out)
	return out
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// families lists the family names of tallies, sorted, "all" last.
func families(m map[string]tally) []string {
	var out []string
	for k := range m {
		if k != "all" && k != "no code" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return append(out, "all")
}

func workers() int { return runtime.GOMAXPROCS(0) }
