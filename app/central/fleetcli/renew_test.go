package fleetcli_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"testing"
	"time"

	"pudo/app/central/enrol"
	"pudo/app/central/link"
	"pudo/app/fleet"
	"pudo/app/testenv"
)

// A real kiosk renews its certificate through central before it ends:
// central issues it from the operator's CA and keeps its end, which
// pudo fleet status shows; the kiosk comes back on the new pair.
func TestKioskRenewsThroughCentral(t *testing.T) {
	r := newRig(t, func(r *rig, c *link.Config) {
		ca, err := enrol.LoadCA(r.b.PKI.Path("ca.pem"), r.b.PKI.Path("ca.key"))
		if err != nil {
			t.Fatal(err)
		}
		c.CA = ca
	})
	// The test certificates last a day: two days before the end is now.
	k := r.kiosk("K1", func(c *fleet.Config) { c.RenewBefore = 48 * time.Hour })
	id := k.idn
	ctx := context.Background()
	testenv.Await(t, "central to keep the renewed certificate's end", func() bool {
		l, err := r.st.GetLocker(ctx, "K1")
		return err == nil && l.CertNotAfter.After(time.Now().Add(80*24*time.Hour))
	})
	testenv.Await(t, "the kiosk's cert_file renewed", func() bool {
		pair, err := tls.LoadX509KeyPair(id.CertFile, id.KeyFile)
		return err == nil && pair.Leaf.NotAfter.After(time.Now().Add(80*24*time.Hour))
	})
	k.stop()
	testenv.Await(t, "central to see K1 offline", func() bool {
		l, err := r.st.GetLocker(ctx, "K1")
		return err == nil && !l.Online
	})
	k.start()
	testenv.Await(t, "K1 back online on its renewed certificate", func() bool {
		l, err := r.st.GetLocker(ctx, "K1")
		return err == nil && l.Online
	})
	out, errw, code := run(t, r.env, "status", "--json", "K1")
	var row struct {
		CertNotAfter time.Time `json:"cert_not_after"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &row) != nil || row.CertNotAfter.Before(time.Now().Add(80*24*time.Hour)) {
		t.Fatalf("status --json: exit %d\n%s%s", code, out, errw)
	}
}
