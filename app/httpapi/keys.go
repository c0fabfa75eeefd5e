package httpapi

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
)

// KeyPrefix marks Pudo API keys, so secret scanners and people recognise
// one.
const KeyPrefix = "pudo_"

// NewKey returns a fresh API key (256 bits from crypto/rand) and the hash
// to keep.
func NewKey() (key, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("api: crypto/rand failed: " + err.Error()) // never on Linux
	}
	key = KeyPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
	return key, HashKey(key)
}

// HashKey is what a server keeps of a key, as text. A plain SHA-256 is
// enough: the key is 256 random bits, so there is nothing to brute-force.
func HashKey(key string) string {
	return "sha256:" + hex.EncodeToString(KeyDigest(key))
}

// KeyDigest is HashKey as bytes, for a database to look a key up by.
func KeyDigest(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

// Bearer extracts the token of an "Authorization: Bearer ..." header.
func Bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}
