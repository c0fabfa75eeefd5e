package scanner

import (
	"image"
	"math"
	"sort"
)

// barRegion is a patch of the frame whose gradients all point one way, as a
// 1D code's do: where to look and at what angle to lay scan lines.
type barRegion struct {
	x, y  float64 // centre, full-frame pixels
	angle float64 // degrees of the gradient, i.e. of a line across the bars
	score float64
}

// findBarRegions looks for 1D-code-like patches in the half-size frame h
// (1 px there = 2 px in the frame) with a block structure tensor: strong
// gradients that agree in direction. It costs well under a millisecond, so
// every camera frame gets it; it is the cheap stage's hint that a barcode
// is in view and the hard stage's guide to its angle.
func findBarRegions(h *image.Gray, limit int, s *lineScratch) []barRegion {
	const bs = 8 // block size in half-size pixels
	bw, bh := h.Rect.Dx()/bs, h.Rect.Dy()/bs
	if bw < 3 || bh < 3 {
		return nil
	}
	s.tens = blockTensors(h, bs, bw, bh, s.tens)
	tens := s.tens
	const (
		xx, yy, xy = 0, 1, 2 // structure tensor
		sx, sy     = 3, 4    // signed gradient sums
		ax, ay     = 5, 6    // absolute gradient sums
		busy       = 7       // pixels with a clear gradient
	)
	var cands []barRegion
	for by := 1; by < bh-1; by++ {
		for bx := 1; bx < bw-1; bx++ {
			// Sum a 3x3 neighbourhood: one block is too small to trust its angle.
			var t [8]float64
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					b := &tens[(by+dy)*bw+bx+dx]
					for i := range t {
						t[i] += b[i]
					}
				}
			}
			e := t[xx] + t[yy]
			n := float64(9 * bs * bs)
			if e/n < 150 {
				continue // flat or faint
			}
			if t[busy]/n < 0.35 {
				continue // a lone line or edge: a code has edges everywhere
			}
			coh := math.Hypot(t[xx]-t[yy], 2*t[xy]) / e
			if coh < 0.6 {
				continue // texture, text, or a 2D code
			}
			rad := 0.5 * math.Atan2(2*t[xy], t[xx]-t[yy])
			c, s := math.Cos(rad), math.Sin(rad)
			// Bars rise and fall in turn, so their gradients cancel along the
			// line; a single edge (a box, a shadow) has them all one way.
			if alt := math.Abs(c*t[sx]+s*t[sy]) / (math.Abs(c)*t[ax] + math.Abs(s)*t[ay]); alt > 0.3 {
				continue
			}
			cands = append(cands, barRegion{
				x:     float64(2 * (bx*bs + bs/2)),
				y:     float64(2 * (by*bs + bs/2)),
				angle: rad * 180 / math.Pi,
				score: e / n * coh * coh,
			})
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	var out []barRegion
	for _, c := range cands {
		if len(out) == limit {
			break
		}
		near := false
		for _, o := range out {
			if math.Hypot(c.x-o.x, c.y-o.y) < 64 {
				near = true
				break
			}
		}
		if !near {
			out = append(out, c)
		}
	}
	return out
}

// blockTensors sums, per bs x bs block: gx², gy², gx·gy, gx, gy, |gx|, |gy|
// and the number of pixels whose gradient is clear of noise.
func blockTensors(h *image.Gray, bs, bw, bh int, tens [][8]float64) [][8]float64 {
	if cap(tens) < bw*bh {
		tens = make([][8]float64, bw*bh)
	}
	tens = tens[:bw*bh]
	clear(tens)
	base := h.PixOffset(h.Rect.Min.X, h.Rect.Min.Y)
	w, ht := h.Rect.Dx(), h.Rect.Dy()
	for y := 1; y < min(ht-1, bh*bs); y++ {
		row := base + y*h.Stride
		ti := (y / bs) * bw
		for x := 1; x < min(w-1, bw*bs); x++ {
			p := row + x
			gx := int(h.Pix[p+1]) - int(h.Pix[p-1])
			gy := int(h.Pix[p+h.Stride]) - int(h.Pix[p-h.Stride])
			t := &tens[ti+x/bs]
			t[0] += float64(gx * gx)
			t[1] += float64(gy * gy)
			t[2] += float64(gx * gy)
			t[3] += float64(gx)
			t[4] += float64(gy)
			t[5] += float64(max(gx, -gx))
			t[6] += float64(max(gy, -gy))
			if max(gx, -gx)+max(gy, -gy) >= 12 {
				t[7]++
			}
		}
	}
	return tens
}

// linesThrough returns lines at angle deg through (x, y) and parallel ones
// offset across the bars, each spanning the frame.
func linesThrough(w, h int, x, y, deg float64, offsets []float64) []scanLine {
	rad := deg * math.Pi / 180
	dx, dy := math.Cos(rad), math.Sin(rad)
	var out []scanLine
	for _, o := range offsets {
		if l, ok := clipLine(w, h, x-dy*o, y+dx*o, dx, dy); ok {
			out = append(out, l)
		}
	}
	return out
}
