package lockio

import (
	"context"
	"time"
)

// run is the port goroutine: open, serve until the port fails, close,
// reopen with backoff, forever, until Close.
func (c *Controller) run(ctx context.Context) {
	defer close(c.done)
	defer close(c.events) // the only sender is this goroutine
	defer c.setState(BusClosed, nil)
	t := newTracker(c.cfg, c.emit, c.publish, c.gapped)
	p := &poller{c: c, t: t, lastUnlock: map[Door]time.Time{}, learned: map[uint8]int{},
		silentSince: map[uint8]time.Time{}, offPending: map[uint8]uint64{}, presence: map[uint8]*presence{}}
	opened := false
	var lost time.Time // when the port was lost; zero while it serves
	for {
		port := c.connect(ctx, p)
		if port == nil {
			c.failQueued()
			return
		}
		if opened {
			c.mu.Lock()
			c.health.Reconnects++
			c.mu.Unlock()
		}
		if opened && time.Since(lost) >= c.cfg.DownAfter.Std() {
			p.outageOver() // called down meanwhile: the boards must answer for UpAfter again
		}
		opened = true
		err := p.serve(ctx, newLink(port, c.codec, c.cfg.Baud, c.cfg.QuietTime.Std()))
		port.Close() // first thing: a vanished adapter's fd must not linger
		if ctx.Err() != nil {
			c.failQueued()
			return
		}
		c.log.Warn("lockio: serial port failed, reopening", "err", err)
		lost = time.Now()
		c.setState(BusReconnecting, err)
		p.allUnknown(lost)
	}
}

// connect opens the port with backoff, answering calls with ErrBusDown
// meanwhile. A permission error waits for Reconnect instead of looping:
// it needs a person (udev rule, group), not time.
func (c *Controller) connect(ctx context.Context, p *poller) Port {
	backoff := 100 * time.Millisecond
	for {
		port, err := c.open(c.portPath(), c.cfg.Baud)
		if err == nil {
			c.setState(BusUp, nil)
			c.log.Info("lockio: serial port open", "protocol", c.cfg.Protocol, "baud", c.cfg.Baud)
			return port
		}
		wait := backoff
		if isPermission(err) {
			c.log.Error("lockio: no permission to open the serial port; fix it, then reconnect", "err", err)
			c.setState(BusPermission, err)
			wait = -1
		} else {
			c.log.Warn("lockio: serial port not available, retrying", "err", err, "in", backoff)
			c.setState(BusReconnecting, err)
			backoff = min(2*backoff, c.cfg.ReconnectMax.Std())
		}
		if !c.idle(ctx, wait) {
			return nil
		}
	}
}

// idle answers calls with "bus down" until wait passes (never if
// negative), Reconnect is called, or ctx ends (false).
func (c *Controller) idle(ctx context.Context, wait time.Duration) bool {
	var timer <-chan time.Time
	if wait >= 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timer = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return false
		case <-timer:
			return true
		case <-c.kick:
			return true
		case cl := <-c.unlocks:
			c.reply(cl, callResult{err: c.notSent(cl, ErrBusDown)})
		case cl := <-c.control:
			c.reply(cl, callResult{err: c.notSent(cl, ErrBusDown)})
		}
	}
}

// take claims a queued call; false if its caller already gave up.
func take(cl *call) bool { return cl.state.CompareAndSwap(callQueued, callTaken) }

func (c *Controller) reply(cl *call, r callResult) {
	if cl.state.Load() == callAbandoned || (cl.state.Load() == callQueued && !take(cl)) {
		return
	}
	cl.done <- r
}

// failQueued answers what is left in the queues when the goroutine ends.
func (c *Controller) failQueued() {
	for {
		select {
		case cl := <-c.unlocks:
			c.reply(cl, callResult{err: c.notSent(cl, ErrClosed)})
		case cl := <-c.control:
			c.reply(cl, callResult{err: c.notSent(cl, ErrClosed)})
		default:
			return
		}
	}
}

func (c *Controller) portPath() string { return c.cfg.Port }
