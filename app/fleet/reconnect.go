package fleet

import (
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// reconnectRisk bounds the chance that any one second of a fleet's
// return brings more than reconnect_rate lockers.
const reconnectRisk = 1e-3

// SpreadWindow is the reconnect window in use: reconnect_window when set,
// else the one over which fleet_size lockers, each coming back at a
// uniformly random moment, put more than reconnect_rate into some second
// with a chance under reconnectRisk. The lockers coming back in a second
// are at most Poisson with mean m = N/W (fewer, as the fleet is fixed),
// so m is the largest mean at which N/m seconds each pass the rate with a
// chance that sums to the risk: the window grows with the fleet, about
// 37 s for 1,000 lockers at 50 a second, 14 minutes for 20,000.
func (c Config) SpreadWindow() time.Duration {
	c = c.withDefaults()
	if c.ReconnectWindow > 0 {
		return c.ReconnectWindow
	}
	n := float64(c.FleetSize)
	lo, hi := 0.0, float64(c.ReconnectRate)
	for range 60 {
		m := (lo + hi) / 2
		if max(1, n/m)*poissonTail(m, c.ReconnectRate) <= reconnectRisk {
			lo = m
		} else {
			hi = m
		}
	}
	w := time.Duration(math.Min(n/lo, 24*3600) * float64(time.Second))
	return min(max(w, time.Second), 24*time.Hour)
}

// poissonTail is P(X > r) for X Poisson with mean m > 0, summed from r+1
// up while the terms still count (they fall, as r+1 > m).
func poissonTail(m float64, r int) float64 {
	sum := 0.0
	for k := r + 1; k < r+1_000_000; k++ {
		lg, _ := math.Lgamma(float64(k) + 1)
		t := math.Exp(-m + float64(k)*math.Log(m) - lg)
		sum += t
		if t <= sum*1e-12 {
			break
		}
	}
	return sum
}

// backoff is the wait before connection attempt n (0: the first after
// start or after a lost connection). The first start goes at once. After
// a loss every locker waits a random part of the window; each later
// attempt (the broker is still away) waits one to two windows, so however
// long the broker is down, the fleet's attempts, and so the connections
// when it returns, never come faster than at the start of a window.
func backoff(window time.Duration, everUp *atomic.Bool, rnd *rand.Rand) func(int) time.Duration {
	return func(n int) time.Duration {
		if window <= 0 {
			return 0
		}
		switch {
		case n == 0 && !everUp.Load():
			return 0
		case n == 0:
			return time.Duration(rnd.Int64N(int64(window)))
		}
		return window + time.Duration(rnd.Int64N(int64(window)))
	}
}
