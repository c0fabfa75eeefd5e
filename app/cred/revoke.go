package cred

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Revocations is the operator's list of tokens no locker may accept any
// more, before they expire. The fleet link pushes it whole; a locker keeps
// the newest version (see core's SetRevocations). An entry can name one
// token, everyone's tokens of one courier, staff member or carrier issued
// before a time, or a signing key.
type Revocations struct {
	// Version orders lists: a locker applies a list only over an older one.
	Version int64 `json:"version"`
	// Tokens are token IDs (Claims.ID, 16 hex digits).
	Tokens []string `json:"tokens,omitempty"`
	// Subjects revoke by whom a token is for.
	Subjects []SubjectRevocation `json:"subjects,omitempty"`
	// Keys are signing key IDs (PublicKey.ID) whose tokens are all
	// refused: a key known to be stolen, before every locker's
	// configuration has dropped it.
	Keys []string `json:"keys,omitempty"`
}

// SubjectRevocation revokes the tokens of one courier, staff member or
// carrier issued before a time (all of them when IssuedBefore is zero).
type SubjectRevocation struct {
	Kind         string    `json:"kind"` // "courier", "staff" or "carrier"
	ID           string    `json:"id"`   // the courier id, staff name or carrier
	IssuedBefore time.Time `json:"issued_before,omitzero"`
}

// MaxRevocations bounds a list's entries, so a pushed list stays cheap to
// keep and to check.
const MaxRevocations = 10000

// ErrBadRevocations means a list that cannot be applied.
var ErrBadRevocations = errors.New("cred: bad revocation list")

// Check reports the first entry that cannot be right.
func (r Revocations) Check() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrBadRevocations, fmt.Sprintf(format, a...))
	}
	if r.Version <= 0 {
		return bad("version must be positive")
	}
	if n := len(r.Tokens) + len(r.Subjects) + len(r.Keys); n > MaxRevocations {
		return bad("%d entries, at most %d", n, MaxRevocations)
	}
	for _, t := range r.Tokens {
		if b, err := hex.DecodeString(t); err != nil || len(b) != idLen {
			return bad("token %q is not %d hex digits", clip(t), 2*idLen)
		}
	}
	for _, k := range r.Keys {
		if b, err := hex.DecodeString(k); err != nil || len(b) != keyIDLen {
			return bad("key %q is not %d hex digits", clip(k), 2*keyIDLen)
		}
	}
	for _, s := range r.Subjects {
		switch {
		case s.Kind != "courier" && s.Kind != "staff" && s.Kind != "carrier":
			return bad("subject kind %q is not courier, staff or carrier", clip(s.Kind))
		case s.ID == "":
			return bad("a %s entry needs an id", s.Kind)
		}
	}
	return nil
}

// Revoked reports whether the list refuses c, and why, for the audit log.
func (r Revocations) Revoked(c Claims) (bool, string) {
	for _, t := range r.Tokens {
		if strings.EqualFold(t, c.ID) {
			return true, "token " + c.ID + " revoked"
		}
	}
	for _, k := range r.Keys {
		if strings.EqualFold(k, c.KeyID) {
			return true, "signing key " + c.KeyID + " revoked"
		}
	}
	for _, s := range r.Subjects {
		var match bool
		switch s.Kind {
		case "courier":
			match = c.Kind == Courier && c.Subject == s.ID
		case "staff":
			match = c.Kind == Staff && c.Subject == s.ID
		case "carrier":
			match = c.Kind == Courier && c.Carrier == s.ID
		}
		if match && (s.IssuedBefore.IsZero() || c.IssuedAt.Before(s.IssuedBefore)) {
			return true, fmt.Sprintf("%s %s revoked", s.Kind, s.ID)
		}
	}
	return false, ""
}
