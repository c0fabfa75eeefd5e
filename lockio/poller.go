package lockio

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pudo/lockio/proto"
)

// silentAfter failed polls in a row mark a board's doors unknown: one
// glitch (noise, a late reply) should not. Whether the board is called
// down (out of order) is presence's to say, later.
const silentAfter = 2

// silentRetry is how often a board called down is still tried, so a dead board
// costs the others one PollTimeout per this interval, not per cycle; short
// enough that a board back from silence is heard within the 2 s in which
// the screens must show it.
const silentRetry = time.Second

// staleAfter: when no board has answered for this long although the port
// seems open, the port is reopened. Adapters have been seen to go "stale"
// after 20–30 min while the fd stayed valid (eFormLockerRoom).
var staleAfter = 30 * time.Second

// errStale ends serve so a port that hears nothing is reopened.
var errStale = errors.New("no board answered for a while; reopening the port")

// poller is the state of the port goroutine while the port is open.
type poller struct {
	c           *Controller
	t           *tracker
	l           *link
	lastUnlock  map[Door]time.Time
	learned     map[uint8]int // status reply length per board
	silentSince map[uint8]time.Time
	lastTry     map[uint8]time.Time
	lastHeard   time.Time // any board answered
	portErr     error
	// offPending holds, per board, the relays an OFF is still due for
	// (ModbusPulse "onoff" only).
	offPending map[uint8]uint64
	presence   map[uint8]*presence
}

// presenceOf is board addr's presence, made when first asked for; a board
// never heard of counts its missed answers from the port's opening.
func (p *poller) presenceOf(addr uint8, now time.Time) *presence {
	pr := p.presence[addr]
	if pr == nil {
		pr = newPresence(now)
		p.presence[addr] = pr
	}
	return pr
}

// outageOver: the port is back after an outage long enough to call the
// bus down; each board must answer for UpAfter before its doors count.
func (p *poller) outageOver() {
	now := time.Now()
	for i, b := range p.c.cfg.Boards {
		pr := p.presenceOf(b.Address, now)
		pr.lost(now)
		p.silentSince[b.Address], p.lastTry[b.Address] = now, time.Time{}
		p.c.boardHealth(i, func(h *BoardHealth) {
			h.Answering = pr.up
			if !pr.up {
				h.Failures = max(h.Failures, 1)
			}
		})
	}
}

// serve owns an open port until it fails or ctx ends.
func (p *poller) serve(ctx context.Context, l *link) error {
	p.l, p.portErr, p.lastTry, p.lastHeard = l, nil, map[uint8]time.Time{}, time.Now()
	for _, b := range p.c.cfg.Boards {
		p.presenceOf(b.Address, p.lastHeard)
	}
	tick := time.NewTicker(p.c.cfg.PollInterval.Std())
	defer tick.Stop()
	if p.c.cfg.onOff() {
		p.allRelaysDue() // the last run may have died between ON and OFF
	}
	p.cycle()
	for p.portErr == nil {
		if p.serveUnlocks() {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case cl := <-p.c.unlocks:
			p.handle(cl)
		case cl := <-p.c.control:
			p.handle(cl)
		case <-tick.C:
			p.cycle()
		case <-p.c.kick:
		}
	}
	return p.portErr
}

// serveUnlocks runs every queued unlock; true if it ran any. Polls call it
// between boards so an unlock waits for one exchange at most.
func (p *poller) serveUnlocks() bool {
	ran := false
	for p.portErr == nil {
		select {
		case cl := <-p.c.unlocks:
			p.handle(cl)
			ran = true
		default:
			return ran
		}
	}
	return ran
}

func (p *poller) handle(cl *call) {
	if !take(cl) {
		return
	}
	if err := cl.ctx.Err(); err != nil {
		cl.done <- callResult{err: p.c.notSent(cl, err)} // nobody waits for the door
		return
	}
	var r callResult
	switch cl.op {
	case proto.OpUnlock:
		r.err = p.unlock(cl.door)
	case proto.OpUnlockAll:
		r.err = p.unlockAll(cl.door.Board)
	case opRefresh:
		p.cycle()
		if p.portErr != nil {
			r.err = &Error{Op: "refresh", Board: true, Kind: ErrNotSent, Err: p.portErr}
		}
	case opScan:
		r.found, r.err = p.scan(cl.ctx, cl.scanLo, cl.scanHi)
	}
	p.lateReplies()
	cl.done <- r
}

// lateReplies passes on the late unlock replies the link found: each is
// evidence of what the lock did.
func (p *poller) lateReplies() {
	for _, lr := range p.l.takeLate() {
		d := Door{lr.req.Board, lr.req.Channel}
		acked := !p.lockFailed(d, lr.rep)
		p.c.log.Warn("lockio: late unlock reply", "door", d.String(), "acknowledged", acked,
			"status", fmt.Sprintf("%02X", lr.rep.Status))
		p.t.late(d, acked, lr.at)
	}
}

// unlock sends one unlock, once. Whatever happens after the first byte
// left, it is never sent again: a lost reply may hide an opened door
// (Open-Locker ADR-0067 saw a generic retry open a door twice).
func (p *poller) unlock(d Door) error {
	if err := p.rateLimit(d); err != nil {
		return &Error{Op: "unlock", Door: d, Kind: ErrNotSent, Err: err}
	}
	if p.c.cfg.onOff() {
		return p.unlockOnOff(d)
	}
	req := proto.Request{Op: proto.OpUnlock, Board: d.Board, Channel: d.Channel, Pulse: p.c.cfg.Pulse.Std()}
	p.l.forget(d.Board, d.Channel)
	rep, terr := p.l.exchange(req, p.c.cfg.ReplyTimeout.Std(), 0)
	err := p.outcome("unlock", d, false, terr)
	if terr == nil || terr.sent {
		now := time.Now()
		p.lastUnlock[d] = now
		p.t.commanded(d, now)
	}
	if terr != nil && terr.sent && !isRefused(terr) {
		// The board may have pulsed and be busy: its reply may still come,
		// and while nobody could read the door it may have opened.
		p.t.gap(d)
		if !terr.port {
			p.l.await(req, time.Now())
		}
	}
	if terr == nil && p.lockFailed(d, rep) {
		err = &Error{Op: "unlock", Door: d, Kind: ErrRefused, Err: fmt.Errorf("%w (status %02X)", ErrLockFailed, rep.Status)}
	}
	if err == nil {
		p.c.log.Info("lockio: unlocked", "door", d.String(), "status", fmt.Sprintf("%02X", rep.Status))
	} else {
		p.c.log.Warn("lockio: unlock failed", "door", d.String(), "err", err)
	}
	return err
}

// lockFailed reads an 8A/80 unlock reply's status byte: 00 means opened
// for closed-high feedback (the lock's contact shorted when locked) and 11
// failed; the other contact type flips both. A byte that is neither is no
// "opened" either. The other families' unlock replies carry no status.
func (p *poller) lockFailed(d Door, rep proto.Reply) bool {
	if p.c.codec.Name() != "8a80" {
		return false
	}
	b, _ := p.c.cfg.board(d.Board)
	ok := byte(0x00)
	if b.Feedback == FeedbackOpenHigh {
		ok = 0x11
	}
	return rep.Status != ok
}

func (p *poller) unlockAll(board uint8) error {
	b, _ := p.c.cfg.board(board)
	for ch := 1; ch <= b.Channels; ch++ {
		if err := p.rateLimit(Door{board, uint8(ch)}); err != nil {
			return &Error{Op: "unlock-all", Door: Door{Board: board}, Board: true, Kind: ErrNotSent, Err: err}
		}
	}
	_, terr := p.l.exchange(proto.Request{Op: proto.OpUnlockAll, Board: board}, p.c.cfg.ReplyTimeout.Std(), 0)
	if terr == nil || terr.sent {
		now := time.Now()
		for ch := 1; ch <= b.Channels; ch++ {
			p.lastUnlock[Door{board, uint8(ch)}] = now
			p.t.commanded(Door{board, uint8(ch)}, now)
		}
	}
	return p.outcome("unlock-all", Door{Board: board}, true, terr)
}

func (p *poller) rateLimit(d Door) error {
	if last, ok := p.lastUnlock[d]; ok {
		if wait := p.c.cfg.MinUnlockGap.Std() - time.Since(last); wait > 0 {
			return &RateLimitedError{Wait: wait}
		}
	}
	return nil
}

// outcome maps an exchange's failure to the caller's error type.
func (p *poller) outcome(op string, d Door, board bool, terr *txError) error {
	if terr == nil {
		return nil
	}
	if terr.port {
		p.portErr = terr.err
	}
	kind := ErrOutcomeUnknown
	switch {
	case !terr.sent:
		kind = ErrNotSent
	case isRefused(terr):
		kind = ErrRefused
	}
	return &Error{Op: op, Door: d, Board: board, Kind: kind, Err: terr.err}
}

func isRefused(terr *txError) bool {
	return errors.Is(terr.err, ErrRefused)
}

// cycle polls every board once, unlocks first.
func (p *poller) cycle() {
	now := time.Now()
	for i, b := range p.c.cfg.Boards {
		if p.serveUnlocks(); p.portErr != nil {
			return
		}
		if p.skipSilent(b.Address, now) {
			continue
		}
		if p.relaysOff(i, b); p.portErr != nil {
			return
		}
		p.pollBoard(i, b)
		p.lateReplies()
	}
	now = time.Now()
	p.t.tick(now)
	if now.Sub(p.lastHeard) > staleAfter {
		p.portErr = errStale
	}
}

func (p *poller) skipSilent(addr uint8, now time.Time) bool {
	if _, silent := p.silentSince[addr]; !silent {
		return false
	}
	if now.Sub(p.lastTry[addr]) < silentRetry {
		return true
	}
	p.lastTry[addr] = now
	return false
}

func (p *poller) pollBoard(i int, b BoardConfig) {
	req := proto.Request{Op: proto.OpStatus, Board: b.Address, Channels: b.Channels}
	rep, terr := p.l.exchange(req, p.c.cfg.PollTimeout.Std(), p.learned[b.Address])
	now := time.Now()
	if terr != nil {
		if terr.port {
			p.portErr = terr.err
			return
		}
		p.boardFailed(i, b, terr, now)
		return
	}
	if !rep.Exact {
		p.learned[b.Address] = p.l.frameLen
	}
	p.lastHeard = now
	delete(p.silentSince, b.Address)
	pr := p.presenceOf(b.Address, now)
	if pr.answered(now, p.c.cfg.UpAfter.Std()) {
		p.c.log.Info("lockio: board answering again", "board", b.Address)
	}
	p.c.boardHealth(i, func(h *BoardHealth) {
		h.Answering, h.LastReply, h.Raw, h.ReplyLen = pr.up, now, rep.Inputs, p.l.frameLen
		if pr.up {
			h.Failures = 0
		}
		if p.l.extra {
			h.Extra++
		}
	})
	for ch := 1; ch <= b.Channels; ch++ {
		level := rep.Inputs&(1<<(ch-1)) != 0
		d := Door{b.Address, uint8(ch)}
		p.t.observe(d, sensorOf(level, b.Feedback), now)
		p.c.read(d)
	}
}

func sensorOf(level bool, feedback string) Sensor {
	if level == (feedback == FeedbackOpenHigh) {
		return SensorOpen
	}
	return SensorClosed
}

func (p *poller) boardFailed(i int, b BoardConfig, terr *txError, now time.Time) {
	pr := p.presenceOf(b.Address, now)
	down := pr.missed(now, p.c.cfg.DownAfter.Std(), p.c.cfg.DownPolls)
	var fails int
	p.c.boardHealth(i, func(h *BoardHealth) {
		h.Failures++
		fails = h.Failures
		if errors.Is(terr.err, ErrNoReply) {
			h.Timeouts++
		} else {
			h.BadFrames++
		}
		h.Answering = pr.up
	})
	for ch := 1; ch <= b.Channels; ch++ {
		p.t.gap(Door{b.Address, uint8(ch)})
	}
	if down {
		p.c.log.Warn("lockio: board silent, out of order", "board", b.Address, "err", terr.err)
	}
	if _, throttled := p.silentSince[b.Address]; !pr.up && !throttled {
		p.silentSince[b.Address], p.lastTry[b.Address] = now, now
	}
	if fails < silentAfter {
		return
	}
	for ch := 1; ch <= b.Channels; ch++ {
		p.t.unknown(Door{b.Address, uint8(ch)}, now)
	}
}

// allUnknown marks every door unknown: the port is gone. The boards keep
// counting as answering until the outage lasts DownAfter (Health).
func (p *poller) allUnknown(now time.Time) {
	for _, b := range p.c.cfg.Boards {
		for ch := 1; ch <= b.Channels; ch++ {
			d := Door{b.Address, uint8(ch)}
			p.t.gap(d)
			p.t.unknown(d, now)
		}
	}
	clear(p.learned)
}
