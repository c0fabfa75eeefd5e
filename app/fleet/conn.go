package fleet

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"pudo/storage"
)

// receiveMaximum bounds the commands the broker sends before their acks:
// the command queue never fills from one connection.
const receiveMaximum = 32

// tlsConfig is the locker's side of mutual TLS: the operator's CA, and the
// locker's own certificate whose common name is its id.
func tlsConfig(caFile, certFile, keyFile, serverName string) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: serverName}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("fleet: ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("fleet: ca_file %s holds no PEM certificate", caFile)
		}
		tc.RootCAs = pool
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("fleet: client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

func (l *Link) clientConfig() (autopaho.ClientConfig, error) {
	u, err := brokerURL(l.cfg.Broker)
	if err != nil {
		return autopaho.ClientConfig{}, &ConfigError{"broker", err.Error()}
	}
	tc, err := tlsConfig(l.cfg.CAFile, "", "", u.Hostname())
	if err != nil {
		return autopaho.ClientConfig{}, err
	}
	if l.cfg.CertFile != "" {
		// Every handshake takes the certificate of the moment: a renewal
		// replaces it while the link runs.
		if l.certs, err = loadCerts(l.cfg.CertFile, l.cfg.KeyFile); err != nil {
			return autopaho.ClientConfig{}, err
		}
		tc.GetClientCertificate = l.certs.get
	}
	var everUp atomic.Bool
	willDelay := uint32(l.cfg.WillDelay / time.Second)
	c := autopaho.ClientConfig{
		ServerUrls:                    []*url.URL{u},
		TlsCfg:                        tc,
		KeepAlive:                     uint16(l.cfg.KeepAlive / time.Second),
		CleanStartOnInitialConnection: false,
		SessionExpiryInterval:         uint32(l.cfg.SessionExpiry / time.Second),
		ReconnectBackoff:              backoff(l.cfg.SpreadWindow(), &everUp, rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))),
		ConnectTimeout:                l.cfg.ConnectTimeout,
		AttemptConnection: dialer(l.cfg.ConnectTimeout, MaxPacket, func(err error) {
			l.log.Error("fleet: the broker ignores this locker's Maximum Packet Size; the connection was dropped", "err", err)
		}),
		WillMessage:    &paho.WillMessage{Topic: l.topics.Online(), QoS: 1, Retain: true},
		WillProperties: &paho.WillProperties{WillDelayInterval: &willDelay},
		ConnectPacketBuilder: func(cp *paho.Connect, _ *url.URL) (*paho.Connect, error) {
			// Each connection is a new birth, and its Will carries the same
			// number: a late Will is older than the birth after it.
			b := l.nextBirth()
			will, _ := json.Marshal(Online{Locker: l.id, Online: false, Birth: b, Boot: l.boot.N, Version: l.opts.Version})
			cp.WillMessage.Payload = will
			rm, mp := uint16(receiveMaximum), uint32(MaxPacket)
			if cp.Properties == nil {
				cp.Properties = &paho.ConnectProperties{}
			}
			cp.Properties.ReceiveMaximum, cp.Properties.MaximumPacketSize = &rm, &mp
			return cp, nil
		},
		OnConnectionUp: func(_ *autopaho.ConnectionManager, ca *paho.Connack) {
			everUp.Store(true)
			l.connected.Store(true)
			l.setErr(nil)
			l.log.Info("fleet link up", "broker", l.cfg.Broker, "birth", l.birth.Load(), "session_present", ca.SessionPresent)
			signal(l.up)
		},
		OnConnectionDown: func() bool {
			l.connected.Store(false)
			l.ready.Store(false)
			l.log.Warn("fleet link down; the locker works on and will reconnect")
			return true
		},
		OnConnectError: func(err error) {
			if l.setErr(err) {
				l.log.Warn("fleet: cannot connect to the broker", "broker", l.cfg.Broker, "err", explain(err))
			}
		},
		ClientConfig: paho.ClientConfig{
			ClientID:                   l.id,
			OnPublishReceived:          []func(paho.PublishReceived) (bool, error){l.route},
			EnableManualAcknowledgment: true,
			PacketTimeout:              30 * time.Second,
			OnClientError: func(err error) {
				l.log.Debug("fleet client error", "err", err)
			},
		},
	}
	if l.cfg.CertFile == "" || l.cfg.Username != "" {
		c.ConnectUsername = l.cfg.Username
		if c.ConnectUsername == "" {
			c.ConnectUsername = l.id
		}
		if l.cfg.PasswordEnv != "" {
			c.ConnectPassword = []byte(os.Getenv(l.cfg.PasswordEnv))
		}
	}
	return c, nil
}

// setErr keeps the last connection error and reports whether it is a new
// one, so a broker down for a day logs its cause once, not every attempt.
func (l *Link) setErr(err error) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	changed := (err == nil) != (l.lastErr == nil) || (err != nil && explain(err) != explain(l.lastErr))
	l.lastErr = err
	return changed && err != nil
}

// nextBirth counts a connection attempt in the store, so births grow across
// restarts too.
func (l *Link) nextBirth() int64 {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var b int64
	err := l.db.Update(ctx, func(tx *storage.Tx) (err error) {
		b, err = tx.BumpFleetValue(keyBirth)
		return err
	})
	if err != nil {
		b = l.birth.Load() + 1
		l.log.Warn("fleet: birth counter not saved", "err", err)
	}
	l.birth.Store(b)
	return b
}

// explain turns a connection failure into what an operator must fix.
func explain(err error) string {
	if err == nil {
		return ""
	}
	var ca *autopaho.ConnackError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	var dns *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer from the broker within fleet.connect_timeout: check the address, the network and the broker's load (the locker tries again)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing answers at that address (connection refused): check the broker's host and port"
	case errors.As(err, &dns):
		return "the broker's host name is not known (" + dns.Name + "): check the broker address"
	case errors.As(err, &ca):
		switch ca.ReasonCode {
		case 0x86, 0x87, 0x8C:
			return fmt.Sprintf("the broker refused this locker's credentials (%s): check the certificate or username/password and the broker's ACL", ca.Reason)
		case 0x85:
			return "the broker refused the client id: it must be the locker id, as in the certificate's common name"
		}
		return "the broker refused the connection: " + ca.Error()
	case errors.As(err, &ua):
		return "the broker's certificate is not signed by fleet.ca_file's CA: " + ua.Error()
	case errors.As(err, &hn):
		return "the broker's certificate does not name the host in fleet.broker: " + hn.Error()
	case errors.As(err, &ci):
		return "the broker's certificate is not valid: " + ci.Error()
	}
	return err.Error()
}

// publishJSON publishes v at QoS 1 and waits for its PUBACK.
func (l *Link) publishJSON(ctx context.Context, pub publisher, topic string, retain bool, v any, props *paho.PublishProperties) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if props == nil {
		props = &paho.PublishProperties{}
	}
	if err := l.checkCap(topic, body); err != nil {
		return err
	}
	props.ContentType = "application/json"
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err = pub.Publish(pctx, &paho.Publish{QoS: 1, Retain: retain, Topic: topic, Payload: body, Properties: props})
	return err
}

// route takes every message the broker sends. Commands go to the command
// goroutine, which acknowledges each once its result is recorded, so a
// crash before that gets the command again; everything else is handled
// here and acknowledged at once.
func (l *Link) route(pr paho.PublishReceived) (bool, error) {
	p := pr.Packet
	ack := func() {
		if err := pr.Client.Ack(p); err != nil {
			l.log.Debug("fleet ack", "err", err)
		}
	}
	if name, ok := l.topics.command(p.Topic); ok {
		in := inbound{name: name, payload: p.Payload, size: len(p.Payload), ack: ack, fleetWide: strings.HasPrefix(p.Topic, l.topics.all())}
		if in.size > payloadCap[sufCmd] {
			in.payload = nil // refused by its size; not kept while it waits
		}
		if p.Properties != nil {
			in.respTopic, in.corr = p.Properties.ResponseTopic, p.Properties.CorrelationData
		}
		l.cmds.push(in)
		return true, nil
	}
	_, rest, _ := lockerOf(l.cfg.Fleet, p.Topic)
	if p.Topic == l.topics.SyncRes() && len(p.Payload) <= capOf(rest) {
		// Acknowledged once every command in it is answered, as a command
		// of its own is: a crash between recording a resent command and
		// publishing its result gets the page again at the next
		// connection, and the command's recorded result is replayed. Acked
		// at once, the answer would be lost for good: the next sync does
		// not resend what the locker has processed.
		l.takeSync(p.Payload, ack)
		return true, nil
	}
	defer ack()
	if len(p.Payload) > capOf(rest) {
		if ok, _ := l.refusedLog.Take(); ok {
			l.log.Warn("fleet: message above its topic's cap ignored", "topic", p.Topic, "bytes", len(p.Payload), "cap", capOf(rest))
		}
		return true, nil
	}
	switch p.Topic {
	case l.topics.Confirm():
		l.confirms.put(p.Payload)
	case l.topics.CertRes():
		l.certAnswers.put(p.Payload)
	case l.topics.Online():
		var o Online
		if json.Unmarshal(p.Payload, &o) == nil && !o.Online && o.Birth <= l.birth.Load() && l.connected.Load() {
			// A Will of an older connection overwrote our birth.
			signal(l.force, true)
		}
	}
	return true, nil
}
