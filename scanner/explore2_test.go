package scanner

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

func TestExplore1D(t *testing.T) {
	if os.Getenv("SCANNER_EXPLORE") == "" {
		t.Skip("set SCANNER_EXPLORE=1")
	}
	imgs := loadCorpus(t)
	manifest, _ := os.ReadFile(corpusDir(t) + "/manifest.tsv")
	rots := map[string]float64{}
	re := regexp.MustCompile(`rot=(-?[0-9.]+)`)
	for _, l := range strings.Split(string(manifest), "\n") {
		c := strings.Split(l, "\t")
		if len(c) < 3 {
			continue
		}
		if m := re.FindStringSubmatch(c[2]); m != nil {
			v, _ := strconv.ParseFloat(m[1], 64)
			rots[c[0]+"/"+c[1]] = v
		}
	}
	d, _ := NewDecoder(DefaultConfig().Formats)
	type cfg struct {
		o       lineOpts
		spacing float64
		win     int
		min     float32
	}
	cfgs := []cfg{
		{lineOpts{0.5, 3, false, 0}, 8, 20, 0},
		{lineOpts{1, 21, false, 2}, 8, 10, 0},
		{lineOpts{1, 7, true, 0}, 8, 10, 0},
		{lineOpts{1, 11, true, 1}, 8, 10, 0},
		{lineOpts{1, 21, false, 0}, 8, 10, 0},
		{lineOpts{0.5, 7, false, 1}, 8, 20, 0},
		{lineOpts{1, 15, true, 2}, 8, 10, 0},
		{lineOpts{1, 21, false, 3}, 8, 10, 0},
	}
	results := map[string]map[string]int{}
	got := map[string]bool{}
	for _, c := range imgs {
		if strings.HasPrefix(c.set, "qr") || strings.HasPrefix(c.set, "nocode") {
			continue
		}
		rot := rots[c.set+"/"+c.name]
		for ci, cf := range cfgs {
			key := fmt.Sprintf("%d band=%d step=%.1f edges=%v sharp=%.0f", ci, cf.o.band, cf.o.step, cf.o.edges, cf.o.sharp)
			if results[key] == nil {
				results[key] = map[string]int{}
			}
			ok := false
			for _, a := range []float64{rot, -rot} {
				hits := map[[2]string]int{}
				lines := linesAt(c.img.Rect.Dx(), c.img.Rect.Dy(), a, cf.spacing)
				var prof, scr, tmp []float32
				for i, l := range lines {
					prof = l.sampleF(c.img, cf.o, prof)
					if cf.o.sharp > 0 {
						tmp = sharpen(prof, cf.o.sharp, tmp)
					}
					bits := gozxing.NewBitArray(len(prof))
					if cf.o.edges {
						scr = binarizeEdges(prof, cf.win, 4, bits, scr)
					} else {
						binarizeEnvelope(prof, cf.win, 20, bits)
					}
					for _, k := range decodeBits(i, bits, d.rows) {
						hits[k]++
					}
				}
				for k, n := range hits {
					if n >= 2 {
						if k[1] == c.want {
							ok = true
						} else {
							t.Logf("WRONG %s/%s %v %s", c.set, c.name, k, key)
						}
					}
				}
				if ok || rot == 0 {
					break
				}
			}
			if ok {
				if results["union"] == nil {
					results["union"] = map[string]int{}
				}
				if !got[c.set+c.name] {
					got[c.set+c.name] = true
					results["union"][c.set]++
					results["union"]["total"]++
				}
				results[key][c.set]++
				results[key]["total"]++
			}
		}
	}
	var keys []string
	for k := range results {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var sets []string
		for s, n := range results[k] {
			sets = append(sets, fmt.Sprintf("%s=%d", s, n))
		}
		sort.Strings(sets)
		fmt.Println(k, strings.Join(sets, " "))
	}
}
