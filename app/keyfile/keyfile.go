// Package keyfile keeps a private key in a file as PKCS #8 PEM of mode
// 0600: the one form the operator's signing key and a carrier's seal key
// share, and one OpenSSL reads too (`openssl pkey -in FILE -noout -text`).
// It also holds what their keygen and pubkey commands (pudo token, pudo
// carrier) share: the key pair's two files, and the pubkey command.
package keyfile

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
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

// WritePair writes a new key pair, as the keygen commands do: the private
// key by writePrivate to path (which must not exist, see Write) and the
// public key's text, one line, to path.pub.
func WritePair(path string, writePrivate func(path string) error, public string) error {
	if err := writePrivate(path); err != nil {
		return err
	}
	return os.WriteFile(path+".pub", []byte(public+"\n"), 0o644)
}

// PubkeyMain is the pubkey command of a kind of key, `COMMAND --key FILE`:
// it prints the public key of the private key file, as publicOf reads it.
// keyUsage is the --key flag's help.
func PubkeyMain(command, keyUsage string, publicOf func(path string) (string, error), args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyPath := fs.String("key", "", keyUsage)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *keyPath == "" || fs.NArg() > 0 {
		fmt.Fprintf(stderr, "usage: %s --key FILE\n", command)
		return 2
	}
	pub, err := publicOf(*keyPath)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", command, err)
		return 1
	}
	fmt.Fprintln(stdout, pub)
	return 0
}

// PublicOf is PubkeyMain's publicOf for a kind of key whose file read
// gives a private key with a Public method.
func PublicOf[K interface{ Public() P }, P fmt.Stringer](read func(path string) (K, error)) func(path string) (string, error) {
	return func(path string) (string, error) {
		k, err := read(path)
		if err != nil {
			return "", err
		}
		return k.Public().String(), nil
	}
}
