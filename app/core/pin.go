package core

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"pudo/app"
)

// PINCost is the work factor of argon2id for staff PINs.
type PINCost struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultPINCost is OWASP's argon2id minimum (19 MiB, 2 passes), about
// 50 ms on a kiosk-class ARM board: slow for a stolen file, quick at the
// screen.
var DefaultPINCost = PINCost{Time: 2, Memory: 19 * 1024, Threads: 1}

// MinPINLen is the shortest PIN staff may choose (app/RULES.md).
const MinPINLen = 8

func checkPINFormat(pin string) error {
	if len(pin) < MinPINLen || len(pin) > 64 || !allDigits(pin) {
		return app.ErrPINFormat
	}
	return nil
}

// hashPIN renders the PHC string form, so each hash carries its own cost
// and salt: $argon2id$v=19$m=..,t=..,p=..$salt$hash.
func hashPIN(pin string, c PINCost) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic("core: crypto/rand failed: " + err.Error())
	}
	key := argon2.IDKey([]byte(pin), salt, c.Time, c.Memory, c.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.Memory, c.Time, c.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// pinMatches checks pin against an encoded hash in constant time. A hash
// that does not parse never matches.
func pinMatches(pin, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var v int
	var c PINCost
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
	got := argon2.IDKey([]byte(pin), salt, c.Time, c.Memory, c.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
