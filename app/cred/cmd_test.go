package cred

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func decodeQR(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("%s does not decode: %v", path, err)
	}
	return res.GetText()
}

// The operator's whole round: a key pair, a courier token and a staff
// badge, each printed and written as a QR code that decodes to the token,
// and verified at a locker that trusts only the public half.
func TestTokenCommand(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "operator.key")
	code, out, errs := run(t, "keygen", "--out", key)
	if code != 0 {
		t.Fatalf("keygen: %d %s", code, errs)
	}
	if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key: %v %v", fi, err)
	}
	pubText, _ := os.ReadFile(key + ".pub")
	pub, err := ParsePublicKey(string(pubText))
	if err != nil || !strings.Contains(out, pub.String()) {
		t.Fatalf("keygen printed %q; .pub %q: %v", out, pubText, err)
	}
	if code, out, errs := run(t, "pubkey", "--key", key); code != 0 || strings.TrimSpace(out) != pub.String() {
		t.Fatalf("pubkey: %d %q %s; want %s", code, out, errs, pub)
	}
	if code, _, errs := run(t, "pubkey", "--key", key+".pub"); code != 1 || !strings.Contains(errs, "PEM") {
		t.Fatalf("pubkey of a public key file: %d %s", code, errs)
	}
	v := Verifier{Keys: []PublicKey{pub}, Locker: "L2"}
	for _, tt := range []struct {
		args []string
		kind Kind
		qr   string
	}{
		{[]string{"--courier", "anna", "--carrier", "DHL", "--lockers", "L1,L2", "--valid", "12h"}, Courier, "courier-anna.png"},
		{[]string{"--staff", "piotr", "--lockers", "L2", "--valid", "720h", "--qr", filepath.Join(dir, "badge.png")}, Staff, filepath.Join(dir, "badge.png")},
	} {
		t.Chdir(dir)
		code, out, errs := run(t, append([]string{"new", "--key", key}, tt.args...)...)
		if code != 0 {
			t.Fatalf("new %v: %d %s", tt.args, code, errs)
		}
		text := strings.TrimSpace(out)
		c, err := v.Verify(text, time.Now())
		if err != nil || c.Kind != tt.kind {
			t.Fatalf("new %v printed %q: %+v %v", tt.args, text, c, err)
		}
		if got := decodeQR(t, filepath.Join(dir, filepath.Base(tt.qr))); got != text {
			t.Fatalf("QR holds %q, want %q", got, text)
		}
		if !strings.Contains(errs, c.ID) || !strings.Contains(errs, filepath.Base(tt.qr)) {
			t.Fatalf("new did not name the token id and QR file: %s", errs)
		}
		if code, out, _ := run(t, "show", text); code != 0 || !strings.Contains(out, c.Subject) {
			t.Fatalf("show: %d %s", code, out)
		}
	}
	for _, args := range [][]string{
		{"new", "--key", key, "--courier", "anna", "--lockers", "L1"},                // no carrier
		{"new", "--key", key, "--staff", "p", "--courier", "c", "--lockers", "L1"},   // two kinds
		{"new", "--key", key, "--staff", "p"},                                        // no lockers
		{"new", "--key", key, "--staff", "p", "--lockers", "L1", "--valid", "9000h"}, // too long
		{"new", "--staff", "p", "--lockers", "L1"},                                   // no key
		{"new", "--key", key, "--pickup", "x", "--lockers", "L1"},                    // not a rent id
		{"frobnicate"},
	} {
		if code, _, errs := run(t, args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, %q; want 2 and a message", args, code, errs)
		}
	}
	if code, _, _ := run(t, "keygen", "--out", key); code != 1 {
		t.Errorf("keygen over an existing key: exit %d, want 1", code)
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo", "operator.key")
	k, created, err := LoadOrCreateKey(path)
	if err != nil || !created {
		t.Fatalf("first: %v %v", created, err)
	}
	again, created, err := LoadOrCreateKey(path)
	if err != nil || created || again.Public().String() != k.Public().String() {
		t.Fatalf("second: %v %v", created, err)
	}
	os.WriteFile(path, []byte("not a key"), 0o600)
	if _, _, err := LoadOrCreateKey(path); err == nil {
		t.Fatal("a damaged key file was replaced instead of refused")
	}
}
