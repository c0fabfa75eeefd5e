package carrier

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"pudo/app/keyfile"
)

// PublicKey is a carrier's sealing key, as a locker's [carriers] table
// holds it.
type PublicKey struct {
	key [32]byte
	set bool
}

// publicPrefix starts the text form of a public key: "x25519:" and the 32
// bytes in unpadded base64url.
const publicPrefix = "x25519:"

// ErrBadKey means a key's text or file is not a carrier's X25519 key.
var ErrBadKey = errors.New("carrier: not an X25519 carrier key")

// ParsePublicKey reads the text form String gives. It refuses the few
// points of small order: a code sealed to one of them is readable by all.
func ParsePublicKey(s string) (PublicKey, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, publicPrefix) {
		return PublicKey{}, fmt.Errorf("%w: %q does not start with %q", ErrBadKey, clip(s), publicPrefix)
	}
	b, err := base64.RawURLEncoding.DecodeString(s[len(publicPrefix):])
	if err != nil || len(b) != 32 {
		return PublicKey{}, fmt.Errorf("%w: %q is not 32 bytes of base64url", ErrBadKey, clip(s))
	}
	pub, err := ecdh.X25519().NewPublicKey(b)
	if err != nil {
		return PublicKey{}, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	probe, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return PublicKey{}, fmt.Errorf("carrier: %w", err)
	}
	if _, err := probe.ECDH(pub); err != nil {
		return PublicKey{}, fmt.Errorf("%w: %q is a point of small order, which seals nothing", ErrBadKey, clip(s))
	}
	k := PublicKey{set: true}
	copy(k.key[:], b)
	return k, nil
}

// String is the key as the configuration holds it.
func (k PublicKey) String() string {
	return publicPrefix + base64.RawURLEncoding.EncodeToString(k.key[:])
}

// IsZero reports whether k holds no key.
func (k PublicKey) IsZero() bool { return !k.set }

// PrivateKey is a carrier's opening key. It belongs in the carrier's back
// office only: whoever holds it reads every code sealed for the carrier.
type PrivateKey struct {
	key *ecdh.PrivateKey
}

// GenerateKey makes a fresh key pair from crypto/rand.
func GenerateKey() PrivateKey {
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		panic("carrier: crypto/rand failed: " + err.Error()) // never on Linux
	}
	return PrivateKey{key: k}
}

// Public is the sealing half of k, for the lockers.
func (k PrivateKey) Public() PublicKey {
	p := PublicKey{set: true}
	copy(p.key[:], k.key.PublicKey().Bytes())
	return p
}

// WritePrivateKey writes k to path (keyfile: PKCS #8 PEM, mode 0600);
// path must not exist.
func WritePrivateKey(path string, k PrivateKey) error {
	if err := keyfile.Write(path, k.key); err != nil {
		return fmt.Errorf("carrier: %w", err)
	}
	return nil
}

// ReadPrivateKey reads a key WritePrivateKey wrote (or OpenSSL's
// `genpkey -algorithm x25519`).
func ReadPrivateKey(path string) (PrivateKey, error) {
	k, err := keyfile.Read(path)
	if errors.Is(err, keyfile.ErrNotKey) {
		return PrivateKey{}, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	if err != nil {
		return PrivateKey{}, fmt.Errorf("carrier: %w", err)
	}
	priv, ok := k.(*ecdh.PrivateKey)
	if !ok || priv.Curve() != ecdh.X25519() {
		return PrivateKey{}, fmt.Errorf("%w: %s holds a %T, not an X25519 key (pudo token keys are the operator's, not a carrier's)", ErrBadKey, path, k)
	}
	return PrivateKey{key: priv}, nil
}

func clip(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}

// LoadOrCreateKey reads the private key at path, making it (0600) when
// there is none: for the demo locker's own demo carrier only.
func LoadOrCreateKey(path string) (k PrivateKey, created bool, err error) {
	k, err = ReadPrivateKey(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return k, false, err
	}
	k = GenerateKey()
	return k, true, WritePrivateKey(path, k)
}
