package fleet

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app/testenv"
)

// The broker loses its queue (its store is gone across a restart) while the
// locker is away with a booking waiting for it: on reconnecting, the locker
// says how far it got, the central side resends the booking from its
// journal, and it is applied once. A resend of what was applied already
// is answered, not applied again.
func TestSyncResendsWhatTheBrokerLost(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-SYNC")
	op := newOperator(t, b)
	j := newJournal(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	central, err := Dial(ctx, b.operatorConfig(), testLog(t))
	must(t, err)
	defer central.Close()
	go central.ServeSync(ctx, j)

	first := command(t, op, j, k.id, CmdBook, Command{BookingID: "S1", Version: 1, Size: "S", ParcelRef: "SY-1"})
	if first.Status != StatusOK {
		t.Fatalf("book = %+v", first)
	}
	k.stop()
	// Journaled, then sent: SendRaw returns on the broker's PUBACK, so the
	// booking is queued at the broker for the absent locker when it stops.
	c := Command{BookingID: "S2", Version: 2, Size: "M", ParcelRef: "SY-2"}
	Prepare(&c, time.Hour)
	op.sign(k.id, CmdBook, &c)
	op.waiter(c.CommandID)
	payload, err := json.Marshal(c)
	must(t, err)
	must(t, j.Add(ctx, k.id, CmdBook, c, payload))
	must(t, op.SendRaw(ctx, k.id, CmdBook, c.CommandID, payload))
	got := make(chan Result, 1)
	go func() {
		r, _ := op.Await(ctx, c.CommandID)
		got <- r
	}()
	b.Stop()
	if err := os.Remove(filepath.Join(b.dir, "mosquitto.db")); err != nil {
		t.Fatalf("the broker kept no store to lose: %v", err)
	}
	b.start()
	k.start()
	if r := testenv.Receive(t, "the booking the broker lost, resent and applied", got); r.Status != StatusOK || r.PickupCode == "" {
		t.Fatalf("resent booking = %+v", r)
	}
	if n := rentsOf(t, k, "S2"); n != 1 {
		t.Fatalf("booking S2 has %d rents", n)
	}
	// Every later connection syncs again; S1 and S2 are not applied twice.
	k.stop()
	k.start()
	testenv.Await(t, "the locker reconnects", k.link.Connected)
	time.Sleep(500 * time.Millisecond)
	for _, bk := range []string{"S1", "S2"} {
		if n := rentsOf(t, k, bk); n != 1 {
			t.Fatalf("booking %s has %d rents after another sync", bk, n)
		}
	}
}

// An answer to another sync request (an earlier connection's, queued at
// the broker, or one a busy central side sends late) does not count as
// this connection's: the locker asks again until its own is answered, and
// takes that one.
func TestStaleSyncAnswerDoesNotEndTheAsking(t *testing.T) {
	b := startBroker(t)
	op := newOperator(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	reqs := make(chan SyncRequest, 16)
	op.OnMessage(func(p *paho.Publish) {
		var r SyncRequest
		if strings.HasSuffix(p.Topic, "/"+sufSyncReq) && json.Unmarshal(p.Payload, &r) == nil {
			reqs <- r
		}
	})
	must(t, op.Subscribe(ctx, topicRoot+"/"+testFleet+"/+/"+sufSyncReq))
	k := newKiosk(t, b, "L-STALE")
	answer := func(id string) {
		t.Helper()
		body, _ := json.Marshal(SyncResponse{RequestID: id, Commands: []SyncCommand{}})
		_, err := op.cm.Publish(ctx, &paho.Publish{QoS: 1, Topic: k.link.topics.SyncRes(), Payload: body})
		must(t, err)
	}
	first := testenv.Receive(t, "the locker's sync request", reqs)
	answer("an-earlier-connections-request")
	again := testenv.Receive(t, "the locker asking again after a stale answer", reqs)
	if again.RequestID == first.RequestID {
		t.Fatalf("the same request id twice: %s", again.RequestID)
	}
	answer(again.RequestID)
	testenv.Await(t, "the locker synced by the answer to its own request", k.link.synced.Load)
}
