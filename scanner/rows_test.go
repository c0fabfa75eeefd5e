package scanner

import (
	"image"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

func TestRowPhases(t *testing.T) {
	tests := []struct {
		spacing int
		want    []int
	}{
		{0, nil},
		{16, []int{0}},
		{8, []int{0, 8}},
		{4, []int{0, 8, 4, 12}},
		{2, []int{0, 8, 4, 12, 2, 10, 6, 14}},
		{32, nil},
	}
	for _, tt := range tests {
		if got := rowPhases(tt.spacing); !slices.Equal(got, tt.want) {
			t.Errorf("rowPhases(%d) = %v, want %v", tt.spacing, got, tt.want)
		}
	}
}

func TestBlackPoint(t *testing.T) {
	line := func(dark, light byte, darkShare float64) []byte {
		p := make([]byte, 200)
		for i := range p {
			p[i] = light
			if float64(i%20) < 20*darkShare {
				p[i] = dark
			}
		}
		return p
	}
	tests := []struct {
		name   string
		prof   []byte
		lo, hi int // the black point lies in [lo, hi]
	}{
		{"ink and paper", line(30, 220, 0.4), 30, 219},
		{"grey print on grey", line(90, 160, 0.5), 90, 159},
		{"little ink", line(40, 200, 0.1), 40, 199},
		{"flat", line(120, 120, 0.5), -1, -1},
		{"too little contrast", line(120, 130, 0.5), -1, -1},
	}
	for _, tt := range tests {
		if got := blackPoint(tt.prof); got < tt.lo || got > tt.hi {
			t.Errorf("%s: black point %d, want %d..%d", tt.name, got, tt.lo, tt.hi)
		}
	}
}

// TestBinarizeHistogramKeepsWideBars: one threshold per line keeps bars far
// wider than the local threshold's window whole, and a flat line white.
func TestBinarizeHistogramKeepsWideBars(t *testing.T) {
	prof := make([]byte, 300)
	for i := range prof {
		prof[i] = 210
		if i >= 50 && i < 110 || i >= 150 && i < 160 { // a 60-pixel bar, a 10-pixel one
			prof[i] = 40
		}
	}
	bits := gozxing.NewBitArray(len(prof))
	binarizeHistogram(prof, bits)
	if got := naiveRuns(bits); !slices.Equal(got, []float64{50, 60, 40, 10, 140}) {
		t.Errorf("runs %v, want the bars whole", got)
	}
	flat := make([]byte, 300)
	for i := range flat {
		flat[i] = 128
	}
	binarizeHistogram(flat, bits)
	if bits.GetNextSet(0) < bits.GetSize() {
		t.Error("a flat line came out with bars")
	}
}

// TestRowsReadACodeToTheEdge: a Code 39 symbol printed up to the picture's
// left edge has the edge for its quiet zone, as zxing-cpp reads it; only
// the rows stage's lines, which run to the edge, read it.
func TestRowsReadACodeToTheEdge(t *testing.T) {
	m, err := oned.NewCode39Writer().Encode("PUDO 42", gozxing.BarcodeFormat_CODE_39, 0, 0,
		map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	const px = 2
	g := image.NewGray(image.Rect(0, 0, m.GetWidth()*px+80, 100))
	for i := range g.Pix {
		g.Pix[i] = 225
	}
	for x := range m.GetWidth() {
		if m.Get(x, 0) {
			for y := 10; y < 90; y++ {
				for k := range px {
					g.Pix[y*g.Stride+x*px+k] = 35
				}
			}
		}
	}
	for _, rows := range []int{0, defaultTuning.rowSpacing} {
		d, err := NewDecoder(DefaultConfig().Formats)
		if err != nil {
			t.Fatal(err)
		}
		d.tune.rowSpacing = rows
		r, err := d.DecodeImage(g)
		read := err == nil && r.Text == "PUDO 42"
		if read != (rows > 0) {
			t.Errorf("rows stage spacing %d: read %v (%s %q, stage %s)", rows, read, r.Format, r.Text, r.Stage)
		}
	}
}
