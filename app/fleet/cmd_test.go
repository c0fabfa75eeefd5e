package fleet

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pudo/app/core"
	"pudo/app/cred"
	"pudo/app/testenv"
)

// pudo fleet as an operator's engineer runs it against the broker.
func TestFleetCommandLine(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-CLI", func(c *Config) { c.RemoteOpen = true })
	testenv.Await(t, "the locker is up", k.link.Connected)
	journal := filepath.Join(t.TempDir(), "journal.db")
	// The operator's key file, as pudo token keygen writes it, signs every
	// command.
	keyFile := filepath.Join(t.TempDir(), "operator.key")
	must(t, cred.WritePrivateKey(keyFile, testOperator))
	common := []string{"--broker", b.TLSURL(), "--fleet", testFleet, "--ca", b.pki.path("ca.pem"),
		"--cert", b.pki.path(operatorID + ".pem"), "--cert-key", b.pki.path(operatorID + ".key"), "--journal", journal}
	run := func(args ...string) (int, string, string) {
		t.Helper()
		var out, errw bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
		defer cancel()
		code := Main(ctx, append(args[:1:1], append(append([]string{}, common...), args[1:]...)...), &out, &errw)
		return code, out.String(), errw.String()
	}
	code, out, errs := run("book", "--locker", k.id, "--size", "M", "--parcel-ref", "CLI-1", "--booking-id", "CB1", "--key", keyFile)
	if code != 0 || !regexp.MustCompile(`Pickup code .*: [0-9A-Z]{4}-[0-9A-Z]{4}`).MatchString(out) {
		t.Fatalf("book: %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("status")
	if code != 0 || !strings.Contains(out, k.id) || !strings.Contains(out, "online") {
		t.Fatalf("status: %d\n%s%s", code, out, errs)
	}
	code, out, _ = run("doors", k.id)
	if code != 0 || !strings.Contains(out, "reserved") {
		t.Fatalf("doors: %d\n%s", code, out)
	}
	code, out, errs = run("cancel", "--locker", k.id, "--booking-id", "CB1", "--key", keyFile)
	if code != 0 || !strings.Contains(out, "Cancelled booking CB1") {
		t.Fatalf("cancel: %d\n%s%s", code, out, errs)
	}
	code, _, errs = run("open", "--locker", k.id, "--booking-id", "CB1", "--key", filepath.Join(t.TempDir(), "none"))
	if code == 0 || !strings.Contains(errs, "no such file") {
		t.Fatalf("open without a key file: %d %s", code, errs)
	}

	code, out, errs = run("book", "--locker", k.id, "--size", "S", "--parcel-ref", "CLI-2", "--booking-id", "CB2", "--key", keyFile)
	if code != 0 {
		t.Fatalf("book: %d\n%s%s", code, out, errs)
	}
	k.dropOff("CLI-2")
	code, out, errs = run("open", "--locker", k.id, "--booking-id", "CB2", "--key", keyFile)
	if code != 0 || !strings.Contains(out, "Opened door") {
		t.Fatalf("open: %d\n%s%s", code, out, errs)
	}
	anna := courierToken(t, "anna")
	code, out, errs = run("revoke", "--locker", k.id, "--version", "1", "--token", tokenID(t, anna), "--courier", "ben", "--key", keyFile)
	if code != 0 || !strings.Contains(out, "Revocation list 1 applied at L-CLI") {
		t.Fatalf("revoke: %d\n%s%s", code, out, errs)
	}
	if _, err := k.locker.LoginCourier(context.Background(), anna); !errors.Is(err, core.ErrTokenRevoked) {
		t.Fatalf("a token revoked with pudo fleet revoke: %v", err)
	}
	list := filepath.Join(t.TempDir(), "list.json")
	must(t, os.WriteFile(list, []byte(`{"version": 2, "subjects": [{"kind": "courier", "id": "ben"}]}`), 0o600))
	code, out, errs = run("revoke", "--all", "--list", list, "--key", keyFile)
	if code != 0 || !regexp.MustCompile(`L-CLI\s+applied\s+2`).MatchString(out) || !strings.Contains(errs, "leaves out what list 1") {
		t.Fatalf("revoke --all: %d\n%s%s", code, out, errs)
	}
	code, out, errs = run("revoke", "--locker", k.id, "--version", "1", "--key", keyFile)
	if code != 1 || !strings.Contains(errs, "list 2 is applied here; 1 is older") {
		t.Fatalf("an older list: %d\n%s%s", code, out, errs)
	}
	testenv.Await(t, "status shows list 2", func() bool {
		_, out, _ := run("status")
		return regexp.MustCompile(`L-CLI .*list 2`).MatchString(out)
	})
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"wrong locker", []string{"book", "--locker", "L-NOPE", "--size", "S", "--parcel-ref", "X", "--key", keyFile}, `no locker "L-NOPE"`},
		{"missing size", []string{"book", "--locker", k.id, "--parcel-ref", "X", "--key", keyFile}, "book needs"},
		{"book unsigned", []string{"book", "--locker", k.id, "--size", "S", "--parcel-ref", "X"}, "--key (the operator's signing key)"},
		{"cancel unsigned", []string{"cancel", "--locker", k.id, "--booking-id", "CB2"}, "--key (the operator's signing key)"},
		{"a key file that is not one", []string{"status", "--key", list}, "not an Ed25519"},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"a key of the link's own", []string{"keygen", "--out", "x.key"}, "pudo token keygen --out FILE"},
		{"its public key", []string{"pubkey", "--key", "x.key"}, "pudo token pubkey --key FILE"},
		{"revoke without a target", []string{"revoke", "--version", "3", "--key", "x.key"}, "revoke needs --locker L or --all"},
		{"revoke without a version", []string{"revoke", "--all", "--token", "0011223344556677", "--key", "x.key"}, "--version N is needed"},
		{"revoke a bad token id", []string{"revoke", "--all", "--version", "3", "--token", "x", "--key", "x.key"}, "not 16 hex digits"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := run(tt.args...)
			if code == 0 || !strings.Contains(errs, tt.want) {
				t.Fatalf("%v: %d %q, want %q", tt.args, code, errs, tt.want)
			}
		})
	}
	var out2, errw bytes.Buffer
	code = Main(context.Background(), []string{"status", "--broker", "mqtts://127.0.0.1:1", "--ca", b.pki.path("ca.pem")}, &out2, &errw)
	if code == 0 || !strings.Contains(errw.String(), "refused") {
		t.Fatalf("wrong broker address: %d %q", code, errw.String())
	}
}
