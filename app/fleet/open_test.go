package fleet

import (
	"context"
	"strings"
	"testing"
	"time"

	"pudo/app/cred"
	"pudo/app/testenv"
	"pudo/storage"
)

// A remote opening over the link: only when the fleet config allows it,
// only signed by an operator key of [operator] public_keys (the key that
// signs courier tokens), one stored parcel's door, once.
func TestRemoteOpenSignedByTheOperator(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-OPEN", func(c *Config) { c.RemoteOpen = true })
	off := newKiosk(t, b, "L-NOOPEN")
	op := newOperator(t, b)
	for _, kk := range []*kiosk{k, off} {
		if r := command(t, op, nil, kk.id, CmdBook, Command{BookingID: "O1", Version: 1, Size: "S", ParcelRef: "OPEN-1"}); r.Status != StatusOK {
			t.Fatalf("book at %s = %+v", kk.id, r)
		}
		kk.dropOff("OPEN-1")
	}
	openAs := func(kk *kiosk, key *cred.PrivateKey, operator string) Result {
		c := Command{BookingID: "O1", Operator: operator}
		Prepare(&c, time.Minute)
		if key != nil {
			Sign(*key, testFleet, kk.id, CmdOpen, &c)
		} else {
			c.Signature = "AAAA"
		}
		return command(t, op, nil, kk.id, CmdOpen, c)
	}
	open := func(kk *kiosk, key *cred.PrivateKey) Result { return openAs(kk, key, "test") }
	stranger := cred.GenerateKey()
	if r := open(k, &stranger); r.Error != "unauthorized" {
		t.Fatalf("open signed by a stranger = %+v", r)
	}
	if r := open(k, nil); r.Error != "unauthorized" {
		t.Fatalf("open with a made-up signature = %+v", r)
	}
	if r := open(off, &testOperator); r.Error != "remote_open_disabled" {
		t.Fatalf("open where the fleet config forbids it = %+v", r)
	}
	if r := openAs(k, &testOperator, " "); r.Error != "bad_command" {
		t.Fatalf("open naming no operator = %+v", r)
	}
	r := open(k, &testOperator)
	if r.Status != StatusOK || r.DoorID == 0 {
		t.Fatalf("signed open = %+v", r)
	}
	// Until the sensor settles the opening, a second one is refused as
	// being opened; once it has, as collected: never a second unlock.
	testenv.Await(t, "the opening settled: a second open refused as collected", func() bool {
		r := open(k, &testOperator)
		if r.Status != StatusRefused || r.Error != "being_opened" && r.Error != "wrong_state" {
			t.Fatalf("second open of a parcel being collected = %+v", r)
		}
		return r.Error == "wrong_state"
	})
	if n := countEvents(t, k, "rent.collected"); n != 1 {
		t.Fatalf("%d collections", n)
	}
	// The audit log names who opened the door.
	must(t, k.db.View(context.Background(), func(tx *storage.Tx) error {
		evs, err := tx.Events(0, 1<<30)
		for _, e := range evs {
			if e.DoorID == r.DoorID && strings.HasPrefix(e.Kind, "rent.collected") && e.Actor != "operator:test" {
				t.Errorf("%s at door %d by %q; want operator:test", e.Kind, e.DoorID, e.Actor)
			}
		}
		return err
	}))
}
