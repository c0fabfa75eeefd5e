package sound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gen2brain/malgo"

	"pudo/app/testenv"
	"pudo/app/voice"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fakeEngine renders a tone as long as the text; texts containing "slow"
// wait for gate when there is one. It stands in for espeak-ng where the test is about
// Speech, not the engine (espeak_test.go runs the real one).
type fakeEngine struct {
	gate chan struct{}
	fail map[string]bool // voices that do not exist

	mu    sync.Mutex
	texts []string
}

func (f *fakeEngine) id() string { return "fake 1" }

func (f *fakeEngine) render(ctx context.Context, voice, text string) ([]int16, error) {
	f.mu.Lock()
	f.texts = append(f.texts, voice+":"+text)
	f.mu.Unlock()
	if f.fail[voice] {
		return nil, errors.New("no such voice")
	}
	if f.gate != nil && strings.Contains(text, "slow") {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	pcm := make([]int16, 100*len(text))
	for i := range pcm {
		pcm[i] = 8000
	}
	return pcm, nil
}

func (f *fakeEngine) rendered() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.texts)
}

var testCatalogue = fstest.MapFS{
	"translations/en.json": {Data: []byte(`{"spoken.hello": "Hello", "spoken.slow": "slow one", "spoken.fast": "fast one",
		"door.number": "Door {{.Door}}", "spoken.door.number": "Door number {{.Door}}"}`)},
	"translations/pl.json": {Data: []byte(`{"spoken.hello": "Dzień dobry", "spoken.slow": "slow", "spoken.fast": "szybko",
		"door.number": "Skrytka {{.Door}}", "spoken.door.number": "Skrytka numer {{.Door}}"}`)},
}

func nullPlayer(t testing.TB) *Player {
	t.Helper()
	p, err := open(nil, quiet, [][]malgo.Backend{{backendNull}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Backend() != "null" {
		t.Fatalf("backend %q", p.Backend())
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// heard collects the utterances whose first samples reached the device.
func heard(p *Player) <-chan uint64 {
	ch := make(chan uint64, 64)
	p.SetSpeechHook(func(id uint64) {
		select {
		case ch <- id:
		default:
		}
	})
	return ch
}

func waitHeard(t testing.TB, ch <-chan uint64) uint64 {
	t.Helper()
	return testenv.Receive(t, "an utterance to reach the device", ch)
}

func testSpeech(t testing.TB, p *Player, eng renderer, opts SpeechOptions) *Speech {
	t.Helper()
	if opts.Catalogue == nil {
		opts.Catalogue = testCatalogue
	}
	if opts.Voices == nil {
		opts.Voices = map[string]string{"en": "en-gb", "pl": "pl"}
	}
	opts.Volume, opts.NightVolume = 0.9, 0.5
	s, err := openSpeech(context.Background(), p, opts, eng, nil, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func waitIdle(t *testing.T, s *Speech, ahead int) SpeechStatus {
	t.Helper()
	var st SpeechStatus
	testenv.Await(t, fmt.Sprintf("%d phrases rendered ahead, none pending", ahead), func() bool {
		st = s.Status()
		return st.Pending == 0 && st.Ahead >= ahead
	})
	return st
}

func TestSpeechRendersAheadOnceAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	p := nullPlayer(t)
	eng := &fakeEngine{}
	opts := SpeechOptions{CacheDir: dir, Languages: []string{"pl", "en"}, Workers: 2,
		Ahead: []voice.Phrase{voice.Say("door.number", "Door", 14)}}
	s := testSpeech(t, p, eng, opts)
	st := waitIdle(t, s, 8)
	got := eng.rendered()
	slices.Sort(got)
	want := []string{"en-gb:Door number 14", "en-gb:Hello", "en-gb:fast one", "en-gb:slow one",
		"pl:Dzień dobry", "pl:Skrytka numer 14", "pl:slow", "pl:szybko"}
	if !slices.Equal(got, want) {
		t.Fatalf("rendered %q, want %q", got, want)
	}
	if !slices.Equal(st.Voices, []string{"en", "pl"}) || st.State != SpeechNoSound || st.Engine != "fake 1" {
		t.Fatalf("status %+v", st)
	}
	s.Close()

	// After a restart every phrase comes from the disk.
	eng2 := &fakeEngine{}
	s2 := testSpeech(t, p, eng2, opts)
	waitIdle(t, s2, 8)
	ch := heard(p)
	gen := s2.say("pl", []voice.Phrase{voice.Say("door.number", "Door", 14)})
	if id := waitHeard(t, ch); id != gen {
		t.Fatalf("heard %d, want %d", id, gen)
	}
	if r := eng2.rendered(); len(r) != 0 {
		t.Fatalf("rendered again after a restart: %q", r)
	}
}

// A person who moved on hears the new screen, not the rest of the old
// one: an utterance still rendering when a newer comes is never played.
func TestSayInterrupts(t *testing.T) {
	p := nullPlayer(t)
	eng := &fakeEngine{gate: make(chan struct{})}
	s := testSpeech(t, p, eng, SpeechOptions{})
	ch := heard(p)
	s.say("en", []voice.Phrase{voice.Say("spoken.slow")})
	for len(eng.rendered()) == 0 { // the speaker is inside the slow render
		time.Sleep(time.Millisecond)
	}
	fast := s.say("en", []voice.Phrase{voice.Say("spoken.fast")})
	close(eng.gate)
	if id := waitHeard(t, ch); id != fast {
		t.Fatalf("heard utterance %d, want %d: the interrupted one played", id, fast)
	}
}

func TestNewSpeechReplacesThePlaying(t *testing.T) {
	p := &Player{}
	p.speech, p.speechGain, p.speechID = []int16{1000, 1000, 1000, 1000}, 1, 1
	out := make([]byte, 4)
	p.fill(out, nil, 2)
	p.speech, p.speechID = []int16{-2000, -2000}, 2 // what the owner goroutine does on speak
	var ids []uint64
	p.onSpeech = func(id uint64) { ids = append(ids, id) }
	p.fill(out, nil, 2)
	if int16(uint16(out[0])|uint16(out[1])<<8) != -2000 || !slices.Equal(ids, []uint64{2}) {
		t.Fatalf("out %x, heard %v", out, ids)
	}
}

func TestSpeechMixesWithSounds(t *testing.T) {
	p := &Player{playing: []int16{30000, 100}, gain: 1, speech: []int16{30000, 100, 100}, speechGain: 0.5, speechID: 1}
	out := make([]byte, 8)
	p.fill(out, nil, 4)
	got := []int16{int16(uint16(out[0]) | uint16(out[1])<<8), int16(uint16(out[2]) | uint16(out[3])<<8),
		int16(uint16(out[4]) | uint16(out[5])<<8), int16(uint16(out[6]) | uint16(out[7])<<8)}
	if !slices.Equal(got, []int16{32767, 150, 50, 0}) {
		t.Fatalf("mixed %v", got)
	}
}

func TestSpeechVolumeAtNight(t *testing.T) {
	s := testSpeech(t, nullPlayer(t), &fakeEngine{}, SpeechOptions{})
	if v := s.volume(); v != 0.9 {
		t.Fatalf("day volume %v", v)
	}
	s.SetNight(true)
	if v := s.volume(); v != 0.5 {
		t.Fatalf("night volume %v", v)
	}
}

func TestSpeechWithoutEngine(t *testing.T) {
	p := nullPlayer(t)
	s, err := openSpeech(context.Background(), p, SpeechOptions{Catalogue: testCatalogue}, nil, ErrNoEngine, quiet)
	if err != nil {
		t.Fatal(err)
	}
	s.Say("en", voice.Say("spoken.hello"))
	s.Prepare("en", voice.Say("spoken.hello"))
	st := s.Status()
	if st.State != SpeechNoEngine || st.Err == "" || st.Engine != "" {
		t.Fatalf("status %+v", st)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSpeechMissingVoice(t *testing.T) {
	eng := &fakeEngine{fail: map[string]bool{"pl": true}}
	s := testSpeech(t, nullPlayer(t), eng, SpeechOptions{Languages: []string{"en", "pl", "nl"},
		Voices: map[string]string{"en": "en-gb", "pl": "pl"}})
	st := waitIdle(t, s, 6) // three phrases each in en and pl; the catalogue has no nl
	if !slices.Equal(st.Voices, []string{"en"}) || !slices.Equal(st.Missing, []string{"nl", "pl"}) || st.Err == "" {
		t.Fatalf("status %+v", st)
	}
}

func TestSpeechBadCatalogue(t *testing.T) {
	bad := fstest.MapFS{"translations/en.json": {Data: []byte(`{"a": `)}}
	if _, err := openSpeech(context.Background(), nullPlayer(t), SpeechOptions{Catalogue: bad}, &fakeEngine{}, nil, quiet); err == nil {
		t.Fatal("a broken catalogue was taken")
	}
}
