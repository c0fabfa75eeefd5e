package httpapi

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"net/http"
)

// IdempotencyHeader names the key a client sends so that a retry of the
// same request gets the first answer instead of a second booking.
const IdempotencyHeader = "Idempotency-Key"

// CheckIdemKey refuses an Idempotency-Key that is too long or not
// visible ASCII.
func CheckIdemKey(k string) error {
	if len(k) > 255 {
		return Errorf(http.StatusBadRequest, "invalid_idempotency_key", "Idempotency-Key is longer than 255 characters")
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return Errorf(http.StatusBadRequest, "invalid_idempotency_key", "Idempotency-Key must be visible ASCII, such as a UUID")
		}
	}
	return nil
}

// An idempotent answer holds a pickup code, which a store must never keep
// in clear. It is sealed with AES-GCM under a key derived from the
// caller's bearer key, which the server keeps only as a hash: a copied
// database does not reveal the codes, and the caller who retries can
// still read it.

func sealKey(token, owner, idemKey string) ([]byte, error) {
	return hkdf.Key(sha256.New, []byte(token), nil, "pudo api idempotent answer v1\x00"+owner+"\x00"+idemKey, 32)
}

// Seal seals an answer for the caller holding token.
func Seal(token, owner, idemKey string, plain []byte) ([]byte, error) {
	aead, err := sealer(token, owner, idemKey)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, nil), nil
}

// ErrUnsealed is an answer sealed under another bearer key.
var ErrUnsealed = errors.New("api: sealed answer does not open with this key")

// Unseal opens what Seal sealed with the same token, owner and key.
func Unseal(token, owner, idemKey string, sealed []byte) ([]byte, error) {
	aead, err := sealer(token, owner, idemKey)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize() {
		return nil, ErrUnsealed
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], nil)
	if err != nil {
		return nil, ErrUnsealed
	}
	return plain, nil
}

func sealer(token, owner, idemKey string) (cipher.AEAD, error) {
	k, err := sealKey(token, owner, idemKey)
	if err != nil {
		return nil, err
	}
	blk, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(blk)
}
