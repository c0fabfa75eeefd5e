package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app/testenv"
)

// A booking's pickup code and QR cross the broker only sealed to the book
// command's reply key: whoever reads the res topic, or replays the kept
// command to get the first answer again, sees a box it cannot open; the
// operator's side opens it. A book without a reply key is refused.
func TestBookingSecretsCrossTheBrokerSealed(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-SEAL")
	op := newOperator(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	var mu sync.Mutex
	var heard [][]byte
	op.OnMessage(func(p *paho.Publish) {
		if strings.HasSuffix(p.Topic, "/"+sufRes) {
			mu.Lock()
			heard = append(heard, p.Payload)
			mu.Unlock()
		}
	})
	c := Command{BookingID: "SEAL-1", Version: 1, Size: "S", ParcelRef: "SEAL-1"}
	Prepare(&c, time.Hour)
	op.waiter(c.CommandID)
	payload, err := op.Send(ctx, k.id, CmdBook, c)
	must(t, err)
	first, err := op.Await(ctx, c.CommandID)
	must(t, err)
	if first.Status != StatusOK || first.PickupCode == "" || first.QR == "" {
		t.Fatalf("book answered %+v; want ok with the code and QR opened", first)
	}

	// Someone with the command's bytes and the broker, not the operator's key.
	cfg := b.operatorConfig()
	cfg.SigningKey, cfg.ClientID = nil, "replayer"
	rogue, err := Dial(ctx, cfg, testLog(t))
	must(t, err)
	t.Cleanup(rogue.Close)
	rogue.waiter(c.CommandID)
	must(t, rogue.SendRaw(ctx, k.id, CmdBook, c.CommandID, payload))
	again, err := rogue.Await(ctx, c.CommandID)
	must(t, err)
	if !again.Replayed || again.PickupCode != "" || again.QR != "" || again.Sealed == "" {
		t.Fatalf("the replay answered %+v; want the first answer, its secrets sealed", again)
	}
	if err := NewReplyKey(testOperator).Open(&again); err != nil || again.PickupCode != first.PickupCode {
		t.Fatalf("the operator opens the replay: %q, %v; want %q", again.PickupCode, err, first.PickupCode)
	}
	testenv.Await(t, "both answers heard on the res topic", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(heard) >= 2
	})
	mu.Lock()
	for _, p := range heard {
		for _, secret := range []string{first.PickupCode, strings.ReplaceAll(first.PickupCode, "-", ""), first.QR} {
			if bytes.Contains(p, []byte(secret)) {
				t.Errorf("the broker carried %q in clear: %s", secret, p)
			}
		}
	}
	mu.Unlock()

	bare := Command{BookingID: "SEAL-2", Version: 2, Size: "S", ParcelRef: "SEAL-2"}
	Prepare(&bare, time.Hour)
	Sign(testOperator, testFleet, k.id, CmdBook, &bare)
	raw, _ := json.Marshal(bare)
	op.waiter(bare.CommandID)
	must(t, op.SendRaw(ctx, k.id, CmdBook, bare.CommandID, raw))
	r, err := op.Await(ctx, bare.CommandID)
	must(t, err)
	if r.Status != StatusRefused || r.Error != "bad_command" || !strings.Contains(r.Message, "reply_key") {
		t.Fatalf("a book without a reply key answered %+v; want refused bad_command naming reply_key", r)
	}
	if n := rentsOf(t, k, "SEAL-2"); n != 0 {
		t.Fatalf("a book without a reply key booked %d rents", n)
	}
}
