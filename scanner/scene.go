package scanner

import "image"

// A camera spends most of the day looking at the same empty scene. When
// that scene happens to look promising (clutter with bar-like edges), the
// hard stages would spend their whole budget on it, frame after frame, for
// nothing. scene remembers a coarse picture of the last frame; the decoder
// runs each hard stage once per unchanged scene and starts over when
// something moves.

const (
	sceneCols, sceneRows = 16, 12
	// sceneMoved is the mean change per cell, in grey levels, that counts
	// as movement; sensor noise averages out well below it over a cell of
	// 40x40 pixels, a hand holding up a phone is far above it.
	sceneMoved = 4
)

type scene struct {
	cells [sceneCols * sceneRows]uint8
	size  image.Point
	seen  bool
}

// look records g and reports whether it differs from the last frame.
func (s *scene) look(g *image.Gray) (moved bool) {
	var next [sceneCols * sceneRows]uint8
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < sceneCols || h < sceneRows {
		return true
	}
	for r := range sceneRows {
		for c := range sceneCols {
			next[r*sceneCols+c] = cellMean(g, b.Min.X+c*w/sceneCols, b.Min.Y+r*h/sceneRows, w/sceneCols, h/sceneRows)
		}
	}
	diff := 0
	for i := range next {
		d := int(next[i]) - int(s.cells[i])
		diff += max(d, -d)
	}
	moved = !s.seen || s.size != b.Size() || diff > sceneMoved*len(next)
	s.cells, s.size, s.seen = next, b.Size(), true
	return moved
}

// cellMean averages every 4th pixel of every 4th row of a cell: enough to
// see movement, a few microseconds per frame.
func cellMean(g *image.Gray, x0, y0, w, h int) uint8 {
	sum, n := 0, 0
	for y := y0; y < y0+h; y += 4 {
		row := g.Pix[(y-g.Rect.Min.Y)*g.Stride:]
		for x := x0; x < x0+w; x += 4 {
			sum += int(row[x-g.Rect.Min.X])
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return uint8(sum / n)
}
