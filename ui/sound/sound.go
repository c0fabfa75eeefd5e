// Package sound plays the kiosk's short sounds and its spoken guidance
// through miniaudio (malgo). One goroutine owns the audio device; Play only
// posts a request. Speech (speech.go) renders phrases with espeak-ng and
// plays them on a channel of their own, mixed with the sounds. A kiosk
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
	"sync/atomic"
	"time"

	"github.com/gen2brain/malgo"
)

// backendNull is miniaudio's real null backend. malgo.BackendNull (13) is
// the custom backend and fails with "No backend": asking for it by
// number is the only way to a silent device that still runs the clock.
const backendNull = malgo.Backend(14)

const rate = 22050 // the sample rate of the embedded WAVs

// Player plays named sounds. Safe for concurrent use.
type Player struct {
	sounds map[string][]int16
	log    *slog.Logger
	reqs   chan request
	done   chan struct{}

	backend string      // "system" or "null"; set before Open returns
	on      atomic.Bool // the device is started: it calls fill

	mu      sync.Mutex // protects following: the device callback reads them
	playing []int16
	gain    float64
	// speech is the utterance playing on the speech channel, number
	// speechID; heard is the last one whose first samples went to the
	// device, and onSpeech (tests) learns of each.
	speech     []int16
	speechGain float64
	speechID   uint64
	heard      uint64
	onSpeech   func(id uint64)
}

// Backend says where sounds go: "system" (a sound card), "null" (nowhere,
// no card found) or "" (not even the null backend worked).
func (p *Player) Backend() string { return p.backend }

type request struct {
	pcm    []int16
	gain   float64
	speech bool   // for the speech channel
	id     uint64 // the utterance's number
}

// Open decodes the sounds (WAV files by name) and starts the goroutine that
// owns the audio device. Close stops it.
func Open(wavs map[string][]byte, log *slog.Logger) (*Player, error) {
	return open(wavs, log, backendsFor(cardsFile, log))
}

// cardsFile is where Linux lists the ALSA sound cards.
const cardsFile = "/proc/asound/cards"

// backendsFor is what Open tries: the system's backends, then the null
// backend. With no sound card it is the null backend alone, said in one
// line: miniaudio's ALSA backend would make libasound print "cannot find
// card" some 35 times to stderr, which no handler of ours can catch (malgo
// loads libasound at run time).
func backendsFor(cards string, log *slog.Logger) [][]malgo.Backend {
	if !hasSoundCard(cards) {
		log.Info("sound: no sound card, the kiosk is silent", "cards", cards)
		return [][]malgo.Backend{{backendNull}}
	}
	return [][]malgo.Backend{nil, {backendNull}}
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

// open is Open trying these backend lists in turn (tests: only null).
func open(wavs map[string][]byte, log *slog.Logger, backends [][]malgo.Backend) (*Player, error) {
	p := &Player{sounds: map[string][]int16{}, log: log, reqs: make(chan request, 4), done: make(chan struct{})}
	for name, b := range wavs {
		pcm, err := decodeWAV(b)
		if err != nil {
			return nil, fmt.Errorf("sound: %s: %w", name, err)
		}
		p.sounds[name] = pcm
	}
	ready := make(chan struct{})
	go p.run(ready, backends)
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

// speak starts utterance id on the speech channel at volume 0..1,
// interrupting the one playing; nil silences it. Unlike Play it waits for
// the device's goroutine (it is called from Speech's, never from the UI),
// and it must not be called after Close.
func (p *Player) speak(pcm []int16, volume float64, id uint64) {
	p.reqs <- request{pcm: pcm, gain: min(max(volume, 0), 1), speech: true, id: id}
}

// SetSpeechHook has f called, on the audio thread, when the first samples
// of each utterance reach the device, with the utterance's number: for the
// latency benchmarks (here and the screens'). f must not block.
func (p *Player) SetSpeechHook(f func(id uint64)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.onSpeech = f
}

// Close stops the device and its goroutine.
func (p *Player) Close() error {
	close(p.reqs)
	<-p.done
	return nil
}

// idleAfter is how long the device runs on after the last sound ended. A
// running device calls fill every few milliseconds, silent or not: on a
// kiosk nobody touches, that alone cost a few percent of a core.
const idleAfter = 2 * time.Second

// run owns the device: it opens it, hands each request to the callback,
// stops it once everything played and idleAfter passed, starts it again
// for the next request, and closes it when the requests end.
func (p *Player) run(ready chan<- struct{}, backends [][]malgo.Backend) {
	defer close(p.done)
	ctx, dev, err := p.openDevice(backends)
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
	p.on.Store(true)
	idle := time.NewTimer(idleAfter)
	defer idle.Stop()
	for {
		select {
		case r, ok := <-p.reqs:
			if !ok {
				return
			}
			// The device is started (and marked on) before the callback is
			// given the sound: a backend's callback may still run just after
			// Stop, and whoever hears the first samples may ask whether the
			// device is on.
			if !p.on.Load() {
				if err := dev.Start(); err != nil {
					p.log.Warn("sound: device did not start", "err", err)
				}
				p.on.Store(true)
			}
			p.mu.Lock()
			if r.speech {
				p.speech, p.speechGain, p.speechID = r.pcm, r.gain, r.id
			} else {
				p.playing, p.gain = r.pcm, r.gain
			}
			p.mu.Unlock()
			idle.Reset(idleAfter)
		case <-idle.C:
			switch {
			case !p.on.Load():
			case !p.silent():
				idle.Reset(idleAfter)
			default:
				// Not under p.mu: Stop waits for a callback in progress.
				if err := dev.Stop(); err != nil {
					p.log.Warn("sound: device did not stop", "err", err)
				}
				p.on.Store(false)
			}
		}
	}
}

// silent reports whether nothing is left to play.
func (p *Player) silent() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.playing) == 0 && len(p.speech) == 0
}

// openDevice tries the system's backends (nil), then the null backend; it
// names the one that opened when there was a choice.
func (p *Player) openDevice(lists [][]malgo.Backend) (*malgo.AllocatedContext, *malgo.Device, error) {
	var errs []error
	for _, backends := range lists {
		ctx, dev, err := p.tryBackends(backends)
		if err == nil {
			p.backend = "system"
			if len(backends) == 1 && backends[0] == backendNull {
				p.backend = "null"
			}
			if len(lists) > 1 {
				p.log.Info("sound: device open", "backend", p.backend)
			}
			return ctx, dev, nil
		}
		errs = append(errs, err)
	}
	return nil, nil, errors.Join(errs...)
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

// fill is the device callback: it mixes the next samples of the sound and
// of the speech playing, and silence after them. It runs on miniaudio's
// thread.
func (p *Player) fill(out, _ []byte, frames uint32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := min(int(frames), len(out)/2)
	ns, nv := min(n, len(p.playing)), min(n, len(p.speech))
	if nv > 0 && p.heard != p.speechID {
		p.heard = p.speechID
		if p.onSpeech != nil {
			p.onSpeech(p.speechID)
		}
	}
	for i := range max(ns, nv) {
		var v float64
		if i < ns {
			v += float64(p.playing[i]) * p.gain
		}
		if i < nv {
			v += float64(p.speech[i]) * p.speechGain
		}
		binary.LittleEndian.PutUint16(out[2*i:], uint16(int16(min(max(v, -32768), 32767))))
	}
	clear(out[2*max(ns, nv):])
	p.playing, p.speech = p.playing[ns:], p.speech[nv:]
}

// decodeWAV reads 16-bit mono PCM at rate from a RIFF WAV file.
func decodeWAV(b []byte) ([]int16, error) {
	pcm, r, err := parseWAV(b)
	if err != nil {
		return nil, err
	}
	if r != rate {
		return nil, fmt.Errorf("want 16-bit mono PCM at %d Hz, not %d Hz", rate, r)
	}
	return pcm, nil
}
