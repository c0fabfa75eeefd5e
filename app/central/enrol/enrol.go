// Package enrol is the operator's CA at work: a one-time enrolment token
// for a locker id, exchanged once for the locker's client certificate
// (whose common name is the id, which the broker's ACL ties to the
// locker's topics), and renewal over the link, where the locker is who
// the broker says it is.
package enrol

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base32"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"time"

	"pudo/app/central/store"
)

// CA is the operator's certificate authority for lockers.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	PEM  []byte
	// Validity of the certificates issued.
	Validity time.Duration
}

// LoadCA reads the CA's certificate and key (PEM; the key PKCS #8, EC or
// RSA as openssl writes them).
func LoadCA(certFile, keyFile string) (*CA, error) {
	cb, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(cb)
	if blk == nil {
		return nil, fmt.Errorf("%s holds no PEM certificate", certFile)
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", certFile, err)
	}
	kb, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	kblk, _ := pem.Decode(kb)
	if kblk == nil {
		return nil, fmt.Errorf("%s holds no PEM key", keyFile)
	}
	var key any
	if key, err = x509.ParsePKCS8PrivateKey(kblk.Bytes); err != nil {
		if key, err = x509.ParseECPrivateKey(kblk.Bytes); err != nil {
			key, err = x509.ParsePKCS1PrivateKey(kblk.Bytes)
		}
	}
	signer, ok := key.(crypto.Signer)
	if err != nil || !ok {
		return nil, fmt.Errorf("%s: not a private key openssl writes (PKCS #8, EC or RSA)", keyFile)
	}
	return &CA{Cert: cert, Key: signer, PEM: cb, Validity: 90 * 24 * time.Hour}, nil
}

// Token makes a one-time enrolment token for locker, valid for valid; only
// its hash is kept.
func Token(ctx context.Context, st *store.Store, locker string, valid time.Duration) (string, error) {
	b := make([]byte, 20)
	rand.Read(b)
	tok := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
	if err := st.AddEnrolment(ctx, hash(tok), locker, time.Now().Add(valid)); err != nil {
		return "", err
	}
	return tok, nil
}

func hash(tok string) []byte {
	h := sha256.Sum256([]byte("pudo enrolment token v1\x00" + strings.ToUpper(strings.TrimSpace(tok))))
	return h[:]
}

// ErrRefused is an enrolment refused; the message says why without
// saying whether the token existed.
var ErrRefused = errors.New("enrolment refused")

// Enrol spends a token for locker and returns the certificate for the
// CSR (PEM), whose common name must be the locker id.
func Enrol(ctx context.Context, st *store.Store, ca *CA, locker, token string, csrPEM []byte) ([]byte, error) {
	csr, err := parseCSR(csrPEM, locker)
	if err != nil {
		return nil, err
	}
	serial := newSerial()
	if err := st.UseEnrolment(ctx, hash(token), locker, serial.Text(16)); err != nil {
		if errors.Is(err, store.ErrTokenSpent) {
			return nil, fmt.Errorf("%w: the token is unknown, used or expired for %s (pudo central enrol token makes a new one)", ErrRefused, locker)
		}
		return nil, err
	}
	return issue(ctx, st, ca, locker, csr, serial, true)
}

// Renew issues a new certificate to a locker over the link: locker is
// the topic's, which the broker authorised with the current certificate.
func Renew(ctx context.Context, st *store.Store, ca *CA, locker string, csrPEM []byte) ([]byte, error) {
	csr, err := parseCSR(csrPEM, locker)
	if err != nil {
		return nil, err
	}
	return issue(ctx, st, ca, locker, csr, newSerial(), false)
}

func parseCSR(csrPEM []byte, locker string) (*x509.CertificateRequest, error) {
	blk, _ := pem.Decode(csrPEM)
	if blk == nil || blk.Type != "CERTIFICATE REQUEST" {
		return nil, fmt.Errorf("%w: not a PEM certificate request", ErrRefused)
	}
	csr, err := x509.ParseCertificateRequest(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRefused, err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("%w: the request's signature: %v", ErrRefused, err)
	}
	if csr.Subject.CommonName != locker {
		return nil, fmt.Errorf("%w: the request names %q, not %q", ErrRefused, csr.Subject.CommonName, locker)
	}
	return csr, nil
}

func newSerial() *big.Int {
	s, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return s
}

func issue(ctx context.Context, st *store.Store, ca *CA, locker string, csr *x509.CertificateRequest, serial *big.Int, enrolled bool) ([]byte, error) {
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: locker},
		NotBefore: now.Add(-5 * time.Minute), NotAfter: now.Add(ca.Validity),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, csr.PublicKey, ca.Key)
	if err != nil {
		return nil, fmt.Errorf("enrol: %w", err)
	}
	if err := st.SetCertificate(ctx, locker, serial.Text(16), tmpl.NotAfter, enrolled); err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}
