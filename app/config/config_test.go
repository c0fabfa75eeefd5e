package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"pudo/app/carrier"
	"pudo/app/cred"
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
		{"no support", "[support]\nphone = \"\"\nweb = \"\"\n", "support"},
		{"support phone", "[support]\nphone = \"call us\"\n", "support.phone"},
		{"support phone digits", "[support]\nphone = \"+ -\"\n", "support.phone"},
		{"support web scheme", "[support]\nweb = \"pudo.example/help\"\n", "support.web"},
		{"support web long", "[support]\nweb = \"https://pudo.example/" + strings.Repeat("x", 80) + "\"\n", "support.web"},
		{"support note language", "[support.note]\nenglish = \"x\"\n", "support.note.english"},
		{"support note lines", "[support.note]\nen = \"a\\nb\"\n", "support.note.en"},
		{"operator key", "[operator]\npublic_keys = [\"ed25519:short\"]\n", "operator.public_keys[0]"},
		{"carrier key", "[carriers]\nDHL = \"x25519:short\"\n", `carriers."DHL"`},
		{"carrier key of the operator's kind", "[carriers]\nDHL = \"ed25519:" + strings.Repeat("A", 43) + "\"\n", `carriers."DHL"`},
		{"carrier key of small order", "[carriers]\nDHL = \"x25519:" + strings.Repeat("A", 43) + "\"\n", `carriers."DHL"`},
		{"carrier id no token names", "[carriers]\n\"D H L\" = \"" + carrier.GenerateKey().Public().String() + "\"\n", `carriers."D H L"`},
		{"operator signing key", "[operator]\nsigning_key = \"/nonexistent/site.key\"\n", "operator.signing_key"},
		{"fleet broker in clear", "[fleet]\nenabled = true\nbroker = \"mqtt://192.0.2.7:1883\"\n", "fleet.broker"},
		{"fleet without broker", "[fleet]\nenabled = true\n", "fleet.broker"},
		{"fleet locker id", "[kiosk]\nid = \"a/b\"\n[fleet]\nenabled = true\nbroker = \"mqtts://broker.example:8883\"\n", "kiosk.id"},
		{"api body", "[api]\nmax_body = 1\n", "api.max_body"},
		{"fleet keys of their own", "[fleet]\noperator_keys = [\"AAAA\"]\n", "fleet.operator_keys"},
		{"fleet reconnect spread, now the window", "[fleet]\nreconnect_spread = \"20s\"\n", "fleet.reconnect_spread"},
		{"remote open without operator keys", "[lock]\nport = \"/dev/ttyUSB0\"\n[fleet]\nenabled = true\nbroker = \"mqtts://broker.example:8883\"\nremote_open = true\n", "fleet.remote_open"},
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

func TestSpeechAndKeypadErrorsNameTheKey(t *testing.T) {
	tests := []struct{ name, body, key string }{
		{"rate", "[speech]\nrate = 20\n", "speech.rate"},
		{"voice language", "[speech.voices]\nde = \"de\"\n", "speech.voices.de"},
		{"long press", "[speech]\nlong_press = \"100ms\"\n", "speech.long_press"},
		{"keypad", "[keypad]\nhelp = [\"NumLock\"]\n", "keypad.help"},
		{"places", "[locker.wayfinding]\ncolumns = [1, 2]\n", "locker.wayfinding.columns"},
		{"inner size", "[locker.sizes]\nS = { width = 0, height = 16, depth = 60 }\n", "locker.sizes.S"},
		{"inner order", "[locker.sizes]\nL = { width = 40, height = 20, depth = 60 }\n", "locker.sizes.L"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.toml")
			os.WriteFile(path, []byte(tt.body), 0o600)
			_, err := Load(path)
			var ce *Error
			if !errors.As(err, &ce) || ce.Key != tt.key {
				t.Fatalf("Load = %v, want an error naming %s", err, tt.key)
			}
		})
	}
}

// Columns of another locker must not keep the demo's places: the doors are
// then said by column and row, never with a wrong direction.
func TestColumnsDropTheDemoPlaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.toml")
	os.WriteFile(path, []byte("[[locker.columns]]\nboard = 1\nfirst_channel = 1\nsizes = \"LLL\"\n"), 0o600)
	c, err := Load(path)
	if err != nil || c.Locker.Wayfinding.Columns != nil {
		t.Fatalf("Load = %v, places %v", err, c.Locker.Wayfinding.Columns)
	}
}

func TestOneVoiceKeepsTheOthers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.toml")
	os.WriteFile(path, []byte("[speech.voices]\nen = \"en-us\"\n"), 0o600)
	c, err := Load(path)
	if err != nil || c.Speech.Voices["en"] != "en-us" || c.Speech.Voices["pl"] != "pl" {
		t.Fatalf("Load = %v, voices %v", err, c.Speech.Voices)
	}
	if Default().Speech.Voices["en"] != "en-gb" {
		t.Fatal("loading changed the defaults")
	}
}

func TestSpeechCacheDir(t *testing.T) {
	c := Default()
	t.Setenv("XDG_CACHE_HOME", "/x/cache")
	if got := c.SpeechCacheDir(); got != "/x/cache/pudo/speech" {
		t.Errorf("default: %q", got)
	}
	c.Speech.CacheDir = "/var/cache/pudo"
	if got := c.SpeechCacheDir(); got != "/var/cache/pudo" {
		t.Errorf("set: %q", got)
	}
}

// The operator's keys: several public keys (rotation), and a site signing
// key only if this locker trusts it.
func TestOperatorKeys(t *testing.T) {
	dir := t.TempDir()
	site, other := cred.GenerateKey(), cred.GenerateKey()
	keyPath := filepath.Join(dir, "site.key")
	if err := cred.WritePrivateKey(keyPath, site); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "p.toml")
	write := func(keys ...cred.PublicKey) {
		var q []string
		for _, k := range keys {
			q = append(q, `"`+k.String()+`"`)
		}
		os.WriteFile(path, []byte("[operator]\npublic_keys = ["+strings.Join(q, ", ")+"]\nsigning_key = \""+keyPath+"\"\n"), 0o600)
	}
	write(other.Public(), site.Public())
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if ks := c.Operator.Keys(); len(ks) != 2 || ks[1].ID() != site.Public().ID() {
		t.Fatalf("OperatorKeys = %v", ks)
	}
	write(other.Public())
	var ce *Error
	if _, err := Load(path); !errors.As(err, &ce) || ce.Key != "operator.signing_key" || !strings.Contains(err.Error(), "not in operator.public_keys") {
		t.Fatalf("a signing key this locker does not trust: %v", err)
	}
}

func TestSupportFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.toml")
	os.WriteFile(path, []byte("[support]\nphone = \"+48 22 123 45 67\"\nweb = \"\"\n[support.note]\npl = \"Codziennie 8:00–20:00\"\n"), 0o600)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := Support{Phone: "+48 22 123 45 67", Note: map[string]string{"pl": "Codziennie 8:00–20:00"}}
	if !reflect.DeepEqual(c.Support, want) {
		t.Fatalf("support = %+v, want %+v", c.Support, want)
	}
}

// A file that still lists the fleet link's own operator keys is told where
// the operator's keys went.
func TestMovedKeySaysWhere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.toml")
	os.WriteFile(path, []byte("[fleet]\noperator_keys = []\n"), 0o600)
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), "fleet.operator_keys: moved") || !strings.Contains(err.Error(), "[operator] public_keys") {
		t.Fatalf("Load = %v", err)
	}
}

// [staff] pin_alone is on by default and can be turned off.
func TestStaffPINAlone(t *testing.T) {
	if !Default().Staff.PINAlone {
		t.Fatal("pin_alone is off by default")
	}
	path := filepath.Join(t.TempDir(), "staff.toml")
	os.WriteFile(path, []byte("[staff]\npin_alone = false\n"), 0o600)
	c, err := Load(path)
	if err != nil || c.Staff.PINAlone {
		t.Fatalf("pin_alone = false read as %v, %v", c.Staff.PINAlone, err)
	}
}
