package api

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

type syncBuffer struct {
	mu sync.Mutex // protects following
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRequestsLoggedWithoutSecrets: one line per request, naming the key's
// integration but never the key, the pickup code or the body.
func TestRequestsLoggedWithoutSecrets(t *testing.T) {
	var buf syncBuffer
	f := newTunedFixture(t, nil, func(s *Server) { s.log = slog.New(slog.NewTextHandler(&buf, nil)) })
	b := f.book("shopx", "LOG-1")
	f.do("GET", "/v1/rents?parcel_ref=LOG-1", "shopx", "")
	f.do("GET", "/v1/rents", "", "")
	logged := buf.String()
	for _, secret := range []string{f.keys["shopx"], b.PickupCode, strings.ReplaceAll(b.PickupCode, "-", ""), b.QR, "LOG-1"} {
		if strings.Contains(logged, secret) {
			t.Errorf("the log holds %q:\n%s", secret, logged)
		}
	}
	if n := strings.Count(logged, `msg="api request"`); n != 3 {
		t.Errorf("%d request lines, want 3:\n%s", n, logged)
	}
	for _, want := range []string{"key=shopx", "status=201", "status=401", "route=/v1/rents"} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log lacks %s:\n%s", want, logged)
		}
	}
}
