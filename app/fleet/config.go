package fleet

import (
	"cmp"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"time"
)

// Config is the [fleet] section of the kiosk's TOML configuration: how the
// locker reaches the operator's MQTT broker. Zero values take the defaults
// of DefaultConfig.
type Config struct {
	// Enabled starts the link at all. Off by default: a kiosk works alone.
	Enabled bool `toml:"enabled"`
	// Broker is the operator's broker: mqtts://host:8883 (TLS), or
	// mqtt://host:1883 on a loopback address only.
	Broker string `toml:"broker"`
	// Fleet names the operator's network in every topic: pudo/v1/{fleet}/...
	Fleet string `toml:"fleet"`
	// CAFile is the PEM bundle the broker's certificate must chain to;
	// empty: the system's roots.
	CAFile string `toml:"ca_file"`
	// CertFile and KeyFile are this locker's TLS client certificate, whose
	// common name is the locker id (kiosk.id).
	CertFile string `toml:"cert_file"`
	KeyFile  string `toml:"key_file"`
	// Username and the password (from the environment variable PasswordEnv)
	// are the fallback for a broker without client certificates. An empty
	// username is the locker id.
	Username    string `toml:"username"`
	PasswordEnv string `toml:"password_env"`
	// KeepAlive is the MQTT keep-alive; a dead link is noticed after 1.5x.
	KeepAlive time.Duration `toml:"keep_alive"`
	// SessionExpiry is how long the broker keeps this locker's session
	// (subscriptions and queued commands) while it is away.
	SessionExpiry time.Duration `toml:"session_expiry"`
	// WillDelay is how long the broker waits after a lost connection before
	// it marks the locker offline: short 4G drops must not flap.
	WillDelay time.Duration `toml:"will_delay"`
	// After a lost connection a locker waits a random time in the
	// reconnect window before it tries again, and a random time of one to
	// two windows before each later try, so that when a broker comes back
	// its whole fleet does not come back in one second. The window grows
	// with FleetSize, the lockers that share the broker (a hint: round
	// up), so that at most ReconnectRate of them reconnect in any one
	// second (ReconnectRate/FleetSize of the fleet); ReconnectWindow, when
	// set, is the window itself. ReconnectWindow reports the one in use.
	FleetSize       int           `toml:"fleet_size"`
	ReconnectRate   int           `toml:"reconnect_rate"`
	ReconnectWindow time.Duration `toml:"reconnect_window"`
	// ConnectTimeout bounds each connection attempt: TCP, TLS, CONNECT and
	// its answer. An attempt that takes longer is given up and tried again.
	ConnectTimeout time.Duration `toml:"connect_timeout"`
	// PublishRate bounds the events sent per second, so a week's backlog
	// goes out steadily and the kiosk stays responsive.
	PublishRate int `toml:"publish_rate"`
	// HealthEvery is how often state/health is published.
	HealthEvery time.Duration `toml:"health_every"`
	// RemoteOpen lets an operator's signed "open" command open one stored
	// parcel's door. The locker's own rule (rents.remote_open) must allow it
	// too, and the command must be signed by one of the operator's keys
	// ([operator] public_keys, the keys that sign courier tokens).
	// RemoteOpenPerMinute caps such openings.
	RemoteOpen          bool `toml:"remote_open"`
	RemoteOpenPerMinute int  `toml:"remote_open_per_minute"`
	// MaxClockSkew is how far in the future a command's issued_at may lie.
	MaxClockSkew time.Duration `toml:"max_clock_skew"`
	// RetainUntilPUBACK lets the event log's retention follow the broker's
	// acknowledgement, for a broker without pudo central; by default an
	// event is kept until the operator confirms it stored.
	RetainUntilPUBACK bool `toml:"retain_until_puback"`
	// RenewBefore is how long before its end the client certificate is
	// renewed over the link (the operator's central issues the new one).
	RenewBefore time.Duration `toml:"renew_before"`
}

// DefaultConfig is the link switched off.
func DefaultConfig() Config {
	return Config{
		Fleet:               "default",
		KeepAlive:           30 * time.Second,
		SessionExpiry:       7 * 24 * time.Hour,
		WillDelay:           time.Minute,
		FleetSize:           1000,
		ReconnectRate:       50,
		ConnectTimeout:      30 * time.Second,
		PublishRate:         50,
		HealthEvery:         time.Minute,
		RemoteOpenPerMinute: 6,
		MaxClockSkew:        5 * time.Minute,
		RenewBefore:         30 * 24 * time.Hour,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	c.Fleet = cmp.Or(c.Fleet, d.Fleet)
	c.KeepAlive = cmp.Or(c.KeepAlive, d.KeepAlive)
	c.SessionExpiry = cmp.Or(c.SessionExpiry, d.SessionExpiry)
	c.WillDelay = cmp.Or(c.WillDelay, d.WillDelay)
	c.FleetSize = cmp.Or(c.FleetSize, d.FleetSize)
	c.ReconnectRate = cmp.Or(c.ReconnectRate, d.ReconnectRate)
	c.ConnectTimeout = cmp.Or(c.ConnectTimeout, d.ConnectTimeout)
	c.PublishRate = cmp.Or(c.PublishRate, d.PublishRate)
	c.HealthEvery = cmp.Or(c.HealthEvery, d.HealthEvery)
	c.RemoteOpenPerMinute = cmp.Or(c.RemoteOpenPerMinute, d.RemoteOpenPerMinute)
	c.MaxClockSkew = cmp.Or(c.MaxClockSkew, d.MaxClockSkew)
	c.RenewBefore = cmp.Or(c.RenewBefore, d.RenewBefore)
	return c
}

// ConfigError names the key that is wrong: "fleet.broker: ...".
type ConfigError struct {
	Key, Msg string
}

func (e *ConfigError) Error() string { return "fleet." + e.Key + ": " + e.Msg }

// idRE is what may stand in a topic level: no wildcards, no slash.
var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// Validate checks the section; a disabled link is not checked further
// than its types.
func (c Config) Validate() error {
	if !c.Enabled {
		return nil
	}
	c = c.withDefaults()
	if _, err := brokerURL(c.Broker); err != nil {
		return &ConfigError{"broker", err.Error()}
	}
	if !idRE.MatchString(c.Fleet) || c.Fleet == allLockers {
		return &ConfigError{"fleet", fmt.Sprintf("%q must be 1..64 of A-Z a-z 0-9 _ . - (and not %q)", c.Fleet, allLockers)}
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return &ConfigError{"cert_file", "cert_file and key_file go together"}
	}
	for _, f := range []struct{ key, path string }{{"ca_file", c.CAFile}, {"cert_file", c.CertFile}, {"key_file", c.KeyFile}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			return &ConfigError{f.key, err.Error()}
		}
	}
	if c.PasswordEnv != "" && os.Getenv(c.PasswordEnv) == "" {
		return &ConfigError{"password_env", fmt.Sprintf("$%s is empty", c.PasswordEnv)}
	}
	switch {
	case c.KeepAlive < 5*time.Second || c.KeepAlive > 20*time.Minute:
		return &ConfigError{"keep_alive", "must be 5s..20m"}
	case c.SessionExpiry < time.Minute:
		return &ConfigError{"session_expiry", "must be at least 1m: without a session the broker drops queued commands"}
	case c.WillDelay < 0:
		return &ConfigError{"will_delay", "must not be negative"}
	case c.FleetSize < 1 || c.FleetSize > 10_000_000:
		return &ConfigError{"fleet_size", "must be 1..10000000 lockers"}
	case c.ReconnectRate < 1 || c.ReconnectRate > 1_000_000:
		return &ConfigError{"reconnect_rate", "must be 1..1000000 lockers a second"}
	case c.ReconnectWindow < 0 || c.ReconnectWindow > 24*time.Hour:
		return &ConfigError{"reconnect_window", "must be 0 (from fleet_size and reconnect_rate) up to 24h"}
	case c.ConnectTimeout < time.Second || c.ConnectTimeout > 5*time.Minute:
		return &ConfigError{"connect_timeout", "must be 1s..5m"}
	case c.PublishRate < 1 || c.PublishRate > 10000:
		return &ConfigError{"publish_rate", "must be 1..10000 events per second"}
	case c.HealthEvery < time.Second:
		return &ConfigError{"health_every", "must be at least 1s"}
	case c.RemoteOpenPerMinute < 1 || c.RemoteOpenPerMinute > 60:
		return &ConfigError{"remote_open_per_minute", "must be 1..60"}
	case c.MaxClockSkew < 0:
		return &ConfigError{"max_clock_skew", "must not be negative"}
	case c.RenewBefore < time.Hour || c.RenewBefore > 10*365*24*time.Hour:
		return &ConfigError{"renew_before", "must be 1h..87600h (how long before its end the certificate is renewed)"}
	}
	return nil
}

// brokerURL reads the broker address. Plain MQTT is allowed on loopback
// only, so a locker's password never crosses a network in clear.
func brokerURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, fmt.Errorf("is empty; set it to mqtts://HOST:8883")
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%q is not a URL such as mqtts://broker.example:8883", s)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil || port == "" {
		return nil, fmt.Errorf("%q has no port (mqtts://HOST:8883)", s)
	}
	switch u.Scheme {
	case "mqtts", "tls", "ssl":
	case "mqtt", "tcp":
		if ip := net.ParseIP(host); !(host == "localhost" || (ip != nil && ip.IsLoopback())) {
			return nil, fmt.Errorf("plain %s:// is allowed on loopback only; use mqtts://", u.Scheme)
		}
	default:
		return nil, fmt.Errorf("scheme %q is not mqtts:// or mqtt://", u.Scheme)
	}
	return u, nil
}
