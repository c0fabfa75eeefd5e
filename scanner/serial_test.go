package scanner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"pudo/app/testenv"
)

func TestReadLines(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		term    byte
		want    []string
		rejects []string
	}{
		{"cr", "ABC123\rJJD639870086\r", '\r', []string{"ABC123", "JJD639870086"}, nil},
		{"crlf on cr", "ABC123\r\nDEF456\r\n", '\r', []string{"ABC123", "DEF456"}, nil},
		{"crlf on lf", "ABC123\r\nDEF456\r\n", '\n', []string{"ABC123", "DEF456"}, nil},
		{"tab", "ABC123\tDEF456\t", '\t', []string{"ABC123", "DEF456"}, nil},
		{"empty lines skipped", "\r\r\nA1\r", '\r', []string{"A1"}, nil},
		{"garbage", "\xff\xfe\x80\rOK1\r", '\r', []string{"OK1"}, []string{RejectGarbage}},
		{"control chars", "AB\x01CD\rOK2\r", '\r', []string{"OK2"}, []string{RejectGarbage}},
		{"too long", strings.Repeat("X", 40) + "\rOK3\r", '\r', []string{"OK3"}, []string{RejectTooLong}},
		{"far too long", strings.Repeat("Y", 1000) + "\rOK4\r", '\r', []string{"OK4"}, []string{RejectTooLong}},
		{"exactly max", strings.Repeat("Z", 32) + "\r", '\r', []string{strings.Repeat("Z", 32)}, nil},
		{"utf8 text", "Größe-7\r", '\r', []string{"Größe-7"}, nil},
		{"partial line at eof", "A1\rPART", '\r', []string{"A1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got, rejects []string
			err := ReadLines(strings.NewReader(tt.in), tt.term, 32,
				func(s string) { got = append(got, s) },
				func(reason string, n int) { rejects = append(rejects, reason) })
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("err = %v, want EOF", err)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("lines = %q, want %q", got, tt.want)
			}
			if strings.Join(rejects, "|") != strings.Join(tt.rejects, "|") {
				t.Errorf("rejects = %q, want %q", rejects, tt.rejects)
			}
		})
	}
}

func FuzzReadLines(f *testing.F) {
	for _, s := range []string{"ABC123\r", "A\r\nB\r\n", "\xff\x00\r", strings.Repeat("X", 300) + "\r", "PLK1:68671:BANSHBTLZU:6292\r"} {
		f.Add([]byte(s), byte('\r'), 16)
	}
	f.Fuzz(func(t *testing.T, in []byte, term byte, maxLine int) {
		if maxLine < 1 || maxLine > 4096 {
			return
		}
		_ = ReadLines(bytes.NewReader(in), term, maxLine, func(s string) {
			if s == "" || len(s) > maxLine || strings.ContainsAny(s, "\r\n\x00") || !printable([]byte(s)) {
				t.Fatalf("emitted bad line %q", s)
			}
		}, func(string, int) {})
	})
}

// fakeScanner is a pseudo-terminal standing in for a USB-CDC scanner. The
// kiosk opens it through a symlink, as it would /dev/serial/by-id/..., so
// unplugging and replugging keeps the path while the pty changes.
type fakeScanner struct {
	t     *testing.T
	link  string
	ptmx  *os.File
	slave *os.File
}

func newFakeScanner(t *testing.T) *fakeScanner {
	f := &fakeScanner{t: t, link: filepath.Join(t.TempDir(), "usb-scanner")}
	f.plug()
	t.Cleanup(f.unplug)
	return f
}

func (f *fakeScanner) plug() {
	ptmx, slave, err := pty.Open()
	if err != nil {
		testenv.Missing(f.t, "no pseudo-terminals here: %v", err)
	}
	// Keep our slave fd open: with every slave closed, the master sees EIO.
	f.ptmx, f.slave = ptmx, slave
	if err := os.Symlink(slave.Name(), f.link); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fakeScanner) unplug() {
	if f.ptmx == nil {
		return
	}
	os.Remove(f.link)
	f.ptmx.Close()
	f.slave.Close()
	f.ptmx, f.slave = nil, nil
}

func (f *fakeScanner) send(s string) {
	f.t.Helper()
	if _, err := f.ptmx.Write([]byte(s)); err != nil {
		f.t.Fatal(err)
	}
}

func TestSerialOverPTY(t *testing.T) {
	fake := newFakeScanner(t)
	logs := &logRecorder{}
	cfg := DefaultConfig().Serial
	cfg.Port = fake.link
	src := NewSerial(cfg, 5*time.Millisecond, slog.New(logs))
	h := StartSources(t.Context(), discard, 2*time.Second, src)
	defer h.Close()

	waitFor(t, "serial up", func() bool { return statusOf(h, SourceSerial).Up })
	fake.send("JJD639870086\r")
	if r := nextRead(t, h); r.Text != "JJD639870086" || r.Source != SourceSerial {
		t.Errorf("read %+v", r)
	}

	t.Run("garbage and over-long lines are rejected", func(t *testing.T) {
		fake.send("\xff\xfe\x81\x00\r" + strings.Repeat("9", 300) + "\rPLK1:00115:PGHCTT2TVG:9354\r")
		if r := nextRead(t, h); r.Text != "PLK1:00115:PGHCTT2TVG:9354" {
			t.Errorf("read %q after garbage", r.Text)
		}
		if n := logs.count("rejected"); n != 2 {
			t.Errorf("%d rejections logged, want 2", n)
		}
		if n := logs.count("PGHCTT2TVG"); n != 0 {
			t.Error("a code was logged")
		}
	})

	t.Run("unplug and replug", func(t *testing.T) {
		fake.unplug()
		waitFor(t, "serial down", func() bool { return !statusOf(h, SourceSerial).Up })
		if d := statusOf(h, SourceSerial).Detail; !strings.Contains(d, "scanner: serial") {
			t.Errorf("down detail %q", d)
		}
		fake.plug()
		waitFor(t, "serial up again", func() bool { return statusOf(h, SourceSerial).Up })
		fake.send("2820744451900\r\n")
		if r := nextRead(t, h); r.Text != "2820744451900" {
			t.Errorf("read %q after replug", r.Text)
		}
	})

	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-h.Reads(); ok {
		t.Error("Reads still open after Close")
	}
}

func TestSerialMissingAtStart(t *testing.T) {
	cfg := DefaultConfig().Serial
	cfg.Port = filepath.Join(t.TempDir(), "not-plugged-in")
	h := StartSources(context.Background(), discard, 2*time.Second, NewSerial(cfg, time.Millisecond, discard))
	defer h.Close()
	waitFor(t, "serial reported down", func() bool {
		s := statusOf(h, SourceSerial)
		return !s.Up && strings.Contains(s.Detail, "not-plugged-in")
	})
}
