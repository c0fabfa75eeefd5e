package testenv

import (
	"testing"
	"time"
)

// Patience is how long a test waits for what it expects before it fails:
// a ceiling for a hang, never a budget for speed. On a loaded 2-core CI
// machine what takes milliseconds alone can take seconds.
const Patience = 3 * time.Minute

// Await polls cond until it holds, and fails tb, saying what it awaited,
// if it still does not hold after Patience.
func Await(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(Patience)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("still waiting after %v for %s", Patience, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Receive is the next value from ch (the zero value once ch is closed);
// it fails tb, saying what it awaited, if none comes within Patience.
func Receive[T any](tb testing.TB, what string, ch <-chan T) T {
	tb.Helper()
	timer := time.NewTimer(Patience)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		tb.Fatalf("still waiting after %v for %s", Patience, what)
	}
	var zero T
	return zero
}

// AwaitOK polls check until it returns nil, and fails tb, saying what it
// awaited and check's last error, if it still fails after Patience.
func AwaitOK(tb testing.TB, what string, check func() error) {
	tb.Helper()
	deadline := time.Now().Add(Patience)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("still waiting after %v for %s: %v", Patience, what, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
