package storage

import (
	"database/sql"
	"errors"
	"fmt"
)

// Setting returns the value staff set for key, or ErrNotFound.
func (tx *Tx) Setting(key string) (string, error) {
	var v string
	err := tx.tx.QueryRow(`SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("storage: setting %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("storage: setting %s: %w", key, err)
	}
	return v, nil
}

// Settings returns every value staff set.
func (tx *Tx) Settings() (map[string]string, error) {
	rows, err := tx.tx.Query(`SELECT key, value FROM settings ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("storage: settings: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("storage: settings: %w", err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SetSetting stores a value; an empty value removes the key, so the
// configuration file's value applies again.
func (tx *Tx) SetSetting(key, value string) error {
	var err error
	if value == "" {
		_, err = tx.tx.Exec(`DELETE FROM settings WHERE key = ?`, key)
	} else {
		_, err = tx.tx.Exec(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			key, value, unix(tx.now))
	}
	if err != nil {
		return fmt.Errorf("storage: set setting %s: %w", key, err)
	}
	return nil
}
