// Package sound plays the kiosk's short sounds through miniaudio (malgo).
// One goroutine owns the audio device; Play only posts a request. A kiosk
// without a sound card is not broken: the player falls back to miniaudio's
// null backend and plays into nothing.
package sound

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/gen2brain/malgo"
)

// backendNull is miniaudio's real null backend. malgo.BackendNull (13) is
// the custom backend and fails with "No backend" (fyne-notes.md §5).
const backendNull = malgo.Backend(14)

const rate = 22050 // the sample rate of the embedded WAVs

// Player plays named sounds. Safe for concurrent use.
type Player struct {
	sounds map[string][]int16
	log    *slog.Logger
	reqs   chan request
	done   chan struct{}

	backend string // "system" or "null"; set before Open returns
	cards   string // the ALSA card list to look at first (cardsFile)

	mu      sync.Mutex // protects following: the device callback reads them
	playing []int16
	gain    float64
}

// Backend says where sounds go: "system" (a sound card), "null" (nowhere,
// no card found) or "" (not even the null backend worked).
func (p *Player) Backend() string { return p.backend }

type request struct {
	pcm  []int16
	gain float64
}

// cardsFile is where Linux lists the ALSA sound cards.
const cardsFile = "/proc/asound/cards"

// Open decodes the sounds (WAV files by name) and starts the goroutine that
// owns the audio device. Close stops it.
func Open(wavs map[string][]byte, log *slog.Logger) (*Player, error) {
	return open(wavs, log, cardsFile)
}

func open(wavs map[string][]byte, log *slog.Logger, cards string) (*Player, error) {
	p := &Player{sounds: map[string][]int16{}, log: log, reqs: make(chan request, 4), done: make(chan struct{}), cards: cards}
	for name, b := range wavs {
		pcm, err := decodeWAV(b)
		if err != nil {
			return nil, fmt.Errorf("sound: %s: %w", name, err)
		}
		p.sounds[name] = pcm
	}
	ready := make(chan struct{})
	go p.run(ready)
	<-ready
	return p, nil
}

// Play starts a sound at volume 0..1, replacing one still playing. It never
// blocks: when the player is behind, the sound is dropped.
func (p *Player) Play(name string, volume float64) {
	pcm, ok := p.sounds[name]
	if !ok {
		p.log.Warn("sound: unknown sound", "name", name)
		return
	}
	select {
	case p.reqs <- request{pcm: pcm, gain: min(max(volume, 0), 1)}:
	default:
	}
}

// Close stops the device and its goroutine.
func (p *Player) Close() error {
	close(p.reqs)
	<-p.done
	return nil
}

// run owns the device: it opens it, hands each request to the callback, and
// closes it when the requests end.
func (p *Player) run(ready chan<- struct{}) {
	defer close(p.done)
	ctx, dev, err := p.openDevice()
	close(ready)
	if err != nil {
		p.log.Warn("sound: no audio device, playing silently", "err", err)
		for range p.reqs {
		}
		return
	}
	defer ctx.Free()
	defer ctx.Uninit()
	defer dev.Uninit()
	for r := range p.reqs {
		p.mu.Lock()
		p.playing, p.gain = r.pcm, r.gain
		p.mu.Unlock()
	}
}

// openDevice tries the system's backends, then the null backend. With no
// sound card it goes straight to the null backend and says so in one line:
// miniaudio's ALSA backend would make libasound print "cannot find card"
// some 35 times to stderr, which no handler of ours can catch (malgo loads
// libasound at run time).
func (p *Player) openDevice() (*malgo.AllocatedContext, *malgo.Device, error) {
	tries := []struct {
		name     string
		backends []malgo.Backend
	}{{"system", nil}, {"null", []malgo.Backend{backendNull}}}
	if !hasSoundCard(p.cards) {
		p.log.Info("sound: no sound card, the kiosk is silent", "cards", p.cards)
		tries = tries[1:]
	}
	var errs []error
	for _, try := range tries {
		ctx, dev, err := p.tryBackends(try.backends)
		if err == nil {
			p.backend = try.name
			if len(tries) > 1 {
				p.log.Info("sound: device open", "backend", p.backend)
			}
			return ctx, dev, nil
		}
		errs = append(errs, err)
	}
	return nil, nil, errors.Join(errs...)
}

// hasSoundCard reads the kernel's ALSA card list: a card's line starts
// with its number, "--- no soundcards ---" or no file means none. A sound
// server without an ALSA card (PulseAudio to a network sink) is no kiosk's.
func hasSoundCard(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		f := bytes.Fields(s.Bytes())
		if len(f) > 1 && f[0][0] >= '0' && f[0][0] <= '9' && f[1][0] == '[' {
			return true
		}
	}
	return false
}

func (p *Player) tryBackends(backends []malgo.Backend) (*malgo.AllocatedContext, *malgo.Device, error) {
	ctx, err := malgo.InitContext(backends, malgo.ContextConfig{}, nil)
	if err != nil {
		return nil, nil, err
	}
	cfg := malgo.DefaultDeviceConfig(malgo.Playback)
	cfg.Playback.Format = malgo.FormatS16
	cfg.Playback.Channels = 1
	cfg.SampleRate = rate
	dev, err := malgo.InitDevice(ctx.Context, cfg, malgo.DeviceCallbacks{Data: p.fill})
	if err == nil {
		err = dev.Start()
		if err != nil {
			dev.Uninit()
		}
	}
	if err != nil {
		ctx.Uninit()
		ctx.Free()
		return nil, nil, err
	}
	return ctx, dev, nil
}

// fill is the device callback: it copies the next samples of the sound
// playing, and silence after it. It runs on miniaudio's thread.
func (p *Player) fill(out, _ []byte, frames uint32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := min(int(frames), len(p.playing), len(out)/2)
	for i := range n {
		binary.LittleEndian.PutUint16(out[2*i:], uint16(int16(float64(p.playing[i])*p.gain)))
	}
	clear(out[2*n:])
	p.playing = p.playing[n:]
}

// decodeWAV reads 16-bit mono PCM at rate from a RIFF WAV file.
func decodeWAV(b []byte) ([]int16, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, errors.New("not a WAV file")
	}
	var fmtOK bool
	for off := 12; off+8 <= len(b); {
		id, size := string(b[off:off+4]), int(binary.LittleEndian.Uint32(b[off+4:]))
		body := b[off+8 : min(off+8+size, len(b))]
		switch id {
		case "fmt ":
			if len(body) < 16 || binary.LittleEndian.Uint16(body[0:]) != 1 || binary.LittleEndian.Uint16(body[2:]) != 1 ||
				binary.LittleEndian.Uint32(body[4:]) != rate || binary.LittleEndian.Uint16(body[14:]) != 16 {
				return nil, fmt.Errorf("want 16-bit mono PCM at %d Hz", rate)
			}
			fmtOK = true
		case "data":
			if !fmtOK {
				return nil, errors.New("data before fmt")
			}
			pcm := make([]int16, len(body)/2)
			for i := range pcm {
				pcm[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
			}
			return pcm, nil
		}
		off += 8 + size + size%2
	}
	return nil, errors.New("no data chunk")
}
