// Package sdnotify tells systemd how the service is doing, as sd_notify(3)
// does: readiness and watchdog keep-alives, one datagram each to the unix
// socket named in $NOTIFY_SOCKET. Outside systemd every call is a no-op.
package sdnotify

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// Notifier sends states to systemd. The nil Notifier, returned outside
// systemd, drops them.
type Notifier struct {
	addr string
}

// FromEnv returns a Notifier for $NOTIFY_SOCKET, or nil when it is unset.
// An address starting with "@" is in the abstract namespace, which Go's
// net package understands as is.
func FromEnv() *Notifier {
	addr := os.Getenv("NOTIFY_SOCKET")
	if addr == "" {
		return nil
	}
	return &Notifier{addr: addr}
}

// Notify sends one state, such as "READY=1" or "WATCHDOG=1".
func (n *Notifier) Notify(state string) error {
	if n == nil {
		return nil
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: n.addr, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("sdnotify: %w", err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(state)); err != nil {
		return fmt.Errorf("sdnotify: %w", err)
	}
	return nil
}

// WatchdogTimeout is the WatchdogSec= systemd set for this process, from
// $WATCHDOG_USEC; ok is false when there is none or when $WATCHDOG_PID
// names another process (the timeout was meant for a parent).
func WatchdogTimeout() (d time.Duration, ok bool) {
	usec, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return 0, false
	}
	if p := os.Getenv("WATCHDOG_PID"); p != "" && p != strconv.Itoa(os.Getpid()) {
		return 0, false
	}
	return time.Duration(usec) * time.Microsecond, true
}

// Keepalive sends "WATCHDOG=1" every interval until ctx ends, each time
// only after probe returns. Probe is where a hang must show: the kiosk
// round-trips through its UI goroutine there, so a frozen screen stops the
// pings and systemd restarts the kiosk. Send errors are reported to
// failed, if not nil, and do not stop the pings.
func (n *Notifier) Keepalive(ctx context.Context, interval time.Duration, probe func(), failed func(error)) {
	if n == nil {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		probe()
		if ctx.Err() != nil {
			return
		}
		if err := n.Notify("WATCHDOG=1"); err != nil && failed != nil {
			failed(err)
		}
	}
}
