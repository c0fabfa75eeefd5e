package api

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"pudo/app/cred"
)

// Config is the [api] section of the kiosk's TOML configuration. Zero
// values take the defaults of DefaultConfig.
type Config struct {
	// Enabled starts the API at all. Off by default: a kiosk works alone.
	Enabled bool `toml:"enabled"`
	// Listen is host:port. Anything but a loopback address needs TLS, so
	// bearer keys never cross a network in clear.
	Listen string `toml:"listen"`
	// TLSCert and TLSKey are PEM files; with both set the API speaks HTTPS.
	TLSCert string `toml:"tls_cert"`
	TLSKey  string `toml:"tls_key"`
	// MaxBody caps a request body in bytes; more is refused with 413.
	MaxBody int64 `toml:"max_body"`
	// RemoteOpen allows POST /v1/rents/{id}/open. Off by default. The
	// locker's rule (app.Options.RemoteOpen, which staff may switch at the
	// kiosk) must allow it too: both must say yes.
	RemoteOpen bool `toml:"remote_open"`
	// RemoteOpenPerMinute caps remote openings for the whole kiosk.
	RemoteOpenPerMinute int `toml:"remote_open_per_minute"`
	// IdempotencyTTL is how long an Idempotency-Key and its answer are kept.
	IdempotencyTTL time.Duration `toml:"idempotency_ttl"`
	// Keys are the integrations allowed in. KeysFile, when set, names a
	// TOML file with more [[api.keys]] (or [[keys]]) tables, so keys can
	// live apart from the rest of the configuration, with tighter
	// permissions, and be added without touching it.
	Keys     []Key  `toml:"keys"`
	KeysFile string `toml:"keys_file"`
	// Webhooks receive events as they happen.
	Webhooks []Webhook `toml:"webhooks"`

	// KioskID names this locker in webhook payloads. Not read from [api]:
	// main copies kiosk.id here.
	KioskID string `toml:"-"`
	// Signer signs POST /v1/tokens; nil switches the endpoint off. Not
	// read from [api]: main loads operator.signing_key here.
	Signer *cred.PrivateKey `toml:"-"`
	// TokenCaps bound what POST /v1/tokens signs, per kind. Not read
	// from [api]: main copies [operator]'s caps here. Zero fields take
	// DefaultTokenCaps.
	TokenCaps TokenCaps `toml:"-"`
}

// Key is one integration's API key, as `pudo api-key new` prints it.
type Key struct {
	Name  string `toml:"name"`  // who this is: "shopx"; shown in logs and owns its rents
	Scope string `toml:"scope"` // merchant, carrier or operator
	Hash  string `toml:"hash"`  // "sha256:" + hex of the key; the key itself is never stored
}

// Webhook is one endpoint that receives events.
type Webhook struct {
	// Name identifies the endpoint's delivery cursor: renaming it starts
	// over from the newest event.
	Name string `toml:"name"`
	URL  string `toml:"url"`
	// SecretEnv names the environment variable holding the signing secret;
	// Secret holds it inline. Set exactly one.
	SecretEnv string `toml:"secret_env"`
	Secret    string `toml:"secret"`
	// Events are the kinds to send: exact ("rent.collected") or a prefix
	// ending in ".*" ("rent.*"). Default: ["rent.*"].
	Events []string `toml:"events"`
	// Key limits the endpoint to rents booked with that API key; empty
	// sends every matching event (the host's back office).
	Key string `toml:"key"`
	// MaxAttempts before a delivery is parked for staff.
	MaxAttempts int `toml:"max_attempts"`
	// BackoffMin and BackoffMax bound the wait between attempts; it doubles
	// from the first to the second.
	BackoffMin time.Duration `toml:"backoff_min"`
	BackoffMax time.Duration `toml:"backoff_max"`
	// Timeout bounds one attempt.
	Timeout time.Duration `toml:"timeout"`
}

// Scopes a key may have.
const (
	ScopeMerchant = "merchant"
	ScopeCarrier  = "carrier"
	ScopeOperator = "operator"
)

// DefaultConfig is the API switched off, on loopback, remote opening off.
func DefaultConfig() Config {
	return Config{
		Listen:              "127.0.0.1:8080",
		MaxBody:             16 << 10,
		RemoteOpenPerMinute: 6,
		IdempotencyTTL:      24 * time.Hour,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	c.Listen = cmp.Or(c.Listen, d.Listen)
	c.MaxBody = cmp.Or(c.MaxBody, d.MaxBody)
	c.RemoteOpenPerMinute = cmp.Or(c.RemoteOpenPerMinute, d.RemoteOpenPerMinute)
	c.IdempotencyTTL = cmp.Or(c.IdempotencyTTL, d.IdempotencyTTL)
	caps := DefaultTokenCaps()
	c.TokenCaps.Courier = cmp.Or(c.TokenCaps.Courier, caps.Courier)
	c.TokenCaps.Staff = cmp.Or(c.TokenCaps.Staff, caps.Staff)
	// A fresh slice: the caller's Config must not change under it.
	hooks := make([]Webhook, len(c.Webhooks))
	for i, w := range c.Webhooks {
		hooks[i] = w.withDefaults()
	}
	c.Webhooks = hooks
	return c
}

func (w Webhook) withDefaults() Webhook {
	if len(w.Events) == 0 {
		w.Events = []string{"rent.*"}
	}
	if w.MaxAttempts == 0 {
		w.MaxAttempts = 12
	}
	if w.BackoffMin == 0 {
		w.BackoffMin = time.Second
	}
	if w.BackoffMax == 0 {
		w.BackoffMax = 10 * time.Minute
	}
	if w.Timeout == 0 {
		w.Timeout = 10 * time.Second
	}
	return w
}

// ConfigError names the key that is wrong: "api.listen: ...".
type ConfigError struct {
	Key, Msg string
}

func (e *ConfigError) Error() string { return "api." + e.Key + ": " + e.Msg }

var (
	nameRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)
	hashRE  = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	kindRE  = regexp.MustCompile(`^[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?$|^\*$`)
	envRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	secretN = 16 // bytes a webhook secret needs at least
)

// Validate reports the first wrong key. Zero values are fine: they take
// the defaults. A disabled API is still checked, so a typo shows before the
// day it is switched on.
func (c Config) Validate() error {
	c = c.withDefaults()
	if err := c.validateListen(); err != nil {
		return err
	}
	bad := func(key, format string, a ...any) error {
		return &ConfigError{Key: key, Msg: fmt.Sprintf(format, a...)}
	}
	switch {
	case c.MaxBody < 256 || c.MaxBody > 1<<20:
		return bad("max_body", "%d is outside 256..1048576 bytes", c.MaxBody)
	case c.RemoteOpenPerMinute < 1 || c.RemoteOpenPerMinute > 60:
		return bad("remote_open_per_minute", "%d is outside 1..60", c.RemoteOpenPerMinute)
	case c.IdempotencyTTL < time.Hour || c.IdempotencyTTL > 30*24*time.Hour:
		return bad("idempotency_ttl", "%s is outside 1h..720h", c.IdempotencyTTL)
	}
	if err := validateKeys("keys", c.Keys); err != nil {
		return err
	}
	if c.KeysFile != "" {
		if _, err := os.Stat(c.KeysFile); err != nil {
			return bad("keys_file", "%v", unwrapPath(err))
		}
	}
	names := map[string]bool{}
	for i, w := range c.Webhooks {
		if err := w.validate(fmt.Sprintf("webhooks[%d]", i)); err != nil {
			return err
		}
		if names[w.Name] {
			return bad(fmt.Sprintf("webhooks[%d].name", i), "%q is used twice", w.Name)
		}
		names[w.Name] = true
	}
	return nil
}

func (c Config) validateListen() error {
	host, port, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return &ConfigError{Key: "listen", Msg: fmt.Sprintf("%q is not host:port", c.Listen)}
	}
	if port == "" {
		return &ConfigError{Key: "listen", Msg: fmt.Sprintf("%q has no port", c.Listen)}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return &ConfigError{Key: "tls_cert", Msg: "tls_cert and tls_key go together"}
	}
	for key, path := range map[string]string{"tls_cert": c.TLSCert, "tls_key": c.TLSKey} {
		if _, err := os.Stat(path); path != "" && err != nil {
			return &ConfigError{Key: key, Msg: unwrapPath(err)}
		}
	}
	if !isLoopback(host) && c.TLSCert == "" {
		return &ConfigError{Key: "listen", Msg: fmt.Sprintf("%s is not a loopback address: set tls_cert and tls_key so bearer keys never travel in clear", host)}
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validateKeys(prefix string, keys []Key) error {
	seen := map[string]bool{}
	for i, k := range keys {
		key := fmt.Sprintf("%s[%d]", prefix, i)
		switch {
		case !nameRE.MatchString(k.Name):
			return &ConfigError{Key: key + ".name", Msg: fmt.Sprintf("%q must be 1-63 of a-z 0-9 _ . -", k.Name)}
		case seen[k.Name]:
			return &ConfigError{Key: key + ".name", Msg: fmt.Sprintf("%q is used twice", k.Name)}
		case k.Scope != ScopeMerchant && k.Scope != ScopeCarrier && k.Scope != ScopeOperator:
			return &ConfigError{Key: key + ".scope", Msg: fmt.Sprintf("%q is not merchant, carrier or operator", k.Scope)}
		case !hashRE.MatchString(k.Hash):
			return &ConfigError{Key: key + ".hash", Msg: "must be sha256: and 64 hex digits, as `pudo api-key new` prints it"}
		}
		seen[k.Name] = true
	}
	return nil
}

func (w Webhook) validate(key string) error {
	bad := func(sub, format string, a ...any) error {
		return &ConfigError{Key: key + "." + sub, Msg: fmt.Sprintf(format, a...)}
	}
	u, err := url.Parse(w.URL)
	switch {
	case !nameRE.MatchString(w.Name):
		return bad("name", "%q must be 1-63 of a-z 0-9 _ . -", w.Name)
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		return bad("url", "%q is not an http or https URL", w.URL)
	case u.User != nil:
		return bad("url", "must not carry a user or password; the signature authenticates")
	case (w.Secret == "") == (w.SecretEnv == ""):
		return bad("secret", "set exactly one of secret and secret_env")
	case w.SecretEnv != "" && !envRE.MatchString(w.SecretEnv):
		return bad("secret_env", "%q is not an environment variable name", w.SecretEnv)
	case w.MaxAttempts < 1 || w.MaxAttempts > 100:
		return bad("max_attempts", "%d is outside 1..100", w.MaxAttempts)
	case w.BackoffMin <= 0 || w.BackoffMax < w.BackoffMin:
		return bad("backoff_max", "must be at least backoff_min (%s)", w.BackoffMin)
	case w.Timeout <= 0:
		return bad("timeout", "must be positive")
	case w.Key != "" && !nameRE.MatchString(w.Key):
		return bad("key", "%q is not a key name", w.Key)
	}
	for j, k := range w.Events {
		if !kindRE.MatchString(k) {
			return bad(fmt.Sprintf("events[%d]", j), "%q is not an event kind, a prefix.* or *", k)
		}
	}
	if w.Secret != "" && len(w.Secret) < secretN {
		return bad("secret", "must be at least %d characters", secretN)
	}
	return nil
}

// secret returns the signing secret, reading the environment if told to.
func (w Webhook) secret() ([]byte, error) {
	if w.Secret != "" {
		return []byte(w.Secret), nil
	}
	v := os.Getenv(w.SecretEnv)
	if len(v) < secretN {
		return nil, &ConfigError{Key: "webhooks." + w.Name + ".secret_env", Msg: fmt.Sprintf("$%s must hold at least %d characters", w.SecretEnv, secretN)}
	}
	return []byte(v), nil
}

func (w Webhook) wants(kind string) bool {
	for _, p := range w.Events {
		if p == "*" || p == kind || (strings.HasSuffix(p, ".*") && strings.HasPrefix(kind, strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}

func unwrapPath(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
