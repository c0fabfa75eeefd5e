package scanner

import (
	"fmt"
	"os"
	"sort"
	"testing"
	"time"
)

func TestExplore(t *testing.T) {
	if os.Getenv("SCANNER_EXPLORE") == "" {
		t.Skip("set SCANNER_EXPLORE=1")
	}
	imgs := loadCorpus(t)
	type tally struct {
		ok, base, n, wrong int
		ms                 float64
	}
	sets := map[string]*tally{}
	stageCount := map[string]int{}
	for _, c := range imgs {
		s := sets[c.set]
		if s == nil {
			s = &tally{}
			sets[c.set] = s
		}
		s.n++
		d, _ := NewDecoder(DefaultConfig().Formats)
		t0 := time.Now()
		r, err := d.DecodeImage(c.img)
		s.ms += float64(time.Since(t0).Microseconds()) / 1000
		if err == nil {
			if r.Text == c.want {
				s.ok++
				stageCount[r.Stage]++
			} else {
				s.wrong++
				t.Logf("WRONG %s/%s: %q want %q (%s)", c.set, c.name, r.Text, c.want, r.Stage)
			}
		} else if c.want != "" {
			t.Logf("MISS %s/%s", c.set, c.name)
		}
		if txt, ok := plainGozxing(c.img); ok && txt == c.want {
			s.base++
		}
	}
	var names []string
	for k := range sets {
		names = append(names, k)
	}
	sort.Strings(names)
	tot, totb := 0, 0
	for _, k := range names {
		s := sets[k]
		tot += s.ok
		totb += s.base
		fmt.Printf("%-18s ours %d/%d base %d/%d wrong %d  %.1f ms/img\n", k, s.ok, s.n, s.base, s.n, s.wrong, s.ms/float64(s.n))
	}
	fmt.Println("total", tot, totb, stageCount)
}
