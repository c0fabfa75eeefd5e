package storage

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// IdemState is where an Idempotency-Key record is.
type IdemState string

const (
	IdemPending   IdemState = "pending"   // the first request is running
	IdemDone      IdemState = "done"      // its answer is kept for replay
	IdemAbandoned IdemState = "abandoned" // the kiosk stopped mid-request: outcome unknown
)

// Idem is one Idempotency-Key record.
type Idem struct {
	Owner, Key  string
	RequestHash []byte
	State       IdemState
	Status      int
	Response    []byte // sealed by the caller; opaque here
	RentID      int64
	CreatedAt   time.Time
}

// ErrIdemMismatch means the key was used before with a different request.
var ErrIdemMismatch = errors.New("storage: idempotency key reused with another request")

// ClaimIdem records a new key as pending, or returns the existing record
// with claimed false. A record with a different request hash gives
// ErrIdemMismatch.
func (tx *Tx) ClaimIdem(owner, key string, requestHash []byte) (rec Idem, claimed bool, err error) {
	rec, err = tx.idem(owner, key)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return Idem{}, false, err
	case !bytes.Equal(rec.RequestHash, requestHash):
		return rec, false, fmt.Errorf("storage: idempotency key %q: %w", key, ErrIdemMismatch)
	default:
		return rec, false, nil
	}
	_, err = tx.tx.Exec(`INSERT INTO api_idempotency (owner, idem_key, request_hash, state, created_at)
		VALUES (?, ?, ?, 'pending', ?)`, owner, key, requestHash, unix(tx.now))
	if err != nil {
		return Idem{}, false, fmt.Errorf("storage: claim idempotency key: %w", err)
	}
	return Idem{Owner: owner, Key: key, RequestHash: requestHash, State: IdemPending, CreatedAt: tx.now}, true, nil
}

func (tx *Tx) idem(owner, key string) (Idem, error) {
	r := Idem{Owner: owner, Key: key}
	var created int64
	var rent sql.NullInt64
	err := tx.tx.QueryRow(`SELECT request_hash, state, status, response, rent_id, created_at
		FROM api_idempotency WHERE owner = ? AND idem_key = ?`, owner, key).
		Scan(&r.RequestHash, &r.State, &r.Status, &r.Response, &rent, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Idem{}, fmt.Errorf("storage: idempotency key: %w", ErrNotFound)
	}
	if err != nil {
		return Idem{}, fmt.Errorf("storage: idempotency key: %w", err)
	}
	r.RentID, r.CreatedAt = rent.Int64, time.UnixMilli(created).UTC()
	return r, nil
}

// FinishIdem stores the answer of a pending key.
func (tx *Tx) FinishIdem(owner, key string, status int, response []byte, rentID int64) error {
	res, err := tx.tx.Exec(`UPDATE api_idempotency SET state = 'done', status = ?, response = ?, rent_id = ?
		WHERE owner = ? AND idem_key = ? AND state = 'pending'`, status, response, nullID(rentID), owner, key)
	if err != nil {
		return fmt.Errorf("storage: finish idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: finish idempotency key: %w", ErrConflict)
	}
	return nil
}

// ReleaseIdem forgets a pending key whose request changed nothing, so a
// retry runs afresh.
func (tx *Tx) ReleaseIdem(owner, key string) error {
	_, err := tx.tx.Exec(`DELETE FROM api_idempotency WHERE owner = ? AND idem_key = ? AND state = 'pending'`, owner, key)
	if err != nil {
		return fmt.Errorf("storage: release idempotency key: %w", err)
	}
	return nil
}

// AbandonIdems marks every pending key abandoned. Call it at start, when no
// request can still be running: their outcome is unknown.
func (tx *Tx) AbandonIdems() (int64, error) {
	res, err := tx.tx.Exec(`UPDATE api_idempotency SET state = 'abandoned' WHERE state = 'pending'`)
	if err != nil {
		return 0, fmt.Errorf("storage: abandon idempotency keys: %w", err)
	}
	return res.RowsAffected()
}

// PruneIdems deletes keys created before cutoff, with their sealed answers.
func (tx *Tx) PruneIdems(cutoff time.Time) (int64, error) {
	res, err := tx.tx.Exec(`DELETE FROM api_idempotency WHERE created_at < ? AND state != 'pending'`, unix(cutoff))
	if err != nil {
		return 0, fmt.Errorf("storage: prune idempotency keys: %w", err)
	}
	return res.RowsAffected()
}
