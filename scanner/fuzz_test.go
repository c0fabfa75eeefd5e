package scanner

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

func TestGrayFromYUYV(t *testing.T) {
	// Two pixels per 4 bytes: Y0 U Y1 V.
	frame := []byte{10, 128, 20, 128, 30, 99, 40, 99, 50, 1, 60, 2, 70, 3, 80, 4}
	g, err := GrayFromYUYV(frame, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{10, 20, 30, 40, 50, 60, 70, 80}; !bytes.Equal(g.Pix, want) {
		t.Errorf("Y plane %v, want %v", g.Pix, want)
	}
	for _, bad := range []struct{ n, w, h int }{{15, 4, 2}, {16, 3, 2}, {16, 0, 2}, {16, 4, -1}} {
		if _, err := GrayFromYUYV(make([]byte, bad.n), bad.w, bad.h); err == nil {
			t.Errorf("%d bytes as %dx%d: no error", bad.n, bad.w, bad.h)
		}
	}
}

func TestGrayFromJPEGKeepsLuma(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range src.Pix {
		src.Pix[i] = byte(i)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	g, err := GrayFromJPEG(buf.Bytes(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if g.Bounds() != src.Bounds() {
		t.Fatalf("bounds %v", g.Bounds())
	}
	for i, v := range g.Pix[:16*16] {
		if d := int(v) - int(src.Pix[i]); d < -3 || d > 3 {
			t.Fatalf("pixel %d = %d, want about %d", i, v, src.Pix[i])
		}
	}
}

func TestDecodePGM(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []byte
	}{
		{"raw", "P5\n2 2\n255\n\x00\x40\x80\xff", []byte{0, 0x40, 0x80, 0xff}},
		{"comment", "P5 # camera\n# frame 7\n2 1 255\n\x01\x02", []byte{1, 2}},
		{"plain", "P2\n3 1\n15\n0 15 5\n", []byte{0, 255, 85}},
		{"16 bit", "P5\n1 1\n65535\n\xff\xff", []byte{255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := DecodePGM(bytes.NewReader([]byte(tt.in)))
			if err != nil {
				t.Fatal(err)
			}
			if got := img.(*image.Gray).Pix; !bytes.Equal(got, tt.want) {
				t.Errorf("pixels %v, want %v", got, tt.want)
			}
		})
	}
	for _, bad := range []string{"P6\n1 1\n255\n", "P5\n0 1\n255\n", "P5\n99999 99999\n255\n", "P5\n2 2\n255\n\x00", "P5\n1 1\n0\n\x00"} {
		if _, err := DecodePGM(bytes.NewReader([]byte(bad))); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzGrayFromYUYV(f *testing.F) {
	f.Add([]byte{10, 128, 20, 128}, 2, 1)
	f.Add(make([]byte, 640*2*2), 640, 2)
	f.Fuzz(func(t *testing.T, frame []byte, w, h int) {
		g, err := GrayFromYUYV(frame, w, h)
		if err != nil {
			return
		}
		if g.Rect.Dx() != w || g.Rect.Dy() != h || len(g.Pix) != w*h {
			t.Fatalf("%dx%d gave %v", w, h, g.Rect)
		}
	})
}

func FuzzGrayFromJPEG(f *testing.F) {
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
	f.Add(buf.Bytes())
	f.Add([]byte{0xff, 0xd8, 0xff})
	f.Fuzz(func(t *testing.T, frame []byte) {
		const limit = 1 << 16
		g, err := GrayFromJPEG(frame, limit)
		if err != nil {
			return
		}
		if b := g.Bounds(); b.Dx()*b.Dy() > limit {
			t.Fatalf("%v frame passed a %d-pixel limit", b, limit)
		}
		_ = newGrayLuminance(g).GetMatrix()
	})
}

func FuzzDecodePGM(f *testing.F) {
	f.Add([]byte("P5\n2 2\n255\n\x00\x40\x80\xff"))
	f.Add([]byte("P2\n3 1\n15\n0 15 5\n"))
	f.Add([]byte("P5 # c\n1 1 65535\n\xff\xff"))
	f.Fuzz(func(t *testing.T, in []byte) {
		img, err := DecodePGM(bytes.NewReader(in))
		if err != nil {
			return
		}
		if b := img.Bounds(); b.Dx()*b.Dy() > maxPGMPixels {
			t.Fatalf("size %v over the cap", b)
		}
	})
}

func FuzzGrayFromGrey(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6}, 3, 2)
	f.Add([]byte{}, 0, 0)
	f.Fuzz(func(t *testing.T, frame []byte, w, h int) {
		g, err := GrayFromGrey(frame, w, h)
		if err != nil {
			return
		}
		if g.Rect.Dx() != w || g.Rect.Dy() != h || !bytes.Equal(g.Pix, frame[:w*h]) {
			t.Fatalf("%dx%d from %d bytes gave %v", w, h, len(frame), g.Rect)
		}
	})
}

// FuzzDecodeLimited is the image guard: whatever a file holds, it is
// refused or decoded within the pixel limit, and never panics.
func FuzzDecodeLimited(f *testing.F) {
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
	f.Add(buf.Bytes())
	f.Add([]byte("P5\n2 2\n255\n\x00\x40\x80\xff"))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		const limit = 1 << 16
		img, err := decodeLimited(b, limit)
		if err != nil {
			return
		}
		if r := img.Bounds(); r.Dx()*r.Dy() > limit {
			t.Fatalf("%v image passed a %d-pixel limit", r, limit)
		}
	})
}

// FuzzDecodeFrame feeds arbitrary small frames through the whole pipeline:
// it must never panic, and a code read out of noise would be a false read.
func FuzzDecodeFrame(f *testing.F) {
	f.Add([]byte{0, 255, 0, 255}, uint8(32), uint8(24))
	f.Fuzz(func(t *testing.T, seed []byte, w8, h8 uint8) {
		w, h := int(w8)+1, int(h8)+1
		if len(seed) == 0 {
			return
		}
		g := image.NewGray(image.Rect(0, 0, w, h))
		for i := range g.Pix {
			g.Pix[i] = seed[i%len(seed)]
		}
		d, _ := NewDecoder(DefaultConfig().Formats)
		d.DecodeFrame(g)
		d.DecodeImage(g)
	})
}

func TestLuminanceCropAndStride(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 8, 4))
	for i := range g.Pix {
		g.Pix[i] = byte(i)
	}
	sub := g.SubImage(image.Rect(2, 1, 6, 3)).(*image.Gray)
	l := newGrayLuminance(sub)
	if want := []byte{10, 11, 12, 13, 18, 19, 20, 21}; !bytes.Equal(l.GetMatrix(), want) {
		t.Errorf("matrix %v, want %v", l.GetMatrix(), want)
	}
	c, err := l.Crop(1, 1, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if row, _ := c.GetRow(0, nil); !bytes.Equal(row[:2], []byte{19, 20}) {
		t.Errorf("cropped row %v", row)
	}
	if _, err := l.Crop(3, 0, 2, 1); err == nil {
		t.Error("crop outside: no error")
	}
	_ = color.Gray{}
}

func TestMJPEGWithoutHuffmanTables(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 32, 16))
	for i := range src.Pix {
		src.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, nil); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	// Strip every DHT segment, as a UVC camera's MJPEG frame comes.
	stripped := append([]byte{}, full[:2]...)
	for i := 2; ; {
		if full[i+1] == 0xda {
			stripped = append(stripped, full[i:]...)
			break
		}
		n := 2 + (int(full[i+2])<<8 | int(full[i+3]))
		if full[i+1] != 0xc4 {
			stripped = append(stripped, full[i:i+n]...)
		}
		i += n
	}
	if hasDHT(stripped) || !hasDHT(full) {
		t.Fatal("hasDHT wrong")
	}
	if _, err := jpeg.Decode(bytes.NewReader(stripped)); err == nil {
		t.Fatal("image/jpeg read a frame without tables; the test proves nothing")
	}
	a, err := GrayFromJPEG(full, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := GrayFromJPEG(stripped, 0)
	if err != nil {
		t.Fatalf("frame without DHT: %v", err)
	}
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Error("standard tables decode differently")
	}
}
