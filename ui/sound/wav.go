package sound

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// parseWAV reads 16-bit mono PCM from a RIFF WAV file at any common rate.
// It takes what espeak-ng writes to a pipe: a header whose sizes were not
// known when it was written (0x7FFFF000 or more), with the samples running
// to the end of the input.
func parseWAV(b []byte) (pcm []int16, rate int, err error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, errors.New("not a WAV file")
	}
	for off := 12; off+8 <= len(b); {
		id, size := string(b[off:off+4]), uint64(binary.LittleEndian.Uint32(b[off+4:]))
		end := uint64(off) + 8 + size
		body := b[off+8 : min(end, uint64(len(b)))]
		switch id {
		case "fmt ":
			if len(body) < 16 || binary.LittleEndian.Uint16(body[0:]) != 1 || binary.LittleEndian.Uint16(body[2:]) != 1 ||
				binary.LittleEndian.Uint16(body[14:]) != 16 {
				return nil, 0, errors.New("want 16-bit mono PCM")
			}
			rate = int(binary.LittleEndian.Uint32(body[4:]))
			if rate < 8000 || rate > 96000 {
				return nil, 0, fmt.Errorf("sample rate %d Hz", rate)
			}
		case "data":
			if rate == 0 {
				return nil, 0, errors.New("data before fmt")
			}
			pcm = make([]int16, len(body)/2)
			for i := range pcm {
				pcm[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
			}
			return pcm, rate, nil
		}
		off = int(min(end+size%2, uint64(len(b))))
	}
	return nil, 0, errors.New("no data chunk")
}

// resample converts pcm from one rate to another by linear interpolation:
// enough for speech from a voice (such as an MBROLA one) at another rate.
func resample(pcm []int16, from, to int) []int16 {
	if from == to || len(pcm) == 0 {
		return pcm
	}
	n := int(int64(len(pcm)) * int64(to) / int64(from))
	out := make([]int16, n)
	for i := range out {
		pos := float64(i) * float64(from) / float64(to)
		j := int(pos)
		if j+1 >= len(pcm) {
			out[i] = pcm[len(pcm)-1]
			continue
		}
		f := pos - float64(j)
		out[i] = int16(float64(pcm[j])*(1-f) + float64(pcm[j+1])*f)
	}
	return out
}

// trimSilence drops the quiet start of a clip but for a few milliseconds,
// so a phrase starts as soon as it is asked for.
func trimSilence(pcm []int16) []int16 {
	const threshold, keep = 200, rate / 100 // about -44 dBFS; 10 ms
	for i, v := range pcm {
		if v > threshold || v < -threshold {
			return pcm[max(0, i-keep):]
		}
	}
	return pcm[:0]
}
