package sound

import (
	"io"
	"log/slog"
	"testing"

	"pudo/assets"
)

func TestEmbeddedSoundsDecode(t *testing.T) {
	for name, b := range assets.Sounds {
		pcm, err := decodeWAV(b)
		if err != nil || len(pcm) < rate/50 {
			t.Errorf("%s: %d samples, err %v", name, len(pcm), err)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":   nil,
		"not wav": []byte("RIFF....AVI LIST"),
		"no data": append([]byte("RIFF\x00\x00\x00\x00WAVE"), []byte("junk\x00\x00\x00\x00")...),
	} {
		if _, err := decodeWAV(b); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

// TestPlayWithoutSoundCard opens a player on a machine that may have no
// sound card: it must fall back to the null backend, and Play must not block.
func TestPlayWithoutSoundCard(t *testing.T) {
	p, err := Open(assets.Sounds, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("backend %q", p.Backend())
	for range 20 {
		p.Play("open", 0.5)
	}
	p.Play("no-such-sound", 1)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFillMixesAndSilences(t *testing.T) {
	p := &Player{playing: []int16{1000, -1000, 2000}, gain: 0.5}
	out := make([]byte, 10)
	for i := range out {
		out[i] = 0xFF
	}
	p.fill(out, nil, 5)
	want := []byte{0xF4, 0x01, 0x0C, 0xFE, 0xE8, 0x03, 0, 0, 0, 0}
	for i := range want {
		if out[i] != want[i] {
			t.Fatalf("out %x, want %x", out, want)
		}
	}
	if len(p.playing) != 0 {
		t.Fatalf("%d samples left", len(p.playing))
	}
}
