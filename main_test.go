package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"pudo/app/api"
	"pudo/app/carrier"
	"pudo/app/config"
	"pudo/app/core"
)

// A data dir whose key no longer matches its database stops the kiosk
// before any window opens: exit status 2 and one line on stderr saying what
// is wrong and how to restore (it once started with a fresh key and said
// nothing).
func TestKioskRefusesAReplacedKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	db, _, err := core.OpenData(context.Background(), dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.WriteFile(filepath.Join(dir, core.KeyFile), bytes.Repeat([]byte{9}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--data-dir", dir}, &stdout, &stderr)
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], "does not match") || !strings.Contains(lines[0], "pudo backup") {
		t.Fatalf("exit %d, stderr %q; want 2 and one line naming the mismatch and pudo backup", code, stderr.String())
	}
}

func TestTokenCommandIsWired(t *testing.T) {
	var stdout, stderr bytes.Buffer
	key := filepath.Join(t.TempDir(), "op.key")
	if code := run(context.Background(), []string{"token", "keygen", "--out", key}, &stdout, &stderr); code != 0 {
		t.Fatalf("pudo token keygen: %d %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "public_keys") {
		t.Fatalf("keygen printed %q", stdout.String())
	}
}

func TestCarrierCommandIsWired(t *testing.T) {
	var stdout, stderr bytes.Buffer
	key := filepath.Join(t.TempDir(), "dhl.key")
	if code := run(context.Background(), []string{"carrier", "keygen", "--carrier", "DHL", "--out", key}, &stdout, &stderr); code != 0 {
		t.Fatalf("pudo carrier keygen: %d %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "[carriers]") {
		t.Fatalf("keygen printed %q", stdout.String())
	}
}

// The demo seals the demo courier's walk-in codes for a demo carrier key
// it keeps in the data dir, the same at every start, and leaves a
// configured DEMO key alone.
func TestDemoCarrierKey(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var first, second core.Options
	demoCarrier(dir, &first, log)
	demoCarrier(dir, &second, log)
	k, err := carrier.ReadPrivateKey(filepath.Join(dir, demoCarrierFile))
	if err != nil {
		t.Fatal(err)
	}
	if first.CarrierKeys["DEMO"] != k.Public() || second.CarrierKeys["DEMO"] != k.Public() {
		t.Fatalf("demo carrier keys %v, %v; want %s both times", first.CarrierKeys, second.CarrierKeys, k.Public())
	}
	mine := carrier.GenerateKey().Public()
	configured := core.Options{CarrierKeys: map[string]carrier.PublicKey{"DEMO": mine}}
	demoCarrier(dir, &configured, log)
	if configured.CarrierKeys["DEMO"] != mine {
		t.Fatal("the demo replaced a configured DEMO key")
	}
}

// The readers of the event log that are switched on hold its pruning from
// the locker's first start: the fleet link and each webhook.
func TestOptionsHoldTheReaders(t *testing.T) {
	names := func(c config.Config) []string {
		var out []string
		for _, h := range lockerOptions(c).Holds {
			out = append(out, h.Name)
		}
		return out
	}
	c := config.Default()
	if got := names(c); len(got) != 0 {
		t.Fatalf("the demo locker holds for %v", got)
	}
	c.Fleet.Enabled = true
	c.API.Enabled, c.API.Webhooks = true, []api.Webhook{{Name: "shop"}, {Name: "carrier"}}
	if got, want := names(c), []string{"the fleet link", "webhook shop", "webhook carrier"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("holds %v, want %v", got, want)
	}
	// A broker without pudo central: the link holds until the PUBACK.
	c.Fleet.RetainUntilPUBACK = true
	if got := names(c)[0]; got != "the fleet link (until the broker's PUBACK)" {
		t.Fatalf("with retain_until_puback the link holds as %q", got)
	}
}

// [carriers] reaches the core: the walk-in codes of DHL's couriers are
// sealed with DHL's key.
func TestCarrierKeysReachTheCore(t *testing.T) {
	k := carrier.GenerateKey().Public()
	path := filepath.Join(t.TempDir(), "pudo.toml")
	os.WriteFile(path, []byte("[carriers]\nDHL = \""+k.String()+"\"\n\"dhl.express\" = \""+k.String()+"\"\n"), 0o600)
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	got := lockerOptions(c).CarrierKeys
	if len(got) != 2 || got["DHL"] != k || got["dhl.express"] != k {
		t.Fatalf("lockerOptions(c).CarrierKeys = %v, want DHL and dhl.express with %s", got, k)
	}
	if n := len(lockerOptions(config.Default()).CarrierKeys); n != 0 {
		t.Fatalf("the defaults know %d carrier keys", n)
	}
}
