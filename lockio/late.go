package lockio

import (
	"time"

	"pudo/lockio/proto"
)

// A late reply is evidence, not noise: a board that pulsed and answered
// after the driver stopped waiting has said the lock moved (or failed),
// and the engine settles the opening on it. The link remembers the
// unlocks whose reply it gave up on and looks for their replies in
// whatever it reads later, before any input is flushed.

// lateWindow is how long an unlock whose reply was given up on is still
// listened for. Boards answer within seconds or never.
const lateWindow = 30 * time.Second

// maxAwaited bounds the unlocks listened for: one per door at most, and a
// bus where many replies go missing has bigger trouble.
const maxAwaited = 16

type awaited struct {
	req   proto.Request
	since time.Time
}

// lateReply is a reply found for an unlock the link had given up on.
type lateReply struct {
	req proto.Request
	rep proto.Reply
	at  time.Time
}

// await listens for req's late reply.
func (l *link) await(req proto.Request, now time.Time) {
	l.forget(req.Board, req.Channel)
	if len(l.awaited) >= maxAwaited {
		l.awaited = l.awaited[1:]
	}
	l.awaited = append(l.awaited, awaited{req: req, since: now})
}

// forget stops listening for a door's late reply: a newer unlock of it
// was answered, or its reply came.
func (l *link) forget(board, ch uint8) {
	out := l.awaited[:0]
	for _, a := range l.awaited {
		if a.req.Board != board || a.req.Channel != ch {
			out = append(out, a)
		}
	}
	l.awaited = out
}

// findLate looks for awaited replies in b, anywhere, and keeps those it
// finds for takeLate.
func (l *link) findLate(b []byte) {
	if len(l.awaited) == 0 || len(b) == 0 {
		return
	}
	now := time.Now()
	keep := l.awaited[:0]
	for _, a := range l.awaited {
		if now.Sub(a.since) > lateWindow {
			continue
		}
		rep, _, err := l.codec.ParseReply(b, a.req)
		if err != nil {
			keep = append(keep, a)
			continue
		}
		l.late = append(l.late, lateReply{req: a.req, rep: rep, at: now})
	}
	l.awaited = keep
}

// takeLate hands over the late replies found so far.
func (l *link) takeLate() []lateReply {
	out := l.late
	l.late = nil
	return out
}

// drainStale reads what arrived since the last exchange, without waiting,
// so that an awaited late reply is seen before the input is flushed.
func (l *link) drainStale() error {
	if len(l.awaited) == 0 {
		return nil
	}
	l.in = l.in[:0]
	for range 8 {
		n, err := l.read(time.Millisecond)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	l.findLate(l.in)
	l.in = l.in[:0]
	return nil
}
