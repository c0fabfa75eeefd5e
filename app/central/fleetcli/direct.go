package fleetcli

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"

	"pudo/app/central/link"
)

// maxDirectMessage is the largest message the broker may send the tool:
// it drops larger ones for this client, so a locker that floods its
// retained state costs the tool nothing and hides no other locker.
const maxDirectMessage = 64 << 10

// quietEnd ends a direct read once nothing came for this long (retained
// messages come at once); --wait bounds it anyway.
const quietEnd = 500 * time.Millisecond

type direct struct {
	c       *paho.Client
	mu      sync.Mutex
	handler func(topic string, payload []byte)
	// lost ends when the connection does, with why as its cause: paho
	// forgets a request whose answer the connection took with it, and
	// would wait its whole PacketTimeout to say only "deadline exceeded".
	lost context.Context
	lose context.CancelCauseFunc
}

// dialDirect connects to the broker as the operator and checks the
// identity has the operator's rights: a locker's certificate reads only
// its own locker, and a table from it would look whole.
func (c *cli) dialDirect() (*direct, error) {
	u, err := url.Parse(c.broker)
	if err != nil || u.Host == "" {
		return nil, usageError(fmt.Sprintf("--broker %q is not a URL such as mqtts://broker.example:8883", c.broker))
	}
	// --dial-wait (a minute) bounds connecting and checking the
	// identity's rights: a broker that answers nothing in it is not there
	// for the tool, and a slow one (a loaded host) gets its minute.
	ctx, cancel := context.WithTimeout(c.ctx, c.dialWait)
	defer cancel()
	var conn net.Conn
	switch u.Scheme {
	case "mqtts", "tls", "ssl":
		tc, err := link.TLSConfig(c.ca, c.cert, c.ckey, u.Hostname())
		if err != nil {
			return nil, err
		}
		conn, err = (&tls.Dialer{Config: tc}).DialContext(ctx, "tcp", u.Host)
		if err != nil {
			return nil, c.connectError(err)
		}
	default:
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", u.Host)
		if err != nil {
			return nil, c.connectError(err)
		}
	}
	lost, lose := context.WithCancelCause(context.Background())
	d := &direct{lost: lost, lose: lose}
	// Each packet's answer gets the dial's bound, not paho's 10 s: a
	// loaded broker host is slow, not gone. paho writes from several
	// goroutines (its pinger's first PINGREQ goes out as the client
	// connects) and a packet over TLS is several writes: unlocked, they
	// interleave and the broker drops the connection as malformed.
	d.c = paho.NewClient(paho.ClientConfig{Conn: packets.NewThreadSafeConn(conn), PacketTimeout: c.dialWait,
		OnClientError: func(err error) { lose(fmt.Errorf("the connection to the broker was lost: %s", link.Explain(err))) },
		OnServerDisconnect: func(p *paho.Disconnect) {
			msg := fmt.Sprintf("the broker closed the connection (reason %d)", p.ReasonCode)
			if p.Properties != nil && p.Properties.ReasonString != "" {
				msg += ": " + p.Properties.ReasonString
			}
			lose(errors.New(msg))
		},
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){
			func(pr paho.PublishReceived) (bool, error) {
				d.mu.Lock()
				h := d.handler
				d.mu.Unlock()
				if h != nil {
					h(pr.Packet.Topic, pr.Packet.Payload)
				}
				return true, nil
			}}})
	mp := uint32(maxDirectMessage)
	b := make([]byte, 6)
	rand.Read(b)
	cp := &paho.Connect{ClientID: "pudo-fleet-" + hex.EncodeToString(b), CleanStart: true, KeepAlive: 30,
		Properties: &paho.ConnectProperties{MaximumPacketSize: &mp}}
	if c.user != "" {
		cp.Username, cp.UsernameFlag = c.user, true
		cp.Password, cp.PasswordFlag = []byte(os.Getenv("PUDO_FLEET_PASSWORD")), true
	}
	ca, err := d.c.Connect(ctx, cp)
	if err != nil {
		if ca != nil {
			return nil, fmt.Errorf("the broker refused the connection: %s (%d)", ca.Properties.ReasonString, ca.ReasonCode)
		}
		lose(err)
		return nil, c.connectError(err)
	}
	if err := d.checkOperator(ctx, c.fleetName, c.dialWait); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

// connectError says what went wrong, and when the client certificate is
// not from the CA given for the broker, says that too.
func (c *cli) connectError(err error) error {
	msg := link.Explain(err)
	if hint := c.issuerHint(); hint != "" {
		msg += "; " + hint
	}
	return fmt.Errorf("cannot connect to %s: %s", c.broker, msg)
}

// issuerHint compares the client certificate's issuer with --ca.
func (c *cli) issuerHint() string {
	if c.cert == "" || c.ca == "" {
		return ""
	}
	cert, err1 := firstCert(c.cert)
	ca, err2 := firstCert(c.ca)
	if err1 != nil || err2 != nil {
		return ""
	}
	if cert.CheckSignatureFrom(ca) != nil {
		return fmt.Sprintf("the certificate %s (%s) is issued by %q, not by the CA in %s (%q): a certificate from another CA is refused by the broker",
			c.cert, cert.Subject.CommonName, cert.Issuer.CommonName, c.ca, ca.Subject.CommonName)
	}
	return ""
}

func firstCert(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM")
	}
	return x509.ParseCertificate(blk.Bytes)
}

// checkOperator publishes to a topic outside every locker's tree and
// waits to hear it back: only an identity with the operator's rights can.
func (d *direct) checkOperator(ctx context.Context, fleetName string, wait time.Duration) error {
	ctx, stop := d.bound(ctx)
	defer stop()
	b := make([]byte, 8)
	rand.Read(b)
	topic := "pudo/v1/" + fleetName + "/_probe/" + hex.EncodeToString(b)
	got := make(chan struct{}, 1)
	d.mu.Lock()
	d.handler = func(t string, _ []byte) {
		if t == topic {
			select {
			case got <- struct{}{}:
			default:
			}
		}
	}
	d.mu.Unlock()
	defer func() { d.mu.Lock(); d.handler = nil; d.mu.Unlock() }()
	refused := errors.New("this identity does not have the operator's rights at the broker: it cannot read every locker's topics " +
		"(a locker's certificate reads only its own locker, and its table would look whole): use the operator's certificate (--cert, PUDO_FLEET_CERT)")
	sa, err := d.c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}})
	if err != nil {
		return fmt.Errorf("checking the identity's rights: the broker did not answer a subscription: %w", d.why(ctx, err))
	}
	if len(sa.Reasons) > 0 && sa.Reasons[0] >= 0x80 {
		return refused
	}
	pr, err := d.c.Publish(ctx, &paho.Publish{QoS: 1, Topic: topic, Payload: []byte("probe")})
	if err != nil && strings.Contains(err.Error(), "not authorized") {
		return refused
	}
	if err != nil {
		return fmt.Errorf("checking the identity's rights: the broker did not acknowledge a message: %w", d.why(ctx, err))
	}
	if pr != nil && pr.ReasonCode >= 0x80 {
		return refused
	}
	select {
	case <-got:
		d.c.Unsubscribe(ctx, &paho.Unsubscribe{Topics: []string{topic}})
		return nil
	case <-ctx.Done():
		// A broker that takes the probe and never hands it back is
		// filtering what this identity reads: no operator's rights.
		if c := context.Cause(ctx); errors.Is(c, context.DeadlineExceeded) {
			return fmt.Errorf("%w (the broker took a probe message and did not hand it back within %s)", refused, wait)
		}
		return d.why(ctx, ctx.Err())
	}
}

// read subscribes to filters and hands each message to fn (one at a time)
// until nothing came for quietEnd, or wait passed.
func (d *direct) read(ctx context.Context, filters []string, wait time.Duration, fn func(locker, rest string, payload []byte)) error {
	var mu sync.Mutex
	last := time.Now()
	d.mu.Lock()
	d.handler = func(topic string, payload []byte) {
		parts := strings.SplitN(topic, "/", 4)
		if len(parts) < 4 {
			return
		}
		locker, rest, _ := strings.Cut(parts[3], "/")
		if locker == "_probe" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		last = time.Now()
		fn(locker, rest, payload)
	}
	d.mu.Unlock()
	defer func() { d.mu.Lock(); d.handler = nil; d.mu.Unlock() }()
	var subs []paho.SubscribeOptions
	for _, f := range filters {
		subs = append(subs, paho.SubscribeOptions{Topic: f, QoS: 0})
	}
	ctx, stop := d.bound(ctx)
	defer stop()
	if _, err := d.c.Subscribe(ctx, &paho.Subscribe{Subscriptions: subs}); err != nil {
		return d.why(ctx, err)
	}
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return d.why(ctx, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
		mu.Lock()
		quiet := time.Since(last)
		mu.Unlock()
		if quiet >= quietEnd {
			break
		}
	}
	return nil
}

func (d *direct) close() {
	d.lose(errors.New("the tool closed the connection"))
	d.c.Disconnect(&paho.Disconnect{ReasonCode: 0})
}

func (d *direct) subscribe(ctx context.Context, filter string) error {
	ctx, stop := d.bound(ctx)
	defer stop()
	_, err := d.c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: filter, QoS: 1}}})
	return d.why(ctx, err)
}

// publish publishes p and waits for the broker's acknowledgement.
func (d *direct) publish(ctx context.Context, p *paho.Publish) error {
	ctx, stop := d.bound(ctx)
	defer stop()
	_, err := d.c.Publish(ctx, p)
	return d.why(ctx, err)
}

// bound ends ctx when the connection is lost too.
func (d *direct) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(d.lost, func() { cancel(context.Cause(d.lost)) })
	return ctx, func() { stop(); cancel(nil) }
}

// why is err, or the connection's loss when that is what ended ctx.
func (d *direct) why(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	if d.lost.Err() != nil {
		return context.Cause(d.lost)
	}
	return err
}

// splitLocker returns the locker level of a topic under pudo/v1/{fleet}/.
func splitLocker(fleetName, topic string) (locker, rest string, ok bool) {
	r, ok := strings.CutPrefix(topic, "pudo/v1/"+fleetName+"/")
	if !ok {
		return "", "", false
	}
	return strings.Cut(r, "/")
}
