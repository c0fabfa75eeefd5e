package api

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"pudo/app/cred"
)

// No booking tells whether a guessed code is in use: the locker alone
// makes codes, a caller's pickup_code is refused before anything is
// written, whoever's code it would have matched (a "409 code_taken" once
// told a caller it had hit a live code, at some 3,000 guesses a second).
func TestChosenCodesAreRefused(t *testing.T) {
	f := newFixture(t, nil)
	taken := f.book("shopx", "X-1").PickupCode
	rents, events := f.counts()
	for _, code := range []string{taken, "ABCD-EFGH", "7YHN-ZT93"} {
		a := f.do("POST", "/v1/rents", "shopy", `{"size":"S","parcel_ref":"Y-1","pickup_code":"`+code+`"}`)
		if a.status != http.StatusBadRequest || a.errCode(t) != "unknown_field" || !strings.Contains(string(a.body), "no longer accepted") {
			t.Fatalf("booking with pickup_code %s: %d %s", code, a.status, a.body)
		}
	}
	if r, e := f.counts(); r != rents || e != events {
		t.Fatalf("refused bookings wrote: rents %d->%d events %d->%d", rents, r, events, e)
	}
}

// One shopper's several parcels still share one code, the locker's: the
// second booking names the first, of the same shop and recipient.
func TestShareCodeWith(t *testing.T) {
	f := newFixture(t, nil)
	a := f.do("POST", "/v1/rents", "shopx", `{"size":"S","parcel_ref":"A","recipient_ref":"anna"}`)
	var first bookedOut
	a.json(t, &first)
	b := f.do("POST", "/v1/rents", "shopx", fmt.Sprintf(`{"size":"S","parcel_ref":"B","recipient_ref":"anna","share_code_with":%d}`, first.ID))
	if b.status != http.StatusCreated || strings.Contains(string(b.body), "pickup_code") || !strings.Contains(string(b.body), fmt.Sprintf(`"shares_code_with": %d`, first.ID)) {
		t.Fatalf("sharing booking: %d %s", b.status, b.body)
	}
	f.dropOff("A")
	f.dropOff("B")
	pk, err := f.locker.PickupByCode(context.Background(), first.PickupCode)
	if err != nil || pk.Remaining() != 1 {
		t.Fatalf("one code, two parcels: %+v %v", pk, err)
	}
	foreign := f.do("POST", "/v1/rents", "shopy", fmt.Sprintf(`{"size":"S","parcel_ref":"C","recipient_ref":"anna","share_code_with":%d}`, first.ID))
	missing := f.do("POST", "/v1/rents", "shopy", `{"size":"S","parcel_ref":"C","recipient_ref":"anna","share_code_with":4242}`)
	if foreign.status != 422 || !sameAnswer(foreign, missing) {
		t.Fatalf("another shop's rent: %d %s; a missing one: %d %s", foreign.status, foreign.body, missing.status, missing.body)
	}
}

var requestIDField = regexp.MustCompile(`"request_id": "[0-9a-f]+"`)

// sameAnswer compares two answers but for their request ids.
func sameAnswer(a, b answer) bool {
	return a.status == b.status && requestIDField.ReplaceAllString(string(a.body), "") == requestIDField.ReplaceAllString(string(b.body), "")
}

// Another shop's rent and a rent that does not exist answer alike, byte
// for byte, on every route that names a rent ("no rent 10" against "no
// such rent" once let anyone enumerate ids).
func TestForeignAndMissingRentsAnswerAlike(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.RemoteOpen = true })
	mine := f.book("shopx", "X-1")
	missing := mine.ID + 1000
	for _, r := range []struct{ method, path string }{
		{"GET", "/v1/rents/%d"}, {"DELETE", "/v1/rents/%d"}, {"POST", "/v1/rents/%d/open"},
	} {
		theirs := f.do(r.method, fmt.Sprintf(r.path, mine.ID), "shopy", "")
		none := f.do(r.method, fmt.Sprintf(r.path, missing), "shopy", "")
		if theirs.status != http.StatusNotFound || !sameAnswer(theirs, none) {
			t.Errorf("%s %s: another shop's rent %d %s, a missing one %d %s", r.method, r.path, theirs.status, theirs.body, none.status, none.body)
		}
	}
}

// Failed authentication and repeated 4xx from one key or address are
// rate-limited with 429 and Retry-After, and counted on /metrics; other
// keys go on unhindered, and the budget comes back with time.
func TestRepeated4xxAreThrottled(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	f := newTunedFixture(t, nil, func(s *Server) { s.now = clock })
	f.keys["guess"] = "pudo_" + strings.Repeat("a", 52)

	statuses := map[int]int{}
	var last answer
	for range errorBurst + 5 {
		last = f.do("GET", "/v1/rents", "guess", "")
		statuses[last.status]++
	}
	if statuses[401] != errorBurst || statuses[429] != 5 {
		t.Fatalf("wrong keys from one address: %v, want %d × 401 then 429", statuses, errorBurst)
	}
	if last.errCode(t) != "rate_limited" || last.header.Get("Retry-After") != "3" {
		t.Fatalf("429: %s, Retry-After %q", last.body, last.header.Get("Retry-After"))
	}
	if a := f.do("GET", "/v1/rents", "shopx", ""); a.status != http.StatusOK {
		t.Fatalf("a valid key from the same address: %d %s", a.status, a.body)
	}
	// A key that keeps asking for rents it may not see is slowed down too.
	statuses = map[int]int{}
	for i := range errorBurst + 1 {
		statuses[f.do("GET", fmt.Sprintf("/v1/rents/%d", 5000+i), "shopy", "").status]++
	}
	if statuses[404] != errorBurst || statuses[429] != 1 {
		t.Fatalf("404s for one key: %v", statuses)
	}
	if a := f.do("GET", "/v1/rents", "shopy", ""); a.status != http.StatusTooManyRequests {
		t.Fatalf("that key's next request: %d, want 429 until its budget refills", a.status)
	}
	advance(errorEvery)
	if a := f.do("GET", "/v1/rents", "shopy", ""); a.status != http.StatusOK {
		t.Fatalf("after %s: %d", errorEvery, a.status)
	}
	m := string(f.do("GET", "/metrics", "host", "").body)
	for _, want := range []string{
		fmt.Sprintf("pudo_api_auth_failures_total %d\n", errorBurst),
		"pudo_api_throttled_total{by=\"addr\"} 5\n",
		"pudo_api_throttled_total{by=\"key\"} 2\n",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// POST /v1/tokens signs a courier token or staff badge for this locker
// only, with the locker's own site key, for operator keys only; the token
// logs a courier in at the kiosk, and its QR is in the answer.
func TestIssueToken(t *testing.T) {
	site := cred.GenerateKey()
	f := newFixture(t, func(c *Config) { c.Signer = &site })
	a := f.do("POST", "/v1/tokens", "host", `{"kind":"courier","subject":"anna","carrier":"DHL","valid":"12h"}`)
	if a.status != http.StatusCreated {
		t.Fatalf("operator: %d %s", a.status, a.body)
	}
	var tok tokenJSON
	a.json(t, &tok)
	c, err := (cred.Verifier{Keys: []cred.PublicKey{site.Public()}, Locker: "T1"}).Verify(tok.Token, time.Now())
	if err != nil || c.Subject != "anna" || len(tok.Lockers) != 1 || tok.Lockers[0] != "T1" || tok.KeyID != site.Public().ID() {
		t.Fatalf("token %+v: %+v %v", tok, c, err)
	}
	png, err := base64.StdEncoding.DecodeString(tok.QRPNG)
	if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("qr_png is not a PNG: %v", err)
	}
	path := filepath.Join(t.TempDir(), "qr.png")
	os.WriteFile(path, png, 0o600)
	if evs := f.eventsOfKind(t, "token.issued"); len(evs) != 1 || strings.Contains(evs[0].Detail, tok.Token) {
		t.Fatalf("token.issued events %+v", evs)
	}
	for _, tt := range []struct {
		key, body string
		status    int
		code      string
	}{
		{"shopx", `{"kind":"courier","subject":"anna","carrier":"DHL","valid":"12h"}`, 403, "forbidden"},
		{"fleet", `{"kind":"staff","subject":"anna","valid":"12h"}`, 403, "forbidden"},
		{"host", `{"kind":"courier","subject":"anna","valid":"12h"}`, 422, "invalid_field"},
		{"host", `{"kind":"staff","subject":"anna","valid":"9000h"}`, 422, "invalid_field"},
		{"host", `{"kind":"root","subject":"anna","valid":"1h"}`, 422, "invalid_field"},
		{"host", `{"kind":"staff","subject":"anna","valid":"1h","lockers":["*"]}`, 400, "unknown_field"},
	} {
		f.srv.throttle.reset()
		if a := f.do("POST", "/v1/tokens", tt.key, tt.body); a.status != tt.status || a.errCode(t) != tt.code {
			t.Errorf("%s %s: %d %s, want %d %s", tt.key, tt.body, a.status, a.body, tt.status, tt.code)
		}
	}
	off := newFixture(t, nil)
	if a := off.do("POST", "/v1/tokens", "host", `{"kind":"staff","subject":"anna","valid":"1h"}`); a.status != 403 || a.errCode(t) != "token_signing_off" {
		t.Fatalf("without a site key: %d %s", a.status, a.body)
	}
}
