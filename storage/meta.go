package storage

import (
	"database/sql"
	"errors"
	"fmt"
)

// Meta returns a locker-wide value, or ErrNotFound.
func (tx *Tx) Meta(key string) ([]byte, error) {
	var v []byte
	err := tx.tx.QueryRow(`SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("storage: meta %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: meta %s: %w", key, err)
	}
	return v, nil
}

// SetMeta stores a locker-wide value.
func (tx *Tx) SetMeta(key string, value []byte) error {
	_, err := tx.tx.Exec(`INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("storage: set meta %s: %w", key, err)
	}
	return nil
}

// OpenIntent records that a door is about to be opened. It must be
// committed before the lock board is told anything.
func (tx *Tx) OpenIntent(doorID, rentID int64, reason string) (int64, error) {
	res, err := tx.tx.Exec(`INSERT INTO door_opens (door_id, rent_id, reason, state, created_at)
		VALUES (?, ?, ?, 'intent', ?)`, doorID, nullID(rentID), reason, unix(tx.now))
	if err != nil {
		return 0, fmt.Errorf("storage: open intent door %d: %w", doorID, err)
	}
	return res.LastInsertId()
}

// EndOpen closes an intent with its outcome: "opened", "failed" or "unknown".
func (tx *Tx) EndOpen(id int64, outcome string) error {
	res, err := tx.tx.Exec(`UPDATE door_opens SET state = ?, ended_at = ? WHERE id = ? AND state = 'intent'`,
		outcome, unix(tx.now), id)
	if err != nil {
		return fmt.Errorf("storage: end open %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: end open %d: %w", id, ErrConflict)
	}
	return nil
}
