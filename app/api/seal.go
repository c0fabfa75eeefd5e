package api

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
)

// An idempotent answer holds a pickup code, which the store must never keep
// in clear. It is sealed with AES-GCM under a key derived from the caller's
// bearer key, which the kiosk keeps only as a hash: a copied database does
// not reveal the codes, and the caller who retries can still read it.

func sealKey(token, owner, idemKey string) ([]byte, error) {
	return hkdf.Key(sha256.New, []byte(token), nil, "pudo api idempotent answer v1\x00"+owner+"\x00"+idemKey, 32)
}

func seal(token, owner, idemKey string, plain []byte) ([]byte, error) {
	aead, err := sealer(token, owner, idemKey)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, nil), nil
}

var errUnsealed = errors.New("api: sealed answer does not open with this key")

func unseal(token, owner, idemKey string, sealed []byte) ([]byte, error) {
	aead, err := sealer(token, owner, idemKey)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize() {
		return nil, errUnsealed
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], nil)
	if err != nil {
		return nil, errUnsealed
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
