package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"pudo/app/testenv"
	"pudo/storage"
)

const hookSecret = "whsec-0123456789abcdef"

// TestWebhookRetriesWhileReceiverIsDown: the receiver answers 503 a few
// times; the event still arrives, once, after the backoff.
func TestWebhookRetriesWhileReceiverIsDown(t *testing.T) {
	rcv, url := newReceiver(t, hookSecret, 4)
	f := newFixture(t, func(c *Config) { c.Webhooks = []Webhook{testHook(url, hookSecret)} })
	b := f.book("shopx", "W-1")
	if kinds := rcv.waitFor(t, b.Local, "rent.booked"); len(kinds) != 1 {
		t.Fatalf("got %v", kinds)
	}
	rcv.mu.Lock()
	tries, seen := rcv.tries, len(rcv.seen)
	rcv.mu.Unlock()
	if tries != 5 || seen != 1 {
		t.Fatalf("receiver saw %d tries and %d deliveries, want 5 and 1", tries, seen)
	}
	if ps, _ := f.srv.Parked(context.Background()); len(ps) != 0 {
		t.Fatalf("parked: %+v", ps)
	}
}

// TestWebhookSurvivesRestart: the kiosk stops while the receiver is down;
// after a restart on the same database the event is delivered.
func TestWebhookSurvivesRestart(t *testing.T) {
	rcv, url := newReceiver(t, hookSecret, 1<<30)
	hook := testHook(url, hookSecret)
	hook.MaxAttempts = 100
	var cfg Config
	f := newFixture(t, func(c *Config) { c.Webhooks = []Webhook{hook}; cfg = *c })
	b := f.book("shopx", "W-2")
	// Wait until a delivery was tried and failed, then stop the kiosk.
	testenv.Await(t, "two tries of the delivery", func() bool { return rcv.triesSoFar() >= 2 })
	f.stop()
	rcv.setFail(0)
	f.start(cfg, nil)
	if kinds := rcv.waitFor(t, b.Local, "rent.booked"); len(kinds) != 1 {
		t.Fatalf("got %v", kinds)
	}
}

// TestWebhookParksAndHolds: a delivery that keeps failing is parked and
// shown to staff; the rent's later events wait behind it; a retry by staff
// delivers them in order.
func TestWebhookParksAndHolds(t *testing.T) {
	rcv, url := newReceiver(t, hookSecret, 1<<30)
	hook := testHook(url, hookSecret)
	hook.MaxAttempts = 2
	f := newFixture(t, func(c *Config) { c.Webhooks = []Webhook{hook} })
	b := f.book("shopx", "W-3")
	a := f.book("shopx", "W-4") // another rent: not held up for long
	waitParked(t, f, 2)
	f.dropOff("W-3") // rent.stored of W-3 must wait behind its parked rent.booked
	ps := waitParked(t, f, 3)
	if ps[2].RentID != b.Local || ps[2].Kind != "rent.stored" || ps[2].Attempts != 0 {
		t.Fatalf("held delivery = %+v", ps[2])
	}
	var out struct{ Parked []parkedJSON }
	if ans := f.do("GET", "/v1/webhooks/parked", "host", ""); ans.status != http.StatusOK {
		t.Fatalf("parked: %d %s", ans.status, ans.body)
	} else {
		ans.json(t, &out)
	}
	if len(out.Parked) != 3 || out.Parked[0].LastError == "" || out.Parked[0].Payload == nil {
		t.Fatalf("parked for staff = %+v", out.Parked)
	}

	rcv.setFail(0)
	var first int64
	for _, p := range ps {
		if p.RentID == b.Local {
			first = p.ID
			break
		}
	}
	ans := f.do("POST", "/v1/webhooks/parked/"+strconv.FormatInt(first, 10)+"/retry", "host", "")
	if ans.status != http.StatusOK {
		t.Fatalf("retry: %d %s", ans.status, ans.body)
	}
	if kinds := rcv.waitFor(t, b.Local, "rent.stored"); !slices.Equal(kinds, []string{"rent.booked", "rent.stored"}) {
		t.Fatalf("after retry rent %d got %v", b.Local, kinds)
	}
	if left := waitParked(t, f, 1); left[0].RentID != a.Local {
		t.Fatalf("left parked: %+v", left)
	}
}

// waitParked waits until n deliveries are parked and returns them.
func waitParked(t *testing.T, f *fixture, n int) []storage.Parked {
	t.Helper()
	var ps []storage.Parked
	testenv.Await(t, fmt.Sprintf("%d parked deliveries", n), func() bool {
		var err error
		ps, err = f.srv.Parked(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return len(ps) == n
	})
	return ps
}

func TestSignVerify(t *testing.T) {
	secret, body := []byte("whsec-0123456789abcdef"), []byte(`{"seq":1}`)
	now := time.Unix(1767225600, 0)
	sig := Sign(secret, body, now)
	tests := []struct {
		name   string
		header string
		body   []byte
		at     time.Time
		want   error
	}{
		{"good", sig, body, now, nil},
		{"rotation: second v1 matches", sig[:len("t=1767225600")] + ",v1=00ff," + sig[len("t=1767225600,"):], body, now, nil},
		{"other body", sig, []byte(`{"seq":2}`), now, ErrBadSignature},
		{"too old", sig, body, now.Add(10 * time.Minute), ErrStale},
		{"from the future", sig, body, now.Add(-10 * time.Minute), ErrStale},
		{"no time", "v1=00", body, now, ErrBadSignature},
		{"garbage", "nonsense", body, now, ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Verify(secret, tt.header, tt.body, tt.at, 5*time.Minute); err != tt.want {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}
