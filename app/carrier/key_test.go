package carrier

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"pudo/app/keyfile"
)

func TestPublicKeyText(t *testing.T) {
	k := GenerateKey().Public()
	back, err := ParsePublicKey(" " + k.String() + "\n")
	if err != nil || back != k || back.IsZero() {
		t.Fatalf("ParsePublicKey(String) = %v, %v", back, err)
	}
	// The order-1 and order-8 points of Curve25519: whatever is sealed to
	// them, anybody opens.
	small := [][]byte{make([]byte, 32), append([]byte{1}, make([]byte, 31)...),
		{0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
			0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00}}
	for _, tt := range []struct{ name, text string }{
		{"empty", ""},
		{"operator key", "ed25519:" + base64.RawURLEncoding.EncodeToString(make([]byte, 32))},
		{"short", publicPrefix + "AAAA"},
		{"padded", publicPrefix + base64.URLEncoding.EncodeToString(make([]byte, 32))},
		{"33 bytes", publicPrefix + base64.RawURLEncoding.EncodeToString(make([]byte, 33))},
		{"zero point", publicPrefix + base64.RawURLEncoding.EncodeToString(small[0])},
		{"order 1", publicPrefix + base64.RawURLEncoding.EncodeToString(small[1])},
		{"order 8", publicPrefix + base64.RawURLEncoding.EncodeToString(small[2])},
	} {
		if _, err := ParsePublicKey(tt.text); !errors.Is(err, ErrBadKey) {
			t.Errorf("%s: ParsePublicKey(%q) = %v, want ErrBadKey", tt.name, tt.text, err)
		}
	}
}

func TestPrivateKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "carrier.key")
	k := GenerateKey()
	if err := WritePrivateKey(path, k); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", st.Mode().Perm())
	}
	if err := WritePrivateKey(path, GenerateKey()); err == nil {
		t.Fatal("a second key overwrote the first")
	}
	back, err := ReadPrivateKey(path)
	if err != nil || back.Public() != k.Public() {
		t.Fatalf("ReadPrivateKey = %v, %v", back.Public(), err)
	}

	// An operator's Ed25519 key is not a carrier's.
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(edKey)
	ed := filepath.Join(dir, "operator.key")
	os.WriteFile(ed, pem.EncodeToMemory(&pem.Block{Type: keyfile.PEMType, Bytes: der}), 0o600)
	junk := filepath.Join(dir, "junk.key")
	os.WriteFile(junk, []byte("not pem"), 0o600)
	for _, p := range []string{ed, junk} {
		if _, err := ReadPrivateKey(p); !errors.Is(err, ErrBadKey) {
			t.Errorf("ReadPrivateKey(%s) = %v, want ErrBadKey", filepath.Base(p), err)
		}
	}
	if _, err := ReadPrivateKey(filepath.Join(dir, "none.key")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
