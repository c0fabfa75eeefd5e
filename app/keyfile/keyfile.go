// Package keyfile keeps a private key in a file as PKCS #8 PEM of mode
// 0600: the one form the operator's signing key and a carrier's seal key
// share, and one OpenSSL reads too (`openssl pkey -in FILE -noout -text`).
package keyfile

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// PEMType is the PEM block a key file holds.
const PEMType = "PRIVATE KEY"

// ErrNotKey: the file exists but holds no PKCS #8 private key.
var ErrNotKey = errors.New("not a private key file")

// Write writes key (as x509.MarshalPKCS8PrivateKey takes it) to path. The
// path must not exist: a key that signs or opens codes is never replaced
// by mistake.
func Write(path string, key any) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := pem.Encode(f, &pem.Block{Type: PEMType, Bytes: der}); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// Read returns the key in path as x509.ParsePKCS8PrivateKey gives it; the
// caller checks its type. A file without one is ErrNotKey.
func Read(path string) (any, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(body)
	if block == nil || block.Type != PEMType {
		return nil, fmt.Errorf("%w: %s holds no %q PEM block", ErrNotKey, path, PEMType)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotKey, path, err)
	}
	return k, nil
}
