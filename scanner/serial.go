package scanner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
	"unicode"
	"unicode/utf8"

	"go.bug.st/serial"
)

// Serial reads a barcode scanner in serial (USB-CDC) mode: one code per line.
type Serial struct {
	cfg   SerialConfig
	retry time.Duration
	log   *slog.Logger
	// Open opens the port; tests may replace it. It defaults to go.bug.st/serial.
	Open func(path string, baud int) (io.ReadCloser, error)
}

var _ Source = (*Serial)(nil)

// NewSerial returns a serial scanner source that reopens its port every retry
// while the port is missing, so a scanner plugged in later is picked up.
func NewSerial(cfg SerialConfig, retry time.Duration, log *slog.Logger) *Serial {
	return &Serial{cfg: cfg, retry: retry, log: log, Open: openSerial}
}

func openSerial(path string, baud int) (io.ReadCloser, error) {
	// No read timeout: go-serial returns (0, nil) on timeout and bufio would
	// treat a quiet scanner as a broken reader. Close unblocks Read instead.
	return serial.Open(path, &serial.Mode{BaudRate: baud})
}

// Name implements Source.
func (s *Serial) Name() string { return SourceSerial }

// Run implements Source.
func (s *Serial) Run(ctx context.Context, sink Sink) {
	term, _ := parseTerminator(s.cfg.Terminator) // validated by Config.Validate
	for ctx.Err() == nil {
		err := s.session(ctx, sink, term)
		if ctx.Err() != nil {
			return
		}
		sink.Down(err)
		if !sleep(ctx, s.retry) {
			return
		}
	}
}

// session opens the port and reads lines until the port fails or ctx ends.
func (s *Serial) session(ctx context.Context, sink Sink, term byte) error {
	port, err := s.Open(s.cfg.Port, s.cfg.Baud)
	if err != nil {
		return fmt.Errorf("scanner: serial %s: %w", s.cfg.Port, err)
	}
	defer port.Close()
	// Close is the only way to stop a Read without a timeout; a second Close is a no-op.
	stop := context.AfterFunc(ctx, func() { port.Close() })
	defer stop()
	sink.Up(fmt.Sprintf("%s %d baud", s.cfg.Port, s.cfg.Baud))
	err = ReadLines(port, term, s.cfg.MaxLine, func(line string) {
		sink.Emit(ctx, Read{Text: line, Format: FormatUnknown, At: time.Now()})
	}, func(reason string, n int) {
		// Never log the line itself: it may be a pickup code.
		s.log.Warn("scanner: serial line rejected", "port", s.cfg.Port, "reason", reason, "bytes", n)
	})
	return fmt.Errorf("scanner: serial %s: %w", s.cfg.Port, err)
}

// Reasons ReadLines gives for rejecting a line.
const (
	RejectTooLong = "too long"
	RejectGarbage = "not printable text"
)

// ReadLines calls emit for every line read from r that ends in term, is at
// most maxLine bytes and is printable UTF-8, and reject for every other
// non-empty line. CR and LF around a line are trimmed, so a scanner sending
// CRLF works with either terminator. It returns r's error (never nil; io.EOF
// when r ends) and is stopped by closing r.
func ReadLines(r io.Reader, term byte, maxLine int, emit func(string), reject func(reason string, n int)) error {
	br := bufio.NewReaderSize(r, max(maxLine+2, 16))
	skipped := 0 // bytes of an over-long line being thrown away
	for {
		chunk, err := br.ReadSlice(term)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			skipped += len(chunk)
			continue
		case err != nil:
			if err == io.EOF && len(chunk) > 0 {
				err = io.ErrUnexpectedEOF // a partial line was cut off: the scanner went away
			}
			return err
		case skipped > 0:
			reject(RejectTooLong, skipped+len(chunk))
			skipped = 0
			continue
		}
		line := trimLine(chunk)
		switch {
		case len(line) == 0:
		case len(line) > maxLine:
			reject(RejectTooLong, len(line))
		case !printable(line):
			reject(RejectGarbage, len(line))
		default:
			emit(string(line))
		}
	}
}

func trimLine(b []byte) []byte {
	for len(b) > 0 && (b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == '\r' || b[len(b)-1] == '\n' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// printable rejects what line noise and a wrong baud rate produce: invalid
// UTF-8 and control characters. Codes are text.
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
