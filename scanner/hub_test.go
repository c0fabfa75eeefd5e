package scanner

import (
	"context"
	"errors"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDedupe(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	type ev struct {
		text string
		ms   int
		want bool
	}
	tests := []struct {
		name string
		evs  []ev
	}{
		{"first read passes", []ev{{"A", 0, true}}},
		{"repeat inside window dropped", []ev{{"A", 0, true}, {"A", 1999, false}}},
		{"repeat after window passes", []ev{{"A", 0, true}, {"A", 2001, true}}},
		{"held in view stays dropped", []ev{{"A", 0, true}, {"A", 1500, false}, {"A", 3000, false}, {"A", 4500, false}, {"A", 6600, true}}},
		{"different codes independent", []ev{{"A", 0, true}, {"B", 10, true}, {"A", 20, false}}},
		{"late read from another source dropped", []ev{{"A", 1000, true}, {"A", 900, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDedupe(2 * time.Second)
			for i, e := range tt.evs {
				if got := d.admit(e.text, at(e.ms)); got != e.want {
					t.Errorf("event %d (%s at %dms): admit = %v, want %v", i, e.text, e.ms, got, e.want)
				}
			}
		})
	}
}

// scriptSource emits fixed reads, then waits for ctx.
type scriptSource struct {
	name  string
	reads []Read
	err   error
}

func (s *scriptSource) Name() string { return s.name }
func (s *scriptSource) Run(ctx context.Context, sink Sink) {
	if s.err != nil {
		sink.Down(s.err)
	} else {
		sink.Up("scripted")
	}
	for _, r := range s.reads {
		sink.Emit(ctx, r)
	}
	<-ctx.Done()
}

func TestHubMergesAndDedupes(t *testing.T) {
	t0 := time.Now()
	a := &scriptSource{name: "a", reads: []Read{{Text: "X1", At: t0}, {Text: "X1", At: t0.Add(time.Second)}, {Text: "X2", At: t0.Add(time.Second)}}}
	b := &scriptSource{name: "b", err: errors.New("scanner: b: no device")}
	h := StartSources(t.Context(), discard, 2*time.Second, a, b)
	defer h.Close()
	if r := nextRead(t, h); r.Text != "X1" || r.Source != "a" {
		t.Errorf("first read %+v", r)
	}
	if r := nextRead(t, h); r.Text != "X2" {
		t.Errorf("second read %+v, want X2 (X1 repeat dropped)", r)
	}
	if !h.Push(t.Context(), Read{Text: "KB1234", Source: SourceKeyboard, At: t0.Add(time.Second)}) {
		t.Fatal("Push refused")
	}
	if r := nextRead(t, h); r.Text != "KB1234" || r.Source != SourceKeyboard {
		t.Errorf("pushed read %+v", r)
	}
	// Each source reports from its own goroutine: b's failed start may
	// come after a's reads, so wait for it too, not for three entries.
	waitFor(t, "three statuses, b's failed start among them", func() bool {
		st := h.Status()
		return len(st) == 3 && st[1].Detail != "starting"
	})
	st := h.Status()
	if !st[0].Up || st[0].Reads != 3 || st[1].Up || st[1].Detail != "scanner: b: no device" || st[2].Source != SourceKeyboard {
		t.Errorf("status %+v", st)
	}
	h.Close()
	h.Close() // twice is fine
	if h.Push(context.Background(), Read{Text: "late"}) {
		t.Error("Push after Close succeeded")
	}
}

func TestFolderSource(t *testing.T) {
	src := filepath.Join(corpusDir(t), "qr-clean", "000.png")
	want := readText(t, strings.TrimSuffix(src, ".png")+".txt")
	dir := t.TempDir()
	copyFile(t, src, filepath.Join(dir, "old.png")) // present before start: skipped
	cfg := FolderConfig{Enabled: true, Dir: dir, Poll: Duration(5 * time.Millisecond)}
	h := StartSources(t.Context(), discard, 2*time.Second, NewFolder(cfg, DefaultConfig().Formats, discard))
	defer h.Close()
	waitFor(t, "folder up", func() bool { return statusOf(h, SourceFolder).Up })
	copyFile(t, src, filepath.Join(dir, "new.png"))
	r := nextRead(t, h)
	if r.Text != want || r.Format != FormatQR || r.Source != SourceFolder {
		t.Errorf("read %+v, want %q", r, want)
	}
	if n := statusOf(h, SourceFolder).Reads; n != 1 {
		t.Errorf("%d reads, want 1 (the file present at start is skipped)", n)
	}
}

func TestFolderMissing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "later")
	cfg := FolderConfig{Enabled: true, Dir: dir, Poll: Duration(time.Millisecond)}
	h := StartSources(t.Context(), discard, 2*time.Second, NewFolder(cfg, DefaultConfig().Formats, discard))
	defer h.Close()
	waitFor(t, "folder down", func() bool { s := statusOf(h, SourceFolder); return !s.Up && s.Detail != "starting" })
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "folder up", func() bool { return statusOf(h, SourceFolder).Up })
}

// fakeFrames replays images as camera frames, then fails like an unplugged camera.
type fakeFrames struct {
	frames []*image.Gray
}

func (f *fakeFrames) Describe() string { return "fake 640x480" }
func (f *fakeFrames) Close() error     { return nil }
func (f *fakeFrames) Next(ctx context.Context) (*image.Gray, error) {
	if len(f.frames) == 0 {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	g := f.frames[0]
	f.frames = f.frames[1:]
	return g, nil
}

func TestCameraSource(t *testing.T) {
	dir := corpusDir(t)
	qr := loadGray(t, filepath.Join(dir, "qr-clean", "003.png"))
	want := readText(t, filepath.Join(dir, "qr-clean", "003.txt"))
	opens := 0
	cam := NewCamera(DefaultConfig().Camera, DefaultConfig().Formats, time.Millisecond, discard)
	cam.Frames = func(CameraConfig, int) (FrameSource, error) {
		opens++
		if opens == 1 {
			return nil, errors.New("scanner: camera /dev/video0: no such device")
		}
		return &fakeFrames{frames: []*image.Gray{qr}}, nil
	}
	h := StartSources(t.Context(), discard, 2*time.Second, cam)
	defer h.Close()
	r := nextRead(t, h)
	if r.Text != want || r.Format != FormatQR || r.Source != SourceCamera {
		t.Errorf("read %+v, want %q", r, want)
	}
	if h.LastFrame() == nil {
		t.Error("no LastFrame")
	}
	if s := statusOf(h, SourceCamera); !s.Up || s.Detail != "fake 640x480" {
		t.Errorf("status %+v", s)
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimRight(string(b), "\r\n")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	tmp := to + ".part" // write then rename, as a well-behaved uploader does
	out, err := os.Create(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, to); err != nil {
		t.Fatal(err)
	}
}
