package scanner

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"strconv"
)

func init() {
	image.RegisterFormat("pgm", "P5", DecodePGM, decodePGMConfig)
	image.RegisterFormat("pgm", "P2", DecodePGM, decodePGMConfig)
}

// maxPGMPixels caps a PGM's size so a corrupt header cannot ask for gigabytes.
const maxPGMPixels = 64 << 20

var errPGM = errors.New("scanner: pgm")

// DecodePGM reads a binary (P5) or plain (P2) PGM, as v4l2 tools and
// ImageMagick write raw camera frames. Sixteen-bit samples are scaled to 8 bits.
func DecodePGM(r io.Reader) (image.Image, error) {
	br := bufio.NewReader(r)
	plain, w, h, maxv, err := pgmHeader(br)
	if err != nil {
		return nil, err
	}
	g := image.NewGray(image.Rect(0, 0, w, h))
	if plain {
		err = pgmPlain(br, g.Pix, maxv)
	} else {
		err = pgmRaw(br, g.Pix, maxv)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: pixels: %v", errPGM, err)
	}
	return g, nil
}

func decodePGMConfig(r io.Reader) (image.Config, error) {
	_, w, h, _, err := pgmHeader(bufio.NewReader(r))
	if err != nil {
		return image.Config{}, err
	}
	return image.Config{ColorModel: color.GrayModel, Width: w, Height: h}, nil
}

func pgmHeader(br *bufio.Reader) (plain bool, w, h, maxv int, err error) {
	magic, err := pgmToken(br)
	if err != nil {
		return false, 0, 0, 0, err
	}
	switch magic {
	case "P2":
		plain = true
	case "P5":
	default:
		return false, 0, 0, 0, fmt.Errorf("%w: not a PGM (magic %q)", errPGM, magic)
	}
	var v [3]int
	for i := range v {
		if v[i], err = pgmInt(br); err != nil {
			return false, 0, 0, 0, err
		}
	}
	w, h, maxv = v[0], v[1], v[2]
	if w <= 0 || h <= 0 || w > maxPGMPixels/h {
		return false, 0, 0, 0, fmt.Errorf("%w: bad size %dx%d", errPGM, w, h)
	}
	if maxv <= 0 || maxv > 65535 {
		return false, 0, 0, 0, fmt.Errorf("%w: bad maxval %d", errPGM, maxv)
	}
	return plain, w, h, maxv, nil
}

func pgmRaw(br *bufio.Reader, pix []byte, maxv int) error {
	if maxv < 256 {
		if _, err := io.ReadFull(br, pix); err != nil {
			return err
		}
		scalePGM(pix, maxv)
		return nil
	}
	var two [2]byte
	for i := range pix {
		if _, err := io.ReadFull(br, two[:]); err != nil {
			return err
		}
		v := int(two[0])<<8 | int(two[1])
		pix[i] = byte(min(v, maxv) * 255 / maxv)
	}
	return nil
}

func pgmPlain(br *bufio.Reader, pix []byte, maxv int) error {
	for i := range pix {
		v, err := pgmInt(br)
		if err != nil {
			return err
		}
		pix[i] = byte(min(v, maxv) * 255 / maxv)
	}
	return nil
}

func scalePGM(pix []byte, maxv int) {
	if maxv == 255 {
		return
	}
	for i, v := range pix {
		pix[i] = byte(min(int(v), maxv) * 255 / maxv)
	}
}

// pgmToken returns the next whitespace-separated token, skipping # comments.
// It consumes exactly one whitespace byte after the token, as the format requires before raster data.
func pgmToken(br *bufio.Reader) (string, error) {
	var tok []byte
	for {
		c, err := br.ReadByte()
		if err != nil {
			if len(tok) > 0 && err == io.EOF {
				return string(tok), nil
			}
			return "", fmt.Errorf("%w: header: %v", errPGM, err)
		}
		switch {
		case c == '#' && len(tok) == 0:
			if _, err := br.ReadString('\n'); err != nil {
				return "", fmt.Errorf("%w: header: %v", errPGM, err)
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if len(tok) > 0 {
				return string(tok), nil
			}
		default:
			if len(tok) >= 16 {
				return "", fmt.Errorf("%w: header token too long", errPGM)
			}
			tok = append(tok, c)
		}
	}
}

func pgmInt(br *bufio.Reader) (int, error) {
	t, err := pgmToken(br)
	if err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(t)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%w: bad number %q", errPGM, t)
	}
	return v, nil
}
