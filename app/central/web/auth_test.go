package web_test

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"pudo/app/central/fleettest"
	"pudo/app/central/web"
)

// Wrong passwords and unknown names get the same answer; past the budget
// of failures for a name (or an address), even the right password waits,
// and says so; a disabled account cannot log in.
func TestLoginRefusalsAndBudget(t *testing.T) {
	s := newSite(t)
	anon := &client{t: t, base: s.srv.URL}
	wrong := anon.post("/login", url.Values{"name": {operatorName}, "password": {"nope-nope-nope"}})
	unknown := anon.post("/login", url.Values{"name": {"mallory"}, "password": {"nope-nope-nope"}})
	if wrong.status != http.StatusUnauthorized || unknown.status != http.StatusUnauthorized ||
		!strings.Contains(wrong.body, "Wrong name or password") || !strings.Contains(unknown.body, "Wrong name or password") {
		t.Fatalf("wrong password: %d; unknown name: %d", wrong.status, unknown.status)
	}
	var last answer
	for range 30 {
		last = anon.post("/login", url.Values{"name": {operatorName}, "password": {"guess-guess-guess"}})
		if last.status == http.StatusTooManyRequests {
			break
		}
	}
	if last.status != http.StatusTooManyRequests || !strings.Contains(last.body, "Too many failed logins") {
		t.Fatalf("after many wrong passwords: %d", last.status)
	}
	if p := anon.post("/login", url.Values{"name": {operatorName}, "password": {operatorPass}}); p.status != http.StatusTooManyRequests {
		t.Fatalf("the right password past the budget: %d", p.status)
	}
}

// A session ends after an idle hour and after its 12 hours, whatever its
// use; logging out ends it at once.
func TestSessionsEnd(t *testing.T) {
	s := newSite(t)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	w, err := web.New(web.Config{Now: clock}, s.st, fleettest.Log())
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(w.Handler())
	defer hs.Close()
	s.srv = hs
	c := s.client(operatorName, operatorPass)
	for range 11 {
		advance(59 * time.Minute)
		if p := c.get("/alerts"); p.status != http.StatusOK {
			t.Fatalf("a session in use ended at %s: %d", now, p.status)
		}
	}
	advance(2 * time.Hour)
	if p := c.get("/alerts"); p.status != http.StatusSeeOther {
		t.Fatalf("a session past 12 h: %d", p.status)
	}
	c = s.client(operatorName, operatorPass)
	advance(61 * time.Minute)
	if p := c.get("/"); p.status != http.StatusSeeOther {
		t.Fatalf("a session idle an hour: %d", p.status)
	}
	c = s.client(operatorName, operatorPass)
	var raw, hashed int
	sum := sha256.Sum256([]byte(c.cookie))
	s.st.Pool().QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE token_hash = $1), count(*) FILTER (WHERE token_hash = $2)
		FROM operator_sessions`, []byte(c.cookie), sum[:]).Scan(&raw, &hashed)
	if raw != 0 || hashed != 1 {
		t.Fatalf("the session's cookie is kept as it is (%d) or not as its hash (%d)", raw, hashed)
	}
	if p := c.post("/logout", url.Values{"csrf": {c.csrf}}); p.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", p.status)
	}
	if p := c.get("/"); p.status != http.StatusSeeOther {
		t.Fatalf("a page after logout: %d", p.status)
	}
}

// A disabled account's sessions end, and it cannot log in again.
func TestDisabledAccount(t *testing.T) {
	s := newSite(t)
	c := s.client(readerName, readerPass)
	if err := s.st.SetOperatorDisabled(context.Background(), readerName, true); err != nil {
		t.Fatal(err)
	}
	if p := c.get("/"); p.status != http.StatusSeeOther {
		t.Fatalf("a disabled account's session: %d", p.status)
	}
	anon := &client{t: t, base: s.srv.URL}
	if p := anon.post("/login", url.Values{"name": {readerName}, "password": {readerPass}}); p.status != http.StatusUnauthorized {
		t.Fatalf("a disabled account logs in: %d", p.status)
	}
}
