package carrier

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// The carrier's whole tool: keygen prints the [carriers] line, pubkey says
// the same key, and open reads the events a locker sealed for it.
func TestCarrierTool(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "acme.key")
	out, errOut, code := run(t, nil, "keygen", "--carrier", "acme.parcels", "--out", keyPath)
	if code != 0 {
		t.Fatalf("keygen = %d: %s", code, errOut)
	}
	var cfg struct {
		Carriers map[string]string `toml:"carriers"`
	}
	if _, err := toml.Decode(out[strings.Index(out, "[carriers]"):], &cfg); err != nil {
		t.Fatalf("the printed table is not TOML: %v\n%s", err, out)
	}
	pubText := cfg.Carriers["acme.parcels"]
	pub, err := ParsePublicKey(pubText)
	if err != nil {
		t.Fatalf("printed key %q: %v", pubText, err)
	}
	if file, _ := os.ReadFile(keyPath + ".pub"); strings.TrimSpace(string(file)) != pubText {
		t.Fatalf(".pub holds %q, printed %q", file, pubText)
	}
	if out, _, code := run(t, nil, "pubkey", "--key", keyPath); code != 0 || strings.TrimSpace(out) != pubText {
		t.Fatalf("pubkey = %d %q, want %q", code, out, pubText)
	}

	sealed, err := Seal(pub, testCode)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(sealed)
	event := `{"seq":9,"kind":"rent.stored","rent_id":17,"kiosk":"WAW-0042","carrier":"acme.parcels","code_sealed":true,"sealed_code":"` + b64 + `"}`
	evPath := filepath.Join(dir, "event.json")
	os.WriteFile(evPath, []byte(event), 0o600)

	want := "MHA6-VG1X\tWAW-0042\t17\n"
	if out, errOut, code := run(t, nil, "open", "--key", keyPath, evPath); code != 0 || out != want {
		t.Fatalf("open FILE = %d %q %s, want %q", code, out, errOut, want)
	}
	if out, _, code := run(t, strings.NewReader(b64+"\n"), "open", "--key", keyPath); code != 0 || out != want {
		t.Fatalf("open < field = %d %q, want %q", code, out, want)
	}
	out, _, code = run(t, strings.NewReader(event), "open", "--key", keyPath, "--json", "-")
	var got opened
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || got != (opened{"WAW-0042", 17, "MHA6-VG1X"}) {
		t.Fatalf("open --json = %d %q (%v)", code, out, err)
	}

	// Another carrier's key opens nothing, and says so.
	otherKey := filepath.Join(dir, "other.key")
	if _, _, code := run(t, nil, "keygen", "--carrier", "OTHER", "--out", otherKey); code != 0 {
		t.Fatal("keygen OTHER failed")
	}
	if out, errOut, code := run(t, nil, "open", "--key", otherKey, evPath); code != 1 || out != "" || !strings.Contains(errOut, "does not open") {
		t.Fatalf("open with another key = %d %q %q", code, out, errOut)
	}

	// A box moved onto another rent's event is refused.
	moved := strings.Replace(event, `"rent_id":17`, `"rent_id":18`, 1)
	if out, errOut, code := run(t, strings.NewReader(moved), "open", "--key", keyPath); code != 1 || out != "" || !strings.Contains(errOut, "moved") {
		t.Fatalf("open a moved box = %d %q %q", code, out, errOut)
	}
	// A carrier without a key at that locker: the event says so.
	none := `{"seq":10,"kind":"rent.stored","rent_id":6,"kiosk":"WAW-0042","carrier":"acme.parcels","code_sealed":false}`
	if _, errOut, code := run(t, strings.NewReader(none), "open", "--key", keyPath); code != 1 || !strings.Contains(errOut, "no seal key") {
		t.Fatalf("open an unsealed delivery = %d %q", code, errOut)
	}
	if _, errOut, code := run(t, strings.NewReader(`{"seq":1,"kind":"rent.collected"}`), "open", "--key", keyPath); code != 1 || !strings.Contains(errOut, "no sealed code") {
		t.Fatalf("open without a delivery = %d %q", code, errOut)
	}
}

func TestCarrierToolUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		nil, {"nope"}, {"keygen"}, {"keygen", "--carrier", "A B\n"}, {"keygen", "--carrier", strings.Repeat("x", 33)},
		{"keygen", "--carrier", "A", "extra"}, {"open"}, {"open", "--key", "k", "a", "b"}, {"pubkey"},
	} {
		if _, errOut, code := run(t, nil, args...); code != 2 || errOut == "" {
			t.Errorf("%q = %d %q, want 2 and a message", args, code, errOut)
		}
	}
	if _, errOut, code := run(t, nil, "open", "--key", filepath.Join(dir, "none.key")); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("open with a missing key = %d %q", code, errOut)
	}
	if out, _, code := run(t, nil, "--help"); code != 0 || !strings.Contains(out, "pudo carrier open") {
		t.Errorf("--help = %d %q", code, out)
	}
}

func run(t *testing.T, stdin *strings.Reader, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	if stdin != nil && len(args) > 0 && args[0] == "open" {
		code = openMain(args[1:], stdin, &o, &e)
	} else {
		code = Main(context.Background(), args, &o, &e)
	}
	return o.String(), e.String(), code
}
