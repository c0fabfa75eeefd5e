package fleet

import (
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// certStore is the locker's client certificate: read from the files the
// configuration names, handed to every TLS handshake, and replaced by a
// renewal, on disk before in memory.
type certStore struct {
	certFile, keyFile string
	cur               atomic.Pointer[tls.Certificate]
}

// newFile is where a renewal writes a file before it renames it into place.
func newFile(path string) string { return path + ".new" }

// loadCerts reads the pair, finishing a renewal a crash interrupted: the
// key is renamed into place first, so a key without its certificate has
// the certificate still waiting beside it.
func loadCerts(certFile, keyFile string) (*certStore, error) {
	s := &certStore{certFile: certFile, keyFile: keyFile}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err == nil {
		// Left from a renewal that stopped before its first rename.
		os.Remove(newFile(keyFile))
		os.Remove(newFile(certFile))
	} else {
		done, err2 := tls.LoadX509KeyPair(newFile(certFile), keyFile)
		if err2 != nil {
			return nil, fmt.Errorf("fleet: client certificate: %w", err)
		}
		pair = done
		// Should the rename fail, the pair serves from where it is, and
		// the next start tries again.
		_ = os.Rename(newFile(certFile), certFile)
	}
	if pair.Leaf == nil {
		if pair.Leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return nil, fmt.Errorf("fleet: client certificate: %w", err)
		}
	}
	s.cur.Store(&pair)
	return s, nil
}

func (s *certStore) get(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	return s.cur.Load(), nil
}

func (s *certStore) current() *x509.Certificate { return s.cur.Load().Leaf }

func (s *certStore) notAfter() time.Time { return s.current().NotAfter }

// install writes the new pair beside the old one, synced, then renames the
// key and then the certificate into place, and uses it from the next
// handshake on.
func (s *certStore) install(pair tls.Certificate, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	certMode := fs.FileMode(0o644)
	if st, err := os.Stat(s.certFile); err == nil {
		certMode = st.Mode().Perm()
	}
	if err := writeSynced(newFile(s.keyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return err
	}
	if err := writeSynced(newFile(s.certFile), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pair.Certificate[0]}), certMode); err != nil {
		os.Remove(newFile(s.keyFile))
		return err
	}
	if err := os.Rename(newFile(s.keyFile), s.keyFile); err != nil {
		os.Remove(newFile(s.keyFile))
		os.Remove(newFile(s.certFile))
		return err
	}
	// From here the files on disk are the new pair, whole or to be
	// finished by loadCerts: memory follows them whatever comes.
	s.cur.Store(&pair)
	err = os.Rename(newFile(s.certFile), s.certFile)
	return errors.Join(err, syncDir(filepath.Dir(s.keyFile)), syncDir(filepath.Dir(s.certFile)))
}

func writeSynced(path string, b []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
