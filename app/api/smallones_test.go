package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// An address throttled for its wrong keys still learns whether the kiosk
// is up and what the API is: those two routes need no key and answer
// everyone alike. Everything else stays throttled.
func TestOpenRoutesAnswerAThrottledAddress(t *testing.T) {
	f := newFixture(t, nil)
	f.keys["guess"] = "pudo_" + strings.Repeat("b", 52)
	for range 60 {
		f.do("GET", "/v1/rents", "guess", "")
	}
	if a := f.do("GET", "/v1/rents", "guess", ""); a.status != http.StatusTooManyRequests {
		t.Fatalf("after 60 wrong keys: %d, want 429", a.status)
	}
	for _, path := range []string{"/healthz", "/v1/openapi.json"} {
		if a := f.do("GET", path, "", ""); a.status != http.StatusOK {
			t.Errorf("%s from the throttled address: %d %s", path, a.status, a.body)
		}
	}
	if a := f.do("GET", "/no/such/path", "", ""); a.status != http.StatusTooManyRequests {
		t.Errorf("an unknown path from the throttled address: %d, want 429", a.status)
	}
}

// A lone half of a UTF-16 surrogate pair is refused, not turned into
// U+FFFD; a whole pair is a character like any other.
func TestLoneSurrogateIsRefused(t *testing.T) {
	f := newFixture(t, nil)
	for _, tt := range []struct {
		ref    string
		status int
	}{
		{`P\ud800X`, 400},
		{`P\udc00`, 400},
		{`\ud83d\ud83d\ude00`, 400},
		{`P\ud83d\n`, 400},
		{`P\ud83d`, 400},
		{`P\ud83d\ude00`, 201},
		{`P\u00e9\\ud800`, 201}, // an escaped backslash, then the letters
	} {
		f.srv.throttle.reset()
		rents, _ := f.counts()
		a := f.do("POST", "/v1/rents", "shopx", `{"size":"S","parcel_ref":"`+tt.ref+`"}`)
		if a.status != tt.status {
			t.Errorf("parcel_ref %s: %d %s, want %d", tt.ref, a.status, a.body, tt.status)
		}
		if after, _ := f.counts(); tt.status != 201 && after != rents {
			t.Errorf("parcel_ref %s: a rent was written", tt.ref)
		}
		if tt.status == 400 && (a.errCode(t) != "malformed_json" || !strings.Contains(string(a.body), "surrogate")) {
			t.Errorf("parcel_ref %s: %s", tt.ref, a.body)
		}
	}
}

// Sizes are S, M and L as the schema has them, and nothing else.
func TestSizeIsExactlyAsTheSchemaSays(t *testing.T) {
	f := newFixture(t, nil)
	for _, size := range []string{"s", "m", "l", " S", "S ", "XL", ""} {
		f.srv.throttle.reset()
		a := f.do("POST", "/v1/rents", "shopx", fmt.Sprintf(`{"size":%q,"parcel_ref":"SZ-1"}`, size))
		if a.status != http.StatusUnprocessableEntity || a.errCode(t) != "invalid_field" || !strings.Contains(string(a.body), "size") {
			t.Errorf("size %q: %d %s, want 422 invalid_field", size, a.status, a.body)
		}
	}
	if a := f.do("POST", "/v1/rents", "shopx", `{"size":"M","parcel_ref":"SZ-2"}`); a.status != http.StatusCreated {
		t.Fatalf("size M: %d %s", a.status, a.body)
	}
}

// A time with an offset no zone has is named as a bad field, not as bad
// JSON.
func TestTimeOffsetOutOfRangeNamesTheField(t *testing.T) {
	f := newFixture(t, nil)
	for _, at := range []string{"2030-01-01T10:00:00+99:00", "2030-01-01T10:00:00+24:00", "2030-13-01T10:00:00Z", "tomorrow"} {
		f.srv.throttle.reset()
		a := f.do("POST", "/v1/rents", "shopx", `{"size":"S","parcel_ref":"T-1","expires_at":"`+at+`"}`)
		if a.status != http.StatusUnprocessableEntity || a.errCode(t) != "invalid_field" ||
			!strings.Contains(string(a.body), "expires_at") || strings.Contains(string(a.body), "not valid JSON") {
			t.Errorf("expires_at %s: %d %s", at, a.status, a.body)
		}
	}
}

// A shop cannot count the other shops' bookings from its own rent ids or
// from the numbers of its events: it sees opaque numbers, the same at every
// call, that it can use as ids, cursors and after_id; the operator sees the
// locker's own numbers.
func TestShopsCannotCountOthersBookings(t *testing.T) {
	f := newFixture(t, nil)
	first := f.book("shopx", "CNT-1")
	for i := range 3 {
		f.book("shopy", fmt.Sprintf("CNT-Y%d", i))
	}
	second := f.book("shopx", "CNT-2")
	if second.Local-first.Local != 4 {
		t.Fatalf("locker ids %d and %d: the test expects three bookings between", first.Local, second.Local)
	}
	if d := second.ID - first.ID; (d >= -100 && d <= 100) || first.ID == first.Local || first.ID <= 0 || first.ID >= 1<<52 {
		t.Fatalf("shopx sees ids %d and %d for locker rents %d and %d", first.ID, second.ID, first.Local, second.Local)
	}
	var got rentJSON
	if a := f.do("GET", fmt.Sprintf("/v1/rents/%d", second.ID), "shopx", ""); a.status != http.StatusOK {
		t.Fatalf("GET its own rent by the id it was given: %d %s", a.status, a.body)
	} else if a.json(t, &got); got.ID != second.ID {
		t.Fatalf("GET gives id %d, booked as %d", got.ID, second.ID)
	}
	// Another shop's rent, by the locker's id or by shopx's opaque one,
	// answers as a rent that does not exist.
	missing := f.do("GET", "/v1/rents/999999", "shopy", "")
	for _, id := range []int64{first.ID, first.Local, second.Local} {
		if a := f.do("GET", fmt.Sprintf("/v1/rents/%d", id), "shopy", ""); a.status != missing.status || string(a.body[:40]) != string(missing.body[:40]) {
			t.Errorf("shopy GET %d: %d %s", id, a.status, a.body)
		}
	}
	if a := f.do("GET", fmt.Sprintf("/v1/rents/%d", second.Local), "host", ""); a.status != http.StatusOK {
		t.Fatalf("the operator by the locker's id: %d %s", a.status, a.body)
	}

	// Paging with next_after_id walks shopx's rents.
	var page rentsJSON
	f.do("GET", "/v1/rents?limit=1", "shopx", "").json(t, &page)
	if len(page.Rents) != 1 || page.Rents[0].ID != first.ID || page.NextAfterID == nil || *page.NextAfterID != first.ID {
		t.Fatalf("first page %+v", page)
	}
	next := *page.NextAfterID
	page = rentsJSON{}
	f.do("GET", fmt.Sprintf("/v1/rents?limit=1&after_id=%d", next), "shopx", "").json(t, &page)
	if len(page.Rents) != 1 || page.Rents[0].ID != second.ID {
		t.Fatalf("second page %+v", page)
	}

	// Events: shopx's numbers tell nothing of the events between.
	var feed, ops eventsJSON
	f.do("GET", "/v1/events", "shopx", "").json(t, &feed)
	f.do("GET", "/v1/events", "host", "").json(t, &ops)
	if len(feed.Events) != 2 || len(ops.Events) < 5 {
		t.Fatalf("shopx sees %d events, the operator %d", len(feed.Events), len(ops.Events))
	}
	a, b := feed.Events[0], feed.Events[1]
	if a.RentID != first.ID || b.RentID != second.ID {
		t.Fatalf("shopx's events name rents %d and %d, want %d and %d", a.RentID, b.RentID, first.ID, second.ID)
	}
	if d := b.Seq - a.Seq; d >= -100 && d <= 100 {
		t.Fatalf("shopx's events are numbered %d and %d", a.Seq, b.Seq)
	}
	for _, e := range ops.Events {
		if e.Seq == a.Seq || e.Seq == b.Seq {
			t.Fatalf("shopx sees the locker's event number %d", e.Seq)
		}
	}
	// Its cursor resumes after its last event.
	second3 := f.book("shopx", "CNT-3")
	var more eventsJSON
	f.do("GET", "/v1/events?after="+feed.Next, "shopx", "").json(t, &more)
	if len(more.Events) != 1 || more.Events[0].RentID != second3.ID {
		t.Fatalf("after %s: %+v", feed.Next, more.Events)
	}
	if a := f.do("GET", "/v1/events?after=12345", "shopx", ""); a.status != http.StatusOK && a.status != http.StatusBadRequest {
		t.Fatalf("a made-up cursor: %d", a.status)
	}
}
