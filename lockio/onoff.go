package lockio

import (
	"math/bits"
	"time"

	"pudo/lockio/proto"
)

// Plain relay ON/OFF for Modbus boards without a board-timed pulse
// (Config.ModbusPulse "onoff"). The port goroutine sends ON, waits Pulse,
// sends OFF; nothing else sleeps on a relay. A crash between the two leaves
// a coil energised (Open-Locker ADR-0004), so every configured relay is
// switched off whenever the port opens, before its board is polled. The
// "all relays off" is one FC05 OFF per configured channel, not Waveshare's
// coil 0x00FF nor FC0F: plain FC05 is the one write every board that takes
// the ON also takes (eFormLockerRoom needed an FC0F→FC05 fallback), and
// 0x00FF on another board is a no-op or an exception.

// offAttempts is how often an OFF is sent in a row after an unlock before
// the relay is reported as left on; every later poll of the board tries
// again until one is confirmed. OFF is idempotent: repeating it is safe,
// unlike the ON.
const offAttempts = 3

// unlockOnOff is unlock for "onoff" boards. ON is sent once, never again;
// OFF is always sent once ON may have left the port, whatever ON's reply.
func (p *poller) unlockOnOff(d Door) error {
	on := proto.Request{Op: proto.OpUnlock, Board: d.Board, Channel: d.Channel, Pulse: proto.PlainOn}
	pulse := p.c.cfg.Pulse.Std()
	// A relay board echoes a coil write at once; waiting longer than the
	// pulse for a lost echo would only hold the coil longer.
	timeout := min(p.c.cfg.ReplyTimeout.Std(), max(pulse, p.c.cfg.PollTimeout.Std()))
	_, terr := p.l.exchange(on, timeout, 0)
	err := p.outcome("unlock", d, false, terr)
	if terr != nil && !terr.sent {
		p.c.log.Warn("lockio: unlock not sent", "door", d.String(), "err", err)
		return err // no byte left: no coil to release
	}
	onAt := p.l.sentAt
	now := time.Now()
	p.lastUnlock[d] = now
	p.t.commanded(d, now)
	p.offPending[d.Board] |= chBit(d.Channel)
	if terr != nil {
		p.c.log.Warn("lockio: relay ON not confirmed; switching it off all the same", "door", d.String(), "err", err)
	} else {
		p.c.log.Info("lockio: relay on", "door", d.String(), "pulse", pulse)
	}
	if p.portErr != nil {
		p.leftOn(d, p.portErr, "the port failed before the OFF; all relays go off when it reopens")
		return err
	}
	sleepUntil(onAt.Add(pulse))
	var oerr *txError
	for range offAttempts {
		if oerr = p.relayOff(d); oerr == nil || oerr.port {
			break
		}
	}
	if oerr != nil {
		p.leftOn(d, oerr, "retrying at every poll of the board")
	} else {
		p.c.log.Info("lockio: relay off", "door", d.String())
	}
	return err
}

// relayOff sends one OFF and books its outcome. A refusal (exception)
// counts as off: the board has no such relay to hold.
func (p *poller) relayOff(d Door) *txError {
	req := proto.Request{Op: proto.OpRelayOff, Board: d.Board, Channel: d.Channel}
	_, terr := p.l.exchange(req, p.c.cfg.PollTimeout.Std(), 0)
	if terr != nil && terr.port {
		p.portErr = terr.err
	}
	if terr != nil && !isRefused(terr) {
		return terr
	}
	if terr != nil {
		p.c.log.Warn("lockio: board refused relay OFF; taking the relay as off", "door", d.String(), "err", terr.err)
	}
	p.offPending[d.Board] &^= chBit(d.Channel)
	p.markOff(d)
	return nil
}

// relaysOff sends the OFFs still due on board i, one try each, ahead of
// its poll. It stops at the first failure so a dead board costs one
// timeout, and reports what is not confirmed off.
func (p *poller) relaysOff(i int, b BoardConfig) {
	for p.offPending[b.Address] != 0 && p.portErr == nil {
		ch := uint8(bits.TrailingZeros64(p.offPending[b.Address]) + 1)
		if terr := p.relayOff(Door{b.Address, ch}); terr != nil {
			p.c.boardHealth(i, func(h *BoardHealth) { h.RelaysOn |= p.offPending[b.Address] })
			return
		}
	}
}

// leftOn reports a relay that may still be energised: loudly, it is a coil
// cooking and a lock held open.
func (p *poller) leftOn(d Door, cause error, next string) {
	p.c.log.Error("lockio: relay may be left ON: lock held open, coil overheating; "+next,
		"door", d.String(), "err", cause)
	p.boardOf(d.Board, func(h *BoardHealth) { h.RelaysOn |= chBit(d.Channel) })
}

// markOff clears a confirmed relay from Health, saying so if it had been
// reported.
func (p *poller) markOff(d Door) {
	was := false
	p.boardOf(d.Board, func(h *BoardHealth) {
		was = h.RelaysOn&chBit(d.Channel) != 0
		h.RelaysOn &^= chBit(d.Channel)
	})
	if was {
		p.c.log.Info("lockio: relay confirmed off", "door", d.String())
	}
}

// allRelaysDue marks every configured relay for an OFF: the port just
// opened and any of them may have been left on.
func (p *poller) allRelaysDue() {
	for _, b := range p.c.cfg.Boards {
		p.offPending[b.Address] = mask64(b.Channels)
	}
}

func (p *poller) boardOf(addr uint8, f func(*BoardHealth)) {
	for i, b := range p.c.cfg.Boards {
		if b.Address == addr {
			p.c.boardHealth(i, f)
			return
		}
	}
}

func chBit(ch uint8) uint64 {
	if ch < 1 || ch > 64 {
		return 0
	}
	return 1 << (ch - 1)
}

func mask64(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}
