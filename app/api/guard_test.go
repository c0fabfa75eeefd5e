package api

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"pudo/app/limit"
	"pudo/storage"
)

func TestIdempotentRetry(t *testing.T) {
	f := newFixture(t, nil)
	body := `{"size":"M","parcel_ref":"IDEM-1","recipient_ref":"c-9"}`
	first := f.do("POST", "/v1/rents", "shopx", body, "Idempotency-Key", "3f2a-0001")
	if first.status != http.StatusCreated {
		t.Fatalf("first: %d %s", first.status, first.body)
	}
	rents, events := f.counts()
	// The same request again, spelled differently: same answer, no new door.
	again := f.do("POST", "/v1/rents", "shopx", "{ \"parcel_ref\": \"IDEM-1\", \"size\": \"M\",\n \"recipient_ref\": \"c-9\" }",
		"Idempotency-Key", "3f2a-0001")
	if again.status != http.StatusCreated || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d %v %s", again.status, again.header, again.body)
	}
	var a, b bookedOut
	first.json(t, &a)
	again.json(t, &b)
	if a.ID != b.ID || a.PickupCode != b.PickupCode || a.PickupCode == "" {
		t.Fatalf("retry answered rent %d code %q, first rent %d code %q", b.ID, b.PickupCode, a.ID, a.PickupCode)
	}
	if r, e := f.counts(); r != rents || e != events {
		t.Fatalf("the retry wrote: rents %d->%d, events %d->%d", rents, r, events, e)
	}
	// Same key, other booking: refused, nothing written.
	other := f.do("POST", "/v1/rents", "shopx", `{"size":"L","parcel_ref":"IDEM-2"}`, "Idempotency-Key", "3f2a-0001")
	if other.status != http.StatusUnprocessableEntity || other.errCode(t) != "idempotency_key_reused" {
		t.Fatalf("reused key: %d %s", other.status, other.body)
	}
	// Keys belong to one integration: another shop's same key is its own.
	y := f.do("POST", "/v1/rents", "shopy", body, "Idempotency-Key", "3f2a-0001")
	if y.status != http.StatusCreated || y.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("shopy with the same key: %d %s", y.status, y.body)
	}
	// The answer kept for replays does not hold the code in clear.
	f.db.View(t.Context(), func(tx *storage.Tx) error {
		rec, _, _ := tx.ClaimIdem("shopx", "3f2a-0001", nil) // a mismatch: reads, writes nothing
		plain := strings.ReplaceAll(a.PickupCode, "-", "")
		if len(rec.Response) == 0 || strings.Contains(string(rec.Response), plain) || strings.Contains(string(rec.Response), a.PickupCode) {
			t.Fatalf("kept answer %q shows the code", rec.Response)
		}
		return nil
	})
	if bad := f.do("POST", "/v1/rents", "shopx", body, "Idempotency-Key", "bad key with spaces"); bad.status != http.StatusBadRequest {
		t.Fatalf("bad key: %d %s", bad.status, bad.body)
	}
}

func TestFailedBookingReleasesTheKey(t *testing.T) {
	f := newFixture(t, nil)
	// Every L door taken: the booking fails, and the key is free again.
	for i := 0; ; i++ {
		a := f.do("POST", "/v1/rents", "host", `{"size":"L","parcel_ref":"FILL-`+strconv.Itoa(i)+`"}`)
		if a.status == http.StatusConflict {
			if a.errCode(t) != "no_free_door" {
				t.Fatalf("full locker: %s", a.body)
			}
			break
		}
		if i > 100 {
			t.Fatal("the locker never filled")
		}
	}
	body := `{"size":"L","parcel_ref":"LATE-1"}`
	if a := f.do("POST", "/v1/rents", "shopx", body, "Idempotency-Key", "k-1"); a.status != http.StatusConflict {
		t.Fatalf("full: %d %s", a.status, a.body)
	}
	var list rentsJSON
	f.do("GET", "/v1/rents?state=reserved&limit=1", "host", "").json(t, &list)
	f.do("DELETE", "/v1/rents/"+strconv.FormatInt(list.Rents[0].ID, 10), "host", "")
	if a := f.do("POST", "/v1/rents", "shopx", body, "Idempotency-Key", "k-1"); a.status != http.StatusCreated {
		t.Fatalf("after a door freed: %d %s", a.status, a.body)
	}
}

func TestAuth(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.RemoteOpen = true })
	f.keys["forged"] = "pudo_" + strings.Repeat("a", 52)
	tests := []struct {
		name, method, path, key string
		hdr                     []string
		want                    int
	}{
		{"no key", "GET", "/v1/rents", "", nil, 401},
		{"unknown key", "GET", "/v1/rents", "forged", nil, 401},
		{"basic auth", "GET", "/v1/rents", "", []string{"Authorization", "Basic c2hvcHg6eA=="}, 401},
		{"empty bearer", "GET", "/v1/rents", "", []string{"Authorization", "Bearer "}, 401},
		{"merchant on doors", "GET", "/v1/doors", "shopx", nil, 403},
		{"carrier opens", "POST", "/v1/rents/1/open", "fleet", nil, 403},
		{"merchant on metrics", "GET", "/metrics", "shopx", nil, 403},
		{"merchant on parked", "GET", "/v1/webhooks/parked", "shopx", nil, 403},
		{"health needs none", "GET", "/healthz", "", nil, 200},
		{"document needs none", "GET", "/v1/openapi.json", "", nil, 200},
		{"carrier on doors", "GET", "/v1/doors", "fleet", nil, 200},
		{"operator on metrics", "GET", "/metrics", "host", nil, 200},
		{"lower-case scheme", "GET", "/v1/rents", "", []string{"Authorization", "bearer " + f.keys["shopx"]}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := f.do(tt.method, tt.path, tt.key, "", tt.hdr...)
			if a.status != tt.want {
				t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, a.status, a.body, tt.want)
			}
			if tt.want >= 400 && a.header.Get("Content-Type") != "application/json" {
				t.Fatalf("error answer is %s", a.header.Get("Content-Type"))
			}
		})
	}
}

func TestBadInputWritesNothing(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxBody = 512 })
	f.book("shopx", "KEEP-1")
	rents, events := f.counts()
	tests := []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
		code                     string
	}{
		{"malformed", "POST", "/v1/rents", `{"size":"S",`, nil, 400, "malformed_json"},
		{"not an object", "POST", "/v1/rents", `["S"]`, nil, 400, "malformed_json"},
		{"empty", "POST", "/v1/rents", ` `, nil, 400, "malformed_json"},
		{"two objects", "POST", "/v1/rents", `{"size":"S","parcel_ref":"A"}{}`, nil, 400, "malformed_json"},
		{"unknown field", "POST", "/v1/rents", `{"size":"S","parcel_ref":"A","door":7}`, nil, 400, "unknown_field"},
		{"wrong type", "POST", "/v1/rents", `{"size":3,"parcel_ref":"A"}`, nil, 400, "invalid_field"},
		{"wrong size", "POST", "/v1/rents", `{"size":"XL","parcel_ref":"A"}`, nil, 422, "invalid_field"},
		{"no parcel", "POST", "/v1/rents", `{"size":"S"}`, nil, 422, "invalid_field"},
		{"control chars", "POST", "/v1/rents", `{"size":"S","parcel_ref":"A\u0007"}`, nil, 422, "invalid_field"},
		{"chosen code", "POST", "/v1/rents", `{"size":"S","parcel_ref":"A","pickup_code":"7YHN-ZT93"}`, nil, 400, "unknown_field"},
		{"duplicate key", "POST", "/v1/rents", `{"size":"S","parcel_ref":"A","size":"L"}`, nil, 400, "duplicate_key"},
		{"keys differing by case", "POST", "/v1/rents", `{"size":"S","parcel_ref":"A","SIZE":"L"}`, nil, 400, "duplicate_key"},
		{"key in the wrong case", "POST", "/v1/rents", `{"Size":"S","parcel_ref":"A"}`, nil, 400, "unknown_field"},
		{"share with no rent", "POST", "/v1/rents", `{"size":"S","parcel_ref":"A","recipient_ref":"r","share_code_with":99999}`, nil, 422, "invalid_field"},
		{"past expiry", "POST", "/v1/rents", `{"size":"S","parcel_ref":"A","expires_at":"2001-01-01T00:00:00Z"}`, nil, 422, "invalid_field"},
		{"bad time", "POST", "/v1/rents", `{"size":"S","parcel_ref":"A","expires_at":"tomorrow"}`, nil, 422, "invalid_field"},
		{"oversized", "POST", "/v1/rents", `{"size":"S","parcel_ref":"` + strings.Repeat("x", 600) + `"}`, nil, 413, "body_too_large"},
		{"form post", "POST", "/v1/rents", `size=S`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"},
		{"not UTF-8", "POST", "/v1/rents", "{\"size\":\"S\",\"parcel_ref\":\"\xff\"}", nil, 400, "malformed_json"},
		{"unknown rent", "GET", "/v1/rents/99999", "", nil, 404, "not_found"},
		{"id not a number", "GET", "/v1/rents/abc", "", nil, 404, "not_found"},
		{"negative id", "DELETE", "/v1/rents/-1", "", nil, 404, "not_found"},
		{"huge id", "GET", "/v1/rents/99999999999999999999999", "", nil, 404, "not_found"},
		{"unknown state", "GET", "/v1/rents?state=lost", "", nil, 400, "invalid_parameter"},
		{"unknown parameter", "GET", "/v1/rents?color=red", "", nil, 400, "unknown_parameter"},
		{"limit too big", "GET", "/v1/rents?limit=100000", "", nil, 400, "invalid_parameter"},
		{"bad cursor", "GET", "/v1/events?after=xyz", "", nil, 400, "invalid_parameter"},
		{"unknown path", "GET", "/v1/parcels", "", nil, 404, "no_route"},
		{"wrong method", "PUT", "/v1/rents/1", "", nil, 405, "method_not_allowed"},
		{"cancel unknown", "DELETE", "/v1/rents/424242", "", nil, 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.srv.throttle.reset() // one refusal each, not a guesser: see TestRepeated4xxAreThrottled
			a := f.do(tt.method, tt.path, "shopx", tt.body, tt.hdr...)
			if a.status != tt.status || a.errCode(t) != tt.code {
				t.Fatalf("%s %s = %d %s, want %d %s", tt.method, tt.path, a.status, a.body, tt.status, tt.code)
			}
		})
	}
	if r, e := f.counts(); r != rents || e != events {
		t.Fatalf("bad requests wrote: rents %d->%d, events %d->%d", rents, r, events, e)
	}
}

func TestRemoteOpen(t *testing.T) {
	t.Run("off by default", func(t *testing.T) {
		f := newFixture(t, nil)
		b := f.book("shopx", "R-0")
		f.dropOff("R-0")
		a := f.do("POST", "/v1/rents/"+strconv.FormatInt(b.ID, 10)+"/open", "shopx", "")
		if a.status != http.StatusForbidden || a.errCode(t) != "remote_open_disabled" {
			t.Fatalf("open while off: %d %s", a.status, a.body)
		}
	})
	t.Run("limited per kiosk", func(t *testing.T) {
		pinned := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		f := newTunedFixture(t, func(c *Config) { c.RemoteOpen, c.RemoteOpenPerMinute = true, 2 },
			func(s *Server) { s.opens = limit.New(2, time.Minute, func() time.Time { return pinned }) })
		var ids []int64
		for i := range 3 {
			ref := "R-" + strconv.Itoa(i)
			ids = append(ids, f.book("shopx", ref).ID)
			f.dropOff(ref)
		}
		before := f.locks.count()
		open := func(id int64) answer {
			return f.do("POST", "/v1/rents/"+strconv.FormatInt(id, 10)+"/open", "shopx", "")
		}
		if a := open(ids[0]); a.status != http.StatusOK {
			t.Fatalf("first open: %d %s", a.status, a.body)
		}
		if n := f.locks.count() - before; n != 1 {
			t.Fatalf("one request unlocked %d doors", n)
		}
		if a := open(ids[0]); a.status != http.StatusConflict {
			t.Fatalf("open a collected parcel: %d %s", a.status, a.body)
		}
		if a := open(ids[1]); a.status != http.StatusOK {
			t.Fatalf("second open: %d %s", a.status, a.body)
		}
		a := open(ids[2])
		if a.status != http.StatusTooManyRequests || a.errCode(t) != "rate_limited" || a.header.Get("Retry-After") != "30" {
			t.Fatalf("third open within the minute: %d %v %s", a.status, a.header.Get("Retry-After"), a.body)
		}
		if n := f.locks.count() - before; n != 2 {
			t.Fatalf("unlocked %d doors, want 2", n)
		}
	})
}
