package scanner

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

// A 1D reader accepts a line when its check digit passes, and one digit in
// ten passes by chance: a blurred line through an EAN-13 reads as a valid
// UPC-E or EAN-8 found among its bars, or as another EAN-13 with two digits
// swapped. The rules here ask for evidence chance does not give: a read
// whose length fits what the line shows, and agreement that no rival read
// contradicts.

// eanGeometry is, per short EAN/UPC format, the symbol's width in modules and
// where gozxing's two result points (the centres of the start and end
// guards) sit from its ends, in modules.
var eanGeometry = map[string]struct{ modules, start, end float64 }{
	FormatEAN8: {67, 1.5, 1.5},
	FormatUPCE: {51, 1.5, 3},
}

// quietZone is how many modules of white a short EAN/UPC symbol must have on
// each side. The standard asks for 7 or more; gozxing checks only 3 (6 after
// a UPC-E). Inside an EAN-13 no white gap is wider than 4 modules, so a
// short symbol read among its bars fails this.
const quietZone = 7

// fitsLine reports whether a result read on bits has the quiet zones its
// format needs. Only EAN-8 and UPC-E are checked: they are the ones found
// inside longer symbols.
func fitsLine(bits *gozxing.BitArray, res *gozxing.Result, format string) bool {
	if format != FormatEAN8 && format != FormatUPCE {
		return true
	}
	g := eanGeometry[format]
	const q = quietZone
	pts := res.GetResultPoints()
	if len(pts) < 2 {
		return false
	}
	p0, p1 := pts[0].GetX(), pts[1].GetX()
	m := (p1 - p0) / (g.modules - g.start - g.end)
	if m <= 0 {
		return false
	}
	start, end := p0-g.start*m, p1+g.end*m
	return whiteRun(bits, start-q*m, start-0.5*m) && whiteRun(bits, end+0.5*m, end+q*m)
}

// whiteRun reports whether bits has no black in [from, to]; a span off the
// row's end is not known to be white.
func whiteRun(bits *gozxing.BitArray, from, to float64) bool {
	a, b := int(math.Floor(from)), int(math.Ceil(to))
	if a < 0 || b >= bits.GetSize() {
		return false
	}
	ok, _ := bits.IsRange(a, b+1, false)
	return ok
}

// rivalMargin is how many more lines than any contradicting read a 1D
// result needs: when lines disagree, they are blurred or noisy enough that
// two agreeing may be chance too.
const rivalMargin = 2

// accepted reports whether the lines in hits make a case for k: two lines
// read it and, if other lines read something else, it leads by rivalMargin.
func accepted(hits map[[2]string]witnesses, k [2]string) bool {
	n := len(hits[k])
	if n < 2 {
		return false
	}
	for o, w := range hits {
		if o != k && n < len(w)+rivalMargin {
			return false
		}
	}
	return true
}
