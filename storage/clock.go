package storage

import (
	"database/sql"
	"fmt"
	"time"
)

// LatestEventAt is the time of the newest event in the log, by its own
// clock; zero when the log is empty.
func (tx *Tx) LatestEventAt() (time.Time, error) {
	var at sql.NullInt64
	if err := tx.tx.QueryRow(`SELECT max(at) FROM events`).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("storage: latest event: %w", err)
	}
	return fromUnix(at), nil
}
