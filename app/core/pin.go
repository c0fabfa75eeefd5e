package core

import (
	"pudo/app"
	"pudo/app/passhash"
)

// PINCost is the work factor of argon2id for staff PINs.
type PINCost = passhash.Cost

// DefaultPINCost is passhash's default: slow for a stolen file, quick at
// the screen.
var DefaultPINCost = passhash.DefaultCost

// MinPINLen is the shortest PIN staff may choose (app/RULES.md).
const MinPINLen = 8

func checkPINFormat(pin string) error {
	if len(pin) < MinPINLen || len(pin) > 64 || !allDigits(pin) {
		return app.ErrPINFormat
	}
	return nil
}

// hashPIN and pinMatches keep PINs as passhash does every chosen secret.
func hashPIN(pin string, c PINCost) string { return passhash.Hash(pin, c) }

func pinMatches(pin, encoded string) bool { return passhash.Match(pin, encoded) }
