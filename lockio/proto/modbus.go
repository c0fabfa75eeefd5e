package proto

import (
	"encoding/binary"
	"fmt"
	"time"
)

// Modbus is Modbus RTU as spoken by relay boards used as lock boards: FC05
// to pulse a relay, FC01 to read relays, FC02 to read the door inputs.
// Unlocks use the Waveshare "flash" coils (0x0200+ch) so the board, not this
// process, ends the pulse: a crash between "on" and "off" cannot leave a coil
// energised (Open-Locker ADR-0004). Request.Pulse = PlainOn asks for the
// plain coil-on write instead, for boards without flash; its caller owns the
// OpRelayOff (FC05 0000 to coil ch-1; channel 0 = Waveshare's "all relays
// off", coil 0x00FF).
//
//	01 05 00 00 FF 00 8C 3A   relay 1 on      (OpUnlock, Pulse PlainOn)
//	01 05 00 00 00 00 CD CA   relay 1 off     (OpRelayOff, Channel 1)
//	01 05 00 FF 00 00 FD FA   all relays off  (OpRelayOff, Channel 0; Waveshare)
type Modbus struct{}

const (
	fcReadCoils  = 0x01
	fcReadInputs = 0x02
	fcWriteCoil  = 0x05
	flashOnBase  = 0x0200
	coilAll      = 0x00FF // Waveshare: every relay at once
	coilOn       = 0xFF00
	// DefaultPulse is the flash length when a request names none.
	DefaultPulse = 500 * time.Millisecond
)

func (Modbus) Name() string { return "modbus" }
func (Modbus) Baud() int    { return 9600 }

func (Modbus) Supports(op Op) bool {
	return op == OpUnlock || op == OpStatus || op == OpRelays || op == OpRelayOff
}

// CRC16 is CRC-16/MODBUS: reflected 0xA001, initial 0xFFFF. The wire
// carries it low byte first.
func CRC16(b []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, c := range b {
		crc ^= uint16(c)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xA001
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}

// AppendCRC appends b and its CRC (low byte first) to dst.
func AppendCRC(dst []byte, b ...byte) []byte {
	return binary.LittleEndian.AppendUint16(append(dst, b...), CRC16(b))
}

func crcOK(f []byte) bool {
	n := len(f) - 2
	return n > 0 && binary.LittleEndian.Uint16(f[n:]) == CRC16(f[:n])
}

// AppendWriteCoil appends a plain FC05 write: coil 0-based, on or off. Kept
// for commissioning and "all relays off" (coil 0x00FF) at startup.
func AppendWriteCoil(dst []byte, slave uint8, coil uint16, on bool) []byte {
	v := uint16(0)
	if on {
		v = coilOn
	}
	return AppendCRC(dst, slave, fcWriteCoil, byte(coil>>8), byte(coil), byte(v>>8), byte(v))
}

// AppendFlash appends a Waveshare flash-on write: relay ch (1-based) on for
// d, rounded to the board's 100 ms unit.
func AppendFlash(dst []byte, slave, ch uint8, d time.Duration) []byte {
	units := min(max(1, int((d+50*time.Millisecond)/(100*time.Millisecond))), 0xFFFF)
	reg := uint16(flashOnBase + int(ch) - 1)
	return AppendCRC(dst, slave, fcWriteCoil, byte(reg>>8), byte(reg), byte(units>>8), byte(units))
}

func appendRead(dst []byte, slave, fc uint8, n int) []byte {
	return AppendCRC(dst, slave, fc, 0, 0, byte(n>>8), byte(n))
}

func (Modbus) AppendRequest(dst []byte, r Request) ([]byte, error) {
	switch r.Op {
	case OpUnlock:
		if r.Channel == 0 {
			return dst, fmt.Errorf("modbus: channel 0")
		}
		if r.Pulse < 0 { // PlainOn
			return AppendWriteCoil(dst, r.Board, uint16(r.Channel-1), true), nil
		}
		return AppendFlash(dst, r.Board, r.Channel, cmp0(r.Pulse, DefaultPulse)), nil
	case OpRelayOff:
		if r.Channel == 0 {
			return AppendWriteCoil(dst, r.Board, coilAll, false), nil
		}
		return AppendWriteCoil(dst, r.Board, uint16(r.Channel-1), false), nil
	case OpStatus:
		return appendRead(dst, r.Board, fcReadInputs, r.Channels), nil
	case OpRelays:
		return appendRead(dst, r.Board, fcReadCoils, r.Channels), nil
	}
	return dst, fmt.Errorf("modbus: %v: %w", r.Op, ErrUnsupported)
}

func cmp0(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

func (m Modbus) replyLen(r Request) (fc byte, n int) {
	switch r.Op {
	case OpUnlock, OpRelayOff:
		return fcWriteCoil, 8
	case OpStatus:
		return fcReadInputs, 5 + (r.Channels+7)/8
	case OpRelays:
		return fcReadCoils, 5 + (r.Channels+7)/8
	}
	return 0, 0
}

func (m Modbus) ParseReply(b []byte, r Request) (Reply, int, error) {
	fc, size := m.replyLen(r)
	if size == 0 {
		return Reply{}, 0, fmt.Errorf("modbus: %v: %w", r.Op, ErrUnsupported)
	}
	var echo []byte
	if fc == fcWriteCoil {
		var err error
		if echo, err = m.AppendRequest(nil, r); err != nil {
			return Reply{}, 0, err
		}
	}
	var fail error
	for i := 0; i < len(b); i++ {
		if b[i] != r.Board {
			continue
		}
		f := b[i:]
		if len(f) >= 2 && f[1] == fc|0x80 {
			if len(f) < 5 {
				fail = better(fail, ErrIncomplete)
				continue
			}
			if crcOK(f[:5]) {
				return Reply{Op: r.Op, Board: r.Board, Exact: true, Skipped: i}, i + 5, &ExceptionError{Function: fc, Code: f[2]}
			}
		}
		if len(f) >= 2 && f[1] != fc {
			continue
		}
		if len(f) < size {
			fail = better(fail, ErrIncomplete)
			continue
		}
		f = f[:size]
		if !crcOK(f) {
			fail = better(fail, fmt.Errorf("modbus: %w at byte %d", ErrChecksum, i))
			continue
		}
		rep, err := m.decode(f, r, echo)
		if err != nil {
			fail = better(fail, err)
			continue
		}
		rep.Skipped = i
		return rep, i + size, nil
	}
	return Reply{}, 0, orNoFrame(fail)
}

func (Modbus) decode(f []byte, r Request, echo []byte) (Reply, error) {
	rep := Reply{Op: r.Op, Board: r.Board, Channel: r.Channel, Exact: true}
	if echo != nil {
		if string(f) != string(echo) {
			return rep, errMismatch("modbus: write reply % x is not the echo of % x", f, echo)
		}
		return rep, nil
	}
	if int(f[2]) != (r.Channels+7)/8 {
		return rep, errMismatch("modbus: byte count %d for %d inputs", f[2], r.Channels)
	}
	rep.Inputs = littleBits(f[3:len(f)-2]) & mask(r.Channels)
	rep.NInputs = r.Channels
	return rep, nil
}

// littleBits decodes Modbus bit data: first byte holds inputs 1–8, bit 0 first.
func littleBits(d []byte) uint64 {
	var v uint64
	for k, c := range d {
		if k < 8 {
			v |= uint64(c) << (8 * k)
		}
	}
	return v
}

func mask(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

func (Modbus) ParseRequest(b []byte) (Request, int, error) {
	for i := 0; i < len(b); i++ {
		f := b[i:]
		if len(f) < 8 {
			return Request{}, i, ErrIncomplete
		}
		f = f[:8]
		if !crcOK(f) {
			continue
		}
		reg, val := binary.BigEndian.Uint16(f[2:]), binary.BigEndian.Uint16(f[4:])
		r := Request{Board: f[0]}
		switch {
		case f[1] == fcReadInputs && reg == 0:
			r.Op, r.Channels = OpStatus, int(val)
		case f[1] == fcReadCoils && reg == 0:
			r.Op, r.Channels = OpRelays, int(val)
		case f[1] == fcWriteCoil && reg >= flashOnBase && reg < flashOnBase+0x100:
			r.Op, r.Channel, r.Pulse = OpUnlock, uint8(reg-flashOnBase+1), time.Duration(val)*100*time.Millisecond
		case f[1] == fcWriteCoil && reg < coilAll && val == coilOn:
			r.Op, r.Channel, r.Pulse = OpUnlock, uint8(reg+1), PlainOn
		case f[1] == fcWriteCoil && reg < coilAll && val == 0:
			r.Op, r.Channel = OpRelayOff, uint8(reg+1)
		case f[1] == fcWriteCoil && reg == coilAll && val == 0:
			r.Op = OpRelayOff
		default:
			continue
		}
		return r, i + 8, nil
	}
	return Request{}, len(b), ErrIncomplete
}

func (m Modbus) AppendReply(dst []byte, r Request, s State) ([]byte, bool) {
	fc, _ := m.replyLen(r)
	if fc == 0 {
		return dst, false
	}
	n := r.Channels
	if fc == fcWriteCoil {
		n = int(r.Channel)
		if r.Op == OpRelayOff && n == 0 {
			n = 1 // all relays off: always a legal address
		}
	}
	if n < 1 || n > s.Channels {
		return AppendCRC(dst, r.Board, fc|0x80, 0x02), true // illegal data address
	}
	if fc == fcWriteCoil {
		out, err := m.AppendRequest(dst, r)
		return out, err == nil
	}
	d := make([]byte, 0, 3+(n+7)/8)
	d = append(d, r.Board, fc, byte((n+7)/8))
	in := s.Inputs
	if r.Op == OpRelays {
		in = s.Relays
	}
	in &= mask(n)
	for k := 0; k < (n+7)/8; k++ {
		d = append(d, byte(in>>(8*k)))
	}
	return AppendCRC(dst, d...), true
}
