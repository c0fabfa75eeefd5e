// Package lockio drives the serial lock-control boards that open a locker's
// doors and report its door sensors. It owns the byte protocols (8A/80,
// Modbus RTU, Kerong CU), the one goroutine per serial port, polling and
// debouncing of the door sensors, and reconnecting a vanished adapter. It
// imports nothing else of Pudo's, and it opens whatever port its caller
// names: the demo's emulated boards (lockio/simbus) are wired by main.
//
// # Using it
//
//	c, err := lockio.Open(ctx, cfg.Lock, log)  // starts the port goroutine on cfg.Lock.Port
//	defer c.Close()
//	err = c.Unlock(ctx, lockio.Door{Board: 1, Channel: 7})
//	switch {
//	case errors.Is(err, lockio.ErrNotSent):        // nothing left the port: nothing moved
//	case errors.Is(err, lockio.ErrRefused):        // the board answered no (ErrLockFailed: status 11)
//	case errors.Is(err, lockio.ErrOutcomeUnknown): // the door may be open: NEVER resend
//	}
//	for ev := range c.Events() { … }             // opened, closed, left-open, forced-open, …
//
// A nil error is the board's claim that the lock pulsed, not that the door
// opened: only the sensor tells (the engine in app/core settles openings
// from it).
//
// PROTOCOLS.md, beside this file, is the maintainer's reference: the
// frames of each family, what the replies and status bytes mean, the
// exchange's timing, why an unlock is never resent, and what the driver
// does in each fault. The codecs are pure functions in lockio/proto,
// pinned by frames from public sources; lockio/emulator answers like real
// boards, faults included, and `pudo lockboard-sim` (lockio/lockboardsim)
// serves it on a pty for the real binary.
//
// # The rules the driver keeps
//
// One goroutine owns the port and runs one exchange at a time; unlocks go
// before polls. Once an unlock's first byte has left it is never sent
// again, whatever happens to the reply. A lock's coil is not driven again
// within MinUnlockGap (*RateLimitedError says how long to wait). Every
// board is polled each PollInterval; a change between open and closed
// needs Debounce polls in a row; a board silent for two polls makes its
// doors unknown, and is called down (out of order) only after DownAfter
// and DownPolls misses, then retried every second; a late unlock reply is
// reported as evidence (EventLateAck), and Gaps counts the interruptions
// of each door's readings. A failed port is closed at
// once and reopened with backoff up to ReconnectMax, forever; a permission
// error waits for Reconnect. In modbus "onoff" mode every relay is
// switched off whenever the port opens, and an OFF is repeated until it is
// confirmed.
package lockio
