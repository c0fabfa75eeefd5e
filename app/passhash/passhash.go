// Package passhash keeps a secret a person chooses (an operator's password
// for central's dashboard) as an argon2id hash in the PHC string form,
// carrying its own cost and salt: $argon2id$v=19$m=..,t=..,p=..$salt$hash.
// It imports nothing of Pudo's. (The kiosk's staff PINs use the same form
// keyed by the locker's own secret, in app/core.)
package passhash

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Cost is the work factor of argon2id.
type Cost struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultCost is OWASP's argon2id minimum (19 MiB, 2 passes): slow for a
// stolen database, quick at a login.
var DefaultCost = Cost{Time: 2, Memory: 19 * 1024, Threads: 1}

// Hash hashes secret with a fresh salt at cost c.
func Hash(secret string, c Cost) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic("passhash: crypto/rand failed: " + err.Error())
	}
	key := argon2.IDKey([]byte(secret), salt, c.Time, c.Memory, c.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.Memory, c.Time, c.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// Match checks secret against an encoded hash in constant time. A hash
// that does not parse, or asks for more than 2 GiB, never matches.
func Match(secret, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var v int
	var c Cost
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &c.Memory, &c.Time, &c.Threads); err != nil ||
		c.Time == 0 || c.Threads == 0 || c.Memory > 1<<21 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(secret), salt, c.Time, c.Memory, c.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
