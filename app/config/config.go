// Package config reads the kiosk's TOML configuration: every key has a
// default, so an empty or missing file gives the demo locker, and every bad
// value is reported in one line naming the file and the key.
//
// It holds values and checks them; main turns them into what each part
// takes (the engine's core.Options, the door layout), so config does not
// import the engine. The sections [lock], [scanner], [api] and [fleet] are
// those parts' own Config types: each part keeps its defaults and its
// checks in one place.
package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"pudo/app"
	"pudo/app/api"
	"pudo/app/carrier"
	"pudo/app/cred"
	"pudo/app/fleet"
	"pudo/app/voice"
	"pudo/lockio"
	"pudo/scanner"
)

// Config is the whole kiosk configuration. See Example for every key with
// its default and meaning.
type Config struct {
	Kiosk    Kiosk          `toml:"kiosk"`
	Screen   Screen         `toml:"screen"`
	Support  Support        `toml:"support"`
	Rents    Rents          `toml:"rents"`
	Locker   Locker         `toml:"locker"`
	SelfTest SelfTest       `toml:"selftest"`
	Lock     lockio.Config  `toml:"lock"`
	Scanner  scanner.Config `toml:"scanner"`
	API      api.Config     `toml:"api"`
	Speech   Speech         `toml:"speech"`
	Keypad   voice.Keymap   `toml:"keypad"`
	Operator Operator       `toml:"operator"`
	Staff    Staff          `toml:"staff"`
	// Carriers are the carriers' seal public keys by carrier id, as
	// `pudo carrier keygen` prints them ("x25519:..."): a walk-in's pickup
	// code goes to its carrier's back office sealed with it.
	Carriers map[string]string `toml:"carriers"`
	Fleet    fleet.Config      `toml:"fleet"`
}

// CarrierKeys parses Carriers; Validate has checked them.
func (c Config) CarrierKeys() map[string]carrier.PublicKey {
	out := map[string]carrier.PublicKey{}
	for id, s := range c.Carriers {
		if k, err := carrier.ParsePublicKey(s); err == nil {
			out[id] = k
		}
	}
	return out
}

// validateCarriers: an id no courier token can name would never match,
// and a key that does not parse would send no code.
func (c Config) validateCarriers() error {
	for _, id := range slices.Sorted(maps.Keys(c.Carriers)) {
		key := "carriers." + strconv.Quote(id)
		if !cred.ValidCarrier(id) {
			return &Error{Key: key, Msg: "not a carrier id a courier token can name (1..32 visible ASCII characters, no spaces)"}
		}
		if _, err := carrier.ParsePublicKey(c.Carriers[id]); err != nil {
			return &Error{Key: key, Msg: strings.TrimPrefix(err.Error(), "carrier: ") + " (pudo carrier keygen prints the key)"}
		}
	}
	return nil
}

// Operator is about the operator's credentials: the keys that sign courier
// tokens, staff badges and app pickup tokens.
type Operator struct {
	// PublicKeys are the operator's public keys, as `pudo token keygen`
	// prints them ("ed25519:..."); list the next one beside the current
	// one to rotate. None: no courier or staff badge can sign in.
	PublicKeys []string `toml:"public_keys"`
	// SigningKey is a private key file for POST /v1/tokens on a locker
	// without a fleet. It must be a key trusted by this locker alone
	// (listed in PublicKeys here, nowhere else): whoever reads it can
	// open every locker that trusts it.
	SigningKey string `toml:"signing_key"`
	// TokenSkew is how far ahead of this kiosk's clock a token's issue
	// time may lie, and how far the clock may step back before every
	// token is refused.
	TokenSkew time.Duration `toml:"token_skew"`
	// CourierTokenMax, BadgeMax and PickupTokenMax are the longest
	// validity POST /v1/tokens signs for each kind; an app pickup token
	// never outlives its parcel's pickup deadline, and PickupTokenMax
	// (zero: none) caps it further.
	CourierTokenMax time.Duration `toml:"courier_token_max"`
	BadgeMax        time.Duration `toml:"badge_max"`
	PickupTokenMax  time.Duration `toml:"pickup_token_max"`
}

// Staff is how staff sign in at the screen.
type Staff struct {
	// PINAlone lets a PIN typed on the shared pad sign its staff member
	// in; false: only a staff badge (signed by the operator) with its
	// holder's PIN does, and a PIN alone is refused before it is checked.
	PINAlone bool `toml:"pin_alone"`
}

// Keys parses PublicKeys; Validate has checked them.
func (o Operator) Keys() []cred.PublicKey {
	var out []cred.PublicKey
	for _, s := range o.PublicKeys {
		if k, err := cred.ParsePublicKey(s); err == nil {
			out = append(out, k)
		}
	}
	return out
}

func (o Operator) validate() error {
	if o.TokenSkew < 0 || o.TokenSkew > time.Hour {
		return &Error{Key: "operator.token_skew", Msg: "must lie in 0s..1h"}
	}
	for key, d := range map[string]time.Duration{"operator.courier_token_max": o.CourierTokenMax, "operator.badge_max": o.BadgeMax,
		"operator.pickup_token_max": o.PickupTokenMax} {
		if d < 0 || d > cred.MaxValid {
			return &Error{Key: key, Msg: fmt.Sprintf("must lie in 0s..%s", cred.MaxValid)}
		}
	}
	for i, s := range o.PublicKeys {
		if _, err := cred.ParsePublicKey(s); err != nil {
			return &Error{Key: fmt.Sprintf("operator.public_keys[%d]", i), Msg: strings.TrimPrefix(err.Error(), "cred: ")}
		}
	}
	if o.SigningKey == "" {
		return nil
	}
	k, err := cred.ReadPrivateKey(o.SigningKey)
	if err != nil {
		return &Error{Key: "operator.signing_key", Msg: strings.TrimPrefix(unwrapPath(err), "cred: ")}
	}
	for _, p := range o.Keys() {
		if p.String() == k.Public().String() {
			return nil
		}
	}
	return &Error{Key: "operator.signing_key", Msg: fmt.Sprintf("its public key %s is not in operator.public_keys: tokens it signs would not open this locker", k.Public())}
}

// Kiosk is about this machine and its screen.
type Kiosk struct {
	ID          string        `toml:"id"`
	DataDir     string        `toml:"data_dir"`
	Windowed    bool          `toml:"windowed"`
	Language    string        `toml:"language"`
	IdleTimeout time.Duration `toml:"idle_timeout"`
	LogFormat   string        `toml:"log_format"`
	DemoParcels int           `toml:"demo_parcels"`
	// Demo stocks demo parcels and the demo staff PIN whatever the lock
	// port, for trying a real board or lockboard-sim. Flag only (--demo):
	// a file in service must never turn it on by accident.
	Demo bool `toml:"-"`
}

// Screen is how the kiosk's screens behave; staff change some of it on
// the admin settings screen.
type Screen struct {
	Languages      []string      `toml:"languages"`
	Night          string        `toml:"night"`
	NightFrom      string        `toml:"night_from"`
	NightTo        string        `toml:"night_to"`
	Volume         int           `toml:"volume"`
	MoreTime       time.Duration `toml:"more_time"`
	ReopenGrace    time.Duration `toml:"reopen_grace"`
	AdminTaps      int           `toml:"admin_taps"`
	AdminTapWindow time.Duration `toml:"admin_tap_window"`
	AdminIdle      time.Duration `toml:"admin_idle"`
	// TapGuard: taps are ignored this long after a screen the person did
	// not cause comes up, so that nothing changes under the finger.
	TapGuard time.Duration `toml:"tap_guard"`
}

// ClockTime reads "HH:MM" as the time since midnight.
func ClockTime(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// clockTime is ClockTime's "HH:MM" of a time of day.
func clockTime(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// Rents are the operator's rules for parcels.
type Rents struct {
	PickupWindow time.Duration `toml:"pickup_window"`
	Retention    time.Duration `toml:"retention"`
	BookingHold  time.Duration `toml:"booking_hold"`
	RemoteOpen   bool          `toml:"remote_open"`
}

// SelfTest is the nightly self-test, which opens no door.
type SelfTest struct {
	Enabled bool   `toml:"enabled"`
	At      string `toml:"at"` // local time of day, HH:MM
}

// SelfTestAt is the time of day the self-test runs at; false when it is
// off.
func (c Config) SelfTestAt() (time.Duration, bool) {
	at, err := ClockTime(c.SelfTest.At)
	return at, c.SelfTest.Enabled && err == nil
}

// Locker is the physical layout of the doors.
type Locker struct {
	LowRows int          `toml:"low_rows"`
	Columns []app.Column `toml:"columns"`
	// FlapLimit: a door whose sensor changes more often than this within
	// a minute is flagged (out of assignment, one alert).
	FlapLimit int `toml:"flap_limit"`

	// Wayfinding places the columns, the screen and the scanner on the
	// cabinet, for the spoken way to a door and the help screen's picture.
	Wayfinding voice.Wayfinding `toml:"wayfinding"`
	// Sizes are the insides of the doors, for the courier's size buttons.
	Sizes app.InnerSizes `toml:"sizes"`
}

// ColumnSizes are the door sizes of each column, left to right.
func (l Locker) ColumnSizes() []string {
	out := make([]string, len(l.Columns))
	for i, c := range l.Columns {
		out[i] = c.Sizes
	}
	return out
}

// Default is the demo locker.
func Default() Config {
	return Config{
		Kiosk: Kiosk{
			ID: "PUDO-DEMO", Language: app.Languages[0], IdleTimeout: app.DefaultIdleTimeout,
			LogFormat: "auto", DemoParcels: 3,
		},
		Screen: Screen{Languages: slices.Clone(app.Languages), Night: "auto", NightFrom: clockTime(app.DefaultNightFrom),
			NightTo: clockTime(app.DefaultNightTo), Volume: 80, MoreTime: app.DefaultMoreTime, ReopenGrace: app.DefaultReopenGrace,
			AdminTaps: app.DefaultAdminTaps, AdminTapWindow: app.DefaultAdminTapWindow, AdminIdle: app.DefaultAdminIdle,
			TapGuard: app.DefaultTapGuard},
		Support: defaultSupport(),
		Rents:   Rents{PickupWindow: app.DefaultPickupWindow, Retention: app.DefaultRetention, BookingHold: app.DefaultBookingHold},
		Locker: Locker{LowRows: 2, Columns: app.DemoColumns(), Wayfinding: voice.DemoWayfinding(), FlapLimit: app.DefaultFlapLimit,
			Sizes: app.DefaultInnerSizes()},
		SelfTest: SelfTest{Enabled: true, At: app.DefaultSelfTestAt},
		Lock:     lockio.DefaultConfig(),
		Scanner:  scanner.DefaultConfig(),
		API:      api.DefaultConfig(),
		Speech:   DefaultSpeech(),
		Keypad:   voice.DefaultKeymap(),
		Operator: Operator{PublicKeys: []string{}, TokenSkew: 5 * time.Minute, CourierTokenMax: 24 * time.Hour,
			BadgeMax: 90 * 24 * time.Hour},
		Staff:    Staff{PINAlone: true},
		Carriers: map[string]string{},
		Fleet:    fleet.DefaultConfig(),
	}
}

// Error is a bad configuration: the file, the key and what is wrong.
type Error struct {
	File, Key, Msg string
}

func (e *Error) Error() string {
	file := e.File
	if file == "" {
		file = "(defaults)"
	}
	if e.Key == "" {
		return fmt.Sprintf("config %s: %s", file, e.Msg)
	}
	return fmt.Sprintf("config %s: %s: %s", file, e.Key, e.Msg)
}

// Load reads the file at path over the defaults. An empty path gives the
// defaults alone.
func Load(path string) (Config, error) {
	c := Default()
	if path != "" {
		if err := decodeFile(path, &c); err != nil {
			return c, err
		}
	}
	if err := c.Validate(); err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			ce.File = path
		}
		return c, err
	}
	return c, nil
}

func decodeFile(path string, c *Config) error {
	body, err := os.ReadFile(path)
	if err != nil {
		return &Error{File: path, Msg: unwrapPath(err)}
	}
	// Listed columns and boards replace the demo's rather than add to them.
	// The demo's places of columns do not fit other columns: the doors are
	// said by column and row until the file places them.
	if strings.Contains(string(body), "[[locker.columns]]") {
		c.Locker.Columns = nil
		c.Locker.Wayfinding.Columns = nil
	}
	if strings.Contains(string(body), "[[lock.boards]]") {
		c.Lock.Boards = nil
	}
	md, err := toml.Decode(string(body), c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return &Error{File: path, Key: pe.LastKey, Msg: fmt.Sprintf("line %d: %s", pe.Position.Line, pe.Message)}
		}
		// Type mismatches come as plain errors: `toml: line N (last key "K"): msg`.
		if m := typeErr.FindStringSubmatch(err.Error()); m != nil {
			return &Error{File: path, Key: m[2], Msg: "line " + m[1] + ": " + m[3]}
		}
		return &Error{File: path, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	if und := md.Undecoded(); len(und) > 0 {
		key := und[0].String()
		if msg, ok := moved[key]; ok {
			return &Error{File: path, Key: key, Msg: msg}
		}
		return &Error{File: path, Key: key, Msg: "unknown key"}
	}
	return nil
}

// moved are keys an older file may hold, with where their job went.
var moved = map[string]string{
	"fleet.reconnect_spread": "moved: fleet.reconnect_window (0: from fleet.fleet_size and fleet.reconnect_rate, which a fleet of more than a thousand lockers should set)",
	"fleet.reconnect_max":    "moved: fleet.reconnect_window bounds every wait; fleet.fleet_size and fleet.reconnect_rate size it",
	"fleet.operator_keys": `moved: the operator has one key system; list the operator's public keys ("ed25519:...", ` +
		`as pudo token keygen or pudo token pubkey prints them) in [operator] public_keys, and the fleet link verifies signed commands against them`,
}

var typeErr = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

func unwrapPath(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Validate checks every value a typo could make dangerous or meaningless.
func (c Config) Validate() error {
	switch {
	case c.Screen.Night != "auto" && c.Screen.Night != "on" && c.Screen.Night != "off":
		return &Error{Key: "screen.night", Msg: fmt.Sprintf("%q is not auto, on or off", c.Screen.Night)}
	case c.Screen.Volume < 0 || c.Screen.Volume > 100:
		return &Error{Key: "screen.volume", Msg: "must be 0..100"}
	case c.Screen.AdminTaps < 3 || c.Screen.AdminTapWindow < time.Second:
		return &Error{Key: "screen.admin_taps", Msg: "at least 3 taps within at least 1s: a shopper must not open it by chance"}
	case c.Screen.AdminIdle < 30*time.Second || c.Screen.MoreTime < 5*time.Second || c.Screen.ReopenGrace < 0:
		return &Error{Key: "screen", Msg: "admin_idle must be at least 30s, more_time at least 5s, reopen_grace not negative"}
	case c.Screen.TapGuard < 0 || c.Screen.TapGuard > 3*time.Second:
		return &Error{Key: "screen.tap_guard", Msg: fmt.Sprintf("%v: 0..3s (a longer one eats the person's own taps)", c.Screen.TapGuard)}
	case c.Screen.ReopenGrace > app.MaxReopenGrace:
		return &Error{Key: "screen.reopen_grace", Msg: fmt.Sprintf("%v: at most %v, after that the door may hold someone else's parcel", c.Screen.ReopenGrace, app.MaxReopenGrace)}
	case c.Locker.FlapLimit < 2:
		return &Error{Key: "locker.flap_limit", Msg: "must be at least 2: a door that opens and closes once changes twice"}
	case strings.TrimSpace(c.Kiosk.ID) == "":
		return &Error{Key: "kiosk.id", Msg: "must not be empty"}
	case c.Kiosk.IdleTimeout < 5*time.Second:
		return &Error{Key: "kiosk.idle_timeout", Msg: "must be at least 5s"}
	case c.Kiosk.LogFormat != "auto" && c.Kiosk.LogFormat != "text" && c.Kiosk.LogFormat != "json":
		return &Error{Key: "kiosk.log_format", Msg: fmt.Sprintf("%q is not auto, text or json", c.Kiosk.LogFormat)}
	case c.Kiosk.DemoParcels < 0 || c.Kiosk.DemoParcels > 20:
		return &Error{Key: "kiosk.demo_parcels", Msg: "must be 0..20"}
	case c.Rents.PickupWindow < time.Hour:
		return &Error{Key: "rents.pickup_window", Msg: "must be at least 1h"}
	case c.Rents.Retention < 24*time.Hour:
		return &Error{Key: "rents.retention", Msg: "must be at least 24h"}
	case c.Rents.BookingHold < time.Hour:
		return &Error{Key: "rents.booking_hold", Msg: "must be at least 1h"}
	case c.Locker.LowRows < 0:
		return &Error{Key: "locker.low_rows", Msg: "must not be negative"}
	case len(c.Locker.Columns) == 0:
		return &Error{Key: "locker.columns", Msg: "at least one column of doors is needed"}
	}
	for _, k := range []struct{ key, v string }{{"screen.night_from", c.Screen.NightFrom}, {"screen.night_to", c.Screen.NightTo},
		{"selftest.at", c.SelfTest.At}} {
		if _, err := ClockTime(k.v); err != nil {
			return &Error{Key: k.key, Msg: err.Error()}
		}
	}
	if err := c.Support.validate(); err != nil {
		return err
	}
	if _, err := app.Layout(c.Locker.Columns, c.Locker.LowRows); err != nil {
		return keyed(err)
	}
	if err := c.Locker.Wayfinding.Validate(c.Locker.ColumnSizes()); err != nil {
		return keyed(err)
	}
	if err := c.Locker.Sizes.Validate(); err != nil {
		return keyed(err)
	}
	if err := c.Speech.Validate(); err != nil {
		return err
	}
	if err := c.Keypad.Validate(); err != nil {
		return keyed(err)
	}
	if err := c.Lock.Validate(); err != nil {
		return keyed(err)
	}
	if err := c.Scanner.Validate(); err != nil {
		return keyed(err)
	}
	if err := c.API.Validate(); err != nil {
		return keyed(err)
	}
	if err := c.Operator.validate(); err != nil {
		return err
	}
	if err := c.validateCarriers(); err != nil {
		return err
	}
	if err := c.Fleet.Validate(); err != nil {
		return keyed(err)
	}
	if c.Fleet.Enabled {
		if err := fleet.CheckLockerID(c.Kiosk.ID); err != nil {
			return &Error{Key: "kiosk.id", Msg: err.Error()}
		}
		// The demo locker trusts its own demo key besides these.
		demo := c.Lock.Port == "sim" || c.Kiosk.Demo
		if c.Fleet.RemoteOpen && len(c.Operator.PublicKeys) == 0 && !demo {
			return &Error{Key: "fleet.remote_open", Msg: "needs the operator's keys in operator.public_keys: an open command must be signed by the operator"}
		}
	}
	return c.doorsOnBoards()
}

// doorsOnBoards checks that every door of the layout is wired to a
// configured board channel: a typo here would open the wrong door.
func (c Config) doorsOnBoards() error {
	channels := map[uint8]int{}
	for _, b := range c.Lock.Boards {
		channels[b.Address] = b.Channels
	}
	doors, _ := app.Layout(c.Locker.Columns, c.Locker.LowRows)
	for _, d := range doors {
		n, ok := channels[d.Board]
		if !ok {
			return &Error{Key: fmt.Sprintf("locker.columns[%d].board", d.Col-1), Msg: fmt.Sprintf("board %d is not in lock.boards", d.Board)}
		}
		if int(d.Channel) > n {
			return &Error{Key: fmt.Sprintf("locker.columns[%d]", d.Col-1), Msg: fmt.Sprintf("door %d needs channel %d but board %d has %d", d.ID, d.Channel, d.Board, n)}
		}
	}
	return nil
}

// keyed turns a section's own typed error (the first, when several are
// joined) into an Error naming the key: the key is carried as data, never
// read back out of the message.
func keyed(err error) error {
	var (
		le *lockio.ConfigError
		se *scanner.ConfigError
		ae *api.ConfigError
		pe *app.ConfigError
		fe *fleet.ConfigError
	)
	switch {
	case errors.As(err, &le):
		return &Error{Key: le.Key, Msg: le.Msg}
	case errors.As(err, &se):
		return &Error{Key: se.Key, Msg: se.Reason}
	case errors.As(err, &ae):
		return &Error{Key: "api." + ae.Key, Msg: ae.Msg}
	case errors.As(err, &pe):
		return &Error{Key: pe.Key, Msg: pe.Msg}
	case errors.As(err, &fe):
		return &Error{Key: "fleet." + fe.Key, Msg: fe.Msg}
	}
	return &Error{Msg: err.Error()}
}

// DataDir is where the database and the code secret live: the configured
// directory, else $XDG_DATA_HOME/pudo, else ~/.local/share/pudo.
func (c Config) DataDir() (string, error) {
	if c.Kiosk.DataDir != "" {
		return c.Kiosk.DataDir, nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "pudo"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("config: no data dir: %w", err)
	}
	return filepath.Join(home, ".local", "share", "pudo"), nil
}
