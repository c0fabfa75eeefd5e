package scanner

import (
	"image"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"sync"
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

// BenchmarkPhotoRate reads every shared photograph by both our paths,
// plain gozxing and the peers (zxing-cpp 3.1 and 1.4) in the same run, and
// reports per family codes read and wrong (false: reads on the no-code
// photographs), and logs every wrong and false read. Reads do not vary
// between runs: each decoder reads the photographs once per test binary,
// however often -count repeats the benchmark.
func BenchmarkPhotoRate(b *testing.B) {
	photos := loadPhotos(b, sharedPhotos(b))
	rateBench(b, photos, []rateDecoder{
		{"still", decodeOnce}, {"camera", cameraRead}, {"gozxing", gozxingRead},
	})
}

// rateDecoder is one decoder a rate benchmark compares.
type rateDecoder struct {
	name string
	read readFunc
}

var rateCache = struct {
	sync.Mutex
	m map[string][]scored
}{m: map[string][]scored{}}

// rateBench runs each decoder, and each peer, over imgs once per test
// binary and reports its figures as a sub-benchmark.
func rateBench(b *testing.B, imgs []corpusImage, decoders []rateDecoder) {
	for _, p := range peers {
		decoders = append(decoders, rateDecoder{p.name, nil})
	}
	for _, dec := range decoders {
		b.Run(dec.name, func(b *testing.B) {
			ss, err := cachedRates(b, imgs, dec)
			if err != nil {
				b.Skipf("%s: not run: %v", dec.name, err)
			}
			for b.Loop() {
			}
			tallies := byFamily(ss)
			for _, fam := range families(tallies) {
				n := tallies[fam]
				b.ReportMetric(float64(n.read), fam+"-read")
				b.ReportMetric(float64(n.wrong), fam+"-wrong")
			}
			b.ReportMetric(float64(tallies["all"].falses), "all-false")
			for _, m := range misreads(ss) {
				b.Log(m)
			}
		})
	}
}

func cachedRates(b *testing.B, imgs []corpusImage, dec rateDecoder) ([]scored, error) {
	key := dec.name + "\x00" + imgs[0].path
	rateCache.Lock()
	defer rateCache.Unlock()
	if ss, ok := rateCache.m[key]; ok {
		return ss, nil
	}
	read := dec.read
	if read == nil {
		for _, p := range peers {
			if p.name == dec.name {
				r, err := peerPath(b, p, imgs)
				if err != nil {
					return nil, err
				}
				read = r
			}
		}
	}
	var t testing.T // the readers report setup errors only
	ss := scoreAll(&t, imgs, read)
	rateCache.m[key] = ss
	return ss, nil
}

// gozxingRead is plain gozxing (default hints, every reader) as a read path.
// Its 13-digit EAN with a leading 0 is the UPC-A it stands for, as with the peers.
func gozxingRead(_ *testing.T, c corpusImage) (Result, bool) {
	text, ok := plainGozxing(c.img)
	r := normalizePeer(peerRead{Text: text, Format: "EAN13"})
	if len(text) != 13 || strings.Trim(text, "0123456789") != "" {
		r.Text = text
	}
	r.Stage = "gozxing"
	return r, ok
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

// benchFrames decodes frames in turn and reports, beside the mean wall
// time (ns/op), the median (p50-ms) and the mean CPU time of the decoding
// thread (cpu-ms/op, where the system can tell): on a loaded machine wall
// time counts other work too.
func benchFrames(b *testing.B, frames []*image.Gray, decode func(*image.Gray)) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	times := make([]time.Duration, 0, b.N)
	var cpu int64
	_, cpuOK := threadCPU()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		c0, _ := threadCPU()
		decode(frames[i%len(frames)])
		c1, _ := threadCPU()
		times = append(times, time.Since(t0))
		cpu += c1 - c0
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	if cpuOK {
		b.ReportMetric(float64(cpu)/1e6/float64(len(times)), "cpu-ms/op")
	}
}

// BenchmarkDecodeRate reads every synthetic code image (../shared/testdata/
// codes) by both our paths, plain gozxing and the peers, as
// BenchmarkPhotoRate does the photographs.
func BenchmarkDecodeRate(b *testing.B) {
	rateBench(b, loadCorpus(b), []rateDecoder{
		{"still", decodeOnce}, {"camera", cameraRead}, {"gozxing", gozxingRead},
	})
}
