package fleet

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// A signed open opens only what it names, at the locker it names.
func TestOpenSignatureIsBound(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	l := &Link{cfg: Config{Fleet: "f"}, id: "L1", keys: []ed25519.PublicKey{pub}}
	base := Command{CommandID: "c", IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Minute), RentID: 7}
	signed := base
	SignOpen(priv, "f", "L1", &signed)
	tests := []struct {
		name string
		edit func(c *Command)
		ok   bool
	}{
		{"as signed", func(*Command) {}, true},
		{"another rent", func(c *Command) { c.RentID = 8 }, false},
		{"later expiry", func(c *Command) { c.ExpiresAt = c.ExpiresAt.Add(time.Hour) }, false},
		{"no signature", func(c *Command) { c.Signature = "" }, false},
		{"garbage", func(c *Command) { c.Signature = "!!" }, false},
		{"another key", func(c *Command) { SignOpen(other, "f", "L1", c) }, false},
		{"for another locker", func(c *Command) { SignOpen(priv, "f", "L2", c) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := signed
			tt.edit(&c)
			if got := l.verify(c); got != tt.ok {
				t.Fatalf("verify = %v, want %v", got, tt.ok)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		key  string
	}{
		{"off is fine", func(c *Config) { c.Enabled = false; c.Broker = "nonsense" }, ""},
		{"tls", func(c *Config) {}, ""},
		{"plain on loopback", func(c *Config) { c.Broker = "mqtt://127.0.0.1:1883" }, ""},
		{"plain across a network", func(c *Config) { c.Broker = "mqtt://192.0.2.1:1883" }, "broker"},
		{"no port", func(c *Config) { c.Broker = "mqtts://broker.example" }, "broker"},
		{"websocket", func(c *Config) { c.Broker = "wss://broker.example:443" }, "broker"},
		{"fleet with a slash", func(c *Config) { c.Fleet = "a/b" }, "fleet"},
		{"fleet _all", func(c *Config) { c.Fleet = "_all" }, "fleet"},
		{"cert without key", func(c *Config) { c.CertFile = "x.pem" }, "cert_file"},
		{"short session", func(c *Config) { c.SessionExpiry = time.Second }, "session_expiry"},
		{"rate", func(c *Config) { c.PublishRate = -1 }, "publish_rate"},
		{"bad key", func(c *Config) { c.OperatorKeys = []string{"abc"} }, "operator_keys"},
		{"open without keys", func(c *Config) { c.RemoteOpen = true }, "remote_open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			c.Enabled, c.Broker = true, "mqtts://broker.example:8883"
			tt.edit(&c)
			err := c.Validate()
			var ce *ConfigError
			switch {
			case tt.key == "" && err != nil:
				t.Fatalf("Validate = %v", err)
			case tt.key != "" && (err == nil || !asConfigError(err, &ce) || ce.Key != tt.key):
				t.Fatalf("Validate = %v, want an error on %s", err, tt.key)
			}
		})
	}
}

func asConfigError(err error, ce **ConfigError) bool { return errors.As(err, ce) }

// The first attempt after start goes at once; after a loss each locker
// waits a random part of the spread; later waits stay under the cap.
func TestBackoffSpreadsTheFleet(t *testing.T) {
	var up atomic.Bool
	bo := backoff(20*time.Second, 20*time.Second, &up)
	if d := bo(0); d != 0 {
		t.Fatalf("first start waits %s", d)
	}
	up.Store(true)
	seen := map[time.Duration]bool{}
	for range 100 {
		d := bo(0)
		if d < 0 || d >= 20*time.Second {
			t.Fatalf("after a loss: %s", d)
		}
		seen[d/time.Second] = true
		if d := bo(10); d > 20*time.Second || d < 10*time.Second {
			t.Fatalf("attempt 10 waits %s", d)
		}
	}
	if len(seen) < 10 {
		t.Fatalf("100 lockers came back in only %d different seconds", len(seen))
	}
}
