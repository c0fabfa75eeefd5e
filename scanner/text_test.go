package scanner

import (
	"image"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// code128Widths are Code 128's bar and space widths per symbol value
// (ISO/IEC 15417, table 1), 106 being the stop pattern.
var code128Widths = strings.Fields(`
212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212
112232 122132 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131
311222 321122 321221 312212 322112 322211 212123 212321 232121 111323 131123 131321
112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121
313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111
314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 112412 122114
122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212
124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113
114311 411113 411311 113141 114131 311141 411131 211412 211214 211232 2331112`)

// code128B lays out a Code 128 symbol in code set B from its data values
// (start, check and stop added), as module widths, bar first.
func code128B(values ...int) []int {
	const startB, stop = 104, 106
	sum := startB
	for i, v := range values {
		sum += (i + 1) * v
	}
	all := append(append([]int{startB}, values...), sum%103, stop)
	var widths []int
	for _, v := range all {
		for _, c := range code128Widths[v] {
			widths = append(widths, int(c-'0'))
		}
	}
	return widths
}

// drawBars draws module widths (bar first) as a 1D symbol, each module
// px pixels wide, on a white frame with room for quiet zones.
func drawBars(widths []int, px int) *image.Gray {
	n := 0
	for _, w := range widths {
		n += w
	}
	g := image.NewGray(image.Rect(0, 0, (n+40)*px, 120))
	for i := range g.Pix {
		g.Pix[i] = 235
	}
	x := 20 * px
	for i, w := range widths {
		if i%2 == 0 {
			for y := 20; y < 100; y++ {
				for k := range w * px {
					g.Pix[y*g.Stride+x+k] = 30
				}
			}
		}
		x += w * px
	}
	return g
}

// drawMatrix draws a writer's bit matrix on a white frame.
func drawMatrix(m *gozxing.BitMatrix, pad int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, m.GetWidth()+2*pad, m.GetHeight()+2*pad))
	for i := range g.Pix {
		g.Pix[i] = 235
	}
	for y := range m.GetHeight() {
		for x := range m.GetWidth() {
			if m.Get(x, y) {
				g.Pix[(y+pad)*g.Stride+x+pad] = 30
			}
		}
	}
	return g
}

func decodeStill(t *testing.T, g *image.Gray) Result {
	t.Helper()
	d, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.DecodeImage(g)
	if err != nil {
		t.Fatalf("not read: %v", err)
	}
	if !utf8.ValidString(r.Text) {
		t.Fatalf("%s %q is not UTF-8", r.Format, r.Text)
	}
	return r
}

// A Code 128 label printed "óóóó1234": each ó is FNC4 and 's' (0xF3 less
// 128), ISO-8859-1 by the standard. It must come out as that text in
// UTF-8, not as the raw byte 0xF3.
func TestCode128FNC4IsLatin1(t *testing.T) {
	const fnc4B = 100 // FNC4 in code set B
	s := int('s') - 32
	var values []int
	for range 4 {
		values = append(values, fnc4B, s)
	}
	for _, c := range "1234" {
		values = append(values, int(c)-32)
	}
	r := decodeStill(t, drawBars(code128B(values...), 3))
	if r.Format != FormatCode128 || r.Text != "óóóó1234" {
		t.Fatalf("read %s %q, want CODE_128 %q", r.Format, r.Text, "óóóó1234")
	}
}

func TestCode39FullASCII(t *testing.T) {
	m, err := oned.NewCode39Writer().Encode("Pudo-12ab!", gozxing.BarcodeFormat_CODE_39, 0, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := drawBars(bitWidths(m), 3)
	if r := decodeStill(t, g); r.Format != FormatCode39 || r.Text != "Pudo-12ab!" {
		t.Fatalf("read %s %q, want CODE_39 %q", r.Format, r.Text, "Pudo-12ab!")
	}
	tests := []struct{ in, want string }{
		{"E+X+T+E+N+D+E+D /A%J/J/C", "Extended !?*#"},
		{"12+A+B", "12ab"},
		{"$M$J%U%V", "\r\n\x00@"},
		// Plain Code 39: a shift with no valid partner, or a pair for a
		// character plain Code 39 has (so no encoder pairs it).
		{"10% OFF", "10% OFF"},
		{"A/1", "A/1"},
		{"X+", "X+"},
		{"/M/N", "/M/N"},
		{"PUDO-7K3M", "PUDO-7K3M"},
	}
	for _, tt := range tests {
		res := gozxing.NewResult(tt.in, nil, nil, gozxing.BarcodeFormat_CODE_39)
		if got := symbolText(res, FormatCode39); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// bitWidths turns the first row of a 1D writer's matrix into run widths,
// bar first.
func bitWidths(m *gozxing.BitMatrix) []int {
	var out []int
	x := 0
	for x < m.GetWidth() && !m.Get(x, 0) {
		x++
	}
	for x < m.GetWidth() {
		v, n := m.Get(x, 0), 0
		for x < m.GetWidth() && m.Get(x, 0) == v {
			x++
			n++
		}
		out = append(out, n)
	}
	if len(out)%2 == 0 {
		out = out[:len(out)-1] // trailing quiet zone
	}
	return out
}

// QR codes carry their character set in an ECI (or leave it to the
// reader to guess): the text must come out as UTF-8 either way.
func TestQRTextIsUTF8(t *testing.T) {
	tests := []struct{ text, charset string }{
		{"Zażółć gęślą jaźń", "UTF-8"},
		{"Prêt à porter, 5 €", "UTF-8"},
		{"café crème", "ISO-8859-1"},
		{"日本語のテキスト", "Shift_JIS"},
	}
	for _, tt := range tests {
		t.Run(tt.charset, func(t *testing.T) {
			m, err := qrcode.NewQRCodeWriter().Encode(tt.text, gozxing.BarcodeFormat_QR_CODE, 300, 300,
				map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_CHARACTER_SET: tt.charset})
			if err != nil {
				t.Fatal(err)
			}
			if r := decodeStill(t, drawMatrix(m, 20)); r.Text != tt.text {
				t.Fatalf("read %q, want %q", r.Text, tt.text)
			}
		})
	}
}

// Data Matrix bytes above 0x7f are ISO-8859-1 unless an ECI says
// otherwise; gozxing notes an ECI (symbology identifier ]d4) without
// applying it.
func TestDataMatrixText(t *testing.T) {
	tests := []struct {
		name, raw, id, want string
	}{
		{"latin1", "Pr\xeat", "]d1", "Prêt"},
		{"ascii", "PUDO-7K3M", "]d1", "PUDO-7K3M"},
		{"eci utf-8", "Zażółć", "]d4", "Zażółć"},
		{"eci, not utf-8", "Pr\xeat", "]d4", "Prêt"},
	}
	for _, tt := range tests {
		res := gozxing.NewResult(tt.raw, nil, nil, gozxing.BarcodeFormat_DATA_MATRIX)
		res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, tt.id)
		if got := symbolText(res, FormatDataMatrix); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// FuzzSymbolText: whatever bytes a reader hands back, the text is UTF-8
// (Code 39 is ASCII by construction: its pairs decode below 0x80).
func FuzzSymbolText(f *testing.F) {
	for _, s := range []string{"E+X+T+E+N+D+E+D /A%J/J/C", "10% OFF", "X+", "Pr\xeat", "\xc3\xb3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, format := range []gozxing.BarcodeFormat{gozxing.BarcodeFormat_CODE_128, gozxing.BarcodeFormat_DATA_MATRIX, gozxing.BarcodeFormat_CODE_39} {
			res := gozxing.NewResult(raw, nil, nil, format)
			res.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, "]d4")
			got := symbolText(res, formatName(format))
			if format != gozxing.BarcodeFormat_CODE_39 && !utf8.ValidString(got) {
				t.Fatalf("%v %q: %q is not UTF-8", format, raw, got)
			}
			if full, ok := code39FullASCII(raw); ok && len(full) >= len(raw) {
				t.Fatalf("%q: full ASCII %q is not shorter", raw, full)
			}
		}
	})
}
