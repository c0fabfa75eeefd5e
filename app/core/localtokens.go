package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"pudo/app"
	"pudo/app/cred"
	"pudo/storage"
)

// Revocation at the locker itself, for a locker without a fleet (or
// before the fleet's list arrives): the operator's API key and staff at
// the kiosk revoke a token, and the locker refuses it from that moment,
// beside the operator's pushed list. The locker knows a token by its ref,
// the SHA-256 of its id (tokenRef): it never keeps the id, so nobody who
// copies the store can make a token it signed again (see siteKeyRule).

// tokenRef is what the store keeps to name a token.
func tokenRef(id string) []byte {
	h := sha256.Sum256([]byte("pudo-token-ref\x00" + strings.ToLower(id)))
	return h[:]
}

// TokenRef is a token's ref in hex, as the API and the staff screen show
// it: hex(SHA-256("pudo-token-ref\x00" + id)).
func TokenRef(id string) string { return hex.EncodeToString(tokenRef(id)) }

// ErrBadTokenRef means a revocation names neither a token id (16 hex
// digits) nor a ref (64).
var ErrBadTokenRef = errors.New("app: not a token id or ref")

// KnownToken is one of the operator's tokens as this locker knows it.
type KnownToken struct {
	Ref                 string // TokenRef
	Kind                string // courier, staff or pickup; "" for one revoked before it was seen
	Subject, Carrier    string
	KeyID               string
	IssuedAt, Expires   time.Time
	Issued              bool // signed here, by POST /v1/tokens
	FirstSeen, LastSeen time.Time
	RevokedAt           time.Time // zero: not revoked here
	RevokedBy, Reason   string
}

func knownToken(r storage.TokenRecord) KnownToken {
	return KnownToken{Ref: hex.EncodeToString(r.Ref), Kind: r.Kind, Subject: r.Subject, Carrier: r.Carrier, KeyID: r.KeyID,
		IssuedAt: r.IssuedAt, Expires: r.Expires, Issued: r.Issued, FirstSeen: r.FirstSeen, LastSeen: r.LastSeen,
		RevokedAt: r.RevokedAt, RevokedBy: r.RevokedBy, Reason: r.Reason}
}

func tokenRecord(c cred.Claims) storage.TokenRecord {
	return storage.TokenRecord{Ref: tokenRef(c.ID), Kind: c.Kind.String(), Subject: c.Subject, Carrier: c.Carrier,
		KeyID: c.KeyID, IssuedAt: c.IssuedAt, Expires: c.Expires}
}

// maxKnownTokens bounds a list of tokens.
const maxKnownTokens = 500

// KnownTokens lists the tokens this locker knows that still matter: not
// expired, or revoked before they were seen; the latest seen first.
func (bo *Office) KnownTokens(ctx context.Context) ([]KnownToken, error) {
	return bo.l.knownTokens(ctx)
}

func (l *Locker) knownTokens(ctx context.Context) ([]KnownToken, error) {
	var out []KnownToken
	err := l.db.View(ctx, func(tx *storage.Tx) error {
		rs, err := tx.Tokens(maxKnownTokens)
		for _, r := range rs {
			out = append(out, knownToken(r))
		}
		return err
	})
	return out, err
}

// RevokeToken refuses a token at this locker from now on: idOrRef is the
// token's id (16 hex digits, as the operator's tools and POST /v1/tokens
// give it) or its ref (as KnownTokens lists it). A token never seen here
// is revoked all the same, for when it comes. Audited as token.revoked by
// actor. Errors: ErrBadTokenRef.
func (bo *Office) RevokeToken(ctx context.Context, idOrRef, actor, reason string) (KnownToken, error) {
	return bo.l.revokeToken(ctx, idOrRef, actor, reason)
}

func (l *Locker) revokeToken(ctx context.Context, idOrRef, actor, reason string) (KnownToken, error) {
	ref, err := parseTokenRef(idOrRef)
	if err != nil {
		return KnownToken{}, err
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > 200 {
		reason = reason[:200]
	}
	var rec storage.TokenRecord
	err = l.db.Update(ctx, func(tx *storage.Tx) error {
		r, fresh, err := tx.RevokeToken(ref, actor, reason)
		if err != nil || !fresh {
			rec = r
			return err
		}
		rec = r
		_, err = tx.Append(storage.Event{Actor: actor, Kind: string(app.EvTokenRevoked), Detail: revokedDetail(r)})
		return err
	})
	if err != nil {
		return KnownToken{}, fmt.Errorf("app: revoke token: %w", err)
	}
	return knownToken(rec), nil
}

func revokedDetail(r storage.TokenRecord) string {
	d := "ref " + hex.EncodeToString(r.Ref)[:16]
	if r.Kind != "" {
		d = r.Kind + " " + r.Subject + " " + d
	}
	if r.Reason != "" {
		d += ": " + r.Reason
	}
	return d
}

func parseTokenRef(s string) ([]byte, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	b, err := hex.DecodeString(s)
	switch {
	case err == nil && len(b) == 8:
		return tokenRef(s), nil
	case err == nil && len(b) == sha256.Size:
		return b, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrBadTokenRef, clipText(s))
}

func clipText(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}

// RecordIssued keeps a token this locker just signed (POST /v1/tokens),
// with its token.issued event, so that the site-key rule lets it in and it
// can be listed and revoked. actor is who asked for it.
func (bo *Office) RecordIssued(ctx context.Context, c cred.Claims, actor string) error {
	err := bo.l.db.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.IssueToken(tokenRecord(c)); err != nil {
			return err
		}
		_, err := tx.Append(storage.Event{Actor: actor, Kind: string(app.EvTokenIssued),
			Detail: fmt.Sprintf("%s %s token ref %s until %s", c.Kind, c.Subject, TokenRef(c.ID)[:16], c.Expires.Format(time.RFC3339))})
		return err
	})
	if err != nil {
		return fmt.Errorf("app: record issued token: %w", err)
	}
	return nil
}

// ErrTokenNotIssued means a token signed with this locker's own site key
// that this locker did not issue: whoever copied the key from the SD card
// made it.
var ErrTokenNotIssued = fmt.Errorf("%w: signed with this locker's site key but not issued here", app.ErrBadToken)

// revoked fails with ErrTokenRevoked if the operator's pushed list or this
// locker's own revocations name c, and with ErrTokenNotIssued for a token
// of the site key this locker did not sign (siteKeyRule).
func (l *Locker) revoked(tx *storage.Tx, c cred.Claims) error {
	list, err := loadRevocations(tx)
	if err != nil {
		return err
	}
	if r, why := list.Revoked(c); r {
		return fmt.Errorf("%w: %s", ErrTokenRevoked, why)
	}
	rec, err := tx.Token(tokenRef(c.ID))
	found := err == nil
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if found && !rec.RevokedAt.IsZero() {
		return fmt.Errorf("%w: at this locker by %s", ErrTokenRevoked, rec.RevokedBy)
	}
	return l.siteKeyRule(c, rec, found)
}

// siteKeyRule: a token signed with this locker's own site key
// (operator.signing_key, for POST /v1/tokens) counts only if this locker
// issued it, with the same kind and subject. The site key lies on the SD
// card; the ids of the tokens it signed do not (only their refs), so a
// copy of the card signs nothing that opens here.
func (l *Locker) siteKeyRule(c cred.Claims, rec storage.TokenRecord, found bool) error {
	if l.opts.SiteKey.IsZero() || c.KeyID != l.opts.SiteKey.ID() {
		return nil
	}
	if !found || !rec.Issued || rec.Kind != c.Kind.String() || rec.Subject != c.Subject {
		return ErrTokenNotIssued
	}
	return nil
}

// noteToken records that c was shown and let in, for the list of tokens
// staff may revoke.
func noteToken(tx *storage.Tx, c cred.Claims) error { return tx.NoteToken(tokenRecord(c)) }

// TokenSubject says whether POST /v1/tokens may sign a token of kind for
// subject, and until when at most: a staff badge only for a staff member
// of this locker, an app pickup token only for a parcel stored here, until
// its pickup deadline. Errors: ErrNotFound (no such staff member or rent),
// ErrNotStored and the other state errors, ErrNotPickup.
func (bo *Office) TokenSubject(ctx context.Context, kind cred.Kind, subject string) (until time.Time, err error) {
	err = bo.l.db.View(ctx, func(tx *storage.Tx) error {
		switch kind {
		case cred.Staff:
			ms, err := tx.StaffMembers()
			if err != nil {
				return err
			}
			for _, m := range ms {
				if m.Name == subject {
					return nil
				}
			}
			return fmt.Errorf("%w: no staff member %q at this locker", app.ErrNotFound, subject)
		case cred.Pickup:
			var id int64
			if _, err := fmt.Sscanf(subject, "%d", &id); err != nil || fmt.Sprint(id) != subject {
				return fmt.Errorf("%w: rent %q", app.ErrNotFound, subject)
			}
			r, err := tx.Rent(id)
			if err != nil {
				return notFound(err)
			}
			if r.Kind != storage.KindDelivery {
				return app.ErrNotPickup
			}
			if err := need(r, storage.RentStored); err != nil {
				return err
			}
			until = r.ExpiresAt
		}
		return nil
	})
	return until, err
}
