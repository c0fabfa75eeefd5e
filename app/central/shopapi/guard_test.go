package shopapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"pudo/app/central/fleettest"
	"pudo/app/central/shopapi"
)

// Bad requests get a 4xx with a stable code, the locker API's, and book
// nothing.
func TestBadRequestsAreRefusedWithTheirCode(t *testing.T) {
	r := newRig(t, shopapi.Config{})
	r.Register("K1")
	key := r.shop("shopx")
	reader := r.shop("shopx", shopapi.ScopeRead)
	idem := []string{"Idempotency-Key", "k-1"}
	for _, c := range []struct {
		name, method, path, key, body string
		headers                       []string
		status                        int
		code                          string
	}{
		{"no key", "GET", "/v1/bookings", "", "", nil, 401, "unauthorized"},
		{"unknown key", "GET", "/v1/bookings", "pudo_nope", "", nil, 401, "unauthorized"},
		{"scope", "POST", "/v1/bookings", reader, `{"locker":"K1","size":"S","parcel_ref":"A"}`, idem, 403, "forbidden"},
		{"no idempotency key", "POST", "/v1/bookings", key, `{"locker":"K1","size":"S","parcel_ref":"A"}`, nil, 400, "idempotency_key_required"},
		{"bad idempotency key", "POST", "/v1/bookings", key, `{"locker":"K1","size":"S","parcel_ref":"A"}`, []string{"Idempotency-Key", "a b"}, 400, "invalid_idempotency_key"},
		{"unknown field", "POST", "/v1/bookings", key, `{"locker":"K1","size":"S","parcel_rf":"A"}`, idem, 400, "unknown_field"},
		{"pickup code", "POST", "/v1/bookings", key, `{"locker":"K1","size":"S","parcel_ref":"A","pickup_code":"1234-5678"}`, idem, 400, "unknown_field"},
		{"duplicate key", "POST", "/v1/bookings", key, `{"locker":"K1","size":"S","size":"L","parcel_ref":"A"}`, idem, 400, "duplicate_key"},
		{"key in two cases", "POST", "/v1/bookings", key, `{"locker":"K1","size":"S","SIZE":"L","parcel_ref":"A"}`, idem, 400, "duplicate_key"},
		{"trailing data", "POST", "/v1/bookings", key, `{"locker":"K1","size":"S","parcel_ref":"A"}{}`, idem, 400, "malformed_json"},
		{"wrong type", "POST", "/v1/bookings", key, `{"locker":"K1","size":3,"parcel_ref":"A"}`, idem, 400, "invalid_field"},
		{"bad size", "POST", "/v1/bookings", key, `{"locker":"K1","size":"s","parcel_ref":"A"}`, idem, 422, "invalid_field"},
		{"no locker", "POST", "/v1/bookings", key, `{"size":"S","parcel_ref":"A"}`, idem, 422, "invalid_field"},
		{"both", "POST", "/v1/bookings", key, `{"locker":"K1","lockers":["K1"],"size":"S","parcel_ref":"A"}`, idem, 422, "invalid_field"},
		{"twice in the list", "POST", "/v1/bookings", key, `{"lockers":["K1","K1"],"size":"S","parcel_ref":"A"}`, idem, 422, "invalid_field"},
		{"not an id", "POST", "/v1/bookings", key, `{"locker":"_all","size":"S","parcel_ref":"A"}`, idem, 422, "invalid_field"},
		{"unknown locker", "POST", "/v1/bookings", key, `{"locker":"NOPE","size":"S","parcel_ref":"A"}`, idem, 422, "unknown_locker"},
		{"past deadline", "POST", "/v1/bookings", key, `{"locker":"K1","size":"S","parcel_ref":"A","expires_at":"2001-01-01T00:00:00Z"}`, idem, 422, "invalid_field"},
		{"control character", "POST", "/v1/bookings", key, `{"locker":"K1","size":"S","parcel_ref":"A\u0007"}`, idem, 422, "invalid_field"},
		{"media type", "POST", "/v1/bookings", key, `{}`, []string{"Content-Type", "text/plain", "Idempotency-Key", "k"}, 415, "unsupported_media_type"},
		{"too large", "POST", "/v1/bookings", key, `{"parcel_ref":"` + strings.Repeat("x", 20000) + `"}`, idem, 413, "body_too_large"},
		{"unknown parameter", "GET", "/v1/bookings?colour=red", key, "", nil, 400, "unknown_parameter"},
		{"bad state", "GET", "/v1/bookings?state=lost", key, "", nil, 400, "invalid_parameter"},
		{"bad cursor", "GET", "/v1/events?after=x", key, "", nil, 400, "invalid_parameter"},
		{"bad limit", "GET", "/v1/events?limit=0", key, "", nil, 400, "invalid_parameter"},
		{"no route", "GET", "/v1/parcels", key, "", nil, 404, "no_route"},
		{"method", "PUT", "/v1/bookings", key, "", nil, 405, "method_not_allowed"},
		{"plain webhook refused", "POST", "/v1/webhooks", key, `{"url":"ftp://shop.example/x"}`, nil, 422, "invalid_field"},
		{"unknown kind", "POST", "/v1/webhooks", key, `{"url":"https://shop.example/x","kinds":["rent.lost"]}`, nil, 422, "invalid_field"},
		{"credentials in url", "POST", "/v1/webhooks", key, `{"url":"https://u:p@shop.example/x"}`, nil, 422, "invalid_field"},
		{"extend in the past", "POST", "/v1/bookings/bk_x/extend", key, `{"expires_at":"2001-01-01T00:00:00Z"}`, nil, 422, "invalid_field"},
		{"missing booking", "GET", "/v1/bookings/bk_nope", key, "", nil, 404, "not_found"},
		{"missing webhook", "DELETE", "/v1/webhooks/99", key, "", nil, 404, "not_found"},
		{"missing parked", "POST", "/v1/webhooks/parked/99/retry", key, "", nil, 404, "not_found"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r.srv.ForgiveAll() // one refusal each, not a guesser
			a := r.do(c.method, c.path, c.key, c.body, c.headers...)
			if a.status != c.status || a.code() != c.code || a.header.Get("Pudo-Request-Id") == "" {
				t.Fatalf("%d %s, want %d %s", a.status, a.body, c.status, c.code)
			}
		})
	}
	var n int
	r.Store.Pool().QueryRow(r.Ctx, `SELECT count(*) FROM shop_bookings`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d bookings made by refused requests", n)
	}
}

// A key that keeps getting 4xx answers (guessing booking ids) runs out of
// budget: 429 with Retry-After for everything, even a good request, and
// its shop's other keys are not held up.
func TestGuessingIsThrottled(t *testing.T) {
	r := newRig(t, shopapi.Config{})
	key := r.shop("shopx")
	other := r.shop("shopx")
	var last answer
	for i := range 40 {
		last = r.do("GET", "/v1/bookings/bk_guess"+strings.Repeat("x", i%5), key, "")
		if last.status == http.StatusTooManyRequests {
			break
		}
	}
	if last.status != http.StatusTooManyRequests || last.code() != "rate_limited" || last.header.Get("Retry-After") == "" {
		t.Fatalf("after guessing: %d %s", last.status, last.body)
	}
	if a := r.do("GET", "/v1/bookings", key, ""); a.status != http.StatusTooManyRequests {
		t.Fatalf("a good request of the guesser: %d", a.status)
	}
	if a := r.do("GET", "/v1/bookings", other, ""); a.status != http.StatusOK {
		t.Fatalf("another key of the shop: %d %s", a.status, a.body)
	}
	// Without a key, the address pays.
	for range 25 {
		last = r.do("GET", "/v1/bookings", "pudo_wrong", "")
	}
	if last.status != http.StatusTooManyRequests {
		t.Fatalf("unknown keys from one address: %d", last.status)
	}
	if a := r.do("GET", "/healthz", "", ""); a.status != http.StatusOK {
		t.Fatalf("healthz of a throttled address: %d", a.status)
	}
}

// A webhook that keeps failing parks the event, holds the booking's later
// events behind it, and delivers them in order when the shop retries; the
// feed skips nothing meanwhile.
func TestWebhookParksAndRetries(t *testing.T) {
	r := newRig(t, shopapi.Config{Webhooks: shopapi.WebhookConfig{MaxAttempts: 2}})
	r.Kiosk("K1", "SSMM")
	key := r.shop("shopx")
	rc := newReceiver(t)
	r.hook(key, rc, "booking.booked", "booking.cancelled")
	rc.setFail(true)
	var b booked
	r.do("POST", "/v1/bookings", key, `{"locker":"K1","size":"S","parcel_ref":"P-1"}`, "Idempotency-Key", newIdem()).json(t, &b)
	if a := r.do("DELETE", "/v1/bookings/"+b.ID, key, ""); a.status != http.StatusOK {
		t.Fatalf("cancel: %d %s", a.status, a.body)
	}
	var parked struct {
		Parked []struct {
			ID       int64  `json:"id"`
			Kind     string `json:"kind"`
			Attempts int    `json:"attempts"`
		} `json:"parked"`
	}
	r.WaitFor("both events parked", func() bool {
		r.do("GET", "/v1/webhooks/parked", key, "").json(t, &parked)
		return len(parked.Parked) == 2
	})
	if parked.Parked[0].Kind != "booking.booked" || parked.Parked[0].Attempts != 2 || parked.Parked[1].Kind != "booking.cancelled" {
		t.Fatalf("parked: %+v", parked.Parked)
	}
	other := r.shop("other")
	if a := r.do("POST", "/v1/webhooks/parked/"+itoa(parked.Parked[0].ID)+"/retry", other, ""); a.status != http.StatusNotFound {
		t.Fatalf("another shop retries: %d %s", a.status, a.body)
	}
	if a := r.do("POST", "/v1/webhooks/parked/"+itoa(parked.Parked[0].ID)+"/retry", key, ""); a.status != http.StatusBadGateway || a.code() != "delivery_failed" {
		t.Fatalf("retry while failing: %d %s", a.status, a.body)
	}
	rc.setFail(false)
	if a := r.do("POST", "/v1/webhooks/parked/"+itoa(parked.Parked[0].ID)+"/retry", key, ""); a.status != http.StatusOK || !strings.Contains(string(a.body), `"delivered": 2`) {
		t.Fatalf("retry: %d %s", a.status, a.body)
	}
	if got := rc.kinds(); len(got) != 2 || got[0] != "booking.booked" || got[1] != "booking.cancelled" {
		t.Fatalf("received %v", got)
	}
	r.do("GET", "/v1/webhooks/parked", key, "").json(t, &parked)
	if len(parked.Parked) != 0 {
		t.Fatalf("still parked: %+v", parked.Parked)
	}
}

// With private addresses not allowed, central refuses to post into the
// operator's own network, whatever the shop's URL names.
func TestWebhookRefusesPrivateAddresses(t *testing.T) {
	r := newRig(t, shopapi.Config{})
	rc := newReceiver(t)
	s := shopapi.New(shopapi.Config{Webhooks: shopapi.WebhookConfig{AllowPlain: true}}, r.Store, r.Central, fleettest.Log())
	err := s.PostTo(rc.srv.URL+"/x", []byte("secret"), []byte(`{}`), time.Now())
	if err == nil || !strings.Contains(err.Error(), "not public") {
		t.Fatalf("a delivery to %s: %v", rc.srv.URL, err)
	}
	if len(rc.kinds()) != 0 {
		t.Fatal("the receiver got it")
	}
}

func itoa(n int64) string { return strings.TrimSpace(jsonBody(n)) }
