package fleetcli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"pudo/app/fleet"
	"pudo/app/testenv"
)

// The two-kiosk trial's rogue locker, at central with real kiosk links: A's
// certificate publishes on A's own topics an event naming B (with a seq far
// ahead, as a forger would), one naming no locker, and 43 MB of retained
// doors and health. Central refuses and counts both events and stores
// neither; A's real events keep coming and are stored in order; B's state
// keeps coming too; `pudo fleet status` lists both lockers with the counts,
// and `doors` shows A's real doors. What the tools took is logged (figures,
// not a test of speed).
func TestRogueLockerAtCentral(t *testing.T) {
	r := newRig(t)
	r.kiosk("A")
	r.kiosk("B")
	ctx := context.Background()
	a := fleet.Topics{Fleet: testFleet, Locker: "A"}
	stored := func(id string) int64 {
		l, err := r.st.GetLocker(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return l.StoredThrough
	}
	capacity := func(id string) *fleet.Capacity {
		out, _, code := run(t, r.env, "status", "--json", id)
		var row struct{ Capacity *fleet.Capacity }
		if code != 0 || json.Unmarshal([]byte(out), &row) != nil {
			return nil
		}
		return row.Capacity
	}
	testenv.Await(t, "A's doors and B's capacity at central", func() bool {
		_, _, code := run(t, r.env, "doors", "A")
		return code == 0 && capacity("B") != nil
	})
	before, freeB := stored("A"), capacity("B").Free["M"]

	forged := func(locker string) []byte {
		yes := true
		b, _ := json.Marshal(fleet.Event{Fleet: testFleet, Locker: locker, Seq: 6000, Boot: 1, At: time.Now().UTC(),
			Kind: "rent.stored", Actor: "courier:x", RentID: 4, DoorID: 4, Carrier: "DEMO", CodeSealed: &yes, SealedCode: "AAAA"})
		return b
	}
	flood := bytes.Repeat([]byte("x"), 43<<20)
	publishAs(t, r.b, r.b.PKI.ClientTLS(t, "A"), "A-rogue", map[string][]byte{a.Evt(): forged("B")})
	publishAs(t, r.b, r.b.PKI.ClientTLS(t, "A"), "A-rogue", map[string][]byte{a.Evt(): forged("")})
	publishAs(t, r.b, r.b.PKI.ClientTLS(t, "A"), "A-rogue", map[string][]byte{a.Doors(): flood, a.Health(): flood})
	testenv.Await(t, "both forged events refused and counted", func() bool {
		l, err := r.st.GetLocker(ctx, "A")
		return err == nil && l.Refused == 2
	})

	// A's real events, and B's state, keep coming.
	for _, id := range []string{"A", "B"} {
		out, errw, code := run(t, r.env, "book", "--locker", id, "--size", "M", "--parcel-ref", "PKG-"+id)
		if code != 0 || !strings.Contains(out, "Pickup code") {
			t.Fatalf("book at %s while A floods: exit %d\n%s%s", id, code, out, errw)
		}
	}
	testenv.Await(t, "A's booking stored after the forgeries", func() bool { return stored("A") > before })
	testenv.Await(t, "B's capacity after its booking", func() bool {
		c := capacity("B")
		return c != nil && c.Free["M"] == freeB-1
	})
	var n int
	if err := r.st.Pool().QueryRow(ctx, `SELECT count(*) FROM events WHERE seq = 6000 OR body->>'locker' IS DISTINCT FROM locker`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d stored events are the forged ones or name another locker than theirs (%v)", n, err)
	}

	start := time.Now()
	out, errw, code := run(t, r.env, "status")
	t.Logf("status from central while A floods: %s", time.Since(start).Round(time.Millisecond))
	if code != 0 || !strings.Contains(out, "\nA ") || !strings.Contains(out, "\nB ") {
		t.Fatalf("status while A floods: exit %d\n%s%s", code, out, errw)
	}
	out, errw, code = run(t, r.env, "status", "--json", "A")
	var row struct{ Refused *int64 }
	if code != 0 || json.Unmarshal([]byte(out), &row) != nil || row.Refused == nil || *row.Refused != 2 {
		t.Fatalf("status --json A: exit %d, %s%s; want \"refused\": 2", code, out, errw)
	}
	out, errw, code = run(t, r.env, "doors", "A")
	if code != 0 || !strings.Contains(out, "DOOR") || strings.Contains(out, "xxx") {
		t.Fatalf("doors A from central: exit %d\n%s%s", code, out, errw)
	}
}
