package cred

import (
	"crypto/ed25519"
	"testing"
)

// A message signature verifies only for its purpose, its bytes and its
// key, and a bare Ed25519 signature of the same bytes (what a token's or
// any other system's signature over them would be) does not pass.
func TestSignMessage(t *testing.T) {
	msg := []byte("pudo-fleet-open-v1\nf\nL1\ncmd-1")
	sig := testKey.SignMessage("fleet-command", msg)
	keys := []PublicKey{oldKey.Public(), testKey.Public()}
	if k, ok := VerifyMessage(keys, "fleet-command", msg, sig); !ok || k.ID() != testKey.Public().ID() {
		t.Fatalf("VerifyMessage = %v, %v; want the signing key", k.ID(), ok)
	}
	other := append([]byte{}, msg...)
	other[len(other)-1] = '2'
	for _, tt := range []struct {
		name    string
		keys    []PublicKey
		purpose string
		msg     []byte
		sig     []byte
	}{
		{"another purpose", keys, "token", msg, sig},
		{"other bytes", keys, "fleet-command", other, sig},
		{"an untrusted key", []PublicKey{oldKey.Public()}, "fleet-command", msg, sig},
		{"no keys", nil, "fleet-command", msg, sig},
		{"a zero key", []PublicKey{{}}, "fleet-command", msg, sig},
		{"a bare signature of the bytes", keys, "fleet-command", msg, ed25519.Sign(testKey.key, msg)},
		{"short", keys, "fleet-command", msg, sig[:10]},
		{"empty", keys, "fleet-command", msg, nil},
	} {
		if _, ok := VerifyMessage(tt.keys, tt.purpose, tt.msg, tt.sig); ok {
			t.Errorf("%s: verified", tt.name)
		}
	}
}
