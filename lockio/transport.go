package lockio

import (
	"errors"
	"fmt"
	"runtime"
	"time"

	"pudo/lockio/proto"
)

// link runs request/reply exchanges on one open port. Only the port
// goroutine touches it.
type link struct {
	port  Port
	codec proto.Codec
	gap   time.Duration // silence to leave before each request
	quiet time.Duration // silence that ends a reply of unknown length
	last  time.Time     // end of the last byte sent or received
	// sentAt is when the last request was drained onto the wire.
	sentAt time.Time
	out    []byte
	in     []byte
	tmp    []byte
	// Set by each exchange for the caller's bookkeeping.
	frameLen int  // length of the accepted reply frame
	extra    bool // bytes followed the reply
	// awaited are unlocks whose reply was given up on, listened for;
	// late are their replies, found, for the poller (late.go).
	awaited []awaited
	late    []lateReply
}

func newLink(p Port, c proto.Codec, baud int, quiet time.Duration) *link {
	return &link{port: p, codec: c, gap: proto.FrameGap(baud), quiet: quiet,
		out: make([]byte, 0, 16), in: make([]byte, 0, 64), tmp: make([]byte, 64)}
}

// txError is a failed exchange. sent says whether any byte may have left;
// port says the port itself failed and must be reopened.
type txError struct {
	sent bool
	port bool
	err  error
}

func (e *txError) Error() string { return e.err.Error() }
func (e *txError) Unwrap() error { return e.err }

// exchange sends req and returns its reply. wantLen, if not zero, is the
// reply length learned earlier, so a variable-length reply of exactly that
// size ends without waiting for the line to go quiet.
func (l *link) exchange(req proto.Request, timeout time.Duration, wantLen int) (proto.Reply, *txError) {
	var err error
	l.frameLen, l.extra = 0, false
	if l.out, err = l.codec.AppendRequest(l.out[:0], req); err != nil {
		return proto.Reply{}, &txError{err: err}
	}
	if terr := l.send(); terr != nil {
		return proto.Reply{}, terr
	}
	rep, terr := l.receive(req, timeout, wantLen)
	if terr != nil && !terr.port {
		l.settle()
	}
	return rep, terr
}

// send leaves the inter-frame gap, drops stale input (a late reply to an
// earlier request must not answer this one), writes and drains.
func (l *link) send() *txError {
	sleepUntil(l.last.Add(l.gap))
	if err := l.drainStale(); err != nil {
		return &txError{port: true, err: fmt.Errorf("read: %w", err)}
	}
	if err := l.port.ResetInputBuffer(); err != nil {
		return &txError{port: true, err: fmt.Errorf("flush input: %w", err)}
	}
	n, err := l.port.Write(l.out)
	if err != nil || n < len(l.out) {
		return &txError{sent: n > 0, port: err != nil, err: fmt.Errorf("write: %d of %d bytes: %w", n, len(l.out), err)}
	}
	// The reply clock starts when the bytes are on the wire, not queued.
	if err := l.port.Drain(); err != nil {
		return &txError{sent: true, port: true, err: fmt.Errorf("drain: %w", err)}
	}
	l.last = time.Now()
	l.sentAt = l.last
	return nil
}

// receive reads until a complete reply, line silence after some bytes, or
// the deadline; a read timeout is (0, nil), never an error.
func (l *link) receive(req proto.Request, timeout time.Duration, wantLen int) (proto.Reply, *txError) {
	l.in = l.in[:0]
	deadline := time.Now().Add(timeout)
	for {
		wait := time.Until(deadline)
		if len(l.in) > 0 {
			wait = min(wait, time.Until(l.last.Add(l.quiet)))
		}
		if wait <= 0 {
			break
		}
		n, err := l.read(wait)
		if err != nil {
			return proto.Reply{}, &txError{sent: true, port: true, err: fmt.Errorf("read: %w", err)}
		}
		if n > 0 && l.complete(req, wantLen) {
			break
		}
	}
	return l.verdict(req, timeout)
}

func (l *link) read(wait time.Duration) (int, error) {
	if err := l.port.SetReadTimeout(wait); err != nil {
		return 0, err
	}
	n, err := l.port.Read(l.tmp)
	if n > 0 {
		l.in = append(l.in, l.tmp[:n]...)
		l.last = time.Now()
	}
	return n, err
}

// complete says the buffer ends in a whole reply whose length is certain.
func (l *link) complete(req proto.Request, wantLen int) bool {
	rep, n, err := l.codec.ParseReply(l.in, req)
	var ex *proto.ExceptionError
	if errors.As(err, &ex) {
		return n == len(l.in)
	}
	return err == nil && n == len(l.in) && (rep.Exact || n-rep.Skipped == wantLen)
}

func (l *link) verdict(req proto.Request, timeout time.Duration) (proto.Reply, *txError) {
	found := len(l.late)
	l.findLate(l.in)
	found = len(l.late) - found
	if len(l.in) == 0 {
		return proto.Reply{}, &txError{sent: true, err: fmt.Errorf("%w within %v", ErrNoReply, timeout)}
	}
	rep, n, err := l.codec.ParseReply(l.in, req)
	var ex *proto.ExceptionError
	if errors.As(err, &ex) {
		return rep, &txError{sent: true, err: fmt.Errorf("%w: %w", ErrRefused, err)}
	}
	if err != nil && found > 0 && errors.Is(err, proto.ErrNoFrame) {
		// What came was an earlier unlock's late reply, not this one's.
		return rep, &txError{sent: true, err: fmt.Errorf("%w within %v (a late unlock reply came instead)", ErrNoReply, timeout)}
	}
	if err != nil {
		return rep, &txError{sent: true, err: fmt.Errorf("%w: %w: % X", ErrBadReply, err, clip(l.in))}
	}
	l.frameLen = n - rep.Skipped
	if n < len(l.in) {
		l.extra = true
		// A second answer behind the first: two boards on one address, or
		// noise. Keep the reply; flush what follows.
		l.settle()
	}
	return rep, nil
}

func clip(b []byte) []byte {
	if len(b) > 32 {
		return b[:32]
	}
	return b
}

// settle waits for the line to stay quiet, then flushes, so the tail of a
// bad or late reply cannot be read as the next one. It gives up after a
// bounded time: a babbling line must not stall the bus forever.
func (l *link) settle() {
	end := time.Now().Add(20 * l.quiet)
	for time.Now().Before(end) {
		n, err := l.read(l.quiet)
		if err != nil || n == 0 {
			break
		}
	}
	l.findLate(l.in)
	l.in = l.in[:0]
	l.port.ResetInputBuffer()
}

// sleepUntil sleeps to t; the last stretch is spun because timer slack of
// a millisecond per frame gap is a tenth of a 24-door board's poll.
func sleepUntil(t time.Time) {
	if d := time.Until(t); d > 2*time.Millisecond {
		time.Sleep(d - time.Millisecond)
	}
	for time.Now().Before(t) {
		runtime.Gosched()
	}
}
