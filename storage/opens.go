package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// DoorOpen is one door opening: the intent written before the board was
// told, and its outcome.
type DoorOpen struct {
	ID        int64     `json:"id"`
	DoorID    int64     `json:"door_id"`
	RentID    int64     `json:"rent_id,omitempty"`
	Reason    string    `json:"reason"`
	State     string    `json:"state"` // intent, opened, failed, unknown, flagged
	Sensor    string    `json:"sensor,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	EndedAt   time.Time `json:"ended_at,omitzero"`
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

// FlagOpen marks an intent that was never closed (the kiosk stopped between
// intent and outcome) for staff, with what the door sensor said at restart.
// It is never replayed.
func (tx *Tx) FlagOpen(id int64, sensor string) error {
	res, err := tx.tx.Exec(`UPDATE door_opens SET state = 'flagged', sensor = ?, ended_at = ?
		WHERE id = ? AND state = 'intent'`, sensor, unix(tx.now), id)
	if err != nil {
		return fmt.Errorf("storage: flag open %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: flag open %d: %w", id, ErrConflict)
	}
	return nil
}

// ResolveOpen records that staff looked at a flagged opening.
func (tx *Tx) ResolveOpen(id int64) error {
	res, err := tx.tx.Exec(`UPDATE door_opens SET state = 'unknown' WHERE id = ? AND state = 'flagged'`, id)
	if err != nil {
		return fmt.Errorf("storage: resolve open %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: resolve open %d: %w", id, ErrConflict)
	}
	return nil
}

const openCols = `id, door_id, rent_id, reason, state, sensor, created_at, ended_at`

func scanOpen(s rowScanner) (DoorOpen, error) {
	var o DoorOpen
	var rent, ended sql.NullInt64
	var created int64
	err := s.Scan(&o.ID, &o.DoorID, &rent, &o.Reason, &o.State, &o.Sensor, &created, &ended)
	o.RentID, o.CreatedAt, o.EndedAt = rent.Int64, time.UnixMilli(created).UTC(), fromUnix(ended)
	return o, err
}

// OpensInState lists the door openings in state ("intent", "flagged", ...),
// oldest first.
func (tx *Tx) OpensInState(state string) ([]DoorOpen, error) {
	return queryAll(tx, "door opens", scanOpen, `SELECT `+openCols+` FROM door_opens WHERE state = ? ORDER BY id`, state)
}

// Open returns one door opening by id.
func (tx *Tx) Open(id int64) (DoorOpen, error) {
	o, err := scanOpen(tx.tx.QueryRow(`SELECT `+openCols+` FROM door_opens WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return DoorOpen{}, fmt.Errorf("storage: door opening %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return DoorOpen{}, fmt.Errorf("storage: door opening %d: %w", id, err)
	}
	return o, nil
}
