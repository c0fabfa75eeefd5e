package scanner

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
)

// ErrBadFrame is wrapped by the frame converters when a frame's size or encoding is wrong.
var ErrBadFrame = errors.New("scanner: bad frame")

// GrayFromYUYV returns the luminance plane of a packed YUYV (YUY2) frame.
// Only the Y bytes are read: gozxing works on luminance, so chroma is never
// decoded and no RGBA image is built. Trailing bytes (drivers pad buffers) are ignored.
func GrayFromYUYV(frame []byte, width, height int) (*image.Gray, error) {
	if width <= 0 || height <= 0 || width%2 != 0 {
		return nil, fmt.Errorf("%w: yuyv %dx%d", ErrBadFrame, width, height)
	}
	n := width * height
	if n/height != width || len(frame)/2 < n {
		return nil, fmt.Errorf("%w: yuyv %dx%d needs %d bytes, got %d", ErrBadFrame, width, height, 2*n, len(frame))
	}
	g := image.NewGray(image.Rect(0, 0, width, height))
	for i := range g.Pix {
		g.Pix[i] = frame[2*i]
	}
	return g, nil
}

// GrayFromJPEG decodes an MJPEG frame and keeps its Y plane. Cameras send
// YCbCr JPEGs, so this only slices; other JPEGs are converted. Frames without
// Huffman tables, as many UVC cameras send them, get the standard ones. A
// frame whose header declares more than maxPixels (0: DefaultMaxPixels) is
// refused before it is decoded: a corrupt header can ask for gigabytes.
func GrayFromJPEG(frame []byte, maxPixels int) (*image.Gray, error) {
	frame = withHuffmanTables(frame)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(frame))
	if err != nil {
		return nil, fmt.Errorf("%w: mjpeg: %v", ErrBadFrame, err)
	}
	if err := checkSize(cfg.Width, cfg.Height, maxPixels); err != nil {
		return nil, fmt.Errorf("%w: mjpeg: %w", ErrBadFrame, err)
	}
	img, err := jpeg.Decode(bytes.NewReader(frame))
	if err != nil {
		return nil, fmt.Errorf("%w: mjpeg: %v", ErrBadFrame, err)
	}
	return ToGray(img), nil
}

// ToGray returns img's luminance, sharing pixels when img already holds a Y plane.
func ToGray(img image.Image) *image.Gray {
	switch m := img.(type) {
	case *image.Gray:
		return m
	case *image.YCbCr:
		// Y is luma already; wrapping it avoids a copy per frame.
		return &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}
	}
	b := img.Bounds()
	g := image.NewGray(b)
	draw.Draw(g, b, img, b.Min, draw.Src)
	return g
}

// GrayFromGrey copies an 8-bit greyscale (V4L2 GREY) frame out of the driver's buffer.
func GrayFromGrey(frame []byte, width, height int) (*image.Gray, error) {
	if width <= 0 || height <= 0 || width*height/height != width || len(frame) < width*height {
		return nil, fmt.Errorf("%w: grey %dx%d from %d bytes", ErrBadFrame, width, height, len(frame))
	}
	g := image.NewGray(image.Rect(0, 0, width, height))
	copy(g.Pix, frame)
	return g, nil
}
