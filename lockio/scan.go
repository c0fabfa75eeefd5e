package lockio

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pudo/lockio/proto"
)

// BoardFound is one address that answered a commissioning scan.
type BoardFound struct {
	Address uint8
	Probes  int // status requests sent
	Answers int // clean, single replies
	// Collision means more than one board seems to answer on this address:
	// two replies back to back, or a garbled one (eFormLockerRoom shipped
	// two boards with one address; both fired on every command).
	Collision bool
	Inputs    int    // channels the status reply covers; firmware decides, not the board size
	Raw       uint64 // input lines as read
	Detail    string
}

// scanProbes is how often each answering address is asked: boards sharing
// an address often line up on one reply and garble the next.
const scanProbes = 3

// Scan asks every address of the protocol's range for its status and
// reports who answered. Polling pauses meanwhile; unlocks still go first.
// It is for commissioning, not for a locker in service.
func (c *Controller) Scan(ctx context.Context) ([]BoardFound, error) {
	lo, hi := scanRange(c.cfg.Protocol)
	return c.ScanRange(ctx, lo, hi)
}

// ScanRange is Scan over addresses lo..hi only.
func (c *Controller) ScanRange(ctx context.Context, lo, hi uint8) ([]BoardFound, error) {
	r := c.submit(ctx, c.control, &call{op: opScan, scanLo: lo, scanHi: hi})
	return r.found, r.err
}

func scanRange(protocol string) (lo, hi uint8) {
	lim := familyLimits[protocol]
	if protocol == "modbus" {
		return 1, 32 // 247 addresses would take minutes; relay boards ship at 1
	}
	return lim.minAddr, lim.maxAddr
}

func (p *poller) scan(ctx context.Context, lo, hi uint8) ([]BoardFound, error) {
	timeout := min(p.c.cfg.PollTimeout.Std(), 150*time.Millisecond)
	var found []BoardFound
	for a := int(lo); a <= int(hi); a++ {
		if p.serveUnlocks(); p.portErr != nil {
			return found, &Error{Op: "scan", Board: true, Door: Door{Board: uint8(a)}, Kind: ErrNotSent, Err: p.portErr}
		}
		if err := ctx.Err(); err != nil {
			return found, err
		}
		if f, ok := p.probe(uint8(a), timeout); ok {
			found = append(found, f)
		}
	}
	return found, nil
}

// probe asks one address up to scanProbes times.
func (p *poller) probe(addr uint8, timeout time.Duration) (BoardFound, bool) {
	f := BoardFound{Address: addr}
	req := proto.Request{Op: proto.OpStatus, Board: addr, Channels: 8}
	if p.c.cfg.Protocol == "8a80" {
		req.Channels = 0 // any length
	}
	for i := 0; i < scanProbes; i++ {
		raw, terr := p.l.listen(req, timeout)
		if terr != nil {
			p.portErr = terr.err
			return f, false
		}
		f.Probes++
		if len(raw) == 0 {
			if i == 0 {
				return f, false
			}
			continue
		}
		p.judge(&f, req, raw)
	}
	return f, true
}

// judge classifies one raw answer.
func (p *poller) judge(f *BoardFound, req proto.Request, raw []byte) {
	rep, n, err := p.c.codec.ParseReply(raw, req)
	var ex *proto.ExceptionError
	switch {
	case errors.As(err, &ex):
		f.Answers++
		f.Detail = "answers, refuses the status read: " + ex.Error()
	case err != nil:
		f.Collision = true
		f.Detail = fmt.Sprintf("garbled reply % X: %v", clip(raw), err)
	case n < len(raw):
		f.Collision = true
		if _, _, err2 := p.c.codec.ParseReply(raw[n:], req); err2 == nil {
			f.Detail = fmt.Sprintf("two replies: % X", clip(raw))
		} else {
			f.Detail = fmt.Sprintf("reply followed by % X", clip(raw[n:]))
		}
	default:
		f.Answers++
		f.Inputs, f.Raw = rep.NInputs, rep.Inputs
	}
}

// listen sends req and returns everything heard until the line goes
// quiet: unlike exchange it does not stop at the first good frame, so a
// second board behind it is heard too.
func (l *link) listen(req proto.Request, timeout time.Duration) ([]byte, *txError) {
	var err error
	if l.out, err = l.codec.AppendRequest(l.out[:0], req); err != nil {
		return nil, &txError{err: err}
	}
	if terr := l.send(); terr != nil {
		return nil, terr
	}
	l.in = l.in[:0]
	deadline := time.Now().Add(timeout)
	for {
		wait := time.Until(deadline)
		if len(l.in) > 0 {
			wait = min(wait, time.Until(l.last.Add(l.quiet)))
		}
		if wait <= 0 {
			return append([]byte(nil), l.in...), nil
		}
		if _, err := l.read(wait); err != nil {
			return nil, &txError{sent: true, port: true, err: fmt.Errorf("read: %w", err)}
		}
	}
}
