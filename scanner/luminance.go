package scanner

import (
	"errors"
	"image"

	"github.com/makiuchi-d/gozxing"
)

// grayLuminance serves gozxing straight from a Y plane, so a frame is never
// copied through RGBA as gozxing.NewLuminanceSourceFromImage would do.
type grayLuminance struct {
	gozxing.LuminanceSourceBase
	pix    []byte // first pixel of the (possibly cropped) image
	stride int
}

var _ gozxing.LuminanceSource = (*grayLuminance)(nil)

func newGrayLuminance(g *image.Gray) *grayLuminance {
	r := g.Rect
	return &grayLuminance{
		LuminanceSourceBase: gozxing.LuminanceSourceBase{Width: r.Dx(), Height: r.Dy()},
		pix:                 g.Pix[g.PixOffset(r.Min.X, r.Min.Y):],
		stride:              g.Stride,
	}
}

func (l *grayLuminance) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= l.Height {
		return nil, errors.New("requested row is outside the image")
	}
	if len(row) < l.Width {
		row = make([]byte, l.Width)
	}
	copy(row, l.pix[y*l.stride:y*l.stride+l.Width])
	return row, nil
}

func (l *grayLuminance) GetMatrix() []byte {
	n := l.Width * l.Height
	if l.stride == l.Width {
		return l.pix[:n] // callers promise not to modify it
	}
	m := make([]byte, n)
	for y := 0; y < l.Height; y++ {
		copy(m[y*l.Width:], l.pix[y*l.stride:y*l.stride+l.Width])
	}
	return m
}

func (l *grayLuminance) IsCropSupported() bool { return true }

func (l *grayLuminance) Crop(left, top, width, height int) (gozxing.LuminanceSource, error) {
	if left < 0 || top < 0 || width <= 0 || height <= 0 || left+width > l.Width || top+height > l.Height {
		return nil, errors.New("crop rectangle does not fit within image data")
	}
	return &grayLuminance{
		LuminanceSourceBase: gozxing.LuminanceSourceBase{Width: width, Height: height},
		pix:                 l.pix[top*l.stride+left:],
		stride:              l.stride,
	}, nil
}

func (l *grayLuminance) Invert() gozxing.LuminanceSource { return gozxing.LuminanceSourceInvert(l) }

func (l *grayLuminance) String() string { return gozxing.LuminanceSourceString(l) }

// matrixBinarizer hands gozxing a bit matrix we already built (inverted, or
// from our own thresholding) so readers don't binarize again.
type matrixBinarizer struct {
	src gozxing.LuminanceSource
	m   *gozxing.BitMatrix
}

func (b *matrixBinarizer) GetLuminanceSource() gozxing.LuminanceSource { return b.src }
func (b *matrixBinarizer) GetBlackMatrix() (*gozxing.BitMatrix, error) { return b.m, nil }
func (b *matrixBinarizer) GetWidth() int                               { return b.m.GetWidth() }
func (b *matrixBinarizer) GetHeight() int                              { return b.m.GetHeight() }

func (b *matrixBinarizer) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	return b.m.GetRow(y, row), nil
}

func (b *matrixBinarizer) CreateBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return gozxing.NewHybridBinarizer(src)
}
