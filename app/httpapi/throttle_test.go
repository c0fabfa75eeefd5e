package httpapi

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// An address table cannot grow without bound: past maxClients, new
// addresses share one budget.
func TestThrottleTableIsBounded(t *testing.T) {
	now := time.Unix(1e9, 0)
	th := NewThrottle(func() time.Time { return now })
	for i := range maxClients + 100 {
		th.Spend(fmt.Sprintf("addr:10.0.%d.%d", i/256, i%256))
	}
	if len(th.clients) > maxClients+1 {
		t.Fatalf("%d clients kept", len(th.clients))
	}
	for range ErrorBurst {
		th.Spend("addr:192.0.2.1")
	}
	if _, blocked := th.Blocked("addr:198.51.100.7"); !blocked {
		t.Fatal("a new address past the table's size did not share the overflow budget")
	}
}

// A client spends its budget with 4xx answers, is blocked for what the
// refill takes, and comes back one answer per ErrorEvery.
func TestThrottleBudget(t *testing.T) {
	now := time.Unix(1e9, 0)
	th := NewThrottle(func() time.Time { return now })
	for i := range ErrorBurst {
		if _, blocked := th.Blocked("key:a"); blocked {
			t.Fatalf("blocked after %d", i)
		}
		th.Spend("key:a")
	}
	wait, blocked := th.Blocked("key:a")
	if !blocked || wait != ErrorEvery {
		t.Fatalf("after the burst: blocked %v, wait %s", blocked, wait)
	}
	if _, blocked := th.Blocked("key:b"); blocked {
		t.Fatal("another client is blocked too")
	}
	now = now.Add(ErrorEvery)
	if _, blocked := th.Blocked("key:a"); blocked {
		t.Fatal("still blocked after one refill")
	}
	e := Throttled("addr:192.0.2.1", 2500*time.Millisecond)
	rec := &Recorder{ResponseWriter: &headerOnly{h: http.Header{}}}
	e.SetHeaders(rec)
	if e.Status != http.StatusTooManyRequests || e.Code != "rate_limited" || rec.Header().Get("Retry-After") != "3" {
		t.Fatalf("throttled: %+v, Retry-After %q", e, rec.Header().Get("Retry-After"))
	}
}

type headerOnly struct {
	http.ResponseWriter
	h http.Header
}

func (w *headerOnly) Header() http.Header { return w.h }
