package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"pudo/app/cred"
)

// revCore is a core that knows only its revocation list.
type revCore struct {
	Core
	list cred.Revocations
}

func (c revCore) Revocations(context.Context) (cred.Revocations, error) { return c.list, nil }

// A signed command does only what it names, at the target it names, and
// only under a key the locker trusts and the applied list does not revoke.
// Every command needs it, not only those that open doors.
func TestSignatureIsBound(t *testing.T) {
	other := cred.GenerateKey()
	revokedKey := cred.GenerateKey()
	l := &Link{cfg: Config{Fleet: "f"}, id: "L1", keys: []cred.PublicKey{testOperator.Public(), revokedKey.Public()},
		core: revCore{list: cred.Revocations{Version: 3, Keys: []string{revokedKey.Public().ID()}}}}
	open := Command{CommandID: "c", IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Minute), RentID: 7}
	Sign(testOperator, "f", "L1", CmdOpen, &open)
	revoke := Command{CommandID: "r", IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour),
		Revocations: json.RawMessage(`{"version":4,"tokens":["00112233aabbccdd"]}`)}
	Sign(testOperator, "f", allLockers, CmdRevoke, &revoke)
	on := "on"
	config := Command{CommandID: "k", IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour), Key: "remote_open", Value: &on}
	Sign(testOperator, "f", "L1", CmdConfig, &config)
	tests := []struct {
		name, cmd, target string
		c                 Command
		edit              func(c *Command)
		ok                bool
	}{
		{"open as signed", CmdOpen, "L1", open, func(*Command) {}, true},
		{"another rent", CmdOpen, "L1", open, func(c *Command) { c.RentID = 8 }, false},
		{"later expiry", CmdOpen, "L1", open, func(c *Command) { c.ExpiresAt = c.ExpiresAt.Add(time.Hour) }, false},
		{"another command id", CmdOpen, "L1", open, func(c *Command) { c.CommandID = "c2" }, false},
		{"no signature", CmdOpen, "L1", open, func(c *Command) { c.Signature = "" }, false},
		{"garbage", CmdOpen, "L1", open, func(c *Command) { c.Signature = "!!" }, false},
		{"another key", CmdOpen, "L1", open, func(c *Command) { Sign(other, "f", "L1", CmdOpen, c) }, false},
		{"for another locker", CmdOpen, "L1", open, func(c *Command) { Sign(testOperator, "f", "L2", CmdOpen, c) }, false},
		{"for another fleet", CmdOpen, "L1", open, func(c *Command) { Sign(testOperator, "g", "L1", CmdOpen, c) }, false},
		{"an open's signature on a revoke", CmdRevoke, "L1", open, func(*Command) {}, false},
		{"a key the applied list revokes", CmdOpen, "L1", open, func(c *Command) { Sign(revokedKey, "f", "L1", CmdOpen, c) }, false},
		{"fleet-wide revoke as signed", CmdRevoke, allLockers, revoke, func(*Command) {}, true},
		{"fleet-wide revoke sent to one locker", CmdRevoke, "L1", revoke, func(*Command) {}, false},
		{"the list changed", CmdRevoke, allLockers, revoke, func(c *Command) {
			c.Revocations = json.RawMessage(`{"version":4}`)
		}, false},
		{"config as signed", CmdConfig, "L1", config, func(*Command) {}, true},
		{"config, another value", CmdConfig, "L1", config, func(c *Command) { off := "off"; c.Value = &off }, false},
		{"config, a field added", CmdConfig, "L1", config, func(c *Command) { c.Reason = "x" }, false},
		{"config as a service command", CmdService, "L1", config, func(*Command) {}, false},
		{"config unsigned", CmdConfig, "L1", config, func(c *Command) { c.Signature = "" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			tt.edit(&c)
			payload, err := json.Marshal(c)
			must(t, err)
			_, err = l.authorize(context.Background(), tt.cmd, tt.target, c, payload)
			if (err == nil) != tt.ok {
				t.Fatalf("authorize = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// Remote opening needs the operator's keys: [operator] public_keys.
func TestRemoteOpenNeedsOperatorKeys(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Broker, cfg.RemoteOpen = "mqtts://broker.example:8883", true
	_, err := New(cfg, "L1", nil, nil, Options{}, testLog(t))
	var ce *ConfigError
	if !asConfigError(err, &ce) || ce.Key != "remote_open" || !strings.Contains(ce.Msg, "[operator] public_keys") {
		t.Fatalf("New with remote_open and no operator keys = %v", err)
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
