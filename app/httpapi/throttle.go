package httpapi

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The error budget of one client (an API key, or an address for requests
// without a valid key): ErrorBurst 4xx answers at once, then one more per
// ErrorEvery. A client past it gets 429 with Retry-After for everything
// until the budget refills, so guessing keys, ids or fields costs the
// guesser time and shows on /metrics; an integration that errs now and then
// never meets it.
const (
	ErrorBurst = 20
	ErrorEvery = 3 * time.Second
	// maxClients bounds the table: past it, idle entries are dropped, and
	// new addresses share one budget, so spraying addresses buys nothing.
	maxClients = 4096
	overflow   = "addr:(many)"
)

// Throttle keeps every client's error budget. Clients are named "key:NAME"
// or "addr:HOST" (AddrOf).
type Throttle struct {
	now func() time.Time

	mu      sync.Mutex // protects following
	clients map[string]*budget
}

type budget struct {
	tokens float64
	at     time.Time
}

// NewThrottle makes an empty table on the clock now.
func NewThrottle(now func() time.Time) *Throttle {
	return &Throttle{now: now, clients: map[string]*budget{}}
}

// level brings b up to now.
func (b *budget) level(now time.Time) {
	if now.After(b.at) {
		b.tokens = min(ErrorBurst, b.tokens+float64(now.Sub(b.at))/float64(ErrorEvery))
	}
	b.at = now
}

// Reset forgives every client.
func (t *Throttle) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.clients)
}

// Blocked reports whether client has spent its budget, and how long until
// it may try again.
func (t *Throttle) Blocked(client string) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.clients[client]
	if !ok {
		if b, ok = t.clients[overflow]; !ok || len(t.clients) < maxClients {
			return 0, false
		}
	}
	b.level(t.now())
	if b.tokens >= 1 {
		return 0, false
	}
	return time.Duration((1 - b.tokens) * float64(ErrorEvery)), true
}

// Spend takes one 4xx answer off client's budget.
func (t *Throttle) Spend(client string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	b, ok := t.clients[client]
	if !ok {
		if len(t.clients) >= maxClients {
			t.sweep(now)
		}
		if len(t.clients) >= maxClients {
			client = overflow
		}
		if b, ok = t.clients[client]; !ok {
			b = &budget{tokens: ErrorBurst, at: now}
			t.clients[client] = b
		}
	}
	b.level(now)
	b.tokens = max(0, b.tokens-1)
}

// sweep forgets clients whose budget is whole again: they are as good as
// new.
func (t *Throttle) sweep(now time.Time) {
	for k, b := range t.clients {
		if b.level(now); b.tokens >= ErrorBurst {
			delete(t.clients, k)
		}
	}
}

// AddrOf names the client of a request without a valid key.
func AddrOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return "addr:" + r.RemoteAddr
	}
	return "addr:" + host
}

// Throttled is the answer to a client past its budget.
func Throttled(client string, wait time.Duration) *Error {
	who := "API key"
	if strings.HasPrefix(client, "addr:") {
		who = "address"
	}
	secs := strconv.Itoa(int((wait + time.Second - 1) / time.Second))
	return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", RetryAfter: wait,
		Message: "too many refused requests from this " + who + "; retry in " + secs + " s"}
}
