package scanner

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"sync"
	"time"
)

// Source is one code reader. Run owns its device until ctx is done: it opens
// it, reports reads and health to sink, and when the device is missing or
// fails it reports Down and tries again later. Run returns only when ctx ends.
type Source interface {
	Name() string
	Run(ctx context.Context, sink Sink)
}

// Sink receives what a Source sees. The Hub implements it; its methods are
// safe for concurrent use.
type Sink interface {
	Emit(ctx context.Context, r Read) // blocks while the consumer is behind, until ctx ends
	Up(detail string)                 // the device is open and working; detail names it
	Down(err error)                   // the device is missing or failing; the source keeps retrying
}

// Status is one source's health, for staff screens and `pudo doctor`.
type Status struct {
	Source   string
	Up       bool
	Detail   string    // device and mode when up, the error when down
	Since    time.Time // when Up last changed
	LastRead time.Time // zero until the source reads a code
	Reads    int       // codes read (before dedupe)
}

// Hub runs the configured sources and merges their reads into one channel.
type Hub struct {
	log    *slog.Logger
	in     chan Read
	out    chan Read
	cancel context.CancelFunc
	wg     sync.WaitGroup
	done   chan struct{} // closed when the merge goroutine has exited
	now    func() time.Time

	mu      sync.Mutex // protects following
	status  map[string]*Status
	order   []string
	framers []interface{ LastFrame() image.Image }
	closed  bool
	glimpse func(Glimpse)
}

// Glimpse is a camera frame that looks like a code (QR finder patterns, a
// bar-like region) which the decoder has not read yet: someone is holding
// a code up, not quite where the camera reads it.
type Glimpse struct {
	Source string
	At     time.Time
}

// OnGlimpse has f called with every Glimpse, from the decoding goroutine
// of the source that saw it, at up to the camera's frame rate: f must not
// block. nil stops the calls. A kiosk in audio mode plays a guidance tone
// from it, so a person who cannot see the scanner finds where to hold
// the code.
func (h *Hub) OnGlimpse(f func(Glimpse)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.glimpse = f
}

// Start validates cfg and starts every enabled source. A missing device is
// not an error: its source reports Down in Status and keeps looking for it.
// Stop the hub with Close, or by cancelling ctx.
func Start(ctx context.Context, cfg Config, log *slog.Logger) (*Hub, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("scanner: config: %w", err)
	}
	var srcs []Source
	if cfg.Camera.Enabled {
		cam := NewCamera(cfg.Camera, cfg.Formats, cfg.Retry.D(), log)
		cam.MaxPixels = cfg.MaxPixels
		srcs = append(srcs, cam)
	}
	if cfg.Serial.Enabled {
		srcs = append(srcs, NewSerial(cfg.Serial, cfg.Retry.D(), log))
	}
	if cfg.Folder.Enabled {
		folder := NewFolder(cfg.Folder, cfg.Formats, log)
		folder.MaxPixels = cfg.MaxPixels
		srcs = append(srcs, folder)
	}
	return StartSources(ctx, log, cfg.Dedupe.D(), srcs...), nil
}

// StartSources runs the given sources behind one Hub, dropping a code seen
// again within window. Tests and custom wiring use it; Start builds the
// sources from a Config.
func StartSources(ctx context.Context, log *slog.Logger, window time.Duration, srcs ...Source) *Hub {
	ctx, cancel := context.WithCancel(ctx)
	h := &Hub{
		log:    log,
		in:     make(chan Read),
		out:    make(chan Read, 16),
		cancel: cancel,
		done:   make(chan struct{}),
		now:    time.Now,
		status: map[string]*Status{},
	}
	for _, s := range srcs {
		h.register(s.Name(), "starting")
		if f, ok := s.(interface{ LastFrame() image.Image }); ok {
			h.framers = append(h.framers, f)
		}
	}
	go h.merge(ctx, window)
	for _, s := range srcs {
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			s.Run(ctx, &sourceSink{h: h, name: s.Name()})
		}()
	}
	return h
}

// Reads delivers deduplicated reads from every source. It is closed by Close.
func (h *Hub) Reads() <-chan Read { return h.out }

// Push feeds a read that did not come from a hub source, such as a keyboard
// burst the UI detected, through the same dedupe and channel. It returns false
// if the hub is closed or ctx ends first.
func (h *Hub) Push(ctx context.Context, r Read) bool {
	if r.At.IsZero() {
		r.At = h.now()
	}
	h.noteRead(r.Source, r.At)
	select {
	case h.in <- r:
		return true
	case <-h.done:
	case <-ctx.Done():
	}
	return false
}

// Status returns every source's health, in start order.
func (h *Hub) Status() []Status {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Status, 0, len(h.order))
	for _, n := range h.order {
		out = append(out, *h.status[n])
	}
	return out
}

// LastFrame returns the newest camera frame (grayscale), or nil when there is
// no camera or it has not delivered a frame yet. The image must not be modified.
func (h *Hub) LastFrame() image.Image {
	h.mu.Lock()
	fs := h.framers
	h.mu.Unlock()
	for _, f := range fs {
		if img := f.LastFrame(); img != nil {
			return img
		}
	}
	return nil
}

// Close stops every source, waits for them and closes Reads. It is safe to call twice.
func (h *Hub) Close() error {
	h.mu.Lock()
	closed := h.closed
	h.closed = true
	h.mu.Unlock()
	if closed {
		return nil
	}
	h.cancel()
	h.wg.Wait()
	<-h.done
	return nil
}

// merge owns out: it dedupes reads and closes out when ctx ends.
func (h *Hub) merge(ctx context.Context, window time.Duration) {
	defer close(h.done)
	defer close(h.out)
	dd := newDedupe(window)
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-h.in:
			if !dd.admit(r.Text, r.At) {
				continue
			}
			select {
			case h.out <- r:
			case <-ctx.Done():
				return
			}
		}
	}
}

func (h *Hub) register(name, detail string) *Status {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.registerLocked(name, detail)
}

func (h *Hub) registerLocked(name, detail string) *Status {
	s, ok := h.status[name]
	if !ok {
		s = &Status{Source: name, Detail: detail, Since: h.now()}
		h.status[name] = s
		h.order = append(h.order, name)
	}
	return s
}

func (h *Hub) setHealth(name string, up bool, detail string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.registerLocked(name, detail)
	if s.Up != up {
		s.Since = h.now()
	}
	s.Up, s.Detail = up, detail
}

func (h *Hub) noteRead(name string, at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.registerLocked(name, "")
	if name == SourceKeyboard {
		// The UI sees keyboard scanners; a burst proves one is there.
		s.Up, s.Detail = true, "keyboard-mode scanner (seen by the UI)"
	}
	s.LastRead = at
	s.Reads++
}

// sourceSink is the Sink one source writes to; it stamps the source's name.
type sourceSink struct {
	h    *Hub
	name string
}

func (s *sourceSink) Emit(ctx context.Context, r Read) {
	r.Source = s.name
	if r.At.IsZero() {
		r.At = s.h.now()
	}
	s.h.noteRead(s.name, r.At)
	select {
	case s.h.in <- r:
	case <-ctx.Done():
	}
}

// Glimpse passes a frame that looks like a code to OnGlimpse's function.
func (s *sourceSink) Glimpse(at time.Time) {
	s.h.mu.Lock()
	f := s.h.glimpse
	s.h.mu.Unlock()
	if f != nil {
		f(Glimpse{Source: s.name, At: at})
	}
}

func (s *sourceSink) Up(detail string) {
	s.h.setHealth(s.name, true, detail)
	s.h.log.Info("scanner: source up", "source", s.name, "detail", detail)
}

func (s *sourceSink) Down(err error) {
	s.h.mu.Lock()
	was := s.h.status[s.name]
	changed := was == nil || was.Up || was.Detail != err.Error()
	s.h.mu.Unlock()
	s.h.setHealth(s.name, false, err.Error())
	if changed {
		// Log transitions only: a missing device is retried every few seconds all day.
		s.h.log.Warn("scanner: source down", "source", s.name, "err", err)
	}
}

// dedupe drops a text seen again within window of its last sighting. The
// window slides, so a code held in front of the camera is reported once
// however long it stays, and again only after it was gone for window.
type dedupe struct {
	window time.Duration
	last   map[string]time.Time
}

func newDedupe(window time.Duration) *dedupe {
	return &dedupe{window: window, last: map[string]time.Time{}}
}

func (d *dedupe) admit(text string, at time.Time) bool {
	prev, seen := d.last[text]
	if !seen || at.After(prev) {
		d.last[text] = at
	}
	if len(d.last) > 64 {
		d.prune(at)
	}
	// A read stamped before the last sighting (another source, delivered late) is a duplicate.
	return !seen || at.Sub(prev) > d.window
}

func (d *dedupe) prune(now time.Time) {
	for t, at := range d.last {
		if now.Sub(at) > d.window {
			delete(d.last, t)
		}
	}
}

// sleep waits for d or until ctx ends, and reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
