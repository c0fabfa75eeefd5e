package scanner

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Camera reads codes from a V4L2 camera. One goroutine owns the device and
// captures; another decodes. The decoder always takes the newest frame, so
// when a hard frame takes long, the frames that queued up meanwhile are dropped
// instead of making the reader lag behind the shopper's hand.
type Camera struct {
	cfg     CameraConfig
	formats []string
	retry   time.Duration
	log     *slog.Logger
	last    atomic.Pointer[image.Gray]
	// Frames opens the device; tests replace it. It defaults to V4L2.
	Frames func(cfg CameraConfig, maxPixels int) (FrameSource, error)
	// MaxPixels refuses larger frames (see Config.MaxPixels); NewCamera sets the default.
	MaxPixels int
}

// FrameSource is an open camera: Next blocks for the next frame.
type FrameSource interface {
	Next(ctx context.Context) (*image.Gray, error)
	Describe() string // device and mode, for Status
	Close() error
}

var _ Source = (*Camera)(nil)

// NewCamera returns a camera source decoding the given formats.
func NewCamera(cfg CameraConfig, formats []string, retry time.Duration, log *slog.Logger) *Camera {
	return &Camera{cfg: cfg, formats: formats, retry: retry, log: log, Frames: openV4L2, MaxPixels: DefaultMaxPixels}
}

// Name implements Source.
func (c *Camera) Name() string { return SourceCamera }

// LastFrame returns the newest captured frame, for the camera test screen.
func (c *Camera) LastFrame() image.Image {
	if g := c.last.Load(); g != nil {
		return g
	}
	return nil
}

// Run implements Source.
func (c *Camera) Run(ctx context.Context, sink Sink) {
	dec, err := NewDecoder(c.formats)
	if err != nil {
		sink.Down(err)
		return
	}
	mailbox := make(chan *image.Gray, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.decodeLoop(ctx, dec, mailbox, sink)
	}()
	defer wg.Wait()
	for ctx.Err() == nil {
		err := c.session(ctx, sink, mailbox)
		if ctx.Err() != nil {
			return
		}
		sink.Down(err)
		if !sleep(ctx, c.retry) {
			return
		}
	}
}

// session opens the camera and captures until it fails or ctx ends.
func (c *Camera) session(ctx context.Context, sink Sink, mailbox chan *image.Gray) error {
	fs, err := c.Frames(c.cfg, c.MaxPixels)
	if err != nil {
		return err
	}
	defer fs.Close()
	sink.Up(fs.Describe())
	for {
		g, err := fs.Next(ctx)
		if err != nil {
			return err
		}
		if err := checkSize(g.Rect.Dx(), g.Rect.Dy(), c.MaxPixels); err != nil {
			// A driver that ignores the size asked for: decoding such frames
			// would starve the kiosk; say so and try the device again later.
			return fmt.Errorf("scanner: camera %s: frame: %w", c.cfg.Device, err)
		}
		c.last.Store(g)
		post(mailbox, g)
	}
}

// glimpseSink takes the frames that look like a code but were not read
// (the Hub's sinks do; see Hub.OnGlimpse).
type glimpseSink interface{ Glimpse(at time.Time) }

// post leaves g as the only frame in the mailbox. Only the capture goroutine posts.
func post(mailbox chan *image.Gray, g *image.Gray) {
	for {
		select {
		case mailbox <- g:
			return
		default:
		}
		select {
		case <-mailbox: // drop the stale frame
		default:
		}
	}
}

func (c *Camera) decodeLoop(ctx context.Context, dec *Decoder, mailbox chan *image.Gray, sink Sink) {
	for {
		select {
		case <-ctx.Done():
			return
		case g := <-mailbox:
			at := time.Now()
			r, err := dec.DecodeFrame(g)
			switch {
			case err == nil:
				sink.Emit(ctx, Read{Text: r.Text, Format: r.Format, At: at})
			case dec.Promising():
				if gs, ok := sink.(glimpseSink); ok {
					gs.Glimpse(at)
				}
			}
		}
	}
}
