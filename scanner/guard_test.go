package scanner

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pngHeader returns a PNG that declares a w x h grey image; with idat set
// its pixels follow as one zlib stream of zeros, else the file ends after
// the header, as a truncated upload does.
func pngHeader(t *testing.T, w, h int, idat bool) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		b.Write(n[:])
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.BigEndian.PutUint32(n[:], crc.Sum32())
		b.Write(n[:])
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 8 // bit depth; colour type 0 (grey)
	chunk("IHDR", ihdr)
	if !idat {
		return b.Bytes()
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	row := make([]byte, w+1) // filter byte, then the row
	for range h {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeAtomic(t *testing.T, path string, b []byte) {
	t.Helper()
	writeFile(t, path+".part", b)
	if err := os.Rename(path+".part", path); err != nil {
		t.Fatal(err)
	}
}

// A PNG declaring 20000x20000 is refused from its header by pudo decode,
// whatever follows; a smaller limit given on the command line holds too.
func TestDecodeMainRefusesHugeImages(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.png")
	writeFile(t, huge, pngHeader(t, 20000, 20000, false))
	big := filepath.Join(dir, "big.png")
	writeFile(t, big, pngHeader(t, 1200, 1000, true))
	fits := filepath.Join(dir, "fits.png")
	writeFile(t, fits, pngHeader(t, 1000, 1000, true))
	tests := []struct {
		name    string
		args    []string
		refused bool
	}{
		{"20000x20000 at the default limit", []string{huge}, true},
		{"1200x1000 over --max-pixels", []string{"--max-pixels", "1000000", big}, true},
		{"1000x1000 within --max-pixels", []string{"--max-pixels", "1000000", fits}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := DecodeMain(t.Context(), tt.args, &out, &errb)
			refused := strings.Contains(errb.String(), "over the limit")
			if refused != tt.refused || (code == 1) != tt.refused {
				t.Errorf("exit %d, stderr %q, stdout %q; want refused=%v", code, errb.String(), out.String(), tt.refused)
			}
		})
	}
}

func TestReadImageRefusesOversizedFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "padded.png")
	b := pngHeader(t, 10, 10, true)
	writeFile(t, path, append(b, make([]byte, 2<<20)...)) // 2 MB of trailing junk
	if _, err := readImage(path, 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a 2 MB file for a 100-pixel limit: err %v, want ErrTooLarge", err)
	}
	if _, err := readImage(path, 0); err != nil {
		t.Errorf("the same file at the default limit: %v", err)
	}
}

// An MJPEG frame whose header declares more than the limit is refused
// before image/jpeg allocates for it.
func TestGrayFromJPEGRefusesHugeHeader(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	i := bytes.Index(b, []byte{0xff, 0xc0}) // SOF0: length, precision, height, width
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(b[i+5:], 60000)
	binary.BigEndian.PutUint16(b[i+7:], 60000)
	if _, err := GrayFromJPEG(b, 0); !errors.Is(err, ErrTooLarge) || !errors.Is(err, ErrBadFrame) {
		t.Errorf("60000x60000 frame: err %v, want ErrBadFrame and ErrTooLarge", err)
	}
}

// The folder source gives up on a file it cannot read, with one warning,
// instead of decoding it again on every poll; and refuses an image over
// the pixel limit from its header.
func TestFolderGivesUpOnBadFiles(t *testing.T) {
	src := filepath.Join(localPhotos, "qrcode-3", "10.png")
	dir := t.TempDir()
	logs := &logRecorder{}
	cfg := FolderConfig{Enabled: true, Dir: dir, Poll: Duration(time.Millisecond)}
	folder := NewFolder(cfg, DefaultConfig().Formats, slog.New(logs))
	folder.MaxPixels = 1_000_000
	h := StartSources(t.Context(), discard, 2*time.Second, folder)
	defer h.Close()
	waitFor(t, "folder up", func() bool { return statusOf(h, SourceFolder).Up })

	full, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	// Written whole and renamed into place, so the source never sees them
	// half-written: what it sees is all there is.
	writeAtomic(t, filepath.Join(dir, "truncated.png"), full[:len(full)/2])
	writeAtomic(t, filepath.Join(dir, "huge.png"), pngHeader(t, 2000, 2000, true))
	waitFor(t, "a warning for each bad file", func() bool {
		return logs.count("WARN") >= 2
	})
	// Three more files, each read in turn: many polls pass meanwhile.
	for i, name := range []string{"qrcode-3/10", "qrcode-3/27", "qrcode-4/24"} {
		from := filepath.Join(localPhotos, filepath.FromSlash(name))
		copyFile(t, from+".png", filepath.Join(dir, "good"+string(rune('a'+i))+".png"))
		if r, want := nextRead(t, h), readText(t, from+".txt"); r.Text != want {
			t.Fatalf("read %q, want %q", r.Text, want)
		}
	}
	if n := logs.count("truncated.png"); n > 2 {
		t.Errorf("the truncated file was logged %d times, want a debug line and one warning:\n%s", n, logs.all())
	}
	if n := logs.count("WARN scanner: folder image unreadable; giving up on it file=" + filepath.Join(dir, "truncated.png")); n != 1 {
		t.Errorf("%d warnings for the truncated file, want 1:\n%s", n, logs.all())
	}
	if n := logs.count("huge.png"); n != 1 || logs.count("over the limit") != 1 {
		t.Errorf("the 2000x2000 file was logged %d times, want one warning naming the limit:\n%s", n, logs.all())
	}
}

// A camera whose frames are over the pixel limit is reported down with the
// reason, and its frames are not decoded.
func TestCameraRefusesOversizedFrames(t *testing.T) {
	cam := NewCamera(DefaultConfig().Camera, DefaultConfig().Formats, time.Hour, discard)
	cam.MaxPixels = 640 * 480
	cam.Frames = func(_ CameraConfig, maxPixels int) (FrameSource, error) {
		if maxPixels != 640*480 {
			t.Errorf("the device was opened with a limit of %d pixels, want %d", maxPixels, 640*480)
		}
		return &fakeFrames{frames: []*image.Gray{image.NewGray(image.Rect(0, 0, 1280, 720))}}, nil
	}
	h := StartSources(t.Context(), discard, 2*time.Second, cam)
	defer h.Close()
	waitFor(t, "camera down", func() bool {
		s := statusOf(h, SourceCamera)
		return !s.Up && strings.Contains(s.Detail, "over the limit")
	})
	if n := statusOf(h, SourceCamera).Reads; n != 0 {
		t.Errorf("%d reads from refused frames", n)
	}
}
