// Package lockio drives the serial lock-control boards that open a locker's
// doors and report its door sensors. It owns the byte protocols (8A/80,
// Modbus RTU, Kerong CU), the one goroutine per serial port, polling and
// debouncing of the door sensors, and reconnecting a vanished adapter. It
// imports nothing else of Pudo's.
//
// # Using it
//
//	c, err := lockio.Open(ctx, cfg.Lock, log)  // starts the port goroutine
//	defer c.Close()
//	err = c.Unlock(ctx, lockio.Door{Board: 1, Channel: 7})
//	switch {
//	case errors.Is(err, lockio.ErrNotSent):        // nothing left the port: retry is safe
//	case errors.Is(err, lockio.ErrOutcomeUnknown): // the door may be open: NEVER resend
//	}
//	for ev := range c.Events() { … }             // opened, closed, left-open, forced-open, …
//
// Port "sim" runs the emulator (package lockio/emulator) behind a pty, so
// the demo exercises the same code, termios included, as a real adapter.
// With modbus_pulse "onoff" its boards have no flash registers.
// `pudo lockboard-sim` (package lockio/lockboardsim) does the same for a
// separate process.
//
// # Board families
//
// The codecs are in package lockio/proto, pure functions pinned by the
// frames printed in docs/lockboards.md (the research notes), whose sources
// are listed there: the CSDN vendor-style spec "锁控板通讯协议和规格书",
// qiwenming/QwmLockDemo, Open-Locker/Open-Locker locker-client (ADRs 0004,
// 0035, 0040, 0051, 0061, 0067), the Waveshare Modbus RTU Relay wiki, and
// the Kerong CU code of Arviv123/CartWise, xaleel/locker and
// RussellSk/keymaker. No Kerong manual was found.
//
// 8A/80 ("8a80"): 9600 8N1, RS485 half duplex. Boards 1–31 by DIP switch,
// locks 1-based; 0 means "all locks" in 8A and "whole board" in 80. The
// last byte is the XOR (BCC) of all the bytes before it.
//
//	open one lock   8A AA LL 11 BCC     → 8A AA LL SS BCC
//	open all        8A AA 00 11 BCC     → not documented; 8A AA 00 SS BCC assumed
//	read one lock   80 AA LL 33 BCC     → 80 AA LL SS BCC
//	read the board  80 AA 00 33 BCC     → 80 AA S_n … S_1 33 BCC
//
//	8A 01 01 11 9B   8A⊕01⊕01⊕11 = 9B   open board 1 lock 1
//	80 01 00 33 B2                      read board 1
//	80 01 00 00 05 33 B7                channels 1 and 3 high
//
// S_1, the byte next to the 33, holds channels 1–8, bit 0 = channel 1.
// How many status bytes come back is the firmware's choice, not the
// board's size: an 8-channel board answered with three. The reply's end is
// therefore found as the shortest prefix ending in 33 and a matching BCC
// with at least enough bytes for the board's channels; the length seen
// first is remembered, so later polls end at that byte without waiting for
// the line to go quiet. Status polarity depends on the lock's contact
// ("shorted when locked" or "when unlocked") and projects disagree on the
// query-all bits; it is BoardConfig.Feedback, to be commissioned. A wrong
// polarity shows as every door open; Health().Boards[i].Raw has the lines.
//
// Modbus RTU relay boards ("modbus"): 9600 8N1, slave address 1–247, CRC-16
// (poly A001 reflected, init FFFF) low byte first. Unlock is the Waveshare
// "flash" write, FC05 to coil 0x0200+ch-1 with the pulse in 100 ms units,
// so the board ends the pulse: a crash between a software "on" and "off"
// would leave a coil energised (ADR-0004). The reply is the echo. Door
// inputs are FC02 from 0, relay states FC01. An exception reply
// (function|0x80, code) becomes ErrRefused.
//
//	01 05 02 00 00 07 8D B0   flash relay 1 for 700 ms
//	01 02 00 00 00 08 79 CC   read 8 inputs → 01 02 01 01 60 48 (DI1 high)
//
// Boards without the flash registers echo the flash write and do nothing
// (eFormLockerRoom's "relay not clicking"; it switched to plain ON/OFF).
// For them, modbus_pulse = "onoff" (Config.ModbusPulse) unlocks with a
// plain relay ON, then Pulse later OFF, both sent by the port goroutine
// ahead of polls; nothing sleeps on a relay elsewhere:
//
//	01 05 00 00 FF 00 8C 3A   relay 1 on  (FC05 FF00 to coil ch-1)
//	01 05 00 00 00 00 CD CA   relay 1 off (FC05 0000)
//
// ON is an unlock like any other: sent once, never again (ErrNotSent if no
// byte left, ErrOutcomeUnknown if its echo is lost). Once ON may have left,
// OFF is always sent, whatever ON's reply; OFF is idempotent, so a lost OFF
// is repeated (three times at once, then before every poll of the board)
// and until one is answered the relay shows in Health().RelaysOn() and an
// error is logged: a held coil overheats and keeps its lock open. The
// unlock's own result follows ON only. Since a crash between ON and OFF
// leaves a coil energised (ADR-0004), every configured relay is switched
// off whenever the port opens, first start and every reconnect, before its
// board's first poll. That "all relays off" is one FC05 OFF per configured
// channel: Waveshare's 01 05 00 FF 00 00 FD FA (coil 0x00FF) is the
// codec's OpRelayOff channel 0 but means nothing to other boards, and FC0F
// is not on every cheap board (eFormLockerRoom needed an FC0F→FC05
// fallback). A board that does not answer costs one timeout per try and
// is switched off when it answers again. Keep "flash" where the board
// takes it: only a board-timed pulse survives a power cut mid-pulse.
//
// Kerong KR-CU12/CU16 ("kerong"): 19200 8N1, 02 ADDR CMD 03 SUM, SUM the
// 8-bit sum of every byte before it. ADDR high nibble = CU 0–15, low nibble
// = lock 0–15. 30 status, 31 unlock, 33 unlock all; every reply seen in
// code is the 9-byte 35 frame 02 ADDR 35 H1 H2 I1 I2 03 SUM, H = hook bits
// (1 = locked), I = infrared item sensors (ignored here).
//
//	02 10 31 03 46              unlock CU 1 lock 1
//	02 00 35 01 00 00 00 03 3B  CU 0: lock 1 locked, others open
//
// # The exchange
//
// One goroutine owns the port and runs one exchange at a time:
//
//  1. wait until 3.5 characters + 1 ms of silence since the last byte
//     (proto.FrameGap; 4.6 ms at 9600);
//  2. flush input, so a late reply to an earlier request cannot answer this one;
//  3. write, then Drain: the reply timer starts once the bytes are out;
//  4. read until the reply is complete (its length follows from its header,
//     or was learned), or QuietTime (25 ms) of silence after some bytes,
//     or the timeout (1.5 s unlock, 250 ms poll). USB adapters deliver one
//     reply in bursts more than 5 ms apart, so one Read is never a frame;
//  5. validate header, board, channel, length and checksum, scanning past
//     leading garbage; a frame missing its first byte is rejected;
//  6. after any failure, read until the line is quiet, then flush.
//
// go.bug.st/serial returns (0, nil) when a read times out, not an error;
// the read loop keeps its own deadline. A read error (PortClosed when the
// adapter vanished) ends the connection.
//
// Unlocks wait in their own queue and are served before the next status
// poll, between two boards' polls if need be: an unlock waits for one
// exchange at most.
//
// # Never resend an unlock
//
// Once the first byte of an unlock has left, whatever happens next (no
// reply, a bad one, a late one, the adapter unplugged) the error is
// ErrOutcomeUnknown and nothing sends it again: the board may have pulsed,
// and a second pulse opens a door someone may already be closing
// (Open-Locker ADR-0067 found a generic retry doing exactly that). The
// door's sensor tells what happened: EventOpened, or EventDidNotOpen after
// DidNotOpenAfter. ErrNotSent means no byte left: bus down, rate limit,
// caller's ctx ended while queued. MinUnlockGap stops a coil being driven
// again too soon (solenoids overheat; some boards lock out for 2–15 s).
// Callers that must survive a crash should journal "unlock attempted"
// before calling Unlock and not replay it on restart.
//
// # Door sensing
//
// Every board is polled each PollInterval (500 ms; Open-Locker found 5 s
// missed whole interactions). A change between open and closed needs
// Debounce polls in a row (contact bounce around an unlock can fake an
// opening); leaving "unknown" needs one. Events: opened (after an unlock),
// forced-open (without one: alarm), closed, left-open (LeftOpenAfter), did-
// not-open, sensor-unknown (board silent for two polls, or port gone). A
// silent board is retried every second so it costs the others little; only
// its own doors go unknown. A broken sensor cable reads "open": unlocks are
// still sent when the sensor says open, and count as opened.
//
// # Reconnecting
//
// A failed port is closed at once and reopened by its configured path,
// forever, with backoff from 100 ms to ReconnectMax (1 s: an adapter plugged back in is
// in service again within the 2 s the screens promise). Use the
// /dev/serial/by-id/… path: a replugged adapter may come back as ttyUSB1
// while ttyUSB0's fd is still open; the by-id link follows it. EACCES
// (udev rule, dialout group) is not retried in a loop: Health shows
// "permission-denied" until Reconnect is called. If no board answers for
// 30 s the port is reopened too (adapters going "stale" while the fd
// stays valid).
//
// # Commissioning
//
// Scan reads the status of every address of the family (8A/80 1–31,
// Kerong 0–15, Modbus 1–32) three times. Two replies back to back, or a
// garbled one, marks a Collision: two boards set to one address (they both
// fire on every command). Check Feedback polarity with a door held open.
//
// # Errata and open points
//
// The 8A/80 reply to "open all" and the 6-byte timed unlock and 90 batch
// frames are undocumented or unverified; only the first is used. The
// Kerong unlock reply and the 37/38/39 commands are known from code only.
// Verify on a real board: reply delay and pulse length, query-all length
// and polarity, how many boards a 9600 bus carries at 500 ms polling
// (8 boards of 24 doors need ~140 ms per cycle, see BenchmarkPollCycle).
package lockio
