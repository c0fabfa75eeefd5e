package scanner

import (
	"context"
	"image"
	"pudo/app/testenv"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// smudgedQR is a QR code whose data is wiped out but whose three finder
// patterns are intact: it looks like a code to the cheap stage and cannot
// be read, as a code held at an angle or half out of the frame.
func smudgedQR(t testing.TB) *image.Gray {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode("QR:PUDO-P1:7K3MN5QX", gozxing.BarcodeFormat_QR_CODE, 320, 320, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(image.Rect(0, 0, 480, 400))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	for y := range m.GetHeight() {
		for x := range m.GetWidth() {
			if m.Get(x, y) {
				g.Pix[(y+40)*g.Stride+x+80] = 0
			}
		}
	}
	// Wipe the middle: the data and the timing patterns, not the finders.
	for y := 40 + 130; y < 40+230; y++ {
		for x := 80 + 60; x < 80+260; x++ {
			g.Pix[y*g.Stride+x] = 255
		}
	}
	for y := 40 + 60; y < 40+260; y++ {
		for x := 80 + 130; x < 80+230; x++ {
			g.Pix[y*g.Stride+x] = 255
		}
	}
	return g
}

func blankFrame() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 480, 400))
	for i := range g.Pix {
		g.Pix[i] = 200
	}
	return g
}

func TestDecoderPromising(t *testing.T) {
	d, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	smudged := smudgedQR(t)
	for range 5 {
		if r, err := d.DecodeFrame(smudged); err == nil {
			t.Fatalf("read %q from a smudged code", r.Text)
		}
		if !d.Promising() {
			t.Fatal("a code's finders in view do not look promising")
		}
	}
	if _, err := d.DecodeFrame(blankFrame()); err == nil || d.Promising() {
		t.Fatalf("an empty frame: err %v, promising %v", err, d.Promising())
	}
}

// The camera tells the Hub of frames that look like a code it has not
// read; the Hub hands them to OnGlimpse's function.
func TestCameraGlimpses(t *testing.T) {
	cam := NewCamera(DefaultConfig().Camera, DefaultConfig().Formats, time.Millisecond, discard)
	cam.Frames = func(CameraConfig, int) (FrameSource, error) { return &heldUp{g: smudgedQR(t)}, nil }
	got := make(chan Glimpse, 16)
	h := StartSources(t.Context(), discard, 2*time.Second, cam)
	h.OnGlimpse(func(g Glimpse) {
		select {
		case got <- g:
		default:
		}
	})
	defer h.Close()
	if g := testenv.Receive(t, "a glimpse of the code in view", got); g.Source != SourceCamera || g.At.IsZero() {
		t.Fatalf("glimpse %+v", g)
	}
}

// heldUp is a camera looking at the same code for as long as it runs, a
// frame every 10 ms.
type heldUp struct{ g *image.Gray }

func (h *heldUp) Describe() string { return "fake" }
func (h *heldUp) Close() error     { return nil }
func (h *heldUp) Next(ctx context.Context) (*image.Gray, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(10 * time.Millisecond):
		return h.g, nil
	}
}
