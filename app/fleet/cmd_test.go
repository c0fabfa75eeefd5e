package fleet

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// pudo fleet as an operator's engineer runs it against the broker.
func TestFleetCommandLine(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-CLI")
	waitUntil(t, "the locker is up", 10*time.Second, k.link.Connected)
	journal := filepath.Join(t.TempDir(), "journal.db")
	common := []string{"--broker", b.TLSURL(), "--fleet", testFleet, "--ca", b.pki.path("ca.pem"),
		"--cert", b.pki.path(operatorID + ".pem"), "--cert-key", b.pki.path(operatorID + ".key"), "--journal", journal}
	run := func(args ...string) (int, string, string) {
		t.Helper()
		var out, errw bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		code := Main(ctx, append(args[:1:1], append(append([]string{}, common...), args[1:]...)...), &out, &errw)
		return code, out.String(), errw.String()
	}
	code, out, errs := run("book", "--locker", k.id, "--size", "M", "--parcel-ref", "CLI-1", "--booking-id", "CB1")
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
	code, out, errs = run("cancel", "--locker", k.id, "--booking-id", "CB1")
	if code != 0 || !strings.Contains(out, "Cancelled booking CB1") {
		t.Fatalf("cancel: %d\n%s%s", code, out, errs)
	}
	code, _, errs = run("open", "--locker", k.id, "--booking-id", "CB1", "--key", filepath.Join(t.TempDir(), "none"))
	if code == 0 || !strings.Contains(errs, "no such file") {
		t.Fatalf("open without a key file: %d %s", code, errs)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"wrong locker", []string{"book", "--locker", "L-NOPE", "--size", "S", "--parcel-ref", "X"}, `no locker "L-NOPE"`},
		{"missing size", []string{"book", "--locker", k.id, "--parcel-ref", "X"}, "book needs"},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
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
