package scanner

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
)

// DefaultMaxPixels is the largest image decoded by default, about 12
// megapixels: a phone photo, four times what a kiosk camera sends. A file
// declaring more is refused from its header, before any pixel is decoded: a
// 439 KB PNG can declare 20000x20000, which takes gigabytes and half a
// minute to decode.
const DefaultMaxPixels = 12_000_000

// ErrTooLarge is wrapped by every refusal of an image over the pixel limit.
var ErrTooLarge = errors.New("scanner: image too large")

// checkSize refuses a w x h image over maxPixels (0: the default).
func checkSize(w, h, maxPixels int) error {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	if w <= 0 || h <= 0 || w > maxPixels/h {
		return fmt.Errorf("%w: %dx%d is over the limit of %d pixels (scanner.max_pixels)", ErrTooLarge, w, h, maxPixels)
	}
	return nil
}

// decodeLimited decodes a PNG, JPEG or PGM held in b, refusing it from its
// header when it declares more than maxPixels.
func decodeLimited(b []byte, maxPixels int) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if err := checkSize(cfg.Width, cfg.Height, maxPixels); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if s := img.Bounds().Size(); s.X != cfg.Width || s.Y != cfg.Height {
		return nil, fmt.Errorf("scanner: image decoded as %dx%d, its header said %dx%d", s.X, s.Y, cfg.Width, cfg.Height)
	}
	return img, nil
}

// bytesPerPixel bounds an image file's size by its pixels: no format we
// read takes more than 8 bytes a pixel (16-bit RGBA), so a larger file is
// not an image within the limit and is not read into memory.
const bytesPerPixel = 8

// readImage reads and decodes a PNG, JPEG or PGM file of at most maxPixels.
func readImage(path string, maxPixels int) (image.Image, error) {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	limit := int64(maxPixels)*bytesPerPixel + 1<<20
	b, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, fmt.Errorf("scanner: %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("scanner: %s: %w: over %d bytes", path, ErrTooLarge, limit)
	}
	img, err := decodeLimited(b, maxPixels)
	if err != nil {
		return nil, fmt.Errorf("scanner: %s: %w", path, err)
	}
	return img, nil
}
