package keyfile

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteRead(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	path := filepath.Join(t.TempDir(), "k.key")
	if err := Write(path, priv); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := back.(ed25519.PrivateKey); !ok || !got.Equal(priv) {
		t.Fatalf("read back %T, not the key written", back)
	}
	if err := Write(path, priv); !errors.Is(err, os.ErrExist) {
		t.Fatalf("second Write over the key: %v, want it refused", err)
	}
}

func TestReadRefuses(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, body string
		want       error
	}{
		{"empty", "", ErrNotKey},
		{"not pem", "hello\n", ErrNotKey},
		{"other block", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", ErrNotKey},
		{"bad der", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", ErrNotKey},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name)
			os.WriteFile(path, []byte(c.body), 0o600)
			if _, err := Read(path); !errors.Is(err, c.want) {
				t.Fatalf("Read: %v, want %v", err, c.want)
			}
		})
	}
	if _, err := Read(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a missing file: %v, want os.ErrNotExist", err)
	}
}

// The keygen commands' two files: the private key's, never over an
// existing one, and the public key's line beside it; the pubkey command
// prints what publicOf reads and fails with its error.
func TestPairAndPubkey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k")
	key := func(p string) error { return os.WriteFile(p, []byte("private"), 0o600) }
	if err := WritePair(path, key, "pub:1"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path + ".pub"); err != nil || string(b) != "pub:1\n" {
		t.Fatalf("%s.pub = %q, %v", path, b, err)
	}
	if err := WritePair(path, func(p string) error { return Write(p, ed25519.NewKeyFromSeed(make([]byte, 32))) }, "pub:2"); err == nil {
		t.Fatal("a second key pair over the first one")
	}
	var out, errs strings.Builder
	read := func(p string) (string, error) {
		if p != path {
			return "", errors.New("no such key")
		}
		return "pub:1", nil
	}
	if code := PubkeyMain("pudo x pubkey", "`file`", read, []string{"--key", path}, &out, &errs); code != 0 || out.String() != "pub:1\n" {
		t.Fatalf("pubkey = %d %q %s", code, out.String(), errs.String())
	}
	if code := PubkeyMain("pudo x pubkey", "`file`", read, []string{"--key", "other"}, &out, &errs); code != 1 || !strings.Contains(errs.String(), "pudo x pubkey: no such key") {
		t.Fatalf("pubkey of no key = %d %s", code, errs.String())
	}
	if code := PubkeyMain("pudo x pubkey", "`file`", read, nil, &out, &errs); code != 2 {
		t.Fatalf("pubkey without --key = %d", code)
	}
}
