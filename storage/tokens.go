package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TokenRecord is what the locker keeps of one of the operator's tokens:
// never the token or its id (see the tokens table).
type TokenRecord struct {
	Ref                 []byte // the SHA-256 the app makes of the token's id
	Kind                string // courier, staff or pickup; "" for a token revoked before it was seen
	Subject, Carrier    string
	KeyID               string
	IssuedAt, Expires   time.Time
	Issued              bool // signed by this locker (POST /v1/tokens)
	FirstSeen, LastSeen time.Time
	RevokedAt           time.Time // zero: not revoked here
	RevokedBy, Reason   string
}

const tokenCols = `ref, kind, subject, carrier, key_id, issued_at, expires_at, issued, first_seen, last_seen, revoked_at, revoked_by, reason`

func scanToken(s rowScanner) (TokenRecord, error) {
	var r TokenRecord
	var issuedAt, expires, first, last, revoked sql.NullInt64
	err := s.Scan(&r.Ref, &r.Kind, &r.Subject, &r.Carrier, &r.KeyID, &issuedAt, &expires, &r.Issued, &first, &last,
		&revoked, &r.RevokedBy, &r.Reason)
	r.IssuedAt, r.Expires, r.FirstSeen, r.LastSeen, r.RevokedAt = fromUnix(issuedAt), fromUnix(expires), fromUnix(first),
		fromUnix(last), fromUnix(revoked)
	return r, err
}

// Token returns the record of ref, or ErrNotFound.
func (tx *Tx) Token(ref []byte) (TokenRecord, error) {
	r, err := scanToken(tx.tx.QueryRow(`SELECT `+tokenCols+` FROM tokens WHERE ref = ?`, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("storage: token: %w", ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("storage: token: %w", err)
	}
	return r, nil
}

// NoteToken records that a token was shown now: a new record, or the
// same with its last sighting moved and what it says filled in (a token
// revoked before it was seen). Issued and revocation stay as they are.
func (tx *Tx) NoteToken(r TokenRecord) error {
	_, err := tx.tx.Exec(`INSERT INTO tokens (ref, kind, subject, carrier, key_id, issued_at, expires_at, first_seen, last_seen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (ref) DO UPDATE SET kind = excluded.kind, subject = excluded.subject, carrier = excluded.carrier,
			key_id = excluded.key_id, issued_at = excluded.issued_at, expires_at = excluded.expires_at,
			first_seen = coalesce(tokens.first_seen, excluded.first_seen), last_seen = excluded.last_seen`,
		r.Ref, r.Kind, r.Subject, r.Carrier, r.KeyID, nullTime(r.IssuedAt), nullTime(r.Expires), unix(tx.now), unix(tx.now))
	if err != nil {
		return fmt.Errorf("storage: note token: %w", err)
	}
	return nil
}

// IssueToken records a token this locker signed.
func (tx *Tx) IssueToken(r TokenRecord) error {
	_, err := tx.tx.Exec(`INSERT INTO tokens (ref, kind, subject, carrier, key_id, issued_at, expires_at, issued)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
		r.Ref, r.Kind, r.Subject, r.Carrier, r.KeyID, nullTime(r.IssuedAt), nullTime(r.Expires))
	if err != nil {
		return fmt.Errorf("storage: issued token: %w", err)
	}
	return nil
}

// RevokeToken marks ref revoked now by by, for reason: a record made for
// it if the locker never saw it. A token revoked already keeps its first
// revocation; ok is false then.
func (tx *Tx) RevokeToken(ref []byte, by, reason string) (rec TokenRecord, ok bool, err error) {
	res, err := tx.tx.Exec(`INSERT INTO tokens (ref, revoked_at, revoked_by, reason) VALUES (?, ?, ?, ?)
		ON CONFLICT (ref) DO UPDATE SET revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by, reason = excluded.reason
		WHERE tokens.revoked_at IS NULL`, ref, unix(tx.now), by, reason)
	if err != nil {
		return rec, false, fmt.Errorf("storage: revoke token: %w", err)
	}
	n, _ := res.RowsAffected()
	rec, err = tx.Token(ref)
	return rec, n > 0, err
}

// Tokens lists the records still of interest at now: not expired, or
// revoked (a revocation stays listed until its token would have expired),
// or never seen; the latest seen first, at most limit.
func (tx *Tx) Tokens(limit int) ([]TokenRecord, error) {
	return queryAll(tx, "tokens", scanToken, `SELECT `+tokenCols+` FROM tokens
		WHERE expires_at IS NULL OR expires_at > ?
		ORDER BY coalesce(last_seen, revoked_at, issued_at, 0) DESC, ref LIMIT ?`, unix(tx.now), limit)
}

// PruneTokens drops the records of tokens expired before expired, and of
// tokens revoked before they were ever seen (whose expiry the locker does
// not know) before revoked: the app passes a time by which any such token
// has expired.
func (tx *Tx) PruneTokens(expired, revoked time.Time) (int64, error) {
	res, err := tx.tx.Exec(`DELETE FROM tokens WHERE expires_at < ? OR (expires_at IS NULL AND revoked_at < ?)`,
		unix(expired), unix(revoked))
	if err != nil {
		return 0, fmt.Errorf("storage: prune tokens: %w", err)
	}
	return res.RowsAffected()
}
