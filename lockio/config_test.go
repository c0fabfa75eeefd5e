package lockio

import (
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func TestConfigTOML(t *testing.T) {
	var kiosk struct {
		Lock Config `toml:"lock"`
	}
	_, err := toml.Decode(`
[lock]
protocol = "modbus"
modbus_pulse = "onoff"
port = "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K1234-if00-port0"
poll_interval = "250ms"
left_open_after = "2m"
min_unlock_gap = "3s"

[[lock.boards]]
address = 1
channels = 16
feedback = "open-high"

[[lock.boards]]
address = 2
channels = 8
`, &kiosk)
	if err != nil {
		t.Fatal(err)
	}
	c := kiosk.Lock
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c = c.withDefaults()
	if c.PollInterval.Std() != 250*time.Millisecond || c.LeftOpenAfter.Std() != 2*time.Minute ||
		c.MinUnlockGap.Std() != 3*time.Second || c.Baud != 9600 || c.ReplyTimeout.Std() != 1500*time.Millisecond ||
		!c.onOff() {
		t.Fatalf("decoded %+v", c)
	}
	if len(c.Boards) != 2 || c.Boards[0].Feedback != FeedbackOpenHigh || c.Boards[1].Feedback != FeedbackClosedHigh {
		t.Fatalf("boards %+v", c.Boards)
	}
}

func TestConfigBadDuration(t *testing.T) {
	var c Config
	if _, err := toml.Decode(`poll_interval = "soon"`, &c); err == nil {
		t.Fatal("accepted a bad duration")
	}
}

func TestDefaultConfigValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	if c := (Config{Protocol: "modbus"}).withDefaults(); c.ModbusPulse != PulseFlash || c.onOff() {
		t.Fatalf("modbus_pulse defaults to %q", c.ModbusPulse)
	}
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"protocol", func(c *Config) { c.Protocol = "wkly" }, `lock.protocol: "wkly"`},
		{"no port", func(c *Config) { c.Port = "" }, "lock.port:"},
		{"address 0", func(c *Config) { c.Boards[0].Address = 0 }, "lock.boards[0].address: must be 1..31"},
		{"address 32", func(c *Config) { c.Boards[0].Address = 32 }, "lock.boards[0].address: must be 1..31"},
		{"kerong address", func(c *Config) { c.Protocol = "kerong"; c.Boards[0].Address = 16; c.Boards[0].Channels = 16 }, "lock.boards[0].address: must be 0..15"},
		{"kerong channels", func(c *Config) { c.Protocol = "kerong" }, "lock.boards[0].channels: 24: must be 1..16"},
		{"duplicate", func(c *Config) { c.Boards = append(c.Boards, c.Boards[0]) }, "lock.boards[1].address: 1 is also boards[0]'s"},
		{"channels", func(c *Config) { c.Boards[0].Channels = 0 }, "lock.boards[0].channels: 0: must be 1..64"},
		{"feedback", func(c *Config) { c.Boards[0].Feedback = "inverted" }, `lock.boards[0].feedback: "inverted"`},
		{"no boards", func(c *Config) { c.Boards = nil }, "lock.boards: at least one"},
		{"negative", func(c *Config) { c.LeftOpenAfter = -1 }, "lock.left_open_after:"},
		{"baud", func(c *Config) { c.Baud = 12 }, "lock.baud: 12"},
		{"debounce", func(c *Config) { c.Debounce = 11 }, "lock.debounce: 11"},
		{"modbus_pulse", func(c *Config) { c.Protocol = "modbus"; c.ModbusPulse = "timed" }, `lock.modbus_pulse: "timed": must be "flash" or "onoff"`},
		{"onoff on 8a80", func(c *Config) { c.ModbusPulse = PulseOnOff }, `lock.modbus_pulse: "onoff" applies to protocol modbus only`},
		{"onoff pulse", func(c *Config) {
			c.Protocol = "modbus"
			c.ModbusPulse = PulseOnOff
			c.Pulse = Duration(5 * time.Second)
		}, "lock.pulse: 5s: at most 3s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}
