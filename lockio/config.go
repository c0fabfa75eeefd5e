package lockio

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	"pudo/lockio/proto"
)

// Duration is a time.Duration that TOML spells "500ms".
type Duration time.Duration

// Std is d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

func (d Duration) String() string { return time.Duration(d).String() }

func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Config is the [lock] section of the kiosk's configuration. Zero fields
// take the defaults of DefaultConfig, except Port and Boards.
type Config struct {
	Protocol string `toml:"protocol"` // "8a80", "modbus" or "kerong"
	// Port is the serial device; prefer /dev/serial/by-id/… so a replugged
	// adapter is found again. SimPort ("sim") asks the kiosk for emulated
	// boards (the demo locker): main starts them and opens their pty.
	Port string `toml:"port"`
	Baud int    `toml:"baud"` // 0 = the protocol's default
	// PollInterval is how often every board's door inputs are read.
	PollInterval Duration `toml:"poll_interval"`
	// ReplyTimeout bounds the wait for an unlock reply; real boards pulse
	// first and answer after ~500 ms–1 s.
	ReplyTimeout Duration `toml:"reply_timeout"`
	// PollTimeout bounds the wait for a status reply; a silent board costs
	// this much per cycle, so keep it well under PollInterval.
	PollTimeout Duration `toml:"poll_timeout"`
	// QuietTime of line silence ends a reply whose length the header does
	// not give. USB adapters deliver one reply in bursts >5 ms apart.
	QuietTime Duration `toml:"quiet_time"`
	// Debounce is how many polls in a row must agree before a door
	// changes between open and closed.
	Debounce        int      `toml:"debounce"`
	LeftOpenAfter   Duration `toml:"left_open_after"`
	DidNotOpenAfter Duration `toml:"did_not_open_after"`
	// MinUnlockGap keeps a coil from being driven again too soon.
	MinUnlockGap Duration `toml:"min_unlock_gap"`
	// Pulse is how long a lock's coil is driven: the board-timed pulse on
	// boards that take one (Modbus flash), or the time between relay ON and
	// OFF with ModbusPulse "onoff".
	Pulse Duration `toml:"pulse"`
	// ModbusPulse is how a Modbus relay board is made to pulse a lock:
	//
	//   - "flash" (default): the Waveshare flash write (FC05 to 0x0200+ch,
	//     length in 100 ms units). The board ends the pulse, so a crash of
	//     this process cannot leave a coil energised (Open-Locker ADR-0004).
	//   - "onoff": plain FC05 relay ON, Pulse later OFF, both sent by the
	//     port goroutine, for boards without flash registers: they echo
	//     the flash write and do nothing (eFormLockerRoom's "relay not
	//     clicking", which it fixes with plain ON/OFF). A crash between
	//     ON and OFF leaves the coil held, so every configured relay is
	//     switched off when the port opens and after every reconnect,
	//     before the board is first polled; an OFF that fails is retried
	//     and shows in Health().Boards[i].RelaysOn until it succeeds.
	//
	// Prefer "flash" wherever the board takes it.
	ModbusPulse string `toml:"modbus_pulse"`
	// ReconnectMax caps the backoff between reopen attempts.
	ReconnectMax Duration `toml:"reconnect_max"`
	// DownAfter and DownPolls: a board is called down (its doors out of
	// order) once it has missed answers for DownAfter and at least
	// DownPolls polls in a row, and the bus once its port has been lost
	// for DownAfter; UpAfter: called up again after answering that long.
	// A hiccup shorter than DownAfter (a busy board, a glitch on the
	// line, an adapter reset) neither flips the screens nor ends a
	// session; the doors' readings still show the gap (Controller.Gaps).
	DownAfter Duration `toml:"down_after"`
	DownPolls int      `toml:"down_polls"`
	UpAfter   Duration `toml:"up_after"`
	// SimAutoClose: with Port "sim", a door the emulator popped open shuts
	// by itself after this long; 0 = only when told. The driver ignores it.
	SimAutoClose Duration `toml:"sim_auto_close"`

	Boards []BoardConfig `toml:"boards"`
}

// BoardConfig is one lock board on the bus.
type BoardConfig struct {
	Address  uint8 `toml:"address"`
	Channels int   `toml:"channels"`
	// Feedback is the input polarity: "closed-high" (line high = door
	// closed; Open-Locker's door_closing, the default) or "open-high".
	// Commission it: a door that always reads inverted has it wrong.
	Feedback string `toml:"feedback"`
}

// SimPort is the Port value that asks for emulated boards.
const SimPort = "sim"

const (
	FeedbackClosedHigh = "closed-high"
	FeedbackOpenHigh   = "open-high"
)

// ModbusPulse values.
const (
	PulseFlash = "flash"
	PulseOnOff = "onoff"
)

// maxOnOffPulse bounds a software-timed pulse: the port goroutine holds
// the bus for it, and a held solenoid overheats (eFormLockerRoom settled on
// 400–800 ms).
const maxOnOffPulse = 3 * time.Second

// DefaultConfig is the demo locker: the built-in emulator speaking 8A/80,
// one 24-channel board at address 1.
func DefaultConfig() Config {
	return Config{
		Protocol:        "8a80",
		Port:            "sim",
		PollInterval:    Duration(500 * time.Millisecond),
		ReplyTimeout:    Duration(1500 * time.Millisecond),
		PollTimeout:     Duration(250 * time.Millisecond),
		QuietTime:       Duration(25 * time.Millisecond),
		Debounce:        2,
		LeftOpenAfter:   Duration(60 * time.Second),
		DidNotOpenAfter: Duration(5 * time.Second),
		MinUnlockGap:    Duration(2 * time.Second),
		Pulse:           Duration(500 * time.Millisecond),
		ModbusPulse:     PulseFlash,
		ReconnectMax:    Duration(time.Second),
		DownAfter:       Duration(3 * time.Second),
		DownPolls:       3,
		UpAfter:         Duration(time.Second),
		SimAutoClose:    Duration(4 * time.Second),
		Boards:          []BoardConfig{{Address: 1, Channels: 24, Feedback: FeedbackClosedHigh}},
	}
}

// withDefaults fills zero fields from DefaultConfig (Port, Boards and
// SimAutoClose excepted: their zero values mean something).
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	c.Protocol = cmp.Or(c.Protocol, d.Protocol)
	c.ModbusPulse = cmp.Or(c.ModbusPulse, d.ModbusPulse)
	setDur := func(v *Duration, def Duration) {
		if *v == 0 {
			*v = def
		}
	}
	setDur(&c.PollInterval, d.PollInterval)
	setDur(&c.ReplyTimeout, d.ReplyTimeout)
	setDur(&c.PollTimeout, d.PollTimeout)
	setDur(&c.QuietTime, d.QuietTime)
	setDur(&c.LeftOpenAfter, d.LeftOpenAfter)
	setDur(&c.DidNotOpenAfter, d.DidNotOpenAfter)
	setDur(&c.MinUnlockGap, d.MinUnlockGap)
	setDur(&c.Pulse, d.Pulse)
	setDur(&c.ReconnectMax, d.ReconnectMax)
	setDur(&c.DownAfter, d.DownAfter)
	setDur(&c.UpAfter, d.UpAfter)
	c.Debounce = cmp.Or(c.Debounce, d.Debounce)
	c.DownPolls = cmp.Or(c.DownPolls, d.DownPolls)
	if c.Baud == 0 {
		if codec, err := proto.ByName(c.Protocol); err == nil {
			c.Baud = codec.Baud()
		}
	}
	c.Boards = append([]BoardConfig(nil), c.Boards...)
	for i := range c.Boards {
		if c.Boards[i].Feedback == "" {
			c.Boards[i].Feedback = FeedbackClosedHigh
		}
	}
	return c
}

// limits are the address and channel ranges of a protocol family.
type limits struct {
	minAddr, maxAddr uint8
	maxChannels      int
}

var familyLimits = map[string]limits{
	"8a80":   {1, 31, 64}, // Open-Locker accepts 1–31; 8 status bytes at most
	"modbus": {1, 247, 64},
	"kerong": {0, 15, 16}, // ADDR high nibble = CU, low nibble = lock
}

// ConfigError is one bad value of the [lock] section; Key is as it appears
// in the kiosk's TOML ("lock.boards[1].channels").
type ConfigError struct {
	Key, Msg string
}

func (e *ConfigError) Error() string { return e.Key + ": " + e.Msg }

// Validate checks c after defaults. Every bad value is a *ConfigError,
// joined.
func (c Config) Validate() error {
	c = c.withDefaults()
	lim, ok := familyLimits[c.Protocol]
	if !ok {
		return &ConfigError{Key: "lock.protocol", Msg: fmt.Sprintf("%q: want one of 8a80, modbus, kerong", c.Protocol)}
	}
	var errs []error
	bad := func(key, format string, a ...any) {
		errs = append(errs, &ConfigError{Key: "lock." + key, Msg: fmt.Sprintf(format, a...)})
	}
	if c.Port == "" {
		bad("port", "must be a serial device path or \"sim\"")
	}
	if c.Baud < 300 || c.Baud > 4_000_000 {
		bad("baud", "%d: must be 300..4000000", c.Baud)
	}
	c.validateDurations(bad)
	switch {
	case c.ModbusPulse != PulseFlash && c.ModbusPulse != PulseOnOff:
		bad("modbus_pulse", "%q: must be %q or %q", c.ModbusPulse, PulseFlash, PulseOnOff)
	case c.ModbusPulse == PulseOnOff && c.Protocol != "modbus":
		bad("modbus_pulse", "%q applies to protocol modbus only, not %s", c.ModbusPulse, c.Protocol)
	case c.ModbusPulse == PulseOnOff && c.Pulse > Duration(maxOnOffPulse):
		bad("pulse", "%v: at most %v with modbus_pulse %q: the relay is held on by software", c.Pulse, maxOnOffPulse, c.ModbusPulse)
	}
	if c.DownPolls < 1 || c.DownPolls > 100 {
		bad("down_polls", "%d: must be 1..100", c.DownPolls)
	}
	if c.Debounce < 1 || c.Debounce > 10 {
		bad("debounce", "%d: must be 1..10", c.Debounce)
	}
	if len(c.Boards) == 0 {
		bad("boards", "at least one board is needed")
	}
	seen := map[uint8]int{}
	for i, b := range c.Boards {
		key := fmt.Sprintf("boards[%d]", i)
		if b.Address < lim.minAddr || b.Address > lim.maxAddr {
			bad(key+".address", "must be %d..%d", lim.minAddr, lim.maxAddr)
		}
		if j, dup := seen[b.Address]; dup {
			bad(key+".address", "%d is also boards[%d]'s", b.Address, j)
		}
		seen[b.Address] = i
		if b.Channels < 1 || b.Channels > lim.maxChannels {
			bad(key+".channels", "%d: must be 1..%d", b.Channels, lim.maxChannels)
		}
		if b.Feedback != FeedbackClosedHigh && b.Feedback != FeedbackOpenHigh {
			bad(key+".feedback", "%q: must be %q or %q", b.Feedback, FeedbackClosedHigh, FeedbackOpenHigh)
		}
	}
	return errors.Join(errs...)
}

func (c Config) validateDurations(bad func(key, format string, a ...any)) {
	for _, d := range []struct {
		key string
		v   Duration
	}{
		{"poll_interval", c.PollInterval}, {"reply_timeout", c.ReplyTimeout},
		{"poll_timeout", c.PollTimeout}, {"quiet_time", c.QuietTime},
		{"left_open_after", c.LeftOpenAfter}, {"did_not_open_after", c.DidNotOpenAfter},
		{"min_unlock_gap", c.MinUnlockGap}, {"pulse", c.Pulse},
		{"reconnect_max", c.ReconnectMax}, {"sim_auto_close", c.SimAutoClose},
		{"down_after", c.DownAfter}, {"up_after", c.UpAfter},
	} {
		if d.v < 0 {
			bad(d.key, "%v: must not be negative", d.v)
		}
	}
	if c.QuietTime >= c.PollTimeout {
		bad("quiet_time", "%v: must be shorter than poll_timeout (%v)", c.QuietTime, c.PollTimeout)
	}
}

// onOff says unlocks are software-timed relay ON/OFF pairs.
func (c Config) onOff() bool { return c.Protocol == "modbus" && c.ModbusPulse == PulseOnOff }

func (c Config) board(addr uint8) (BoardConfig, bool) {
	for _, b := range c.Boards {
		if b.Address == addr {
			return b, true
		}
	}
	return BoardConfig{}, false
}

// Doors lists every door of the layout, board by board.
func (c Config) Doors() []Door {
	var ds []Door
	for _, b := range c.Boards {
		for ch := 1; ch <= b.Channels; ch++ {
			ds = append(ds, Door{b.Address, uint8(ch)})
		}
	}
	return ds
}
