package scanner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

func TestExploreOne(t *testing.T) {
	f := os.Getenv("SCANNER_ONE")
	if f == "" {
		t.Skip()
	}
	var rot float64
	fmt.Sscan(os.Getenv("SCANNER_ROT"), &rot)
	g := loadGray(t, filepath.Join(corpusDir(t), f+".png"))
	want := readText(t, filepath.Join(corpusDir(t), f+".txt"))
	d, _ := NewDecoder(DefaultConfig().Formats)
	for _, edges := range []bool{false, true} {
		for _, sharp := range []float32{0, 1, 2} {
			for _, band := range []int{11, 21, 31} {
				for _, step := range []float64{1, 0.5} {
					var res []string
					for da := -4.0; da <= 4; da += 1 {
						o := lineOpts{step, band, edges, sharp}
						hits := map[[2]string]int{}
						var prof, scr, tmp []float32
						for i, l := range linesAt(640, 480, rot+da, 6) {
							prof = l.sampleF(g, o, prof)
							if sharp > 0 {
								tmp = sharpen(prof, sharp, tmp)
							}
							bits := gozxing.NewBitArray(len(prof))
							if edges {
								scr = binarizeEdges(prof, int(10/step), 4, bits, scr)
							} else {
								binarizeEnvelope(prof, int(10/step), 20, bits)
							}
							for _, k := range decodeBits(i, bits, d.rows) {
								hits[k]++
							}
						}
						for k, n := range hits {
							tag := "ok"
							if k[1] != want {
								tag = "WRONG"
							}
							res = append(res, fmt.Sprintf("%+.0f:%s%d:%s", da, tag, n, k[1]))
						}
					}
					fmt.Printf("edges=%v sharp=%.0f band=%d step=%.1f %s\n", edges, sharp, band, step, strings.Join(res, " "))
				}
			}
		}
	}
}
