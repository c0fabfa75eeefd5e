package sound

import (
	"encoding/binary"
	"testing"
)

// wav builds a WAV file as espeak-ng writes one to a pipe: sizes unknown
// (0x7FFFF000), samples to the end.
func wav(rate uint32, samples []int16, riffSize, dataSize uint32) []byte {
	b := []byte("RIFF....WAVEfmt ")
	binary.LittleEndian.PutUint32(b[4:], riffSize)
	b = binary.LittleEndian.AppendUint32(b, 16)
	b = binary.LittleEndian.AppendUint16(b, 1) // PCM
	b = binary.LittleEndian.AppendUint16(b, 1) // mono
	b = binary.LittleEndian.AppendUint32(b, rate)
	b = binary.LittleEndian.AppendUint32(b, rate*2)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 16)
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, dataSize)
	for _, s := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	return b
}

func TestParseWAV(t *testing.T) {
	samples := []int16{0, 1000, -1000, 32767, -32768}
	tests := []struct {
		name     string
		in       []byte
		n, rate  int
		wantFail bool
	}{
		{"streamed sizes", wav(22050, samples, 0x7FFFF024, 0x7FFFF000), 5, 22050, false},
		{"exact sizes", wav(16000, samples, 36+10, 10), 5, 16000, false},
		{"all ones", wav(22050, samples, 0xFFFFFFFF, 0xFFFFFFFF), 5, 22050, false},
		{"odd byte dropped", append(wav(22050, samples, 0, 0x7FFFF000), 0x12), 5, 22050, false},
		{"no samples", wav(22050, nil, 0, 0), 0, 22050, false},
		{"rate too low", wav(100, samples, 0, 10), 0, 0, true},
		{"truncated header", wav(22050, samples, 0, 10)[:30], 0, 0, true},
		{"stereo", func() []byte { b := wav(22050, samples, 0, 10); b[22] = 2; return b }(), 0, 0, true},
		{"not PCM", func() []byte { b := wav(22050, samples, 0, 10); b[20] = 3; return b }(), 0, 0, true},
	}
	for _, tt := range tests {
		pcm, r, err := parseWAV(tt.in)
		if (err != nil) != tt.wantFail || len(pcm) != tt.n || (!tt.wantFail && r != tt.rate) {
			t.Errorf("%s: %d samples at %d Hz, err %v", tt.name, len(pcm), r, err)
			continue
		}
		for i := range pcm {
			if pcm[i] != samples[i] {
				t.Errorf("%s: sample %d = %d", tt.name, i, pcm[i])
			}
		}
	}
}

// FuzzParseWAV: any input either fails or gives at most one sample per
// two bytes at a rate the player can convert, and never panics.
func FuzzParseWAV(f *testing.F) {
	f.Add(wav(22050, []int16{1, 2, 3}, 0x7FFFF024, 0x7FFFF000))
	f.Add(wav(16000, []int16{1, 2}, 40, 4))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEjunk\x01\x00\x00\x00xfmt "))
	f.Fuzz(func(t *testing.T, b []byte) {
		pcm, r, err := parseWAV(b)
		if err != nil {
			return
		}
		if 2*len(pcm) > len(b) || r < 8000 || r > 96000 {
			t.Fatalf("%d samples at %d Hz from %d bytes", len(pcm), r, len(b))
		}
		if out := resample(pcm, r, rate); len(pcm) > 0 && len(out) == 0 && r < rate {
			t.Fatalf("resampled %d samples to none", len(pcm))
		}
	})
}

func TestResample(t *testing.T) {
	in := []int16{0, 100, 200, 300}
	if got := resample(in, 22050, 22050); len(got) != 4 {
		t.Fatalf("same rate: %v", got)
	}
	got := resample(in, 11025, 22050)
	want := []int16{0, 50, 100, 150, 200, 250, 300, 300}
	if len(got) != len(want) {
		t.Fatalf("resample = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("resample = %v, want %v", got, want)
		}
	}
}

func TestTrimSilence(t *testing.T) {
	pcm := make([]int16, rate)
	pcm[rate/2] = 5000
	got := trimSilence(pcm)
	if len(got) != rate/2+rate/100 || got[rate/100] != 5000 {
		t.Fatalf("trimmed to %d samples", len(got))
	}
	if len(trimSilence(make([]int16, 100))) != 0 {
		t.Fatal("silence kept")
	}
}
