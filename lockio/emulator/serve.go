package emulator

import (
	"io"
	"runtime"
	"sync"
	"time"

	"pudo/lockio/proto"
)

// unplugError asks ServePTY to pull the adapter for d; with shut, every
// door is closed before it is plugged back (a power cut).
type unplugError struct {
	d    time.Duration
	shut bool
}

func (u unplugError) Error() string {
	if u.shut {
		return "emulator: power lost"
	}
	return "emulator: unplugged"
}

// Serve answers requests read from rw until a read fails. Requests are
// handled one at a time, as on a half-duplex bus.
func (e *Emulator) Serve(rw io.ReadWriter) error {
	w := &lockedWriter{w: rw}
	buf := make([]byte, 0, 512)
	tmp := make([]byte, 256)
	for {
		n, err := rw.Read(tmp)
		if err != nil {
			return err
		}
		e.mu.Lock()
		e.rawIn += n
		e.mu.Unlock()
		buf = append(buf, tmp[:n]...)
		for {
			r, used, err := e.codec.ParseRequest(buf)
			buf = buf[:copy(buf, buf[used:])]
			if err != nil {
				break
			}
			if err := e.handle(w, r); err != nil {
				return err
			}
		}
		if len(buf) > 256 { // noise with a header byte in it: never a frame
			buf = buf[:0]
		}
	}
}

type lockedWriter struct {
	mu sync.Mutex // serialises replies and late replies
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (e *Emulator) handle(w io.Writer, r proto.Request) error {
	at := time.Now()
	if e.cfg.OnRequest != nil {
		e.cfg.OnRequest(r, at)
	}
	if e.busy(r, at) {
		return nil // the board is not listening: the request is lost
	}
	f, faulty := e.takeFault(r)
	if faulty && f.Kind == FaultDeaf {
		return nil
	}
	states := e.actuate(r)
	switch {
	case faulty && f.Kind == FaultUnplug:
		return unplugError{d: f.Delay}
	case faulty && f.Kind == FaultPowerLoss:
		return unplugError{d: orDefault(f.Delay, 3*time.Second), shut: true}
	case faulty && f.Kind == FaultCrash:
		e.crash(r, orDefault(f.Delay, time.Second))
		return nil
	}
	var reply []byte
	for _, s := range states {
		reply, _ = e.codec.AppendReply(reply, r, s)
	}
	if len(reply) == 0 {
		return nil
	}
	due := at.Add(e.replyDelay(r, len(reply)))
	if !faulty {
		sleepUntil(due)
		_, err := w.Write(reply)
		return ignoreWriteErr(err)
	}
	return e.spoil(w, r, f, reply, due)
}

func (e *Emulator) replyDelay(r proto.Request, replyLen int) time.Duration {
	var d time.Duration
	if r.Op == proto.OpUnlock || r.Op == proto.OpUnlockAll {
		d = e.cfg.UnlockDelay
	}
	if e.cfg.Pace {
		reqLen, _ := e.codec.AppendRequest(nil, r)
		d += proto.WireTime(len(reqLen)+replyLen, e.cfg.Baud)
	}
	return d
}

// spoil sends reply the way fault f says.
func (e *Emulator) spoil(w io.Writer, r proto.Request, f Fault, reply []byte, due time.Time) error {
	switch f.Kind {
	case FaultSilence:
		return nil
	case FaultGarbage:
		reply = append(append([]byte{}, garbage...), reply...)
	case FaultNoise:
		reply = garbage
	case FaultBadChecksum:
		reply[len(reply)-1] ^= 0x5A
	case FaultDropFirst:
		reply = reply[1:]
	case FaultSplit:
		sleepUntil(due)
		half := len(reply) / 2
		if _, err := w.Write(reply[:half]); err != nil {
			return ignoreWriteErr(err)
		}
		due, reply = time.Now().Add(orDefault(f.Delay, 10*time.Millisecond)), reply[half:]
	case FaultBusy:
		late := due.Add(orDefault(f.Delay, 2*time.Second))
		e.setBusy(r.Board, late)
		go func() {
			sleepUntil(late)
			w.Write(reply)
		}()
		return nil
	case FaultLate:
		go func() {
			sleepUntil(due.Add(orDefault(f.Delay, 2*time.Second)))
			w.Write(reply)
		}()
		return nil
	}
	sleepUntil(due)
	_, err := w.Write(reply)
	return ignoreWriteErr(err)
}

// ignoreWriteErr drops write errors: a reply into a closed line is lost
// on a real bus too; the next read reports the closed line.
func ignoreWriteErr(error) error { return nil }

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// sleepUntil sleeps to t and spins the last stretch: timer slack of a
// millisecond per reply would swamp the wire-time pacing benchmarks compare
// against.
func sleepUntil(t time.Time) {
	if d := time.Until(t); d > 2*time.Millisecond {
		time.Sleep(d - time.Millisecond)
	}
	for time.Now().Before(t) {
		runtime.Gosched()
	}
}

// busy reports whether r's board is still working on a late unlock: it
// hears nothing until its reply is out.
func (e *Emulator) busy(r proto.Request, at time.Time) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	until, ok := e.busyUntil[r.Board]
	if !ok {
		return false
	}
	if !at.Before(until) {
		delete(e.busyUntil, r.Board)
		return false
	}
	e.counts[r.Op]++
	return true
}

func (e *Emulator) setBusy(board uint8, until time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.busyUntil[board] = until
}

// crash is the kiosk dying right after an unlock frame: the harness
// hears of it, and the door that popped shuts again after shutAfter.
func (e *Emulator) crash(r proto.Request, shutAfter time.Duration) {
	e.with(r.Board, r.Channel, func(d *door) {
		if d.open {
			d.closeAt = time.Now().Add(shutAfter)
		}
	})
	if e.cfg.OnCrash != nil {
		go e.cfg.OnCrash(r)
	}
}
