package keyfile

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
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
