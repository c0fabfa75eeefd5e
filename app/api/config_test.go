package api

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func TestConfigValidate(t *testing.T) {
	_, hash := NewKey()
	hook := Webhook{Name: "shop", URL: "https://shop.example/hook", Secret: "0123456789abcdef"}
	tests := []struct {
		name string
		edit func(*Config)
		want string // "" = valid; else the start of the error
	}{
		{"defaults", func(*Config) {}, ""},
		{"zero values take defaults", func(c *Config) { *c = Config{} }, ""},
		{"a key and a hook", func(c *Config) {
			c.Keys = []Key{{Name: "shopx", Scope: "merchant", Hash: hash}}
			c.Webhooks = []Webhook{hook}
		}, ""},
		{"no port", func(c *Config) { c.Listen = "127.0.0.1" }, "api.listen: "},
		{"open to the LAN in clear", func(c *Config) { c.Listen = "0.0.0.0:8080" }, "api.listen: 0.0.0.0 is not a loopback"},
		{"cert without key", func(c *Config) { c.TLSCert = "/etc/pudo/api.crt" }, "api.tls_cert: "},
		{"missing cert file", func(c *Config) { c.TLSCert, c.TLSKey = "/nonexistent/c", "/nonexistent/k" }, "api.tls_"},
		{"tiny body cap", func(c *Config) { c.MaxBody = 10 }, "api.max_body: "},
		{"open flood", func(c *Config) { c.RemoteOpenPerMinute = 1000 }, "api.remote_open_per_minute: "},
		{"short idempotency", func(c *Config) { c.IdempotencyTTL = time.Minute }, "api.idempotency_ttl: "},
		{"bad scope", func(c *Config) { c.Keys = []Key{{Name: "shopx", Scope: "admin", Hash: hash}} }, "api.keys[0].scope: "},
		{"raw key as hash", func(c *Config) { c.Keys = []Key{{Name: "shopx", Scope: "merchant", Hash: "pudo_abc"}} }, "api.keys[0].hash: "},
		{"key twice", func(c *Config) {
			c.Keys = []Key{{Name: "a", Scope: "merchant", Hash: hash}, {Name: "a", Scope: "carrier", Hash: hash}}
		}, "api.keys[1].name: "},
		{"missing keys file", func(c *Config) { c.KeysFile = "/nonexistent/keys.toml" }, "api.keys_file: "},
		{"hook without secret", func(c *Config) { h := hook; h.Secret = ""; c.Webhooks = []Webhook{h} }, "api.webhooks[0].secret: "},
		{"hook with both secrets", func(c *Config) { h := hook; h.SecretEnv = "X"; c.Webhooks = []Webhook{h} }, "api.webhooks[0].secret: "},
		{"short secret", func(c *Config) { h := hook; h.Secret = "abc"; c.Webhooks = []Webhook{h} }, "api.webhooks[0].secret: "},
		{"ftp hook", func(c *Config) { h := hook; h.URL = "ftp://x/y"; c.Webhooks = []Webhook{h} }, "api.webhooks[0].url: "},
		{"password in URL", func(c *Config) { h := hook; h.URL = "https://u:p@x/y"; c.Webhooks = []Webhook{h} }, "api.webhooks[0].url: "},
		{"bad event pattern", func(c *Config) { h := hook; h.Events = []string{"rent.**"}; c.Webhooks = []Webhook{h} }, "api.webhooks[0].events[0]: "},
		{"hook twice", func(c *Config) { c.Webhooks = []Webhook{hook, hook} }, "api.webhooks[1].name: "},
		{"backoff upside down", func(c *Config) {
			h := hook
			h.BackoffMin, h.BackoffMax = time.Minute, time.Second
			c.Webhooks = []Webhook{h}
		}, "api.webhooks[0].backoff_max: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Fatalf("Validate = %v, want %q...", err, tt.want)
			}
			var ce *ConfigError
			if err != nil && !errors.As(err, &ce) {
				t.Fatalf("Validate error %T is not a *ConfigError", err)
			}
		})
	}
}

// TestConfigFromTOML reads the [api] section as the kiosk's file would
// spell it, every key once.
func TestConfigFromTOML(t *testing.T) {
	_, hash := NewKey()
	src := `
[api]
enabled = true
listen = "127.0.0.1:9090"
max_body = 4096
remote_open = true
remote_open_per_minute = 3
idempotency_ttl = "48h"

[[api.keys]]
name = "shopx"
scope = "merchant"
hash = "` + hash + `"

[[api.webhooks]]
name = "shopx"
url = "https://shopx.example/pudo"
secret_env = "PUDO_WEBHOOK_SHOPX"
events = ["rent.*", "door.open"]
key = "shopx"
max_attempts = 5
backoff_min = "2s"
backoff_max = "1m"
timeout = "5s"
`
	var file struct {
		API Config `toml:"api"`
	}
	file.API = DefaultConfig()
	md, err := toml.Decode(src, &file)
	if err != nil {
		t.Fatal(err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		t.Fatalf("undecoded keys: %v", und)
	}
	c := file.API
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	w := c.Webhooks[0]
	if !c.Enabled || c.IdempotencyTTL != 48*time.Hour || c.Keys[0].Name != "shopx" || w.BackoffMax != time.Minute || !w.wants("rent.stored") || w.wants("door.open.failed") {
		t.Fatalf("decoded %+v", c)
	}
	t.Setenv("PUDO_WEBHOOK_SHOPX", "short")
	if _, err := New(c, nil, nil, quietLog()); err == nil || !strings.Contains(err.Error(), "PUDO_WEBHOOK_SHOPX") {
		t.Fatalf("New with a short secret in the environment = %v", err)
	}
}

func TestKeysFile(t *testing.T) {
	key, hash := NewKey()
	path := filepath.Join(t.TempDir(), "keys.toml")
	os.WriteFile(path, []byte("[[keys]]\nname = \"fleet\"\nscope = \"carrier\"\nhash = \""+hash+"\"\n"), 0o600)
	c := DefaultConfig()
	c.KeysFile = path
	keys, err := loadKeys(c)
	if err != nil {
		t.Fatal(err)
	}
	kr, _ := newKeyring(keys)
	if p, ok := kr.lookup(key); !ok || p.Name != "fleet" || p.Scope != ScopeCarrier {
		t.Fatalf("lookup = %+v, %v", p, ok)
	}
	if _, ok := kr.lookup(key + "x"); ok {
		t.Fatal("a wrong key was accepted")
	}
	os.WriteFile(path, []byte("[[keys]]\nname = \"fleet\"\nscop = \"carrier\"\n"), 0o600)
	if _, err := loadKeys(c); err == nil || !strings.HasPrefix(err.Error(), "api.keys_file: ") {
		t.Fatalf("typo in keys file: %v", err)
	}
}

func TestKeyMain(t *testing.T) {
	var out, errb bytes.Buffer
	if code := KeyMain(context.Background(), []string{"new", "--name", "shopx", "--scope", "merchant"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	key := regexp.MustCompile(`pudo_[a-z2-7]{52}`).FindString(out.String())
	hash := regexp.MustCompile(`hash = "(sha256:[0-9a-f]{64})"`).FindStringSubmatch(out.String())
	if key == "" || hash == nil || HashKey(key) != hash[1] {
		t.Fatalf("output does not pair a key with its hash:\n%s", out.String())
	}
	// The printed table decodes into a valid config.
	var file struct {
		API Config `toml:"api"`
	}
	if _, err := toml.Decode(out.String()[strings.Index(out.String(), "[[api.keys]]"):], &file); err != nil {
		t.Fatal(err)
	}
	if err := file.API.Validate(); err != nil || len(file.API.Keys) != 1 {
		t.Fatalf("pasted table: %+v, %v", file.API.Keys, err)
	}
	for _, args := range [][]string{{}, {"list"}, {"new", "--name", "Shop X", "--scope", "merchant"}, {"new", "--name", "x", "--scope", "root"}} {
		out.Reset()
		if code := KeyMain(context.Background(), args, &out, &errb); code != 2 || out.Len() != 0 {
			t.Errorf("KeyMain(%q) = %d with output %q", args, code, out.String())
		}
	}
}

// TestExampleConfig: the documented example decodes, every key is known,
// and the defaults it shows are DefaultConfig's; its commented tables
// decode too once uncommented.
func TestExampleConfig(t *testing.T) {
	src, err := os.ReadFile("api.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		API Config `toml:"api"`
	}
	md, err := toml.Decode(string(src), &file)
	if err != nil {
		t.Fatal(err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		t.Fatalf("unknown keys in the example: %v", und)
	}
	if d := DefaultConfig(); !reflect.DeepEqual(file.API, d) {
		t.Fatalf("example shows %+v, defaults are %+v", file.API, d)
	}
	uncommented := regexp.MustCompile(`(?m)^# (\[\[api\.|[a-z_]+ = )`).ReplaceAllString(string(src), "$1")
	var full struct {
		API Config `toml:"api"`
	}
	md, err = toml.Decode(uncommented, &full)
	if err != nil {
		t.Fatal(err)
	}
	if und := md.Undecoded(); len(und) > 0 || len(full.API.Keys) != 1 || len(full.API.Webhooks) != 1 {
		t.Fatalf("uncommented example: undecoded %v, %+v", und, full.API)
	}
}
