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

// BenchmarkPhotoFrame is the camera's cost per frame on the shared
// photographs with no code (ZXing's falsepositives sets), beside plain
// gozxing's QR reader on the same frames in the same run: "held" shows each
// photograph for cameraFrames frames as a still scene (the camera's usual
// day); "moving" gives every frame a new scene, so every frame pays the
// full work budget (the worst case).
func BenchmarkPhotoFrame(b *testing.B) {
	var nocode []*image.Gray
	for _, c := range loadPhotos(b, sharedPhotos(b)) {
		if c.want == "" {
			nocode = append(nocode, c.img)
		}
	}
	var held []*image.Gray
	for _, g := range nocode {
		for range cameraFrames {
			held = append(held, g)
		}
	}
	for _, set := range []struct {
		name   string
		frames []*image.Gray
	}{{"held", held}, {"moving", nocode}} {
		b.Run(set.name+"/pudo", func(b *testing.B) {
			d, _ := NewDecoder(DefaultConfig().Formats)
			benchFrames(b, set.frames, func(g *image.Gray) { d.DecodeFrame(g) })
		})
		b.Run(set.name+"/gozxing-qr", func(b *testing.B) {
			benchFrames(b, set.frames, func(g *image.Gray) { plainQR(g) })
		})
	}
	// What pudo decode and the folder source spend on the same photographs,
	// beside the camera's cost per frame above.
	b.Run("still/pudo-decode", func(b *testing.B) {
		d, _ := NewDecoder(DefaultConfig().Formats)
		benchFrames(b, nocode, func(g *image.Gray) { d.DecodeImage(g) })
	})
}

// zxingCpp is zxing-cpp 1.4's figures on the shared photographs, from their README.
var zxingCpp = map[string]struct{ read, of int }{
	"qrcode": {83, 94}, "ean13": {57, 78}, "upca": {56, 90}, "code128": {30, 31}, "code39": {9, 11}, "datamatrix": {34, 34},
}

// BenchmarkPhotoRate reads every shared photograph once per op by both
// paths and reports, per family, codes read and wrong beside zxing-cpp
// 1.4's reads on the same photographs; "all" adds false reads on the
// photographs with no code (zxing-cpp: 269 read, 2 wrong, 0 false).
func BenchmarkPhotoRate(b *testing.B) {
	photos := loadPhotos(b, sharedPhotos(b))
	paths := []struct {
		name string
		read func(*testing.T, corpusImage) (Result, bool)
	}{{"still", decodeOnce}, {"camera", cameraRead}}
	for _, p := range paths {
		b.Run(p.name, func(b *testing.B) {
			var t testing.T // the readers report setup errors only
			got := map[string]*photoCount{"all": {}}
			for b.Loop() {
				clear(got)
				got["all"] = &photoCount{}
				for _, c := range photos {
					fam := family(c.set)
					if got[fam] == nil {
						got[fam] = &photoCount{}
					}
					r, ok := p.read(&t, c)
					switch {
					case c.want == "":
						if ok {
							got["all"].of++ // false reads, counted apart
						}
					case !ok:
					case r.Text == c.want:
						got[fam].read++
						got["all"].read++
					default:
						got[fam].wrong++
						got["all"].wrong++
					}
				}
			}
			for fam, z := range zxingCpp {
				n := got[fam]
				b.ReportMetric(float64(n.read), fam+"-read")
				b.ReportMetric(float64(n.wrong), fam+"-wrong")
				b.ReportMetric(float64(z.read), fam+"-zxingcpp")
			}
			b.ReportMetric(float64(got["all"].read), "all-read")
			b.ReportMetric(float64(got["all"].wrong), "all-wrong")
			b.ReportMetric(float64(got["all"].of), "all-false")
			b.ReportMetric(269, "all-zxingcpp")
		})
	}
}

// BenchmarkWorkUnit measures what one work unit (work.go) costs on this
// machine, as ns/unit, over the camera path on the shared frames: the
// units are calibrated to about 1 ns on the reference machine.
func BenchmarkWorkUnit(b *testing.B) {
	imgs := loadCorpus(b)
	d, _ := NewDecoder(DefaultConfig().Formats)
	var units int64
	i := 0
	for b.Loop() {
		d.DecodeFrame(imgs[i%len(imgs)].img)
		units += d.spent
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(units), "ns/unit")
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
