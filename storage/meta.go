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
