package cred

import (
	"crypto/hkdf"
	"crypto/sha256"
)

// DeriveKey is a 32-byte secret for purpose, derived from k (HKDF-SHA256
// over its seed, purpose as the info): a key a holder of the operator's
// key needs beside it (central's reply key) without a second key file to
// keep and back up. Distinct purposes give independent secrets, and none
// tells anything of k or of its signatures.
func (k PrivateKey) DeriveKey(purpose string) [32]byte {
	var out [32]byte
	b, err := hkdf.Key(sha256.New, k.key.Seed(), nil, "pudo-derived-key-v1/"+purpose, len(out))
	if err != nil {
		panic("cred: hkdf: " + err.Error()) // only for lengths HKDF cannot give
	}
	copy(out[:], b)
	return out
}
