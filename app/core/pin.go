package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"pudo/app"
	"pudo/storage"
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

// A staff PIN is hashed over an HMAC of the PIN under a key drawn from
// locker.key (pinKeyTag marks it): pudo.db alone, a `pudo backup` copy
// among others, then gives no PIN. Before, it did: an 8-digit PIN is 10^8
// guesses, and at DefaultPINCost (19 MiB, 2 passes: 1 KiB × 19456 × 5 =
// 95 MiB of memory traffic a guess) a GPU with 1.79 TB/s makes about
// 18,000 a second, so about 46 minutes a PIN on average. With locker.key
// beside the store that is still the figure: a PIN alone signs staff in at
// the pad, where they can open every door, so a locker that fears its SD
// card should sign staff in by badge (whose key is not on the card) and
// keep PINs to second factors. Hashes of the form before are still
// checked, and made anew the first time their PIN is right.

// pinKeyTag ends the parameters of a keyed PIN hash.
const pinKeyTag = ",k=pudo1"

// pinKey is the key PINs are hashed under, drawn from the locker's secret.
func (l *Locker) pinKey() []byte {
	m := hmac.New(sha256.New, l.secret)
	m.Write([]byte("pudo pin key v1"))
	return m.Sum(nil)
}

func keyedPIN(key []byte, pin string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("pudo-pin-v1\x00" + pin))
	return m.Sum(nil)
}

// hashPIN renders the PHC string form, so each hash carries its own cost
// and salt: $argon2id$v=19$m=..,t=..,p=..,k=pudo1$salt$hash.
func hashPIN(key []byte, pin string, c PINCost) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic("core: crypto/rand failed: " + err.Error())
	}
	h := argon2.IDKey(keyedPIN(key, pin), salt, c.Time, c.Memory, c.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d%s$%s$%s", argon2.Version, c.Memory, c.Time, c.Threads, pinKeyTag,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(h))
}

// pinMatches checks pin against an encoded hash in constant time; legacy
// reports a match with a hash of the form before pinKeyTag, to be made
// anew. A hash that does not parse never matches.
func pinMatches(key []byte, pin, encoded string) (ok, legacy bool) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, false
	}
	var v int
	var c PINCost
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, false
	}
	params, keyed := strings.CutSuffix(parts[3], pinKeyTag)
	if n, err := fmt.Sscanf(params, "m=%d,t=%d,p=%d", &c.Memory, &c.Time, &c.Threads); err != nil || n != 3 ||
		params != fmt.Sprintf("m=%d,t=%d,p=%d", c.Memory, c.Time, c.Threads) ||
		c.Time == 0 || c.Threads == 0 || c.Memory > 1<<21 {
		return false, false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, false
	}
	in := []byte(pin)
	if keyed {
		in = keyedPIN(key, pin)
	}
	got := argon2.IDKey(in, salt, c.Time, c.Memory, c.Threads, uint32(len(want)))
	ok = subtle.ConstantTimeCompare(got, want) == 1
	return ok, ok && !keyed
}

// renewPIN hashes a legacy PIN hash anew, keyed, once its PIN proved
// right.
func (l *Locker) renewPIN(tx *storage.Tx, id int64, pin string) error {
	return tx.SetStaffPINHash(id, hashPIN(l.pinKey(), pin, l.opts.PINCost))
}
