package scanner

import (
	"fmt"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// formatSet is which symbologies a Decoder reads.
type formatSet struct {
	qr, dm, code128, code39, ean, itf bool
}

// parseFormats turns Config.Formats into a set; an empty list is an error
// because a camera that reads nothing is a misconfiguration, not a choice.
func parseFormats(names []string) (formatSet, error) {
	var f formatSet
	if len(names) == 0 {
		return f, fmt.Errorf("must list at least one format")
	}
	for _, n := range names {
		switch strings.ToLower(n) {
		case "qr":
			f.qr = true
		case "datamatrix":
			f.dm = true
		case "code128":
			f.code128 = true
		case "code39":
			f.code39 = true
		case "ean", "upc":
			f.ean = true
		case "itf":
			f.itf = true
		default:
			return f, fmt.Errorf("unknown format %q (want qr, datamatrix, code128, code39, ean, itf)", n)
		}
	}
	return f, nil
}

// rowReaders builds fresh 1D readers: gozxing readers keep state, so every Decoder owns its own.
func (f formatSet) rowReaders() []rowReader {
	var rs []rowReader
	add := func(r gozxing.Reader, format string) {
		rs = append(rs, rowReader{dec: r.(oned.RowDecoder), format: format})
	}
	if f.ean {
		add(oned.NewMultiFormatUPCEANReader(nil), FormatEAN13)
		// Naming UPC-A among the wanted formats makes the reader report a
		// UPC-A as the 12 digits printed under it, not as an EAN-13 with a
		// leading 0.
		rs[len(rs)-1].hints = map[gozxing.DecodeHintType]interface{}{
			gozxing.DecodeHintType_POSSIBLE_FORMATS: []gozxing.BarcodeFormat{
				gozxing.BarcodeFormat_EAN_13, gozxing.BarcodeFormat_UPC_A,
				gozxing.BarcodeFormat_EAN_8, gozxing.BarcodeFormat_UPC_E,
			},
		}
	}
	if f.code128 {
		add(oned.NewCode128Reader(), FormatCode128)
	}
	if f.code39 {
		add(oned.NewCode39Reader(), FormatCode39)
	}
	if f.itf {
		add(oned.NewITFReader(), FormatITF)
	}
	return rs
}

var formatNames = map[gozxing.BarcodeFormat]string{
	gozxing.BarcodeFormat_QR_CODE:     FormatQR,
	gozxing.BarcodeFormat_DATA_MATRIX: FormatDataMatrix,
	gozxing.BarcodeFormat_CODE_128:    FormatCode128,
	gozxing.BarcodeFormat_CODE_39:     FormatCode39,
	gozxing.BarcodeFormat_EAN_13:      FormatEAN13,
	gozxing.BarcodeFormat_EAN_8:       FormatEAN8,
	gozxing.BarcodeFormat_UPC_A:       FormatUPCA,
	gozxing.BarcodeFormat_UPC_E:       FormatUPCE,
	gozxing.BarcodeFormat_ITF:         FormatITF,
}

func formatName(f gozxing.BarcodeFormat) string {
	if n, ok := formatNames[f]; ok {
		return n
	}
	return f.String()
}
