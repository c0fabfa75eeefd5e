package fleet

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app/cred"
	"pudo/app/testenv"
)

// confirm publishes the operator's retained confirmation for a locker,
// signed with key.
func confirm(tb testing.TB, b *broker, locker string, through int64, key cred.PrivateKey) {
	tb.Helper()
	op := newOperator(tb, b)
	c := Confirm{Locker: locker, Through: through, At: time.Now().UTC()}
	SignConfirm(key, testFleet, &c)
	body, _ := json.Marshal(c)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := op.cm.Publish(ctx, &paho.Publish{QoS: 1, Retain: true, Topic: Topics{Fleet: testFleet, Locker: locker}.Confirm(), Payload: body}); err != nil {
		tb.Fatal(err)
	}
}

// The locker keeps its events until the operator confirms them: a
// confirmation signed by another key, or for another locker, changes
// nothing; the operator's moves the hold, never past the log's end.
func TestRetentionFollowsTheOperatorsConfirmation(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-CONFIRM")
	k.churn(5)
	last := k.lastSeq()
	testenv.Await(t, "every event acknowledged by the broker", func() bool { return k.link.Acked() >= last })
	stranger := Confirm{Locker: k.id, Through: last, At: time.Now().UTC()}
	SignConfirm(cred.GenerateKey(), testFleet, &stranger)
	other := Confirm{Locker: "L-OTHER", Through: last, At: time.Now().UTC()}
	SignConfirm(testOperator, testFleet, &other)
	for _, c := range []Confirm{stranger, other} {
		body, _ := json.Marshal(c)
		k.link.takeConfirm(body)
	}
	if c, _ := k.link.Confirmed(context.Background()); c != 0 {
		t.Fatalf("confirmed %d after a stranger's and another locker's confirmations", c)
	}
	confirm(t, b, k.id, last+1000, testOperator)
	testenv.Await(t, "the operator's confirmation kept", func() bool {
		c, _ := k.link.Confirmed(context.Background())
		return c == last
	})
}

// A resend the operator signed sends the events again from its seq, in
// order; one signed by another key is refused.
func TestResendSendsAgain(t *testing.T) {
	b := startBroker(t)
	w := newWatcher(t, b, "watch-resend")
	k := newKiosk(t, b, "L-RESEND")
	k.churn(6)
	last := k.lastSeq()
	w.waitFor(k.id, last)
	op := newOperator(t, b)
	forged := Command{FromSeq: 2}
	Prepare(&forged, time.Minute)
	Sign(cred.GenerateKey(), testFleet, k.id, CmdResend, &forged)
	res := command(t, op, nil, k.id, CmdResend, forged)
	if res.Status != StatusRefused || res.Error != "unauthorized" {
		t.Fatalf("resend signed by a stranger: %+v", res)
	}
	c := Command{FromSeq: 2}
	Prepare(&c, time.Minute)
	Sign(testOperator, testFleet, k.id, CmdResend, &c)
	res = command(t, op, nil, k.id, CmdResend, c)
	if res.Status != StatusOK {
		t.Fatalf("signed resend: %+v", res)
	}
	testenv.Await(t, "the events from seq 2 heard again", func() bool { return w.dups(k.id) >= int(last-1) })
}

// A resend of a hole (from_seq..to_seq) sends only the hole again, then
// goes on from where the outbox was: a repair costs the hole, not all
// that followed it.
func TestResendOfAHoleSendsOnlyTheHole(t *testing.T) {
	b := startBroker(t)
	w := newWatcher(t, b, "watch-hole")
	k := newKiosk(t, b, "L-HOLE")
	k.churn(6)
	last := k.lastSeq()
	w.waitFor(k.id, last)
	op := newOperator(t, b)
	c := Command{FromSeq: 3, ToSeq: 5}
	Prepare(&c, time.Minute)
	Sign(testOperator, testFleet, k.id, CmdResend, &c)
	if res := command(t, op, nil, k.id, CmdResend, c); res.Status != StatusOK || res.State != "resending 3..5" {
		t.Fatalf("signed resend of a hole: %+v", res)
	}
	testenv.Await(t, "events 3..5 heard again", func() bool { return w.dups(k.id) >= 3 })
	k.churn(1)
	w.waitFor(k.id, k.lastSeq())
	if n := w.dups(k.id); n != 3 {
		t.Fatalf("%d events heard again after a resend of 3..5 (log through %d); want 3", n, last)
	}
}
