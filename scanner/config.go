package scanner

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Config selects and tunes the code sources. The kiosk embeds it under [scanner].
type Config struct {
	Camera   CameraConfig   `toml:"camera"`
	Serial   SerialConfig   `toml:"serial"`
	Folder   FolderConfig   `toml:"folder"`
	Keyboard KeyboardConfig `toml:"keyboard"`
	// Formats lists the symbologies the camera and folder decode: any of
	// "qr", "datamatrix", "code128", "code39", "ean", "itf". Every enabled
	// format is another chance of a false read, so list only what the locker meets.
	// ITF is off by default: its weak structure reads digits out of noise.
	Formats []string `toml:"formats"`
	// Dedupe drops a code seen again within this window (sliding: a code held
	// in view is reported once, however long it stays).
	Dedupe Duration `toml:"dedupe"`
	// Retry is how long a source waits before reopening a missing or failed device.
	Retry Duration `toml:"retry"`
	// MaxPixels is the largest image decoded, in pixels: a file (pudo decode,
	// the folder source) declaring more is refused from its header, and so
	// is a camera frame of more.
	MaxPixels int `toml:"max_pixels"`
}

// CameraConfig is a V4L2 camera.
type CameraConfig struct {
	Enabled bool   `toml:"enabled"`
	Device  string `toml:"device"` // e.g. /dev/video0
	Width   int    `toml:"width"`
	Height  int    `toml:"height"`
	FPS     int    `toml:"fps"`
}

// SerialConfig is a barcode scanner in serial (USB-CDC) mode that sends one line per code.
type SerialConfig struct {
	Enabled bool   `toml:"enabled"`
	Port    string `toml:"port"` // prefer /dev/serial/by-id/... so a replug keeps its name
	Baud    int    `toml:"baud"`
	// Terminator ends each code: "cr", "lf", "crlf", "tab", or the characters themselves.
	Terminator string `toml:"terminator"`
	// MaxLine rejects longer lines: a scanner never sends one, line noise does.
	MaxLine int `toml:"max_line"`
}

// FolderConfig watches a directory: each image file dropped there is decoded once.
type FolderConfig struct {
	Enabled bool     `toml:"enabled"`
	Dir     string   `toml:"dir"`
	Poll    Duration `toml:"poll"`
}

// KeyboardConfig tells a keyboard-mode scanner's burst from a person typing.
type KeyboardConfig struct {
	// MaxGap is the longest pause between two keys (and before Enter) inside a scan.
	// Scanners type a key every few milliseconds; people rarely manage 4 keys under 50 ms apart.
	MaxGap Duration `toml:"max_gap"`
	// MinLength is the shortest text taken as a scan.
	MinLength int `toml:"min_length"`
}

// DefaultConfig returns a configuration that works on the reference kiosk:
// camera and serial scanner enabled, folder source off.
func DefaultConfig() Config {
	return Config{
		Camera: CameraConfig{Enabled: true, Device: "/dev/video0", Width: 640, Height: 480, FPS: 15},
		Serial: SerialConfig{
			Enabled: true, Port: "/dev/ttyACM0", Baud: 9600, Terminator: "cr", MaxLine: 256,
		},
		Folder:    FolderConfig{Dir: "scans", Poll: Duration(500 * time.Millisecond)},
		Keyboard:  KeyboardConfig{MaxGap: Duration(50 * time.Millisecond), MinLength: 4},
		Formats:   []string{"qr", "datamatrix", "code128", "code39", "ean"},
		Dedupe:    Duration(2 * time.Second),
		Retry:     Duration(2 * time.Second),
		MaxPixels: DefaultMaxPixels,
	}
}

// ConfigError names the offending key, as it is spelled in the kiosk TOML.
type ConfigError struct {
	Key    string // e.g. "scanner.serial.baud"
	Reason string
}

func (e *ConfigError) Error() string { return e.Key + ": " + e.Reason }

// Validate reports every invalid key, joined; each is a *ConfigError.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, reason string) { errs = append(errs, &ConfigError{"scanner." + key, reason}) }
	if c.Camera.Enabled {
		if c.Camera.Device == "" {
			bad("camera.device", "must be set when the camera is enabled")
		}
		if c.Camera.Width <= 0 {
			bad("camera.width", "must be positive")
		}
		if c.Camera.Height <= 0 {
			bad("camera.height", "must be positive")
		}
		if c.Camera.FPS <= 0 {
			bad("camera.fps", "must be positive")
		}
		if c.MaxPixels > 0 && c.Camera.Width > 0 && c.Camera.Height > 0 && checkSize(c.Camera.Width, c.Camera.Height, c.MaxPixels) != nil {
			bad("camera.width", fmt.Sprintf("%dx%d frames are over max_pixels (%d)", c.Camera.Width, c.Camera.Height, c.MaxPixels))
		}
	}
	if c.Serial.Enabled {
		if c.Serial.Port == "" {
			bad("serial.port", "must be set when the serial scanner is enabled")
		}
		if c.Serial.Baud <= 0 {
			bad("serial.baud", "must be positive")
		}
		if _, err := parseTerminator(c.Serial.Terminator); err != nil {
			bad("serial.terminator", err.Error())
		}
		if c.Serial.MaxLine <= 0 {
			bad("serial.max_line", "must be positive")
		}
	}
	if c.Folder.Enabled {
		if c.Folder.Dir == "" {
			bad("folder.dir", "must be set when the folder source is enabled")
		}
		if c.Folder.Poll <= 0 {
			bad("folder.poll", "must be positive")
		}
	}
	if c.Keyboard.MaxGap <= 0 {
		bad("keyboard.max_gap", "must be positive")
	}
	if c.Keyboard.MinLength <= 0 {
		bad("keyboard.min_length", "must be positive")
	}
	if _, err := parseFormats(c.Formats); err != nil {
		bad("formats", err.Error())
	}
	if c.Dedupe < 0 {
		bad("dedupe", "must not be negative")
	}
	if c.Retry <= 0 {
		bad("retry", "must be positive")
	}
	if c.MaxPixels <= 0 {
		bad("max_pixels", "must be positive")
	}
	return errors.Join(errs...)
}

// parseTerminator accepts a name or the literal characters.
func parseTerminator(s string) (byte, error) {
	switch strings.ToLower(s) {
	case "cr", "\r", "crlf", "\r\n":
		// CRLF splits on CR; the LF left at the start of the next line is trimmed.
		return '\r', nil
	case "lf", "\n":
		return '\n', nil
	case "tab", "\t":
		return '\t', nil
	}
	return 0, fmt.Errorf("must be cr, lf, crlf or tab, not %q", s)
}

// Duration is a time.Duration that TOML spells as a string: "2s", "500ms".
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("scanner: duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

// MarshalText implements encoding.TextMarshaler so a written config reads back.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) String() string { return time.Duration(d).String() }
