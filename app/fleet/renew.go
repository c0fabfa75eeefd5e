package fleet

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"
)

// Renewal over the link: a locker whose certificate nears its end asks the
// operator for a new one on cert/req, with a fresh key's certificate
// request whose common name is the locker id; the operator's central
// answers on cert/res (only the operator may write there). The broker let
// the request in on the current certificate, so the locker is who the
// topic says. The new pair replaces the files the configuration names, and
// the next connection uses it.

// CertRequest is what a locker sends on cert/req.
type CertRequest struct {
	RequestID string `json:"request_id"`
	Locker    string `json:"locker"`
	CSR       string `json:"csr"`
}

// CertResponse is the operator's answer on cert/res: the certificate and
// the CA that issued it (PEM), or why not.
type CertResponse struct {
	RequestID   string `json:"request_id"`
	Certificate string `json:"certificate,omitempty"`
	CA          string `json:"ca,omitempty"`
	Error       string `json:"error,omitempty"`
}

const (
	sufCertReq = "cert/req"
	sufCertRes = "cert/res"
)

func (t Topics) CertReq() string { return t.base() + sufCertReq }
func (t Topics) CertRes() string { return t.base() + sufCertRes }

const (
	// renewAnswerWait is how long a request waits for its answer: central
	// answers in a moment, or not at all (no CA configured, not running).
	renewAnswerWait = 2 * time.Minute
	// renewRetry is the least time between two requests; each retry waits
	// up to twice that, at random, so a fleet does not ask in step.
	renewRetry = 30 * time.Minute
	// renewCheck is how often the link looks at the certificate's end.
	renewCheck = 6 * time.Hour
)

// renewLoop renews the certificate once its end is within
// fleet.renew_before, over the link, and tries again later when nobody
// answers or the answer will not do: the current certificate works until
// its end, and the kiosk works without the link.
func (l *Link) renewLoop(ctx context.Context) {
	if l.certs == nil {
		return // no client certificate: a password, nothing to renew
	}
	// Where in the last third of renew_before this locker asks: lockers
	// enrolled together do not all ask at once.
	spread := time.Duration(mrand.Int64N(int64(l.cfg.RenewBefore/3) + 1))
	var retryAt time.Time
	for {
		next := l.certs.notAfter().Add(-l.cfg.RenewBefore + spread)
		if retryAt.After(next) {
			next = retryAt
		}
		now := l.now()
		if !now.Before(next) && l.Ready() {
			err := l.renew(ctx)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				l.log.Warn("fleet: certificate not renewed; the current one serves until its end, and the link asks again later",
					"not_after", l.certs.notAfter(), "err", err)
				retryAt = l.now().Add(renewRetry + time.Duration(mrand.Int64N(int64(renewRetry))))
			default:
				// A renew_before longer than the certificates the operator
				// issues would ask again at once, for ever.
				retryAt = l.now().Add(renewCheck)
				if l.certs.notAfter().Sub(l.now()) <= l.cfg.RenewBefore {
					l.log.Warn("fleet: the renewed certificate ends within fleet.renew_before; the link renews it at most every "+renewCheck.String(),
						"not_after", l.certs.notAfter(), "renew_before", l.cfg.RenewBefore)
				}
			}
			continue
		}
		// Due but not connected: sessionUp wakes this as soon as it is.
		wait := renewCheck
		if d := next.Sub(now); d > 0 && d < wait {
			wait = d
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-l.renewWake:
		case <-t.C:
		}
		t.Stop()
	}
}

// renew asks for a certificate for a new key and, once the answer holds
// one that fits, installs the pair.
func (l *Link) renew(ctx context.Context) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: l.id}}, key)
	if err != nil {
		return err
	}
	req := CertRequest{RequestID: newID(), Locker: l.id, CSR: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))}
	l.mu.Lock()
	cm := l.cm
	l.mu.Unlock()
	l.certAnswers.clear() // an answer to an older request is no answer to this one
	if err := l.publishJSON(ctx, cm, l.topics.CertReq(), false, req, nil); err != nil {
		return fmt.Errorf("request not sent: %w", err)
	}
	l.log.Info("fleet: certificate renewal asked", "not_after", l.certs.notAfter(), "request", req.RequestID)
	wctx, cancel := context.WithTimeout(ctx, renewAnswerWait)
	defer cancel()
	for {
		raw, ok := l.certAnswers.take(wctx)
		if !ok {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("no answer on %s within %s: is pudo central running with --ca-cert and --ca-key?", sufCertRes, renewAnswerWait)
		}
		var res CertResponse
		if json.Unmarshal(raw, &res) != nil || res.RequestID != req.RequestID {
			continue
		}
		if res.Error != "" {
			return fmt.Errorf("the operator refused: %s", res.Error)
		}
		pair, err := l.certs.fits(l.id, []byte(res.Certificate), []byte(res.CA), key)
		if err != nil {
			return err
		}
		if err := l.certs.install(pair, key); err != nil {
			return fmt.Errorf("the new certificate is not kept: %w (the kiosk's user must be able to write fleet.cert_file, fleet.key_file and their directory)", err)
		}
		l.log.Info("fleet: certificate renewed; the next connection uses it", "not_after", pair.Leaf.NotAfter)
		return nil
	}
}

// fits checks an issued certificate: for this locker, for the new key,
// signed by the CA that signed the current one (by its key, not merely
// its name), and ending later.
func (c *certStore) fits(id string, certPEM, caPEM []byte, key *ecdsa.PrivateKey) (tls.Certificate, error) {
	leaf, err := firstCert(certPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("the answer's certificate: %w", err)
	}
	ca, err := firstCert(caPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("the answer's CA: %w", err)
	}
	cur := c.current()
	switch {
	case leaf.Subject.CommonName != id:
		return tls.Certificate{}, fmt.Errorf("the certificate names %q, not this locker", leaf.Subject.CommonName)
	case !key.PublicKey.Equal(leaf.PublicKey):
		return tls.Certificate{}, errors.New("the certificate is not for the key this locker asked with")
	case cur.CheckSignatureFrom(ca) != nil:
		return tls.Certificate{}, fmt.Errorf("the answer's CA %q did not issue the current certificate", ca.Subject)
	case leaf.CheckSignatureFrom(ca) != nil:
		return tls.Certificate{}, errors.New("the certificate is not signed by the CA that issued the current one")
	case !leaf.NotAfter.After(cur.NotAfter):
		return tls.Certificate{}, fmt.Errorf("the certificate ends %s, no later than the current one", leaf.NotAfter.Format(time.RFC3339))
	}
	return tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key, Leaf: leaf}, nil
}

func firstCert(b []byte) (*x509.Certificate, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(blk.Bytes)
}
