package scanner

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func TestConfigFromTOML(t *testing.T) {
	const doc = `
[scanner]
dedupe = "3s"
formats = ["qr", "code128"]
[scanner.camera]
enabled = false
[scanner.serial]
port = "/dev/serial/by-id/usb-Honeywell"
baud = 115200
terminator = "crlf"
[scanner.folder]
enabled = true
dir = "/var/lib/pudo/scans"
poll = "250ms"
[scanner.keyboard]
max_gap = "40ms"
`
	var file struct {
		Scanner Config `toml:"scanner"`
	}
	file.Scanner = DefaultConfig()
	if _, err := toml.Decode(doc, &file); err != nil {
		t.Fatal(err)
	}
	c := file.Scanner
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if c.Dedupe.D() != 3*time.Second || c.Folder.Poll.D() != 250*time.Millisecond || c.Keyboard.MaxGap.D() != 40*time.Millisecond {
		t.Errorf("durations %v %v %v", c.Dedupe, c.Folder.Poll, c.Keyboard.MaxGap)
	}
	if c.Serial.Baud != 115200 || c.Camera.Enabled || c.Camera.Width != 640 || len(c.Formats) != 2 {
		t.Errorf("decoded %+v", c)
	}
}

func TestConfigBadDuration(t *testing.T) {
	var c struct {
		D Duration `toml:"d"`
	}
	if _, err := toml.Decode(`d = "two seconds"`, &c); err == nil {
		t.Error("no error for a bad duration")
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantKey string
	}{
		{"default is valid", func(*Config) {}, ""},
		{"baud", func(c *Config) { c.Serial.Baud = 0 }, "scanner.serial.baud: must be positive"},
		{"terminator", func(c *Config) { c.Serial.Terminator = ";" }, "scanner.serial.terminator"},
		{"port", func(c *Config) { c.Serial.Port = "" }, "scanner.serial.port"},
		{"disabled serial not checked", func(c *Config) { c.Serial.Enabled = false; c.Serial.Baud = 0 }, ""},
		{"camera width", func(c *Config) { c.Camera.Width = -1 }, "scanner.camera.width: must be positive"},
		{"camera fps", func(c *Config) { c.Camera.FPS = 0 }, "scanner.camera.fps"},
		{"folder dir", func(c *Config) { c.Folder.Enabled = true; c.Folder.Dir = "" }, "scanner.folder.dir"},
		{"format", func(c *Config) { c.Formats = []string{"qr", "pdf417"} }, `scanner.formats: unknown format "pdf417"`},
		{"no formats", func(c *Config) { c.Formats = nil }, "scanner.formats"},
		{"dedupe", func(c *Config) { c.Dedupe = -1 }, "scanner.dedupe"},
		{"keyboard gap", func(c *Config) { c.Keyboard.MaxGap = 0 }, "scanner.keyboard.max_gap"},
		{"max pixels", func(c *Config) { c.MaxPixels = 0 }, "scanner.max_pixels: must be positive"},
		{"camera over max pixels", func(c *Config) { c.MaxPixels = 640*480 - 1 }, "scanner.camera.width: 640x480 frames are over max_pixels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.mutate(&c)
			err := c.Validate()
			if tt.wantKey == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantKey) {
				t.Fatalf("Validate = %v, want %q", err, tt.wantKey)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *ConfigError", err)
			}
		})
	}
}
