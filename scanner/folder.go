package scanner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Folder decodes image files dropped into a directory, like camera frames:
// for the demo, and for field debugging with photos taken on site.
type Folder struct {
	cfg     FolderConfig
	formats []string
	log     *slog.Logger
	// MaxPixels refuses larger images (see Config.MaxPixels); NewFolder sets the default.
	MaxPixels int
	lastErr   map[fileKey]error // files that failed on the last look, and why
}

var _ Source = (*Folder)(nil)

// NewFolder returns a folder source decoding cfg.Formats.
func NewFolder(cfg FolderConfig, formats []string, log *slog.Logger) *Folder {
	return &Folder{cfg: cfg, formats: formats, log: log, MaxPixels: DefaultMaxPixels}
}

// Name implements Source.
func (f *Folder) Name() string { return SourceFolder }

// fileKey identifies one version of a file, so a file replaced under the same name is decoded again.
type fileKey struct {
	name string
	size int64
	mod  time.Time
}

// Run implements Source. Files already in the folder when it is first seen
// are skipped: a restart must not replay yesterday's scans.
func (f *Folder) Run(ctx context.Context, sink Sink) {
	dec, err := NewDecoder(f.formats)
	if err != nil {
		sink.Down(err)
		return
	}
	var seen map[fileKey]bool // nil until the folder has been listed once
	for {
		keys, err := f.list()
		if err != nil {
			sink.Down(err)
			seen = nil // a folder that reappears starts afresh
		} else {
			if seen == nil {
				seen = make(map[fileKey]bool, len(keys))
				for _, k := range keys {
					seen[k] = true
				}
				sink.Up(f.cfg.Dir)
			}
			f.decodeNew(ctx, dec, sink, keys, seen)
		}
		if !sleep(ctx, f.cfg.Poll.D()) {
			return
		}
	}
}

func (f *Folder) list() ([]fileKey, error) {
	ents, err := os.ReadDir(f.cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("scanner: folder %s: %w", f.cfg.Dir, err)
	}
	var keys []fileKey
	for _, e := range ents {
		if e.IsDir() || !isImageName(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed while listing
		}
		keys = append(keys, fileKey{e.Name(), info.Size(), info.ModTime()})
	}
	return keys, nil
}

// decodeNew decodes each file not seen before. A file that cannot be read
// may still be being written: it is tried again while its size or time
// changes, but once it failed and is found unchanged on the next look it is
// given up, with one warning, and never read again in that version.
func (f *Folder) decodeNew(ctx context.Context, dec *Decoder, sink Sink, keys []fileKey, seen map[fileKey]bool) {
	failed := f.lastErr
	f.lastErr = map[fileKey]error{}
	for _, k := range keys {
		if seen[k] || ctx.Err() != nil {
			continue
		}
		path := filepath.Join(f.cfg.Dir, k.name)
		if err, ok := failed[k]; ok {
			seen[k] = true
			f.log.Warn("scanner: folder image unreadable; giving up on it", "file", path, "err", err)
			continue
		}
		img, err := readImage(path, f.MaxPixels)
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				seen[k] = true // its header is complete: waiting will not help
				f.log.Warn("scanner: folder image refused", "file", path, "err", err)
				continue
			}
			f.log.Debug("scanner: folder image not readable yet", "file", path, "err", err)
			f.lastErr[k] = err
			continue
		}
		seen[k] = true
		r, err := dec.DecodeImage(img)
		if err != nil {
			f.log.Info("scanner: no code in image", "file", path)
			continue
		}
		sink.Emit(ctx, Read{Text: r.Text, Format: r.Format, At: time.Now()})
	}
}

func isImageName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".pgm":
		return true
	}
	return false
}
