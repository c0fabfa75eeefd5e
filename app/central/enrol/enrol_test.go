package enrol_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"pudo/app/central/enrol"
	"pudo/app/central/mqtttest"
	"pudo/app/central/pgtest"
	"pudo/app/central/store"
)

func csr(t *testing.T, cn string) string {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

// A one-time token is spent once for the locker it names, and gives a
// client certificate for that id from the operator's CA; a second use, a
// wrong locker and a wrong name in the request are refused alike.
func TestEnrolOnce(t *testing.T) {
	pg := pgtest.Start(t)
	ctx := context.Background()
	st, err := store.Open(ctx, pg.NewDB(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mqtttest.NewPKI(t, dir)
	ca, err := enrol.LoadCA(filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca.key"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(enrol.Handler(st, ca, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	tok, err := enrol.Token(ctx, st, "WAW-1", 0x7fffffff)
	if err != nil {
		t.Fatal(err)
	}
	post := func(locker, token, req string) (int, enrol.Response) {
		body, _ := json.Marshal(enrol.Request{Locker: locker, Token: token, CSR: req})
		r, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var out enrol.Response
		json.NewDecoder(r.Body).Decode(&out)
		return r.StatusCode, out
	}
	if code, _ := post("WAW-2", tok, csr(t, "WAW-2")); code != http.StatusForbidden {
		t.Fatalf("token for another locker: %d", code)
	}
	if code, _ := post("WAW-1", tok, csr(t, "WAW-2")); code != http.StatusForbidden {
		t.Fatalf("request naming another locker: %d", code)
	}
	code, res := post("WAW-1", tok, csr(t, "WAW-1"))
	if code != http.StatusOK {
		t.Fatalf("enrolment: %d", code)
	}
	blk, _ := pem.Decode([]byte(res.Certificate))
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil || cert.Subject.CommonName != "WAW-1" || cert.CheckSignatureFrom(ca.Cert) != nil {
		t.Fatalf("certificate: %v %v", cert.Subject, err)
	}
	if code, _ := post("WAW-1", tok, csr(t, "WAW-1")); code != http.StatusForbidden {
		t.Fatalf("the token spent twice: %d", code)
	}
	l, err := st.GetLocker(ctx, "WAW-1")
	if err != nil || l.CertNotAfter.IsZero() {
		t.Fatalf("registry after enrolment: %+v %v", l, err)
	}
}
