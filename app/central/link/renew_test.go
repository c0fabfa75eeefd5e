package link_test

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
	"net/url"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"

	"pudo/app/central/enrol"
	"pudo/app/central/link"
	"pudo/app/fleet"
)

// A locker renews its certificate over the link: central answers with a
// certificate for the locker of the topic; a request naming another is
// refused.
func TestRenewOverTheLink(t *testing.T) {
	r := newRig(t)
	ca, err := enrol.LoadCA(r.broker.PKI.Path("ca.pem"), r.broker.PKI.Path("ca.key"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := r.config("1")
	cfg.CA = ca
	in, err := link.New(cfg, r.st, quiet())
	if err != nil {
		t.Fatal(err)
	}
	r.wg.Go(func() { in.Run(r.ctx) })
	u, _ := url.Parse(r.broker.TLSURL())
	conn, err := tls.Dial("tcp", u.Host, r.broker.PKI.ClientTLS(t, "K9"))
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan fleet.CertResponse, 2)
	// Writes locked (paho's pinger writes as the client connects, and a
	// packet over TLS is several writes); each answer awaited as long as
	// the test waits, not paho's 10 s.
	c := paho.NewClient(paho.ClientConfig{Conn: packets.NewThreadSafeConn(conn), PacketTimeout: 3 * time.Minute, OnPublishReceived: []func(paho.PublishReceived) (bool, error){
		func(pr paho.PublishReceived) (bool, error) {
			var res fleet.CertResponse
			json.Unmarshal(pr.Packet.Payload, &res)
			got <- res
			return true, nil
		}}})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if _, err := c.Connect(ctx, &paho.Connect{ClientID: "K9", CleanStart: true, KeepAlive: 30}); err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(&paho.Disconnect{})
	base := "pudo/v1/" + testFleet + "/K9/"
	if _, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: base + "cert/res", QoS: 1}}}); err != nil {
		t.Fatal(err)
	}
	r.waitFor("central subscribed", in.Ready)
	for _, cn := range []string{"SOMEONE", "K9"} {
		body, _ := json.Marshal(fleet.CertRequest{RequestID: cn, Locker: "K9", CSR: newCSR(t, cn)})
		if _, err := c.Publish(ctx, &paho.Publish{QoS: 1, Topic: base + "cert/req", Payload: body}); err != nil {
			t.Fatal(err)
		}
		var res fleet.CertResponse
		select {
		case res = <-got:
		case <-ctx.Done():
			t.Fatalf("no answer to the certificate request naming %s within 3 minutes", cn)
		}
		if cn != "K9" {
			if res.Error == "" {
				t.Fatalf("a request naming %s was answered with a certificate", cn)
			}
			continue
		}
		blk, _ := pem.Decode([]byte(res.Certificate))
		if blk == nil {
			t.Fatalf("renewal: %+v", res)
		}
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil || cert.Subject.CommonName != "K9" || cert.CheckSignatureFrom(ca.Cert) != nil {
			t.Fatalf("renewed certificate: %v %v", cert.Subject, err)
		}
	}
}

func newCSR(t *testing.T, cn string) string {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}
