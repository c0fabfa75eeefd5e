package fleetcli_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pudo/app/core"
	"pudo/app/cred"
	"pudo/app/testenv"
)

// pudo fleet revoke through central, at real kiosks: a list for one
// locker is applied there and the revoked token no longer logs in; a list
// for every locker is applied by the online one, names the one away, and
// reaches that one from central when it comes back; leaving out an entry
// of the last list is warned about; an older list is refused.
func TestRevokeThroughCentral(t *testing.T) {
	r := newRig(t)
	k1, k2 := r.kiosk("K1"), r.kiosk("K2")
	ctx := context.Background()
	anna := r.courierToken(t, "anna")
	out, errw, code := run(t, r.env, "revoke", "--locker", "K1", "--version", "1", "--token", tokenID(t, r, anna), "--courier", "ben")
	if code != 0 || !strings.Contains(out, "Revocation list 1 applied at K1") {
		t.Fatalf("revoke --locker: exit %d\n%s%s", code, out, errw)
	}
	if _, err := k1.locker.LoginCourier(ctx, anna); !errors.Is(err, core.ErrTokenRevoked) {
		t.Fatalf("a token revoked with pudo fleet revoke: %v", err)
	}

	k2.stop()
	testenv.Await(t, "central to see K2 offline", func() bool {
		l, err := r.st.GetLocker(ctx, "K2")
		return err == nil && !l.Online
	})
	list := filepath.Join(t.TempDir(), "list.json")
	if err := os.WriteFile(list, []byte(`{"version": 2, "subjects": [{"kind": "courier", "id": "ben"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errw, code = run(t, r.env, "revoke", "--all", "--list", list)
	if code != 0 || !regexp.MustCompile(`K1\s+applied\s+2`).MatchString(out) || !strings.Contains(out, "Offline: K2") ||
		!strings.Contains(errw, "leaves out what list 1") {
		t.Fatalf("revoke --all: exit %d\n%s%s", code, out, errw)
	}
	k2.start()
	testenv.Await(t, "K2, back, holding list 2 from central's sync answer", func() bool {
		l, err := k2.locker.Office().Revocations(ctx)
		return err == nil && l.Version == 2
	})

	out, errw, code = run(t, r.env, "revoke", "--locker", "K1", "--version", "1")
	if code != 1 || !strings.Contains(errw, "stale") {
		t.Fatalf("an older list: exit %d\n%s%s", code, out, errw)
	}
	var kept int
	r.st.Pool().QueryRow(ctx, `SELECT count(*) FROM commands WHERE name = 'revoke'`).Scan(&kept)
	if kept != 3 {
		t.Fatalf("central keeps %d revoke commands, want 3 (each one sent)", kept)
	}
}

// The tool's refusals: each says what to do, and nothing is sent.
func TestFleetRefusals(t *testing.T) {
	env := map[string]string{"PUDO_CENTRAL_DB": "", "PUDO_FLEET_BROKER": "mqtts://127.0.0.1:1", "PUDO_OPERATOR_KEY": ""}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"serve is central's", []string{"serve"}, "pudo central serve answers the lockers' sync requests"},
		{"a key of the link's own", []string{"keygen", "--out", "x.key"}, "pudo token keygen --out FILE"},
		{"its public key", []string{"pubkey", "--key", "x.key"}, "pudo token pubkey --key FILE"},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"book without central", []string{"book", "--locker", "K1", "--size", "S", "--parcel-ref", "X"}, "needs central's database"},
		{"revoke without central", []string{"revoke", "--all", "--version", "3"}, "needs central's database"},
		{"book with --direct", []string{"book", "--direct", "--db", "postgres://x", "--locker", "K1"}, "needs central's database"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, errw, code := run(t, env, tt.args...)
			if code == 0 || !strings.Contains(errw, tt.want) {
				t.Fatalf("%v: exit %d %q, want %q", tt.args, code, errw, tt.want)
			}
		})
	}
}

// revoke's flags are checked before central is asked anything.
func TestRevokeUsage(t *testing.T) {
	r := newRig(t)
	r.kiosk("K1")
	noKey := map[string]string{}
	for k, v := range r.env {
		noKey[k] = v
	}
	noKey["PUDO_OPERATOR_KEY"] = ""
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no target", r.env, []string{"revoke", "--version", "3"}, "revoke needs --locker L or --all"},
		{"both targets", r.env, []string{"revoke", "--all", "--locker", "K1", "--version", "3"}, "revoke needs --locker L or --all"},
		{"no version", r.env, []string{"revoke", "--all", "--token", "0011223344556677"}, "--version N is needed"},
		{"a bad token id", r.env, []string{"revoke", "--all", "--version", "3", "--token", "x"}, "not 16 hex digits"},
		{"an unknown locker", r.env, []string{"revoke", "--locker", "NOPE", "--version", "3"}, `no locker "NOPE"`},
		{"unsigned", noKey, []string{"revoke", "--locker", "K1", "--version", "3"}, "--key is required"},
		{"book unsigned", noKey, []string{"book", "--locker", "K1", "--size", "S", "--parcel-ref", "X"}, "--key is required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, errw, code := run(t, tt.env, tt.args...)
			if code == 0 || !strings.Contains(errw, tt.want) {
				t.Fatalf("%v: exit %d %q, want %q", tt.args, code, errw, tt.want)
			}
		})
	}
	var n int
	r.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM commands`).Scan(&n)
	if n != 0 {
		t.Fatalf("central keeps %d commands after refusals only", n)
	}
}

func (r *rig) courierToken(t *testing.T, id string) string {
	t.Helper()
	now := time.Now()
	text, err := cred.Sign(r.key, cred.Claims{Kind: cred.Courier, Subject: id, Carrier: "TEST",
		Lockers: []string{cred.AllLockers}, IssuedAt: now, Expires: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func tokenID(t *testing.T, r *rig, token string) string {
	t.Helper()
	c, err := cred.Verifier{Keys: []cred.PublicKey{r.key.Public()}, Locker: "any"}.Verify(token, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}
