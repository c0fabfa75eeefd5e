package storage

import (
	"database/sql"
	"errors"
	"fmt"
)

// Revocations returns the newest revocation list applied, as the app
// encoded it, and its version; version 0 and no list when none was.
func (tx *Tx) Revocations() (version int64, list []byte, err error) {
	err = tx.tx.QueryRow(`SELECT version, list FROM revocations WHERE id = 1`).Scan(&version, &list)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("storage: revocations: %w", err)
	}
	return version, list, nil
}

// SetRevocations replaces the revocation list. Which version may replace
// which is the app's rule.
func (tx *Tx) SetRevocations(version int64, list []byte) error {
	_, err := tx.tx.Exec(`INSERT INTO revocations (id, version, list, applied_at) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version, list = excluded.list, applied_at = excluded.applied_at`,
		version, list, unix(tx.now))
	if err != nil {
		return fmt.Errorf("storage: set revocations: %w", err)
	}
	return nil
}

// HasRents reports whether the store holds any rent at all, in any state.
func (tx *Tx) HasRents() (bool, error) {
	var n int
	if err := tx.tx.QueryRow(`SELECT count(*) FROM (SELECT 1 FROM rents LIMIT 1)`).Scan(&n); err != nil {
		return false, fmt.Errorf("storage: any rent: %w", err)
	}
	return n > 0, nil
}
