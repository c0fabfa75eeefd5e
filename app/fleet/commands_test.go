package fleet

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"pudo/app/testenv"
	"pudo/storage"
)

// Commands over the real broker: a duplicate is answered with the first
// result and applied once, an expired one is refused, an older booking
// version loses to a newer one, and a reused command_id is refused.
func TestCommandsDuplicateExpiredStale(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-CMD")
	op := newOperator(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	send := func(name string, c Command) Result {
		t.Helper()
		if name == CmdBook {
			c.ReplyKey = NewReplyKey(testOperator).Public()
		}
		Sign(testOperator, testFleet, k.id, name, &c)
		payload, err := json.Marshal(c)
		must(t, err)
		op.waiter(c.CommandID)
		must(t, op.SendRaw(ctx, k.id, name, c.CommandID, payload))
		r, err := op.Await(ctx, c.CommandID)
		must(t, err)
		return r
	}
	book := Command{BookingID: "B1", Version: 2, Size: "S", ParcelRef: "P-1"}
	Prepare(&book, time.Hour)
	first := send(CmdBook, book)
	again := send(CmdBook, book)
	if first.Status != StatusOK || first.PickupCode == "" {
		t.Fatalf("book = %+v", first)
	}
	if !again.Replayed || again.PickupCode != first.PickupCode || again.RentID != first.RentID {
		t.Fatalf("duplicate answered %+v, want the first result %+v replayed", again, first)
	}
	if n := rentsOf(t, k, "B1"); n != 1 {
		t.Fatalf("the duplicate booked %d rents, want 1", n)
	}

	tests := []struct {
		name string
		cmd  Command
		code string
	}{
		{"expired", Command{CommandID: "exp-1", IssuedAt: time.Now().Add(-2 * time.Hour), ExpiresAt: time.Now().Add(-time.Hour),
			BookingID: "B2", Version: 3, Size: "S", ParcelRef: "P-2"}, "expired"},
		{"stale version", Command{BookingID: "B1", Version: 1, Size: "S", ParcelRef: "P-1"}, "stale"},
		{"reused id", Command{CommandID: book.CommandID, IssuedAt: book.IssuedAt, ExpiresAt: book.ExpiresAt,
			BookingID: "B1", Version: 2, Size: "L", ParcelRef: "P-1"}, "command_id_reused"},
		{"from the future", Command{IssuedAt: time.Now().Add(time.Hour), ExpiresAt: time.Now().Add(2 * time.Hour),
			BookingID: "B3", Version: 4, Size: "S", ParcelRef: "P-3"}, "not_yet_valid"},
		{"no size", Command{BookingID: "B4", Version: 5, ParcelRef: "P-4"}, "bad_command"},
		{"second book of a booking", Command{BookingID: "B1", Version: 6, Size: "S", ParcelRef: "P-1"}, "booking_exists"},
	}
	for i := range tests {
		tt := &tests[i]
		t.Run(tt.name, func(t *testing.T) {
			Prepare(&tt.cmd, time.Hour)
			c := tt.cmd
			r := send(CmdBook, c)
			if r.Status != StatusRefused || r.Error != tt.code {
				t.Fatalf("answer %+v, want refused %s", r, tt.code)
			}
		})
	}
	if n := rentsOf(t, k, "B2"); n != 0 {
		t.Fatalf("the expired command booked")
	}
	// The expired duplicate is refused the same way.
	if r := send(CmdBook, tests[0].cmd); r.Error != "expired" || !r.Replayed {
		t.Fatalf("expired duplicate = %+v", r)
	}

	// A newer version cancels; the cancel is applied once.
	cancelCmd := Command{BookingID: "B1", Version: 7}
	Prepare(&cancelCmd, time.Hour)
	if r := send(CmdCancel, cancelCmd); r.Status != StatusOK {
		t.Fatalf("cancel = %+v", r)
	}
	if r := send(CmdCancel, cancelCmd); !r.Replayed || r.Status != StatusOK {
		t.Fatalf("duplicate cancel = %+v", r)
	}
	if n := countEvents(t, k, "rent.cancelled"); n != 1 {
		t.Fatalf("%d cancellations recorded, want 1", n)
	}
	// Fleet-wide commands: a state request is fine, a booking is not.
	st := Command{}
	Prepare(&st, time.Hour)
	Sign(testOperator, testFleet, allLockers, CmdState, &st)
	payload, _ := json.Marshal(st)
	op.waiter(st.CommandID)
	must(t, op.cm.AwaitConnection(ctx))
	_, err := op.cm.Publish(ctx, publishCmd(Topics{Fleet: testFleet, Locker: allLockers}.Cmd(CmdState), payload, k.link.topics.Res(), st.CommandID))
	must(t, op.Subscribe(ctx, k.link.topics.Res()))
	must(t, err)
	if r, err := op.Await(ctx, st.CommandID); err != nil || r.Status != StatusOK {
		t.Fatalf("fleet-wide state = %+v, %v", r, err)
	}
}

func rentsOf(t *testing.T, k *kiosk, booking string) int {
	t.Helper()
	n := 0
	must(t, k.db.View(context.Background(), func(tx *storage.Tx) error {
		rs, err := tx.Rents(storage.RentFilter{Limit: 10000})
		for _, r := range rs {
			if o, _ := tx.RentOwner(r.ID); o == owner(booking) {
				n++
			}
		}
		return err
	}))
	return n
}

func countEvents(t *testing.T, k *kiosk, kind string) int {
	t.Helper()
	n := 0
	must(t, k.db.View(context.Background(), func(tx *storage.Tx) error {
		evs, err := tx.Events(0, 1<<30)
		for _, e := range evs {
			if e.Kind == kind {
				n++
			}
		}
		return err
	}))
	return n
}
