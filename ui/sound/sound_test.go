package sound

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pudo/app/testenv"
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

func TestHasSoundCard(t *testing.T) {
	dir := t.TempDir()
	tests := map[string]struct {
		body string
		want bool
	}{
		"none":   {"--- no soundcards ---\n", false},
		"empty":  {"", false},
		"intel":  {" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n                      HDA Intel PCH at 0xf7f10000 irq 32\n", true},
		"pi":     {" 0 [vc4hdmi0       ]: vc4-hdmi - vc4-hdmi-0\n                      vc4-hdmi-0\n 1 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones\n", true},
		"usb 10": {"10 [Device        ]: USB-Audio - USB Audio Device\n", true},
	}
	for name, tc := range tests {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(tc.body), 0o644)
		if got := hasSoundCard(path); got != tc.want {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
	if hasSoundCard(filepath.Join(dir, "missing")) {
		t.Error("no card list, yet a card")
	}
}

// TestNoCardSaysSoOnce: with no card the player never tries the system's
// backends (whose ALSA noise would follow) and logs one line.
func TestNoCardSaysSoOnce(t *testing.T) {
	cards := filepath.Join(t.TempDir(), "cards")
	os.WriteFile(cards, []byte("--- no soundcards ---\n"), 0o644)
	var log bytes.Buffer
	l := slog.New(slog.NewTextHandler(&log, nil))
	p, err := open(assets.Sounds, l, backendsFor(cards, l))
	if err != nil {
		t.Fatal(err)
	}
	p.Play("open", 1)
	p.Close()
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if p.Backend() != "null" || len(lines) != 1 || !strings.Contains(lines[0], "no sound card") {
		t.Fatalf("backend %q, log:\n%s", p.Backend(), log.String())
	}
}

// TestDeviceRestsWhenSilent: a device with nothing to play stops, so its
// callback no longer runs on an idle kiosk; the next utterance starts it
// again and reaches it.
func TestDeviceRestsWhenSilent(t *testing.T) {
	p := nullPlayer(t)
	// Whether the device is on is read as the utterance is heard: read
	// after, it may have rested again (idleAfter) on a starved machine.
	type hearing struct {
		id uint64
		on bool
	}
	got := make(chan hearing, 64)
	p.SetSpeechHook(func(id uint64) {
		select {
		case got <- hearing{id, p.on.Load()}:
		default:
		}
	})
	testenv.Await(t, "the idle device stopped", func() bool { return !p.on.Load() })
	p.speak(make([]int16, rate/10), 1, 7)
	h := testenv.Receive(t, "the utterance on the restarted device", got)
	if h.id != 7 {
		t.Fatalf("heard utterance %d, want 7", h.id)
	}
	if !h.on {
		t.Fatal("the device is not running while it speaks")
	}
}
