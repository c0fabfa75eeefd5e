package sound

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"pudo/app/voice"
)

// SpeechOptions configure Speech; main fills them from config [speech].
type SpeechOptions struct {
	Program     string            // the espeak-ng binary
	Voices      map[string]string // screen language → espeak-ng voice
	Rate        int               // words per minute
	Volume      float64           // 0..1 by day
	NightVolume float64           // 0..1 in night mode
	CacheDir    string            // rendered clips across restarts; "": memory only
	MemoryBytes int               // bound on the clips kept in memory; 0: defaultMemoryBytes
	Catalogue   fs.FS             // translations/*.json (assets.Translations)
	// Languages are rendered ahead at start, the first first: every
	// spoken.* text without placeholders, and Ahead.
	Languages []string
	Ahead     []voice.Phrase
	Workers   int // espeak-ng processes rendering ahead at once; 0: 1
}

// Speech says phrases from the translation catalogue aloud. Say never
// blocks: one goroutine owns the utterance, finds its clips in the cache
// (or has espeak-ng render them) and hands them to the player; a new Say
// interrupts the one playing or still being rendered, because a person
// who moved on should not wait. Other goroutines render the catalogue's
// spoken phrases ahead, so that a screen speaks as soon as it appears.
// Without espeak-ng Speech is silent and Status says so.
type Speech struct {
	player *Player
	opts   SpeechOptions
	cat    voice.Catalogue
	eng    renderer // nil: no engine, silent
	engErr error
	clips  *clips
	log    *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{} // an utterance is waiting
	work   chan struct{} // a phrase is queued for rendering ahead

	mu       sync.Mutex // protects following
	gen      uint64     // the newest utterance's number
	next     *utterance // waiting for the speaker goroutine
	night    bool
	queue    []job
	voices   map[string]bool // language → its voice rendered (true) or failed (false)
	lastErr  string
	rendered int // clips espeak-ng made, this run
	ahead    int // phrases rendered or found ahead
	working  int // phrases being rendered ahead right now
}

type utterance struct {
	gen     uint64
	lang    string
	phrases []voice.Phrase
}

type job struct {
	lang   string
	phrase voice.Phrase
}

// gap separates the phrases of one utterance, as a speaker pauses
// between "Door 14" and "two columns to your right".
const gap = rate / 4

// diskCacheBytes bounds the clips kept on disk.
const diskCacheBytes = 256 << 20

// OpenSpeech starts speaking through player: it finds espeak-ng and starts
// rendering ahead. Only a bad catalogue is an error; a missing espeak-ng
// leaves the kiosk silent, logged once and in Status. Close Speech before
// the player.
func OpenSpeech(ctx context.Context, player *Player, opts SpeechOptions, log *slog.Logger) (*Speech, error) {
	eng, err := findEspeak(ctx, opts.Program, opts.Rate)
	if err != nil {
		log.Warn("speech: espeak-ng not found: the kiosk does not speak (install espeak-ng)", "program", opts.Program, "err", err)
		return openSpeech(ctx, player, opts, nil, err, log)
	}
	log.Info("speech: ready", "engine", eng.id(), "path", eng.path, "cache", opts.CacheDir)
	return openSpeech(ctx, player, opts, eng, nil, log)
}

func openSpeech(ctx context.Context, player *Player, opts SpeechOptions, eng renderer, engErr error, log *slog.Logger) (*Speech, error) {
	cat, err := voice.LoadCatalogue(opts.Catalogue)
	if err != nil {
		return nil, err
	}
	if opts.MemoryBytes <= 0 {
		opts.MemoryBytes = defaultMemoryBytes
	}
	opts.Workers = max(opts.Workers, 1)
	s := &Speech{player: player, opts: opts, cat: cat, eng: eng, engErr: engErr,
		clips: newClips(opts.CacheDir, opts.MemoryBytes), log: log,
		wake: make(chan struct{}, 1), work: make(chan struct{}, 1), voices: map[string]bool{}}
	s.ctx, s.cancel = context.WithCancel(ctx)
	if eng == nil {
		return s, nil
	}
	for _, lang := range opts.Languages {
		phrases := append(cat.Fixed(lang), opts.Ahead...)
		s.prepare(lang, phrases...)
	}
	s.wg.Add(1 + opts.Workers)
	go s.speak()
	for range opts.Workers {
		go s.renderAhead()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.clips.prune(diskCacheBytes, time.Now()); err != nil {
			log.Warn("speech: cache not pruned", "dir", opts.CacheDir, "err", err)
		}
	}()
	return s, nil
}

// Say speaks phrases in lang one after the other, interrupting whatever
// is being said. What is said is logged, every character of a code or a
// PIN as "•": the log is support's transcript of what a person heard.
func (s *Speech) Say(lang string, phrases ...voice.Phrase) {
	s.logSaid(lang, phrases)
	s.say(lang, phrases)
}

// Silence stops speaking, at once.
func (s *Speech) Silence() { s.say("", nil) }

func (s *Speech) logSaid(lang string, phrases []voice.Phrase) {
	said := make([]string, 0, len(phrases))
	for _, p := range phrases {
		t, err := s.cat.LogText(lang, p)
		if err != nil {
			t = "(" + p.Key + ")"
		}
		said = append(said, t)
	}
	s.log.Info("speech: say", "lang", lang, "text", strings.Join(said, " | "), "silent", s.eng == nil)
}

// Utterance is the number of the newest utterance asked for, the one the
// player's speech hook reports when its first samples are heard.
func (s *Speech) Utterance() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// say queues an utterance and returns its number.
func (s *Speech) say(lang string, phrases []voice.Phrase) uint64 {
	if s.eng == nil {
		return 0
	}
	s.mu.Lock()
	s.gen++
	s.next = &utterance{gen: s.gen, lang: lang, phrases: phrases}
	gen := s.gen
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return gen
}

// Prepare renders phrases in lang in the background, so that saying them
// later needs no espeak-ng: the doors' ways, a screen's texts with values.
func (s *Speech) Prepare(lang string, phrases ...voice.Phrase) {
	if s.eng != nil {
		s.prepare(lang, phrases...)
	}
}

func (s *Speech) prepare(lang string, phrases ...voice.Phrase) {
	s.mu.Lock()
	for _, p := range phrases {
		s.queue = append(s.queue, job{lang, p})
	}
	s.mu.Unlock()
	select {
	case s.work <- struct{}{}:
	default:
	}
}

// SetNight switches to the night volume (or back).
func (s *Speech) SetNight(night bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.night = night
}

func (s *Speech) volume() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.night {
		return s.opts.NightVolume
	}
	return s.opts.Volume
}

// Close stops speaking and rendering, and waits for the goroutines.
func (s *Speech) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}

// speak owns the utterance: it takes the newest, gets its clips and plays
// them, unless a newer one came meanwhile.
func (s *Speech) speak() {
	defer s.wg.Done()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.wake:
		}
		s.mu.Lock()
		u := s.next
		s.next = nil
		s.mu.Unlock()
		if u == nil {
			continue
		}
		pcm := s.utter(u)
		if s.superseded(u.gen) {
			continue
		}
		s.player.speak(pcm, s.volume(), u.gen)
	}
}

func (s *Speech) superseded(gen uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen != gen || s.ctx.Err() != nil
}

// utter is the clips of u joined by gaps. A phrase that cannot be said is
// left out and logged: the rest still helps.
func (s *Speech) utter(u *utterance) []int16 {
	var out []int16
	for _, p := range u.phrases {
		if s.superseded(u.gen) {
			return nil
		}
		pcm, err := s.clip(s.ctx, u.lang, p)
		if err != nil {
			s.fail(u.lang, err)
			continue
		}
		if len(out) > 0 {
			out = append(out, make([]int16, gap)...)
		}
		out = append(out, pcm...)
	}
	return out
}

// clip is the audio of p in lang, from the cache or rendered now.
func (s *Speech) clip(ctx context.Context, lang string, p voice.Phrase) ([]int16, error) {
	k, voice, text, err := s.key(lang, p)
	if err != nil {
		return nil, err
	}
	if pcm, ok := s.clips.get(k); ok {
		return pcm, nil
	}
	return s.render(ctx, k, lang, voice, text, true)
}

func (s *Speech) key(lang string, p voice.Phrase) (clipKey, string, string, error) {
	voice, ok := s.opts.Voices[lang]
	if !ok {
		return clipKey{}, "", "", errors.New("sound: no voice for language " + lang)
	}
	text, err := s.cat.Text(lang, p)
	if err != nil {
		return clipKey{}, "", "", err
	}
	return keyOf(s.eng.id(), voice, text), voice, text, nil
}

// render has espeak-ng render text and caches the clip; a clip rendered
// ahead (speaking false) stays in memory only when there is no disk to
// keep it on: five languages of phrases would hold tens of megabytes that
// a read of the file, a fraction of a millisecond, makes needless.
func (s *Speech) render(ctx context.Context, k clipKey, lang, voice, text string, speaking bool) ([]int16, error) {
	pcm, err := s.eng.render(ctx, voice, text)
	if err != nil {
		if ctx.Err() == nil {
			s.markVoice(lang, false)
		}
		return nil, err
	}
	s.markVoice(lang, true)
	if err := s.clips.put(k, pcm, speaking); err != nil {
		s.log.Warn("speech: clip not cached on disk", "err", err)
	}
	return pcm, nil
}

func (s *Speech) markVoice(lang string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok {
		s.rendered++
	}
	if ok || !s.voices[lang] { // one success proves the voice
		s.voices[lang] = ok
	}
}

func (s *Speech) fail(lang string, err error) {
	s.mu.Lock()
	first := s.lastErr != err.Error()
	s.lastErr = err.Error()
	s.mu.Unlock()
	if first {
		s.log.Warn("speech: phrase not said", "lang", lang, "err", err)
	}
}

// renderAhead renders queued phrases not cached yet, one at a time per
// worker: the screen and the speaker goroutine keep the other core.
func (s *Speech) renderAhead() {
	defer s.wg.Done()
	for {
		j, ok := s.pop()
		if !ok {
			select {
			case <-s.ctx.Done():
				return
			case <-s.work:
				continue
			}
		}
		if err := s.renderJob(j); err != nil && s.ctx.Err() == nil {
			s.fail(j.lang, err)
		}
		s.mu.Lock()
		s.ahead++
		s.working--
		if len(s.queue) == 0 && s.working == 0 {
			// Support (and the idle benchmark) learn when the start-up's
			// rendering is over.
			s.log.Info("speech: every phrase rendered ahead", "phrases", s.ahead, "rendered_now", s.rendered)
		}
		s.mu.Unlock()
		if s.ctx.Err() != nil {
			return
		}
	}
}

func (s *Speech) pop() (job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		return job{}, false
	}
	j := s.queue[0]
	s.queue = s.queue[1:]
	s.working++
	if len(s.queue) > 0 { // wake the next worker too
		select {
		case s.work <- struct{}{}:
		default:
		}
	}
	return j, true
}

func (s *Speech) renderJob(j job) error {
	k, voice, text, err := s.key(j.lang, j.phrase)
	if err != nil {
		return err
	}
	if s.clips.has(k) {
		return nil
	}
	_, err = s.render(s.ctx, k, j.lang, voice, text, false)
	return err
}

// SpeechState sums up whether the kiosk can speak, for staff.
type SpeechState string

const (
	SpeechReady     SpeechState = "ready"
	SpeechPreparing SpeechState = "preparing" // rendering ahead: speaks, the first time more slowly
	SpeechNoEngine  SpeechState = "no-engine" // espeak-ng missing: silent
	SpeechNoSound   SpeechState = "no-sound"  // no sound card: speaks into nothing
)

// SpeechStatus is what the staff hardware screen shows about speech.
type SpeechStatus struct {
	State   SpeechState
	Engine  string   // "espeak-ng 1.51 rate 150"; "" without one
	Device  string   // the player's: "system", "null" or ""
	Voices  []string // languages whose voice has spoken
	Missing []string // languages whose voice failed, or has none configured
	Ahead   int      // phrases rendered ahead so far
	Pending int      // phrases still to render ahead
	Memory  int      // bytes of speech held in memory
	Err     string   // the last phrase that could not be said
}

// Status is speech's state now.
func (s *Speech) Status() SpeechStatus {
	st := SpeechStatus{Device: s.player.Backend()}
	_, st.Memory = s.clips.inMemory()
	s.mu.Lock()
	st.Ahead, st.Pending, st.Err = s.ahead, len(s.queue), s.lastErr
	for lang, ok := range s.voices {
		if ok {
			st.Voices = append(st.Voices, lang)
		} else {
			st.Missing = append(st.Missing, lang)
		}
	}
	s.mu.Unlock()
	for _, lang := range s.opts.Languages {
		if _, ok := s.opts.Voices[lang]; !ok {
			st.Missing = append(st.Missing, lang)
		}
	}
	slices.Sort(st.Voices)
	slices.Sort(st.Missing)
	st.Missing = slices.Compact(st.Missing)
	switch {
	case s.eng == nil:
		st.State = SpeechNoEngine
		if s.engErr != nil {
			st.Err = s.engErr.Error()
		}
		return st
	case st.Device != "system":
		st.State = SpeechNoSound
	case st.Pending > 0:
		st.State = SpeechPreparing
	default:
		st.State = SpeechReady
	}
	st.Engine = s.eng.id()
	return st
}
