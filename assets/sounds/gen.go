//go:build ignore

// gen writes the kiosk's sounds as small WAV files: go run gen.go. They are
// synthesised rather than recorded so that anyone can change a pitch or a
// length and regenerate them.
package main

import (
	"encoding/binary"
	"math"
	"os"
)

const rate = 22050

// note is a tone of freq Hz for ms milliseconds; freq 0 is silence.
type note struct{ freq, ms float64 }

var sounds = map[string][]note{
	"scan":      {{1320, 70}},
	"wrong":     {{330, 140}, {0, 60}, {247, 220}},
	"open":      {{660, 110}, {990, 170}},
	"left-open": {{880, 120}, {0, 80}, {880, 120}, {0, 80}, {880, 120}},
	// guide: a short high tick, played again and again while a code is in
	// the camera's view but not read yet, so that a person who cannot see
	// the scanner finds where to hold it.
	"guide": {{1760, 30}},
}

func main() {
	for name, notes := range sounds {
		var pcm []int16
		for _, n := range notes {
			pcm = append(pcm, tone(n)...)
		}
		if err := os.WriteFile(name+".wav", wav(pcm), 0o644); err != nil {
			panic(err)
		}
	}
}

// tone is a sine with a 5 ms fade in and out, so it does not click.
func tone(n note) []int16 {
	count := int(rate * n.ms / 1000)
	fade := rate * 5 / 1000
	out := make([]int16, count)
	for i := range out {
		if n.freq == 0 {
			continue
		}
		gain := 0.6
		if i < fade {
			gain *= float64(i) / float64(fade)
		}
		if rest := count - i; rest < fade {
			gain *= float64(rest) / float64(fade)
		}
		out[i] = int16(gain * 32767 * math.Sin(2*math.Pi*n.freq*float64(i)/rate))
	}
	return out
}

// wav wraps 16-bit mono PCM in a RIFF header.
func wav(pcm []int16) []byte {
	data := make([]byte, 2*len(pcm))
	for i, s := range pcm {
		binary.LittleEndian.PutUint16(data[2*i:], uint16(s))
	}
	h := make([]byte, 44)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+len(data)))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1) // PCM
	binary.LittleEndian.PutUint16(h[22:], 1) // mono
	binary.LittleEndian.PutUint32(h[24:], rate)
	binary.LittleEndian.PutUint32(h[28:], rate*2)
	binary.LittleEndian.PutUint16(h[32:], 2)
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(len(data)))
	return append(h, data...)
}
