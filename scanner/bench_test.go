package scanner

import (
	"image"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"
)

// BenchmarkFrame is the camera's cost per 640x480 frame: idle (no code, what
// the camera sees most of the day) and with a code, for this pipeline in
// camera mode (DecodeFrame) beside plain gozxing with default hints on the
// same frames. It reports the mean as ns/op and the median as p50-ms.
func BenchmarkFrame(b *testing.B) {
	imgs := loadCorpus(b)
	var idle, code []*image.Gray
	for _, c := range imgs {
		if strings.HasPrefix(c.set, "nocode") {
			idle = append(idle, c.img)
		} else {
			code = append(code, c.img)
		}
	}
	for _, set := range []struct {
		name   string
		frames []*image.Gray
	}{{"idle", idle}, {"still", stillScene(idle, 30)}, {"code", code}} {
		b.Run(set.name+"/pudo", func(b *testing.B) {
			d, _ := NewDecoder(DefaultConfig().Formats)
			benchFrames(b, set.frames, func(g *image.Gray) { d.DecodeFrame(g) })
		})
		b.Run(set.name+"/gozxing", func(b *testing.B) {
			benchFrames(b, set.frames, func(g *image.Gray) { plainGozxing(g) })
		})
	}
}

// stillScene is what a camera sees most of the day: each no-code frame held
// for n frames, with a little sensor noise so no two frames are identical.
func stillScene(frames []*image.Gray, n int) []*image.Gray {
	rng := rand.New(rand.NewPCG(1, 2))
	var out []*image.Gray
	for _, f := range frames {
		noisy := [2]*image.Gray{}
		for i := range noisy {
			g := image.NewGray(f.Rect)
			for j, v := range f.Pix {
				g.Pix[j] = uint8(min(max(int(v)+rng.IntN(5)-2, 0), 255))
			}
			noisy[i] = g
		}
		for i := range n {
			out = append(out, noisy[i%2])
		}
	}
	return out
}

func benchFrames(b *testing.B, frames []*image.Gray, decode func(*image.Gray)) {
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		decode(frames[i%len(frames)])
		times = append(times, time.Since(t0))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
}

// BenchmarkDecodeRate decodes every code image once per op and reports the
// share read correctly (read-%) and wrong reads; pudo runs the still-image
// pipeline (pudo decode), gozxing its default-hint readers.
func BenchmarkDecodeRate(b *testing.B) {
	imgs := loadCorpus(b)
	run := func(b *testing.B, decode func(*image.Gray) (string, bool)) {
		var ok, wrong, n int
		for b.Loop() {
			for _, c := range imgs {
				if c.want == "" {
					if _, read := decode(c.img); read {
						wrong++
					}
					continue
				}
				n++
				if text, read := decode(c.img); read && text == c.want {
					ok++
				} else if read {
					wrong++
				}
			}
		}
		b.ReportMetric(100*float64(ok)/float64(n), "read-%")
		b.ReportMetric(float64(wrong)/float64(b.N), "wrong/op")
	}
	b.Run("pudo", func(b *testing.B) {
		d, _ := NewDecoder(DefaultConfig().Formats)
		run(b, func(g *image.Gray) (string, bool) {
			r, err := d.DecodeImage(g)
			return r.Text, err == nil
		})
	})
	b.Run("gozxing", func(b *testing.B) { run(b, func(g *image.Gray) (string, bool) { return plainGozxing(g) }) })
}
