package link_test

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"pudo/app/central/link"
	"pudo/app/central/sim"
	"pudo/app/cred"
	"pudo/app/fleet"
)

// A command sent through an instance comes back to it with its answer,
// whichever instance the locker's other messages go to; the answer is
// kept in the commands table.
func TestCommandAnswerComesBackToItsInstance(t *testing.T) {
	r := newRig(t)
	one := r.central("1")
	two := r.central("2")
	u, _ := url.Parse(r.broker.TLSURL())
	l := sim.New(sim.Config{Broker: u, Fleet: testFleet, ID: "S1", TLS: r.broker.PKI.ClientTLS(t, "S1"), Keys: []cred.PublicKey{r.key.Public()}})
	r.wg.Go(func() { l.Run(r.ctx) })
	r.waitFor("both instances subscribed and the locker up", func() bool { return one.Ready() && two.Ready() && l.Up() })
	for name, inst := range map[string]*link.Ingest{"1": one, "2": two} {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		res, err := inst.Command(ctx, "S1", fleet.CmdState, fleet.Command{}, nil, "test "+name, time.Minute)
		cancel()
		if err != nil || res.Status != fleet.StatusOK {
			t.Fatalf("instance %s: %+v, %v", name, res, err)
		}
		status, body, err := r.st.CommandResult(context.Background(), res.CommandID)
		var kept fleet.Result
		json.Unmarshal(body, &kept)
		if err != nil || status != "ok" || kept.CommandID != res.CommandID {
			t.Fatalf("kept answer: %q %s %v", status, body, err)
		}
	}
}
