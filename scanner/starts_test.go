package scanner

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// admitsEveryRead fails t when a gozxing reader reads bits, in either
// direction, where startsIn would not have run it: skipping readers by
// their start patterns must change no read.
// It returns the formats read and how many reader runs startsIn skipped.
func admitsEveryRead(t *testing.T, bits *gozxing.BitArray, what string) (read map[string]bool, skipped int) {
	t.Helper()
	read = map[string]bool{}
	readers := formatSet{ean: true, code128: true, code39: true}.rowReaders()
	var s lineScratch
	for pass := range 2 {
		runs := lineRuns(bits, nil)
		if want := naiveRuns(bits); !slices.Equal(runs, want) {
			t.Fatalf("%s: lineRuns %v, want %v", what, runs, want)
		}
		starts := startsIn(runs, s.counts)
		for _, r := range readers {
			res, err := r.dec.DecodeRow(0, bits, r.hints)
			if err == nil {
				read[formatName(res.GetBarcodeFormat())] = true
			}
			if !starts.allows(r.format) {
				skipped++
				if err == nil {
					t.Errorf("%s, pass %d: %s read %q where no start was seen", what, pass, r.format, res.GetText())
				}
			}
		}
		if pass == 0 {
			if back := reverseRuns(runs, nil); !slices.Equal(back, reverseBits(bits)) {
				t.Fatalf("%s: reverseRuns %v, want %v", what, back, reverseBits(bits))
			}
		}
		bits.Reverse()
	}
	return read, skipped
}

// naiveRuns is lineRuns pixel by pixel.
func naiveRuns(bits *gozxing.BitArray) []float64 {
	var runs []float64
	black, length := false, 0
	for i := range bits.GetSize() {
		if bits.Get(i) != black {
			runs = append(runs, float64(length))
			black, length = !black, 0
		}
		length++
	}
	return append(runs, float64(length))
}

func reverseBits(bits *gozxing.BitArray) []float64 {
	c := gozxing.NewBitArray(bits.GetSize())
	for i := range bits.GetSize() {
		if bits.Get(i) {
			c.Set(i)
		}
	}
	c.Reverse()
	return naiveRuns(c)
}

// symbolRows are rows of the three readers' symbols at several module
// widths, with and without quiet zones, and with noise beside them.
func symbolRows(t *testing.T) map[string]*gozxing.BitArray {
	t.Helper()
	type sym struct {
		name   string
		w      gozxing.Writer
		format gozxing.BarcodeFormat
		text   string
	}
	syms := []sym{
		{"ean13", oned.NewEAN13Writer(), gozxing.BarcodeFormat_EAN_13, "9780201379624"},
		{"ean8", oned.NewEAN8Writer(), gozxing.BarcodeFormat_EAN_8, "96385074"},
		{"upce", oned.NewUPCEWriter(), gozxing.BarcodeFormat_UPC_E, "01234565"},
		{"code128", oned.NewCode128Writer(), gozxing.BarcodeFormat_CODE_128, "Pudo-1234"},
		{"code39", oned.NewCode39Writer(), gozxing.BarcodeFormat_CODE_39, "PUDO 42"},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	out := map[string]*gozxing.BitArray{}
	for _, s := range syms {
		m, err := s.w.Encode(s.text, s.format, 0, 1, map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0})
		if err != nil {
			t.Fatal(err)
		}
		for _, px := range []int{1, 2, 3} {
			for _, quiet := range []int{0, 3, 12} {
				for _, noise := range []bool{false, true} {
					n := (m.GetWidth()+2*quiet)*px + 40
					bits := gozxing.NewBitArray(n)
					if noise {
						for x := 0; x < 20; x++ {
							if rng.IntN(2) == 0 {
								bits.Set(x)
								bits.Set(n - 1 - x)
							}
						}
					}
					for x := range m.GetWidth() {
						if m.Get(x, 0) {
							for k := range px {
								bits.Set(20 + (quiet+x)*px + k)
							}
						}
					}
					out[fmt.Sprintf("%s/%dpx/quiet %d/noise %v", s.name, px, quiet, noise)] = bits
				}
			}
		}
	}
	return out
}

// TestStartsAdmitEveryRead holds the start-pattern search to gozxing's
// readers: on symbols of every format and on lines across the local
// photographs, no reader reads where startsIn would skip it.
func TestStartsAdmitEveryRead(t *testing.T) {
	read := map[string]bool{}
	for name, bits := range symbolRows(t) {
		r, _ := admitsEveryRead(t, bits, name)
		for f := range r {
			read[f] = true
		}
	}
	for _, f := range []string{FormatEAN13, FormatEAN8, FormatUPCE, FormatCode128, FormatCode39} {
		if !read[f] {
			t.Errorf("no %s symbol row was read: the test proves nothing for it", f)
		}
	}
	skipped, lines := 0, 0
	photos := loadPhotos(t, localPhotos)
	var prof []byte
	for _, c := range photos {
		w, h := c.img.Rect.Dx(), c.img.Rect.Dy()
		for _, column := range []bool{false, true} {
			for at := 3; ; at += 7 {
				l, ok := axisLine(w, h, column, float64(at))
				if !ok {
					break
				}
				prof = l.sample(c.img, prof)
				bits := gozxing.NewBitArray(len(prof))
				binarizeHistogram(prof, bits)
				_, n := admitsEveryRead(t, bits, c.set+"/"+c.name)
				skipped += n
				lines++
			}
		}
	}
	t.Logf("%d photograph lines: %.1f of 6 reader runs skipped per line", lines, float64(skipped)/float64(lines))
}

// FuzzStartsAdmitEveryRead builds a line from run lengths (one byte each)
// and holds startsIn to the readers as TestStartsAdmitEveryRead does.
func FuzzStartsAdmitEveryRead(f *testing.F) {
	f.Add([]byte{9, 2, 1, 1, 4, 1, 2, 1, 1, 2, 2, 2, 1, 9})
	f.Add([]byte{0, 1, 1, 1, 3, 2, 1, 1, 2, 2, 2, 1, 2, 2, 2, 1})
	f.Fuzz(func(t *testing.T, runs []byte) {
		n := 0
		for _, r := range runs {
			n += int(r%16) + 1
		}
		if n == 0 || n > 4096 {
			return
		}
		bits := gozxing.NewBitArray(n)
		x := 0
		for i, r := range runs {
			w := int(r%16) + 1
			if i%2 == 1 {
				bits.SetRange(x, x+w)
			}
			x += w
		}
		admitsEveryRead(t, bits, "fuzz")
	})
}
