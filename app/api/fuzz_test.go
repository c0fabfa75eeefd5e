package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"
)

// FuzzDecodeBooking: whatever the body, decoding and checking a booking
// never panics, every refusal is a 4xx *Error, never a 5xx, and what is
// accepted names each field once, exactly as documented. The corpus is
// in testdata/fuzz/FuzzDecodeBooking.
func FuzzDecodeBooking(f *testing.F) {
	for _, s := range []string{
		`{"size":"S","parcel_ref":"A-1"}`,
		`{"size":"m","parcel_ref":"A-1","recipient_ref":"c","pickup_code":"7yhn-zt93","expires_at":"2030-01-01T00:00:00Z","prefer_low":true}`,
		`{"size":"XL","parcel_ref":""}`, `{"size":3}`, `[]`, `null`, `{"a":1}`, `{"size":"S"}{}`, "\xff", ``,
		`{"size":"S","parcel_ref":"\u0000"}`, `{"expires_at":"tomorrow"}`, `{"size":"S","parcel_ref":"A","parcel_ref":"B"}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		var req bookingRequest
		err := decodeBody(body, &req)
		if err == nil {
			topKeysExact(t, body, fieldNames(&req))
			if _, berr := req.booking(now); berr != nil {
				err = jsonError(berr)
			}
		}
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Status < 400 || e.Status > 499 || e.Code == "" {
			t.Fatalf("body %q gave %v, want a 4xx *Error", body, err)
		}
	})
}

// topKeysExact fails unless every key of the accepted body's top-level
// object is one of names, spelt the same, and given once.
func topKeysExact(t *testing.T, body []byte, names []string) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("accepted %q, which is not an object: %v", body, err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.Token() // {
	n := 0
	for dec.More() {
		k, _ := dec.Token()
		if !slices.Contains(names, k.(string)) {
			t.Fatalf("accepted %q with key %q", body, k)
		}
		var v json.RawMessage
		dec.Decode(&v)
		n++
	}
	if n != len(m) {
		t.Fatalf("accepted %q with a key given twice", body)
	}
}

// FuzzQuery: list and feed parameters never panic and refuse with 4xx.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{"state=stored&limit=10", "after_id=5", "limit=0", "limit=-1", "x=1", "state=%ff", "after=9223372036854775808"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if _, err := url.ParseQuery(raw); err != nil {
			return
		}
		r := httptest.NewRequest("GET", "/v1/rents", nil)
		r.URL.RawQuery = raw
		_, err := rentFilter(r, ids{clear: true})
		var e *Error
		if err == nil {
			_, err = rentFilter(r, ids{rent: opaqueIDs{key: [32]byte{1}}})
		}
		if err != nil && (!errors.As(err, &e) || e.Status != 400) {
			t.Fatalf("query %q gave %v", raw, err)
		}
	})
}

// FuzzVerify: a receiver's check never panics and never accepts a header
// that was not made with the secret.
func FuzzVerify(f *testing.F) {
	secret, body := []byte("whsec-0123456789abcdef"), []byte(`{"seq":1}`)
	now := time.Unix(1767225600, 0)
	f.Add(Sign(secret, body, now))
	f.Add("t=1767225600,v1=zz")
	f.Add(",,,=,t=")
	f.Fuzz(func(t *testing.T, header string) {
		err := Verify(secret, header, body, now, time.Minute)
		if err == nil && header != Sign(secret, body, now) {
			// Other spellings of the right signature are fine (extra
			// fields, order); a wrong MAC is not.
			if Verify(secret, header, []byte("other"), now, time.Minute) == nil {
				t.Fatalf("header %q verifies any body", header)
			}
		}
	})
}

func FuzzBearer(f *testing.F) {
	for _, s := range []string{"Bearer pudo_x", "bearer  x ", "Basic x", "", "Bearer"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if tok, ok := bearer(h); ok && tok == "" {
			t.Fatalf("bearer(%q) accepted an empty token", h)
		}
	})
}
