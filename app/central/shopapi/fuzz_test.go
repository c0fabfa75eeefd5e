package shopapi

import (
	"errors"
	"testing"
	"time"

	"pudo/app/httpapi"
)

// FuzzDecodeShopBooking: whatever the body, decoding and checking a
// network booking never panics, and every refusal is a 4xx *Error with a
// code, never a 5xx.
func FuzzDecodeShopBooking(f *testing.F) {
	for _, s := range []string{
		`{"locker":"K1","size":"S","parcel_ref":"A-1"}`,
		`{"lockers":["K1","K2"],"size":"M","parcel_ref":"A","recipient_ref":"c","expires_at":"2030-01-01T00:00:00Z","prefer_low":true}`,
		`{"locker":"K1","lockers":["K2"],"size":"L","parcel_ref":"A"}`, `{"lockers":[]}`, `{"lockers":[1]}`, `{"lockers":["_all"]}`,
		`{"size":"XL"}`, `[]`, `null`, `{"a":1}`, "\xff", ``, `{"locker":"K1","size":"S","parcel_ref":"\ud800"}`,
		`{"expires_at":"tomorrow"}`, `{"size":"S","SIZE":"L"}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		var req bookingRequest
		err := httpapi.DecodeBody(body, &req)
		if err == nil {
			var b booking
			if b, err = req.check(now); err != nil {
				err = httpapi.JSONError(err)
			} else if len(b.Lockers) == 0 || len(b.Lockers) > maxLockers || b.ParcelRef == "" {
				t.Fatalf("body %q accepted as %+v", body, b)
			}
		}
		if err == nil {
			return
		}
		var e *httpapi.Error
		if !errors.As(err, &e) || e.Status < 400 || e.Status > 499 || e.Code == "" {
			t.Fatalf("body %q gave %v, want a 4xx *httpapi.Error", body, err)
		}
	})
}
