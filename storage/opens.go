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
	State     string    `json:"state"` // intent (not settled), opened, failed, unknown (nobody can tell: a person or staff answers); flagged (older versions)
	Sensor    string    `json:"sensor,omitempty"`
	Cause     string    `json:"cause,omitempty"` // what the outcome rests on
	CreatedAt time.Time `json:"created_at"`
	EndedAt   time.Time `json:"ended_at,omitzero"`
	// Checked: staff checked the door after this opening.
	Checked bool `json:"checked,omitempty"`
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

// EndOpen settles an intent with its outcome ("opened" or "failed") and
// the cause it rests on.
func (tx *Tx) EndOpen(id int64, outcome, cause string) error {
	res, err := tx.tx.Exec(`UPDATE door_opens SET state = ?, cause = ?, ended_at = ? WHERE id = ? AND state = 'intent'`,
		outcome, cause, unix(tx.now), id)
	if err != nil {
		return fmt.Errorf("storage: end open %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: end open %d: %w", id, ErrConflict)
	}
	return nil
}

// NoteOpen records why an intent is still unsettled (the board's reply was
// lost, the sensor cannot be read), for staff and for a restart.
func (tx *Tx) NoteOpen(id int64, cause string) error {
	_, err := tx.tx.Exec(`UPDATE door_opens SET cause = ? WHERE id = ? AND state = 'intent'`, cause, id)
	if err != nil {
		return fmt.Errorf("storage: note open %d: %w", id, err)
	}
	return nil
}

// AmendOpen changes a settled failure to opened: the sensor saw the door
// open right after the board said it had failed, and the sensor is
// evidence, the board a claim.
func (tx *Tx) AmendOpen(id int64, cause string) error {
	res, err := tx.tx.Exec(`UPDATE door_opens SET state = 'opened', cause = ? WHERE id = ? AND state = 'failed'`, cause, id)
	if err != nil {
		return fmt.Errorf("storage: amend open %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: amend open %d: %w", id, ErrConflict)
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

// OpensOfRent lists a rent's door openings, oldest first, with whether
// staff checked the door after each.
func (tx *Tx) OpensOfRent(rentID int64) ([]DoorOpen, error) {
	return queryAll(tx, "door opens", scanOpen, `SELECT `+openCols+` FROM door_opens WHERE rent_id = ? ORDER BY id`, rentID)
}

// CheckOpens records that staff checked door doorID: its settled
// openings no longer count against their rents' retry.
func (tx *Tx) CheckOpens(doorID int64) error {
	_, err := tx.tx.Exec(`UPDATE door_opens SET checked = 1 WHERE door_id = ? AND state <> 'intent' AND checked = 0`, doorID)
	if err != nil {
		return fmt.Errorf("storage: check opens of door %d: %w", doorID, err)
	}
	return nil
}

// SettleUnknown settles an intent whose outcome nobody can tell (state
// "unknown"), for the person or staff to answer.
func (tx *Tx) SettleUnknown(id int64, cause string) error {
	return tx.EndOpen(id, "unknown", cause)
}

// AnswerOpen settles an unknown opening on a person's or staff's word:
// "opened" or "failed", with the cause the answer rests on.
func (tx *Tx) AnswerOpen(id int64, outcome, cause string) error {
	res, err := tx.tx.Exec(`UPDATE door_opens SET state = ?, cause = ? WHERE id = ? AND state = 'unknown'`, outcome, cause, id)
	if err != nil {
		return fmt.Errorf("storage: answer open %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: answer open %d: %w", id, ErrConflict)
	}
	return nil
}

const openCols = `id, door_id, rent_id, reason, state, sensor, cause, created_at, ended_at, checked`

func scanOpen(s rowScanner) (DoorOpen, error) {
	var o DoorOpen
	var rent, ended sql.NullInt64
	var created int64
	err := s.Scan(&o.ID, &o.DoorID, &rent, &o.Reason, &o.State, &o.Sensor, &o.Cause, &created, &ended, &o.Checked)
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

// SeenOpenPending lists the last openings, for reason, of rents still in
// state whose door was seen open: a drop-off whose door the kiosk saw
// open but stopped before it closed, so its parcel may be inside unstored.
func (tx *Tx) SeenOpenPending(reason string, state RentState) ([]DoorOpen, error) {
	return queryAll(tx, "door opens", scanOpen, `SELECT o.id, o.door_id, o.rent_id, o.reason, o.state, o.sensor, o.cause,
			o.created_at, o.ended_at, o.checked
		FROM door_opens o JOIN rents r ON r.id = o.rent_id
		WHERE o.reason = ? AND o.state = 'opened' AND r.state = ? AND r.door_id = o.door_id
		AND o.id = (SELECT max(id) FROM door_opens WHERE rent_id = r.id)
		ORDER BY o.id`, reason, state)
}
