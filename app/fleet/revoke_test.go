package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app/core"
	"pudo/app/cred"
	"pudo/app/testenv"
)

// revokeCmd is a revoke command for list, signed by key for target.
func revokeCmd(t testing.TB, key cred.PrivateKey, target string, list cred.Revocations) Command {
	t.Helper()
	raw, err := json.Marshal(list)
	must(t, err)
	c := Command{Revocations: raw, Operator: "test"}
	Prepare(&c, time.Hour)
	Sign(key, testFleet, target, CmdRevoke, &c)
	return c
}

func tokenID(t testing.TB, token string) string {
	t.Helper()
	c, err := cred.Verifier{Keys: []cred.PublicKey{testOperator.Public()}, Locker: "any"}.Verify(token, time.Now())
	must(t, err)
	return c.ID
}

// The operator's revocation list over the real broker: a revoked courier
// token no longer logs in at the kiosk once the list is there; the same
// command again and the same list again are applied once; an older list,
// or the same version with other entries, is refused and changes nothing;
// a list nobody trusted signed is refused; health and the state request
// say the version applied.
func TestRevocationPush(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-REV")
	op := newOperator(t, b)
	ctx := context.Background()
	anna, ben, cleo := courierToken(t, "anna"), courierToken(t, "ben"), courierToken(t, "cleo")
	for _, tok := range []string{anna, ben, cleo} {
		if _, err := k.locker.LoginCourier(ctx, tok); err != nil {
			t.Fatalf("before any list: %v", err)
		}
	}
	v1 := cred.Revocations{Version: 1, Tokens: []string{tokenID(t, anna)}}
	push := revokeCmd(t, testOperator, k.id, v1)
	r := command(t, op, nil, k.id, CmdRevoke, push)
	if r.Status != StatusOK || r.State != "applied" || r.RevocationVersion != 1 {
		t.Fatalf("push = %+v", r)
	}
	if _, err := k.locker.LoginCourier(ctx, anna); !errors.Is(err, core.ErrTokenRevoked) {
		t.Fatalf("a revoked courier token after the push: %v", err)
	}
	if _, err := k.locker.LoginCourier(ctx, ben); err != nil {
		t.Fatalf("another courier after the push: %v", err)
	}

	// The same command again: its first answer, not applied again.
	payload, _ := json.Marshal(push)
	op.waiter(push.CommandID)
	must(t, op.SendRaw(ctx, k.id, CmdRevoke, push.CommandID, payload))
	actx, cancel := context.WithTimeout(ctx, testenv.Patience)
	again, err := op.Await(actx, push.CommandID)
	cancel()
	if err != nil || !again.Replayed || again.State != "applied" {
		t.Fatalf("duplicate push = %+v, %v", again, err)
	}
	// The same list in a new command: nothing changes.
	if r := command(t, op, nil, k.id, CmdRevoke, revokeCmd(t, testOperator, k.id, v1)); r.Status != StatusOK || r.State != "unchanged" {
		t.Fatalf("the same list again = %+v", r)
	}
	if n := countEvents(t, k, "revocations.applied"); n != 1 {
		t.Fatalf("list 1 applied %d times", n)
	}

	v2 := cred.Revocations{Version: 2, Tokens: v1.Tokens, Subjects: []cred.SubjectRevocation{{Kind: "courier", ID: "ben"}}}
	if r := command(t, op, nil, k.id, CmdRevoke, revokeCmd(t, testOperator, k.id, v2)); r.Status != StatusOK || r.RevocationVersion != 2 {
		t.Fatalf("list 2 = %+v", r)
	}
	for _, tt := range []struct {
		name string
		cmd  Command
		code string
	}{
		{"an older list", revokeCmd(t, testOperator, k.id, cred.Revocations{Version: 1}), "stale"},
		{"the same version, other entries", revokeCmd(t, testOperator, k.id, cred.Revocations{Version: 2}), "stale"},
		{"signed by a stranger", revokeCmd(t, cred.GenerateKey(), k.id, cred.Revocations{Version: 3}), "unauthorized"},
		{"signed for another locker", revokeCmd(t, testOperator, "L-OTHER", cred.Revocations{Version: 3}), "unauthorized"},
		{"no list", func() Command {
			c := Command{Operator: "test"}
			Prepare(&c, time.Hour)
			Sign(testOperator, testFleet, k.id, CmdRevoke, &c)
			return c
		}(), "bad_command"},
		{"the list changed after signing", func() Command {
			c := revokeCmd(t, testOperator, k.id, cred.Revocations{Version: 3})
			c.Revocations = json.RawMessage(`{"version":4}`)
			return c
		}(), "unauthorized"},
		{"a made-up signature", func() Command {
			c := revokeCmd(t, testOperator, k.id, cred.Revocations{Version: 3})
			c.Signature = "AAAA"
			return c
		}(), "unauthorized"},
		{"a bad entry", revokeCmd(t, testOperator, k.id, cred.Revocations{Version: 3, Tokens: []string{"xyz"}}), "bad_command"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := command(t, op, nil, k.id, CmdRevoke, tt.cmd)
			if r.Status != StatusRefused || r.Error != tt.code {
				t.Fatalf("answer %+v, want refused %s", r, tt.code)
			}
		})
	}
	if got, _ := k.locker.Office().Revocations(ctx); got.Version != 2 || len(got.Subjects) != 1 {
		t.Fatalf("list after the refusals = %+v, want list 2", got)
	}
	for tok, revoked := range map[string]bool{anna: true, ben: true, cleo: false} {
		if _, err := k.locker.LoginCourier(ctx, tok); errors.Is(err, core.ErrTokenRevoked) != revoked {
			t.Fatalf("login under list 2: %v, want revoked %v", err, revoked)
		}
	}
	st := Command{}
	if r := command(t, op, nil, k.id, CmdState, st); r.RevocationVersion != 2 {
		t.Fatalf("state = %+v, want revocation_version 2", r)
	}
	if h := waitHealth(t, op, k.id, func(h Health) bool { return h.RevocationVersion == 2 }); h.Store != "ok" {
		t.Fatalf("health = %+v", h)
	}
}

// waitHealth waits for a retained or fresh state/health that satisfies ok.
func waitHealth(t *testing.T, op *Operator, locker string, ok func(Health) bool) Health {
	t.Helper()
	var mu sync.Mutex
	var last Health
	var seen bool
	topic := Topics{Fleet: testFleet, Locker: locker}.Health()
	op.OnMessage(func(p *paho.Publish) {
		if p.Topic != topic {
			return
		}
		var h Health
		if json.Unmarshal(p.Payload, &h) == nil {
			mu.Lock()
			last, seen = h, true
			mu.Unlock()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	must(t, op.Subscribe(ctx, topic))
	var h Health
	testenv.Await(t, "health says so", func() bool {
		mu.Lock()
		defer mu.Unlock()
		h = last
		return seen && ok(last)
	})
	return h
}

// A fleet-wide list reaches every locker, each answering on its own res;
// one that was away while the broker lost its queue gets the newest list
// from the journal when it returns, and a later command it did take does
// not hide the list it missed.
func TestFleetWideRevocationAndSync(t *testing.T) {
	b := startBroker(t)
	k1 := newKiosk(t, b, "L-RA")
	k2 := newKiosk(t, b, "L-RB")
	op := newOperator(t, b)
	j := newJournal(t)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	central, err := Dial(ctx, b.operatorConfig(), testLog(t))
	must(t, err)
	defer central.Close()
	go central.ServeSync(ctx, j)

	anna := courierToken(t, "anna")
	all := func(list cred.Revocations, expect ...string) map[string]Result {
		t.Helper()
		var mu sync.Mutex
		got := map[string]Result{}
		cctx, cancel := context.WithTimeout(ctx, testenv.Patience)
		defer cancel()
		err := op.CommandAll(cctx, j, CmdRevoke, revokeCmd(t, testOperator, allLockers, list), time.Hour, expect, func(r Result) {
			mu.Lock()
			got[r.Locker] = r
			mu.Unlock()
		})
		if err != nil && len(expect) > 0 {
			t.Fatalf("CommandAll: %v (answers %v)", err, got)
		}
		mu.Lock()
		defer mu.Unlock()
		return got
	}
	got := all(cred.Revocations{Version: 5, Subjects: []cred.SubjectRevocation{{Kind: "courier", ID: "anna"}}}, k1.id, k2.id)
	for _, k := range []*kiosk{k1, k2} {
		if r := got[k.id]; r.Status != StatusOK || r.RevocationVersion != 5 {
			t.Fatalf("%s answered %+v", k.id, r)
		}
		if _, err := k.locker.LoginCourier(context.Background(), anna); !errors.Is(err, core.ErrTokenRevoked) {
			t.Fatalf("%s after the fleet-wide list: %v", k.id, err)
		}
	}

	// L-RB goes away; list 6 goes out and the broker loses its queue.
	k2.stop()
	all(cred.Revocations{Version: 6, Subjects: []cred.SubjectRevocation{{Kind: "carrier", ID: "TEST"}}}, k1.id)
	b.Stop()
	if err := os.Remove(filepath.Join(b.dir, "mosquitto.db")); err != nil {
		t.Fatalf("the broker kept no store to lose: %v", err)
	}
	b.start()
	k2.start()
	testenv.Await(t, "L-RB gets list 6 from the journal", func() bool {
		l, err := k2.locker.Office().Revocations(context.Background())
		return err == nil && l.Version == 6
	})
	if _, err := k2.locker.LoginCourier(context.Background(), courierToken(t, "dora")); !errors.Is(err, core.ErrTokenRevoked) {
		t.Fatalf("a TEST courier at L-RB after the resent list: %v", err)
	}
}
