package fleet

import (
	"context"
	"errors"
	"net/url"
	"pudo/app/testenv"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"
)

// A certificate from another CA is refused, and the operator's tool says
// which part is wrong.
func TestWrongCertificateRefused(t *testing.T) {
	b := startBroker(t)
	rogue := newPKI(t, t.TempDir())
	cert, key := rogue.issue(t, "L-ROGUE", false)
	cfg := b.operatorConfig()
	cfg.CertFile, cfg.KeyFile = cert, key
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	if _, err := Dial(ctx, cfg, testLog(t)); !errors.Is(err, ErrBroker) {
		t.Fatalf("Dial with a rogue certificate = %v, want refused", err)
	}
	cfg = b.operatorConfig()
	cfg.CAFile = rogue.path("ca.pem") // the broker's certificate is not from this CA
	_, err := Dial(ctx, cfg, testLog(t))
	if err == nil || !strings.Contains(err.Error(), "not signed by") {
		t.Fatalf("Dial trusting another CA = %v, want a certificate error", err)
	}
	cfg = b.operatorConfig()
	cfg.Broker = "mqtts://127.0.0.1:1" // nothing listens
	if _, err := Dial(ctx, cfg, testLog(t)); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("Dial to a closed port = %v", err)
	}
}

// Locker A may read and write its own tree only: it cannot hear locker B's
// commands nor publish as B.
func TestLockerCannotTouchAnothersTopics(t *testing.T) {
	b := startBroker(t)
	kb := newKiosk(t, b, "L-B")
	w := newWatcher(t, b, "watch-acl")
	certA, keyA := b.pki.issue(t, "L-A", false)
	a := rawClient(t, b, "L-A", certA, keyA)
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	tb := kb.link.topics
	// mosquitto grants the subscription and checks the ACL on delivery:
	// what counts is that nothing of B's reaches A.
	heard := make(chan string, 16)
	a.AddOnPublishReceived(func(pr autopaho.PublishReceived) (bool, error) {
		if !strings.HasPrefix(pr.Packet.Topic, "pudo/v1/"+testFleet+"/L-A/") {
			heard <- pr.Packet.Topic
		}
		return true, nil
	})
	_, err := a.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: tb.Cmd("+"), QoS: 1},
		{Topic: tb.Evt(), QoS: 1}, {Topic: tb.Online(), QoS: 1}, {Topic: "pudo/v1/#", QoS: 1}}})
	must(t, err)
	op := newOperator(t, b)
	if r := command(t, op, nil, kb.id, CmdBook, Command{BookingID: "X", Version: 1, Size: "S", ParcelRef: "X-1"}); r.Status != StatusOK {
		t.Fatalf("book at B = %+v", r)
	}
	w.waitFor(kb.id, kb.lastSeq())
	select {
	case topic := <-heard:
		t.Fatalf("A heard %s", topic)
	case <-time.After(300 * time.Millisecond):
	}
	pr, err := a.Publish(ctx, &paho.Publish{QoS: 1, Topic: tb.Evt(), Payload: []byte(`{"seq":999999}`)})
	if err == nil && (pr == nil || pr.ReasonCode < 0x80) {
		t.Fatalf("A published on B's evt: %+v", pr)
	}
	own := Topics{Fleet: testFleet, Locker: "L-A"}
	if pr, err := a.Publish(ctx, &paho.Publish{QoS: 1, Topic: own.Health(), Payload: []byte(`{}`)}); err != nil || pr.ReasonCode >= 0x80 {
		t.Fatalf("A cannot publish on its own tree: %+v, %v", pr, err)
	}
	time.Sleep(300 * time.Millisecond)
	select {
	case topic := <-heard:
		t.Fatalf("A heard %s", topic)
	default:
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range w.got["L-B"] {
		if e.Seq == 999999 {
			t.Fatal("B's consumers heard A's forged event")
		}
	}
}

// Where the broker has no client certificates, a locker signs in with a
// username and password.
func TestUsernamePasswordFallback(t *testing.T) {
	b := startBroker(t)
	w := newWatcher(t, b, "watch-pass")
	t.Setenv("PUDO_TEST_BROKER_PASSWORD", brokerPass)
	k := newKiosk(t, b, passLocker, func(c *Config) {
		c.Broker, c.CertFile, c.KeyFile, c.CAFile, c.PasswordEnv = b.PlainURL(), "", "", "", "PUDO_TEST_BROKER_PASSWORD"
	})
	op := newOperator(t, b)
	if r := command(t, op, nil, k.id, CmdBook, Command{BookingID: "P", Version: 1, Size: "S", ParcelRef: "P-1"}); r.Status != StatusOK {
		t.Fatalf("book = %+v", r)
	}
	w.waitFor(k.id, k.lastSeq())
}

// rawClient connects with a certificate, as a (possibly hostile) locker.
func rawClient(t *testing.T, b *broker, id, cert, key string) *autopaho.ConnectionManager {
	t.Helper()
	tc, err := tlsConfig(b.pki.path("ca.pem"), cert, key, "127.0.0.1")
	must(t, err)
	u, _ := url.Parse(b.TLSURL())
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cm, err := autopaho.NewConnection(ctx, autopaho.ClientConfig{ServerUrls: []*url.URL{u}, TlsCfg: tc, KeepAlive: 30,
		ClientConfig: paho.ClientConfig{ClientID: id}})
	must(t, err)
	actx, acancel := context.WithTimeout(ctx, testenv.Patience)
	defer acancel()
	must(t, cm.AwaitConnection(actx))
	return cm
}
