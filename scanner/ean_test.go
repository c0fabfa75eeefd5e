package scanner

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// eanModules returns text's EAN-13 modules (true: bar), 95 of them.
func eanModules(t *testing.T, text string) []bool {
	t.Helper()
	m, err := oned.NewEAN13Writer().Encode(text, gozxing.BarcodeFormat_EAN_13, 95, 1, map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]bool, m.GetWidth())
	for x := range out {
		out[x] = m.Get(x, 0)
	}
	return out
}

// sampleModules lays modules on a line of module-wide samples, with quiet
// zones, every bar grown by spread samples on its right edge: the one-sided
// blur a real photograph shows, which moves edges that whole-pixel pattern
// matching depends on.
func sampleModules(mods []bool, module, spread float64) *gozxing.BitArray {
	quiet := 12 * module
	n := int(2*quiet + float64(len(mods))*module)
	bits := gozxing.NewBitArray(n)
	for i := range n {
		x := (float64(i) + 0.5 - quiet) / module
		k := int(x)
		switch {
		case x >= 0 && k < len(mods) && mods[k]:
			bits.Set(i)
		case x-spread/module >= 0 && int(x-spread/module) < len(mods) && mods[int(x-spread/module)]:
			bits.Set(i) // the bar's grown edge
		}
	}
	return bits
}

func TestReadEAN13(t *testing.T) {
	tests := []struct {
		name, text     string
		module, spread float64
		format, want   string
	}{
		{"ean-13 sharp", "9780201379624", 3, 0, FormatEAN13, "9780201379624"},
		{"ean-13 2.3 px modules, bars 0.7 px wide", "4006381333931", 2.3, 0.7, FormatEAN13, "4006381333931"},
		{"upc-a as 12 digits, oversampled 2.1 px modules", "0023942431015", 4.2, 1.2, FormatUPCA, "023942431015"},
		{"upc-a fat bars", "0036000291452", 4, 1.5, FormatUPCA, "036000291452"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bits := sampleModules(eanModules(t, tt.text), tt.module, tt.spread)
			f, text, ok := readEAN13(bits, &lineScratch{})
			if !ok || f != tt.format || text != tt.want {
				t.Errorf("read %v %s %q, want %s %q", ok, f, text, tt.format, tt.want)
			}
			bits.Reverse()
			if _, _, ok := readEAN13(bits, &lineScratch{}); ok {
				t.Error("read the line backwards: the reader reads left to right only")
			}
		})
	}
}

// A line through a code that is not there, or a broken one, reads nothing.
func TestReadEAN13Refuses(t *testing.T) {
	mods := eanModules(t, "9780201379624")
	tests := []struct {
		name string
		bits *gozxing.BitArray
	}{
		{"no quiet zone", func() *gozxing.BitArray {
			b := sampleModules(mods, 3, 0)
			for i := 0; i < 36; i++ {
				b.Set(i) // black up to the symbol
			}
			return b
		}()},
		{"one bar missing", func() *gozxing.BitArray {
			m := append([]bool{}, mods...)
			for i := 40; i < 44; i++ {
				m[i] = false
			}
			return sampleModules(m, 3, 0)
		}()},
		{"blank", gozxing.NewBitArray(400)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if f, text, ok := readEAN13(tt.bits, &lineScratch{}); ok {
				t.Errorf("read %s %q", f, text)
			}
		})
	}
}

// A UPC-E found among an EAN-13's bars lacks the quiet zone a real one
// has: fitsLine refuses it.
func TestFitsLineRefusesShortCodeInsideLongOne(t *testing.T) {
	upce, err := oned.NewUPCEWriter().Encode("01234565", gozxing.BarcodeFormat_UPC_E, 51, 1, map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	mods := make([]bool, upce.GetWidth())
	for x := range mods {
		mods[x] = upce.Get(x, 0)
	}
	alone := sampleModules(mods, 3, 0)
	// An EAN-13's bar 4 modules to the left: gozxing's own check wants 3.
	crowded := sampleModules(append([]bool{true, true, false, false, false, false}, mods...), 3, 0)
	r := oned.NewUPCEReader().(oned.RowDecoder)
	for _, tt := range []struct {
		name string
		bits *gozxing.BitArray
		want bool
	}{{"alone", alone, true}, {"among other bars", crowded, false}} {
		res, err := r.DecodeRow(0, tt.bits, nil)
		if err != nil {
			t.Fatalf("%s: gozxing does not read it: %v", tt.name, err)
		}
		if got := fitsLine(tt.bits, res, FormatUPCE); got != tt.want {
			t.Errorf("%s: fitsLine = %v, want %v", tt.name, got, tt.want)
		}
	}
}
