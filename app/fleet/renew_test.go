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
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app/testenv"
)

// A locker whose certificate ends within renew_before asks over the link;
// an answer to another request is ignored; the operator's certificate
// replaces the files (the key private to the kiosk's user), and the locker
// connects with it after a restart.
func TestRenewalOverTheLink(t *testing.T) {
	b := startBroker(t)
	op := newOperator(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	reqs := make(chan CertRequest, 4)
	op.OnMessage(func(p *paho.Publish) {
		var r CertRequest
		if strings.HasSuffix(p.Topic, "/"+sufCertReq) && json.Unmarshal(p.Payload, &r) == nil {
			reqs <- r
		}
	})
	must(t, op.Subscribe(ctx, topicRoot+"/"+testFleet+"/+/"+sufCertReq))
	// The test certificates last a day: two days before the end is now.
	k := newKiosk(t, b, "L-RENEW", func(c *Config) { c.RenewBefore = 48 * time.Hour })
	before, err := tls.LoadX509KeyPair(k.cfg.CertFile, k.cfg.KeyFile)
	must(t, err)
	r := testenv.Receive(t, "the locker's certificate request", reqs)
	if r.Locker != k.id {
		t.Fatalf("the request names %q", r.Locker)
	}
	answer := func(res CertResponse) {
		t.Helper()
		body, _ := json.Marshal(res)
		_, err := op.cm.Publish(ctx, &paho.Publish{QoS: 1, Topic: k.link.topics.CertRes(), Payload: body})
		must(t, err)
	}
	issued := b.pki.signCSR(t, r.CSR, 90*24*time.Hour)
	answer(CertResponse{RequestID: "someone else's", Certificate: issued, CA: b.pki.caPEM()})
	answer(CertResponse{RequestID: r.RequestID, Certificate: issued, CA: b.pki.caPEM()})
	testenv.Await(t, "the renewed certificate in cert_file", func() bool {
		pair, err := tls.LoadX509KeyPair(k.cfg.CertFile, k.cfg.KeyFile)
		return err == nil && pair.Leaf.NotAfter.After(time.Now().Add(80*24*time.Hour))
	})
	if st, err := os.Stat(k.cfg.KeyFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the new key file: %v %v, want mode 0600", st.Mode().Perm(), err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(k.cfg.CertFile), "*.new")); len(leftovers) > 0 {
		t.Fatalf("left beside the pair: %v", leftovers)
	}
	after, err := tls.LoadX509KeyPair(k.cfg.CertFile, k.cfg.KeyFile)
	must(t, err)
	if after.Leaf.Equal(before.Leaf) {
		t.Fatal("the certificate is the same")
	}
	k.stop()
	k.start()
	testenv.Await(t, "the locker back on its renewed certificate", k.link.Ready)
	if got := k.link.certs.notAfter(); !got.Equal(after.Leaf.NotAfter) {
		t.Fatalf("the link uses a certificate ending %s, want the renewed one (%s)", got, after.Leaf.NotAfter)
	}
}

// An answer is taken only when it fits: for this locker, for the key it
// asked with, from the CA of the current certificate, ending later.
func TestRenewalTakesOnlyAFittingCertificate(t *testing.T) {
	p := newPKI(t, t.TempDir())
	certFile, keyFile := p.issue(t, "L-FIT", false)
	s, err := loadCerts(certFile, keyFile)
	must(t, err)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other := newPKI(t, t.TempDir())
	for _, tt := range []struct {
		name, cert, ca string
		key            *ecdsa.PrivateKey
		want           string
	}{
		{"fits", p.certFor(t, "L-FIT", &key.PublicKey, 90*24*time.Hour), p.caPEM(), key, ""},
		{"another locker", p.certFor(t, "L-OTHER", &key.PublicKey, 90*24*time.Hour), p.caPEM(), key, "not this locker"},
		{"another key", p.certFor(t, "L-FIT", &p.caKey.PublicKey, 90*24*time.Hour), p.caPEM(), key, "not for the key"},
		{"another CA", other.certFor(t, "L-FIT", &key.PublicKey, 90*24*time.Hour), other.caPEM(), key, "did not issue the current"},
		{"another CA said to be ours", other.certFor(t, "L-FIT", &key.PublicKey, 90*24*time.Hour), p.caPEM(), key, "not signed by the CA"},
		{"ending sooner", p.certFor(t, "L-FIT", &key.PublicKey, time.Hour), p.caPEM(), key, "no later"},
		{"no certificate", "", p.caPEM(), key, "no PEM certificate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.fits("L-FIT", []byte(tt.cert), []byte(tt.ca), tt.key)
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("fits = %v, want %q", err, tt.want)
			}
		})
	}
}

// A renewal interrupted anywhere leaves a pair the next start loads: the
// old one before the key moved, the new one after it (its certificate
// moved into place then), and stray files are cleared.
func TestLoadCertsFinishesARenewal(t *testing.T) {
	for _, stop := range []string{"after writing", "after the key moved", "done"} {
		t.Run(stop, func(t *testing.T) {
			p := newPKI(t, t.TempDir())
			certFile, keyFile := p.issue(t, "L-CRASH", false)
			old, err := tls.LoadX509KeyPair(certFile, keyFile)
			must(t, err)
			key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			newCert := p.certFor(t, "L-CRASH", &key.PublicKey, 90*24*time.Hour)
			kder, _ := x509.MarshalPKCS8PrivateKey(key)
			must(t, os.WriteFile(newFile(keyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600))
			must(t, os.WriteFile(newFile(certFile), []byte(newCert), 0o644))
			if stop != "after writing" {
				must(t, os.Rename(newFile(keyFile), keyFile))
			}
			if stop == "done" {
				must(t, os.Rename(newFile(certFile), certFile))
			}
			s, err := loadCerts(certFile, keyFile)
			must(t, err)
			renewed := !s.current().Equal(old.Leaf)
			if renewed != (stop != "after writing") {
				t.Fatalf("loaded the renewed pair: %v", renewed)
			}
			if _, err := tls.LoadX509KeyPair(certFile, keyFile); err != nil {
				t.Fatalf("the files are not a pair: %v", err)
			}
			for _, f := range []string{newFile(certFile), newFile(keyFile)} {
				if _, err := os.Stat(f); err == nil {
					t.Errorf("%s left", filepath.Base(f))
				}
			}
		})
	}
}

func (p *pki) caPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.caCert.Raw}))
}

// certFor issues a client certificate for cn and pub, as central does.
func (p *pki) certFor(tb testing.TB, cn string, pub *ecdsa.PublicKey, valid time.Duration) string {
	tb.Helper()
	p.serial++
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(p.serial), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(valid),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, pub, p.caKey)
	must(tb, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func (p *pki) signCSR(tb testing.TB, csrPEM string, valid time.Duration) string {
	tb.Helper()
	blk, _ := pem.Decode([]byte(csrPEM))
	if blk == nil {
		tb.Fatalf("not a PEM request: %q", csrPEM)
	}
	csr, err := x509.ParseCertificateRequest(blk.Bytes)
	must(tb, err)
	must(tb, csr.CheckSignature())
	return p.certFor(tb, csr.Subject.CommonName, csr.PublicKey.(*ecdsa.PublicKey), valid)
}
