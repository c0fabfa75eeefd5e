package fleet

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"testing"
	"time"
)

// A remote opening over the link: only when the fleet config allows it,
// only signed by the operator, one stored parcel's door, once.
func TestRemoteOpenSignedByTheOperator(t *testing.T) {
	b := startBroker(t)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	k := newKiosk(t, b, "L-OPEN", func(c *Config) {
		c.RemoteOpen, c.OperatorKeys = true, []string{base64.StdEncoding.EncodeToString(pub)}
	})
	off := newKiosk(t, b, "L-NOOPEN")
	op := newOperator(t, b)
	for _, kk := range []*kiosk{k, off} {
		if r := command(t, op, nil, kk.id, CmdBook, Command{BookingID: "O1", Version: 1, Size: "S", ParcelRef: "OPEN-1"}); r.Status != StatusOK {
			t.Fatalf("book at %s = %+v", kk.id, r)
		}
		kk.dropOff("OPEN-1")
	}
	open := func(kk *kiosk, key ed25519.PrivateKey) Result {
		c := Command{BookingID: "O1", Operator: "test"}
		Prepare(&c, time.Minute)
		if key != nil {
			SignOpen(key, testFleet, kk.id, &c)
		} else {
			c.Signature = "AAAA"
		}
		return command(t, op, nil, kk.id, CmdOpen, c)
	}
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	if r := open(k, stranger); r.Error != "unauthorized" {
		t.Fatalf("open signed by a stranger = %+v", r)
	}
	if r := open(off, priv); r.Error != "remote_open_disabled" {
		t.Fatalf("open where the fleet config forbids it = %+v", r)
	}
	r := open(k, priv)
	if r.Status != StatusOK || r.DoorID == 0 {
		t.Fatalf("signed open = %+v", r)
	}
	// Until the sensor settles the opening, a second one is refused as
	// being opened; once it has, as collected: never a second unlock.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		r := open(k, priv)
		if r.Status == StatusRefused && r.Error == "wrong_state" {
			break
		}
		if r.Status != StatusRefused || r.Error != "being_opened" || time.Now().After(deadline) {
			t.Fatalf("second open of a parcel being collected = %+v", r)
		}
	}
	if n := countEvents(t, k, "rent.collected"); n != 1 {
		t.Fatalf("%d collections", n)
	}
}
