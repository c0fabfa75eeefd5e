package scanner

import "image"

// halve box-filters g to half size: noise averages out and a blurred 1D code's
// bars get sharper relative to the sampling grid.
func halve(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx()/2, g.Rect.Dy()/2
	out := image.NewGray(image.Rect(0, 0, w, h))
	base := g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y)
	for y := 0; y < h; y++ {
		r0 := g.Pix[base+2*y*g.Stride:]
		r1 := g.Pix[base+(2*y+1)*g.Stride:]
		o := out.Pix[y*out.Stride:]
		for x := 0; x < w; x++ {
			s := int(r0[2*x]) + int(r0[2*x+1]) + int(r1[2*x]) + int(r1[2*x+1])
			o[x] = byte((s + 2) >> 2)
		}
	}
	return out
}

// double upsamples r of g to twice its size, bilinearly, so small QR and Data
// Matrix modules span enough pixels for the detectors.
func double(g *image.Gray, r image.Rectangle) *image.Gray {
	r = r.Intersect(g.Rect)
	w, h := r.Dx()*2, r.Dy()*2
	out := image.NewGray(image.Rect(0, 0, w, h))
	if w == 0 || h == 0 {
		return out
	}
	at := func(x, y int) int {
		x = min(max(x, r.Min.X), r.Max.X-1)
		y = min(max(y, r.Min.Y), r.Max.Y-1)
		return int(g.Pix[g.PixOffset(x, y)])
	}
	for y := 0; y < h; y++ {
		// output pixel centre maps to source (y-0.5)/2; in quarters: 2y-1
		sy := r.Min.Y + (2*y-1)>>2
		fy := (2*y - 1) & 3
		o := out.Pix[y*out.Stride:]
		for x := 0; x < w; x++ {
			sx := r.Min.X + (2*x-1)>>2
			fx := (2*x - 1) & 3
			a, b := at(sx, sy), at(sx+1, sy)
			c, d := at(sx, sy+1), at(sx+1, sy+1)
			top := a*(4-fx) + b*fx
			bot := c*(4-fx) + d*fx
			o[x] = byte((top*(4-fy) + bot*fy + 8) >> 4)
		}
	}
	return out
}

// smooth box-filters g over 3x3 pixels; the border is copied.
func smooth(g *image.Gray) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, g.Rect.Dx(), g.Rect.Dy()))
	w, h := out.Rect.Dx(), out.Rect.Dy()
	base := g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y)
	for y := 0; y < h; y++ {
		src := g.Pix[base+y*g.Stride:]
		o := out.Pix[y*out.Stride:]
		if y == 0 || y == h-1 || w < 3 {
			copy(o[:w], src[:w])
			continue
		}
		up, down := g.Pix[base+(y-1)*g.Stride:], g.Pix[base+(y+1)*g.Stride:]
		o[0], o[w-1] = src[0], src[w-1]
		for x := 1; x < w-1; x++ {
			s := int(up[x-1]) + int(up[x]) + int(up[x+1]) +
				int(src[x-1]) + int(src[x]) + int(src[x+1]) +
				int(down[x-1]) + int(down[x]) + int(down[x+1])
			o[x] = uint8((s + 4) / 9)
		}
	}
	return out
}
