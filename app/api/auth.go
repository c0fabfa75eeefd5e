package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"

	"pudo/app/httpapi"
)

// NewKey returns a fresh API key and the hash to put in the
// configuration (httpapi's keys, the network's shop API's too).
func NewKey() (key, hash string) { return httpapi.NewKey() }

// HashKey is what the configuration keeps of a key.
func HashKey(key string) string { return httpapi.HashKey(key) }

var bearer = httpapi.Bearer

// principal is who a request comes from.
type principal struct {
	Name  string
	Scope string
	// token is the bearer key itself, kept only for the request's life to
	// seal idempotent answers; never logged or stored.
	token string
}

// owner is the rent owner this principal is limited to; "" sees all.
func (p principal) owner() string {
	if p.Scope == ScopeOperator {
		return ""
	}
	return p.Name
}

type keyring struct {
	keys   []Key
	hashes [][]byte
}

func newKeyring(keys []Key) (*keyring, error) {
	kr := &keyring{}
	for _, k := range keys {
		h, err := hex.DecodeString(strings.TrimPrefix(k.Hash, "sha256:"))
		if err != nil || len(h) != sha256.Size {
			return nil, &ConfigError{Key: "keys", Msg: fmt.Sprintf("key %q: bad hash", k.Name)}
		}
		kr.keys, kr.hashes = append(kr.keys, k), append(kr.hashes, h)
	}
	return kr, nil
}

// lookup finds the key whose hash matches token. It compares against every
// key in constant time, so timing tells nothing about which nearly matched.
func (kr *keyring) lookup(token string) (principal, bool) {
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i, h := range kr.hashes {
		if subtle.ConstantTimeCompare(sum[:], h) == 1 {
			found = i
		}
	}
	if found < 0 {
		return principal{}, false
	}
	k := kr.keys[found]
	return principal{Name: k.Name, Scope: k.Scope, token: token}, true
}

// loadKeys gives the configured keys plus those of the keys file.
func loadKeys(cfg Config) ([]Key, error) {
	keys := append([]Key(nil), cfg.Keys...)
	if cfg.KeysFile == "" {
		return keys, nil
	}
	// Either spelling, so the table `pudo api-key new` prints pastes here
	// as it is.
	var f struct {
		Keys []Key `toml:"keys"`
		API  struct {
			Keys []Key `toml:"keys"`
		} `toml:"api"`
	}
	body, err := os.ReadFile(cfg.KeysFile)
	if err != nil {
		return nil, &ConfigError{Key: "keys_file", Msg: unwrapPath(err)}
	}
	md, err := toml.Decode(string(body), &f)
	if err != nil {
		return nil, &ConfigError{Key: "keys_file", Msg: err.Error()}
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, &ConfigError{Key: "keys_file", Msg: fmt.Sprintf("%s: unknown key %s", cfg.KeysFile, und[0])}
	}
	keys = append(append(keys, f.Keys...), f.API.Keys...)
	if err := validateKeys("keys", keys); err != nil {
		return nil, err
	}
	return keys, nil
}
