package scanner

import (
	"context"
	"log/slog"
	"pudo/app/testenv"
	"sync"
	"testing"
	"time"
)

// discard is the logger tests use when they don't look at logs.
var discard = slog.New(slog.DiscardHandler)

// waitFor polls cond until it holds. The ceiling only stops a hung test; no
// test asserts how long anything took.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testenv.Await(t, what, cond)
}

// nextRead returns the next read from h, failing the test if none comes.
func nextRead(t *testing.T, h *Hub) Read {
	t.Helper()
	select {
	case r, ok := <-h.Reads():
		if !ok {
			t.Fatal("Reads closed")
		}
		return r
	case <-time.After(testenv.Patience):
		t.Fatalf("still waiting after %v for the next read", testenv.Patience)
	}
	return Read{}
}

func statusOf(h *Hub, name string) Status {
	for _, s := range h.Status() {
		if s.Source == name {
			return s
		}
	}
	return Status{}
}

// logRecorder keeps log messages so tests can check what was rejected.
type logRecorder struct {
	mu   sync.Mutex // protects following
	msgs []string
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	msg := r.Level.String() + " " + r.Message
	r.Attrs(func(a slog.Attr) bool {
		msg += " " + a.Key + "=" + a.Value.String()
		return true
	})
	l.mu.Lock()
	l.msgs = append(l.msgs, msg)
	l.mu.Unlock()
	return nil
}

func (l *logRecorder) count(sub string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.msgs {
		if contains(m, sub) {
			n++
		}
	}
	return n
}

func (l *logRecorder) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := ""
	for _, m := range l.msgs {
		out += m + "\n"
	}
	return out
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
