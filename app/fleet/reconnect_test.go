package fleet

import (
	"bytes"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pudo/app/testenv"
)

// The window grows with the fleet, at the configured rate; a configured
// window is taken as it is.
func TestSpreadWindowGrowsWithTheFleet(t *testing.T) {
	w := func(edit func(*Config)) time.Duration {
		c := DefaultConfig()
		edit(&c)
		return c.SpreadWindow()
	}
	prev := time.Duration(0)
	for _, n := range []int{1, 10, 100, 1000, 20000, 100000} {
		got := w(func(c *Config) { c.FleetSize = n })
		if got < prev || got < time.Second || got > 24*time.Hour {
			t.Fatalf("%d lockers: window %s after %s", n, got, prev)
		}
		t.Logf("%6d lockers at %d/s: window %s", n, DefaultConfig().ReconnectRate, got.Round(time.Millisecond))
		prev = got
	}
	if a, b := w(func(c *Config) { c.FleetSize = 1000 }), w(func(c *Config) { c.FleetSize = 1000; c.ReconnectRate = 500 }); b >= a {
		t.Fatalf("a broker ten times faster gets window %s, not below %s", b, a)
	}
	if got := w(func(c *Config) { c.ReconnectWindow = 3 * time.Second }); got != 3*time.Second {
		t.Fatalf("configured window 3s, in use %s", got)
	}
}

// The first start goes at once; after a loss each locker waits a random
// part of the window; each later attempt one to two windows.
func TestBackoffWaits(t *testing.T) {
	var up atomic.Bool
	win := 20 * time.Second
	bo := backoff(win, &up, rand.New(rand.NewPCG(1, 2)))
	if d := bo(0); d != 0 {
		t.Fatalf("first start waits %s", d)
	}
	if d := bo(1); d < win || d >= 2*win {
		t.Fatalf("a second attempt at start waits %s", d)
	}
	up.Store(true)
	for range 1000 {
		if d := bo(0); d < 0 || d >= win {
			t.Fatalf("after a loss: %s", d)
		}
		if d := bo(7); d < win || d >= 2*win {
			t.Fatalf("attempt 7 waits %s", d)
		}
	}
}

// A broker restart, simulated with the link's own backoff: every locker
// loses its connection at once, the broker is away for a while, and the
// lockers come back as their attempts find it up. However long it was
// away, no second of the return sees more than reconnect_rate lockers,
// and all are back within two windows of its return. Twenty fleets of
// each size, each with its own random draws, none of which the window
// was fitted to (it is reckoned from the Poisson tail alone).
func TestReconnectCurveStaysUnderTheRate(t *testing.T) {
	for _, n := range []int{100, 1000, 5000} {
		cfg := DefaultConfig()
		cfg.FleetSize = n
		win := cfg.SpreadWindow()
		for _, away := range []time.Duration{time.Second, win / 2, 3 * win} {
			worst, last := 0, time.Duration(0)
			for seed := range uint64(20) {
				perSecond := map[int64]int{}
				// One stream for the fleet, drawn from in turn: streams of
				// neighbouring seeds would not be independent.
				rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
				for range n {
					var up atomic.Bool
					up.Store(true)
					bo := backoff(win, &up, rng)
					at := bo(0)
					for k := 1; at < away; k++ {
						at += bo(k)
					}
					perSecond[int64(at/time.Second)]++
					last = max(last, at-away)
				}
				for _, c := range perSecond {
					worst = max(worst, c)
				}
			}
			t.Logf("%d lockers, window %s, broker away %s: at most %d in one second (%.1f%%), all back %s after it returned",
				n, win.Round(time.Millisecond), away.Round(time.Millisecond), worst, 100*float64(worst)/float64(n), last.Round(time.Millisecond))
			if worst > cfg.ReconnectRate {
				t.Errorf("%d lockers, broker away %s: %d came back in one second, above reconnect_rate %d", n, away, worst, cfg.ReconnectRate)
			}
			if last > 2*win {
				t.Errorf("%d lockers, broker away %s: the last came back %s after it, above two windows (%s)", n, away, last, 2*win)
			}
		}
	}
}

// Every connection attempt is bounded: a broker that takes the TCP
// connection and then says nothing (no TLS handshake, or no CONNACK) costs
// an attempt connect_timeout, and the locker tries again, saying why.
func TestConnectAttemptsTimeOut(t *testing.T) {
	for _, scheme := range []string{"mqtts", "mqtt"} {
		t.Run(scheme, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			must(t, err)
			defer ln.Close()
			accepted := make(chan net.Conn, 16)
			go func() {
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					accepted <- c // held open, never answered
				}
			}()
			b := startBroker(t) // for its CA
			cfg := b.lockerConfig(t, "L-MUTE")
			cfg.Broker = scheme + "://" + ln.Addr().String()
			cfg.ConnectTimeout, cfg.ReconnectWindow = time.Second, 50*time.Millisecond
			var logs bytes.Buffer
			var mu sync.Mutex
			k := &kiosk{tb: t, id: "L-MUTE", dir: t.TempDir(), cfg: cfg,
				log: slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))}
			k.start()
			t.Cleanup(k.stop)
			for i := range 3 {
				c := testenv.Receive(t, fmt.Sprintf("connection attempt %d (the one before must give up)", i+1), accepted)
				defer c.Close()
			}
			testenv.Await(t, "the log says the broker did not answer", func() bool {
				mu.Lock()
				defer mu.Unlock()
				return strings.Contains(logs.String(), "connect_timeout")
			})
		})
	}
}
