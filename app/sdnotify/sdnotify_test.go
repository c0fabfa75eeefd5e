package sdnotify

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"pudo/app/testenv"
	"strconv"
	"sync"
	"testing"
	"time"
)

// listen stands in for systemd: a unixgram socket named in $NOTIFY_SOCKET.
func listen(t *testing.T, name string) *net.UnixConn {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	t.Setenv("NOTIFY_SOCKET", name)
	return c
}

func receive(t *testing.T, c *net.UnixConn, within time.Duration) (string, bool) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(within))
	buf := make([]byte, 256)
	n, err := c.Read(buf)
	if err != nil {
		return "", false
	}
	return string(buf[:n]), true
}

func TestNotify(t *testing.T) {
	for name, addr := range map[string]string{
		"path":     filepath.Join(t.TempDir(), "notify"),
		"abstract": "@pudo-sdnotify-test-" + strconv.Itoa(os.Getpid()),
	} {
		t.Run(name, func(t *testing.T) {
			c := listen(t, addr)
			if err := FromEnv().Notify("READY=1"); err != nil {
				t.Fatal(err)
			}
			if got, _ := receive(t, c, testenv.Patience); got != "READY=1" {
				t.Fatalf("got %q, want READY=1", got)
			}
		})
	}
}

func TestOutsideSystemd(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	n := FromEnv()
	if n != nil {
		t.Fatalf("FromEnv() = %v, want nil", n)
	}
	if err := n.Notify("READY=1"); err != nil {
		t.Fatal(err)
	}
	n.Keepalive(context.Background(), time.Millisecond, func() { t.Fatal("probed outside systemd") }, nil)
}

func TestWatchdogTimeout(t *testing.T) {
	self := strconv.Itoa(os.Getpid())
	for _, tc := range []struct {
		name, usec, pid string
		want            time.Duration
		ok              bool
	}{
		{"unset", "", "", 0, false},
		{"ours", "30000000", self, 30 * time.Second, true},
		{"no pid", "20000000", "", 20 * time.Second, true},
		{"parent's", "30000000", "1", 0, false},
		{"garbage", "soon", "", 0, false},
		{"zero", "0", "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("WATCHDOG_USEC", tc.usec)
			t.Setenv("WATCHDOG_PID", tc.pid)
			d, ok := WatchdogTimeout()
			if d != tc.want || ok != tc.ok {
				t.Fatalf("WatchdogTimeout() = %v, %v; want %v, %v", d, ok, tc.want, tc.ok)
			}
		})
	}
}

// A probe that hangs, like a frozen UI goroutine, stops the pings.
func TestKeepaliveStopsWhenProbeHangs(t *testing.T) {
	c := listen(t, filepath.Join(t.TempDir(), "notify"))
	var mu sync.Mutex // protects following
	hang := false
	release := make(chan struct{})
	probe := func() {
		mu.Lock()
		h := hang
		mu.Unlock()
		if h {
			<-release
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		FromEnv().Keepalive(ctx, 5*time.Millisecond, probe, func(err error) { t.Error(err) })
	}()
	for range 3 {
		if got, ok := receive(t, c, testenv.Patience); got != "WATCHDOG=1" {
			t.Fatalf("got %q, %v; want WATCHDOG=1", got, ok)
		}
	}
	mu.Lock()
	hang = true
	mu.Unlock()
	// Drain the ping that may have been in flight, then expect silence.
	for {
		if _, ok := receive(t, c, 100*time.Millisecond); !ok {
			break
		}
	}
	if got, ok := receive(t, c, 100*time.Millisecond); ok {
		t.Fatalf("pinged %q while the probe hangs", got)
	}
	cancel()
	close(release)
	<-done
}
