package cred

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"pudo/app/keyfile"
)

// PublicKey is one of the operator's verifying keys.
type PublicKey struct {
	key ed25519.PublicKey
	id  [keyIDLen]byte
}

const keyIDLen = 4

// publicPrefix starts the text form of a public key, as the configuration
// holds it: "ed25519:" and the 32 bytes in unpadded base64url.
const publicPrefix = "ed25519:"

// ErrBadKey means a key's text or file is not an Ed25519 key of ours.
var ErrBadKey = errors.New("cred: not an Ed25519 operator key")

func newPublicKey(k ed25519.PublicKey) PublicKey {
	sum := sha256.Sum256(k)
	p := PublicKey{key: k}
	copy(p.id[:], sum[:])
	return p
}

// ParsePublicKey reads the text form String gives.
func ParsePublicKey(s string) (PublicKey, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, publicPrefix) {
		return PublicKey{}, fmt.Errorf("%w: %q does not start with %q", ErrBadKey, clip(s), publicPrefix)
	}
	b, err := base64.RawURLEncoding.DecodeString(s[len(publicPrefix):])
	if err != nil || len(b) != ed25519.PublicKeySize {
		return PublicKey{}, fmt.Errorf("%w: %q is not 32 bytes of base64url", ErrBadKey, clip(s))
	}
	return newPublicKey(ed25519.PublicKey(b)), nil
}

// String is the key as the configuration holds it.
func (k PublicKey) String() string { return publicPrefix + base64.RawURLEncoding.EncodeToString(k.key) }

// ID names the key in tokens, logs and revocation lists: 8 hex digits of
// its SHA-256.
func (k PublicKey) ID() string { return hex.EncodeToString(k.id[:]) }

// IsZero reports whether k holds no key.
func (k PublicKey) IsZero() bool { return k.key == nil }

// PrivateKey is the operator's signing key. It never belongs on a locker of
// a network (see SiteKey in the README): whoever holds it can open every
// locker that trusts its public key.
type PrivateKey struct {
	key ed25519.PrivateKey
	pub PublicKey
}

// GenerateKey makes a fresh key pair from crypto/rand.
func GenerateKey() PrivateKey {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic("cred: crypto/rand failed: " + err.Error()) // never on Linux
	}
	return PrivateKey{key: priv, pub: newPublicKey(pub)}
}

// Public is the verifying half of k.
func (k PrivateKey) Public() PublicKey { return k.pub }

// WritePrivateKey writes k to path (keyfile: PKCS #8 PEM, mode 0600);
// path must not exist.
func WritePrivateKey(path string, k PrivateKey) error {
	if err := keyfile.Write(path, k.key); err != nil {
		return fmt.Errorf("cred: %w", err)
	}
	return nil
}

// ReadPrivateKey reads a key WritePrivateKey wrote (or OpenSSL's
// `genpkey -algorithm ed25519`).
func ReadPrivateKey(path string) (PrivateKey, error) {
	k, err := keyfile.Read(path)
	if errors.Is(err, keyfile.ErrNotKey) {
		return PrivateKey{}, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	if err != nil {
		return PrivateKey{}, fmt.Errorf("cred: %w", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return PrivateKey{}, fmt.Errorf("%w: %s holds a %T", ErrBadKey, path, k)
	}
	return PrivateKey{key: priv, pub: newPublicKey(priv.Public().(ed25519.PublicKey))}, nil
}

func clip(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}
