package scanner

import (
	"bufio"
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"

	"pudo/app/testenv"
)

// corpusImage is one test image and the text it must decode to ("" for nocode-bg).
type corpusImage struct {
	set, name, path, want string
	img                   *image.Gray
}

// corpusDir is the shared image set, beside the clone as in CI.
func corpusDir(tb testing.TB) string {
	tb.Helper()
	return testenv.Shared(tb, "testdata/codes", "manifest.tsv")
}

// loadCorpus reads manifest.tsv and every image it lists.
func loadCorpus(tb testing.TB) []corpusImage {
	tb.Helper()
	dir := corpusDir(tb)
	f, err := os.Open(filepath.Join(dir, "manifest.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []corpusImage
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 3 {
			continue
		}
		c := corpusImage{set: cols[0], name: cols[1], path: filepath.Join(dir, cols[0], cols[1]+".png")}
		if len(cols) >= 4 && !strings.HasPrefix(c.set, "nocode") {
			c.want = cols[3]
		}
		c.img = loadGray(tb, c.path)
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func loadGray(tb testing.TB, path string) *image.Gray {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return ToGray(img)
}

// plainGozxing is the baseline: what a straightforward gozxing user gets with
// default hints, every reader the pipeline has, through the RGBA luminance source.
func plainGozxing(img image.Image) (string, bool) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", false
	}
	readers := []gozxing.Reader{
		qrcode.NewQRCodeReader(),
		datamatrix.NewDataMatrixReader(),
		oned.NewMultiFormatUPCEANReader(nil),
		oned.NewCode128Reader(),
		oned.NewCode39Reader(),
		oned.NewITFReader(),
	}
	for _, r := range readers {
		if res, err := r.Decode(bmp, nil); err == nil {
			return res.GetText(), true
		}
	}
	return "", false
}

// plainQR is the cost baseline: gozxing's QR reader as its README shows it,
// from an image through its own luminance source and hybrid binarizer.
func plainQR(img image.Image) (string, bool) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", false
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", false
	}
	return res.GetText(), true
}
