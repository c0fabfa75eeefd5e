package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The documented example must say exactly what the defaults are, so the
// documentation cannot drift from the code.
func TestExampleIsTheDefault(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pudo.toml")
	if err := os.WriteFile(path, Example, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatalf("Load(example) = %v", err)
	}
	if want := Default(); !reflect.DeepEqual(got, want) {
		t.Fatalf("example differs from defaults:\n got %+v\nwant %+v", got, want)
	}
}

func TestLoadErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		name, body, key string
	}{
		{"unknown key", "[kiosk]\nidd = \"x\"\n", "kiosk.idd"},
		{"wrong type", "[kiosk]\nid = 5\n", "kiosk.id"},
		{"bad duration", "[kiosk]\nidle_timeout = \"soon\"\n", "kiosk.idle_timeout"},
		{"too short", "[kiosk]\nidle_timeout = \"1s\"\n", "kiosk.idle_timeout"},
		{"empty id", "[kiosk]\nid = \" \"\n", "kiosk.id"},
		{"log format", "[kiosk]\nlog_format = \"xml\"\n", "kiosk.log_format"},
		{"window", "[rents]\npickup_window = \"10m\"\n", "rents.pickup_window"},
		{"reopen grace", "[screen]\nreopen_grace = \"10m\"\n", "screen.reopen_grace"},
		{"flap limit", "[locker]\nflap_limit = 1\n", "locker.flap_limit"},
		{"size", "[[locker.columns]]\nboard = 1\nfirst_channel = 1\nsizes = \"SX\"\n", "locker.columns[0].sizes"},
		{"twice", "[[locker.columns]]\nboard = 1\nfirst_channel = 1\nsizes = \"SS\"\n[[locker.columns]]\nboard = 1\nfirst_channel = 2\nsizes = \"S\"\n", "locker.columns[1]"},
		{"syntax", "[kiosk\n", ""},
		{"board missing", "[[locker.columns]]\nboard = 3\nfirst_channel = 1\nsizes = \"S\"\n", "locker.columns[0].board"},
		{"channel beyond board", "[[locker.columns]]\nboard = 1\nfirst_channel = 24\nsizes = \"SS\"\n", "locker.columns[0]"},
		{"lock protocol", "[lock]\nprotocol = \"x10\"\n", "lock.protocol"},
		{"lock board address", "[[lock.boards]]\naddress = 99\nchannels = 24\n", "lock.boards[0].address"},
		{"scanner baud", "[scanner.serial]\nbaud = -1\n", "scanner.serial.baud"},
		{"api body", "[api]\nmax_body = 1\n", "api.max_body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.toml")
			os.WriteFile(path, []byte(tt.body), 0o600)
			_, err := Load(path)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Load = %v, want a *config.Error", err)
			}
			if ce.Key != tt.key || ce.File != path {
				t.Fatalf("error names key %q file %q, want %q %q (%v)", ce.Key, ce.File, tt.key, path, err)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, path) {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("Load(missing) = %v", err)
	}
}

func TestColumnsReplaceTheDemo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.toml")
	os.WriteFile(path, []byte("[[locker.columns]]\nboard = 2\nfirst_channel = 1\nsizes = \"LLL\"\n"+
		"[[lock.boards]]\naddress = 2\nchannels = 8\n"), 0o600)
	c, err := Load(path)
	if err != nil || len(c.Locker.Columns) != 1 || c.Locker.Columns[0].Board != 2 {
		t.Fatalf("Load = %+v, %v", c.Locker.Columns, err)
	}
	if len(c.Lock.Boards) != 1 || c.Lock.Boards[0].Address != 2 {
		t.Fatalf("boards = %+v: the demo board was not replaced", c.Lock.Boards)
	}
}
