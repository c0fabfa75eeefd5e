// Package link is the operator's side of the fleet link: it ingests what
// the lockers publish into the store (events, state, results, sync
// requests), confirms what is stored, asks for what is missing, and sends
// commands signed with the operator's key. See package central's
// documentation for how nothing is lost and order is kept per locker.
package link

import (
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"pudo/app/central/enrol"
	"pudo/app/cred"
)

// Config is how one central instance reaches the broker.
type Config struct {
	Broker string
	Fleet  string
	// TLS: the CA the broker's certificate chains to, and the operator's
	// client certificate (its common name has the ACL's operator rights).
	CAFile, CertFile, KeyFile string
	Username, Password        string
	// Instance names this instance: its MQTT client id is
	// pudo-central-<Instance>, fixed, so its session survives restarts.
	Instance string
	// Group is the shared subscription's group: instances of one group
	// split the lockers' messages.
	Group string
	// SessionExpiry is how long the broker keeps an instance's session
	// (and queues its share) while it is away.
	SessionExpiry time.Duration
	// ReceiveMaximum bounds the messages the broker sends before their
	// acknowledgements, and so a batch.
	ReceiveMaximum uint16
	// BatchMax and BatchWait bound one transaction.
	BatchMax  int
	BatchWait time.Duration
	// Key signs confirmations and commands; zero: none are sent (a
	// read-only instance, for tests of the ingest alone).
	Key cred.PrivateKey
	// ConfirmEvery is how often stored_through goes out to lockers.
	ConfirmEvery time.Duration
	// HoleWait is how long a hole in a locker's seqs may stay open before
	// a resend is asked; ResendEvery bounds how often it is asked again.
	HoleWait    time.Duration
	ResendEvery time.Duration
	// CA issues renewed certificates over the link; nil: requests are
	// not subscribed to.
	CA *enrol.CA
	// Now is the clock (tests).
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	c.Group = cmp.Or(c.Group, "pudo-central")
	c.Instance = cmp.Or(c.Instance, "1")
	c.SessionExpiry = cmp.Or(c.SessionExpiry, 24*time.Hour)
	c.ReceiveMaximum = cmp.Or(c.ReceiveMaximum, 1024)
	c.BatchMax = cmp.Or(c.BatchMax, 512)
	c.BatchWait = cmp.Or(c.BatchWait, 5*time.Millisecond)
	c.ConfirmEvery = cmp.Or(c.ConfirmEvery, time.Second)
	c.HoleWait = cmp.Or(c.HoleWait, 10*time.Second)
	c.ResendEvery = cmp.Or(c.ResendEvery, 30*time.Second)
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// ClientID is the instance's fixed MQTT client id.
func (c Config) ClientID() string { return "pudo-central-" + cmp.Or(c.Instance, "1") }

// brokerURL reads the broker address: plain MQTT on loopback only.
func brokerURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("broker %q is not a URL such as mqtts://broker.example:8883", s)
	}
	host := u.Hostname()
	switch u.Scheme {
	case "mqtts", "tls", "ssl":
	case "mqtt", "tcp":
		if ip := net.ParseIP(host); !(host == "localhost" || (ip != nil && ip.IsLoopback())) {
			return nil, fmt.Errorf("plain %s:// is allowed on loopback only; use mqtts://", u.Scheme)
		}
	default:
		return nil, fmt.Errorf("broker scheme %q is not mqtts:// or mqtt://", u.Scheme)
	}
	return u, nil
}

// TLSConfig is the operator's side of mutual TLS.
func TLSConfig(caFile, certFile, keyFile, serverName string) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: serverName}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("ca file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca file %s holds no PEM certificate", caFile)
		}
		tc.RootCAs = pool
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// Explain turns a connection failure into what to fix; a TLS alert from
// the broker after our certificate went out means it does not trust it.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ae tls.AlertError
	msg := err.Error()
	switch {
	case errors.As(err, &ua):
		return "the broker's certificate is not signed by the CA given (--ca): " + ua.Error()
	case errors.As(err, &hn):
		return "the broker's certificate does not name the host in --broker: " + hn.Error()
	case errors.As(err, &ae), strings.Contains(msg, "unknown certificate authority"), strings.Contains(msg, "bad certificate"),
		strings.Contains(msg, "certificate required"), strings.Contains(msg, "connection reset by peer"):
		return "the broker refused this client's certificate during the TLS handshake (" + msg +
			"): is --cert signed by the CA the broker trusts (its cafile), and not expired? A certificate from another CA is refused this way"
	case strings.Contains(msg, "connection refused"):
		return "nothing answers at that address (connection refused): check the broker's host and port"
	}
	return msg
}
