package storage

import (
	"fmt"
	"time"
)

// MoveRent changes a rent's state from one to another. It fails with
// ErrConflict when the rent is no longer in from, so two kiosks, two taps or
// a retry can never apply the same transition twice.
func (tx *Tx) MoveRent(id int64, from, to RentState) error {
	q, args := `UPDATE rents SET state = ?`, []any{to}
	switch to {
	case RentStored:
		q, args = q+`, stored_at = ?`, append(args, unix(tx.now))
	case RentCollected, RentReclaimed, RentCancelled:
		q, args = q+`, ended_at = ?`, append(args, unix(tx.now))
	}
	res, err := tx.tx.Exec(q+` WHERE id = ? AND state = ?`, append(args, id, from)...)
	if err != nil {
		return fmt.Errorf("storage: rent %d %s->%s: %w", id, from, to, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: rent %d %s->%s: %w", id, from, to, ErrConflict)
	}
	if to == RentCancelled {
		// A cancelled walk-in's code opens nothing: its seal has no reader.
		if _, err := tx.tx.Exec(`DELETE FROM code_seals WHERE rent_id = ?`, id); err != nil {
			return fmt.Errorf("storage: rent %d code seal: %w", id, err)
		}
	}
	return nil
}

// Store is MoveRent for a drop-off: it also records the courier who
// dropped the parcel and its pickup deadline (zero: none, as for returns).
// from and to are the life cycle's drop-off step.
func (tx *Tx) Store(id int64, from, to RentState, courier string, expires time.Time) error {
	res, err := tx.tx.Exec(`UPDATE rents SET state = ?, stored_at = ?, courier = ?, expires_at = ?
		WHERE id = ? AND state = ?`, to, unix(tx.now), courier, nullTime(expires), id, from)
	if err != nil {
		return fmt.Errorf("storage: rent %d store: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: rent %d store: %w", id, ErrConflict)
	}
	return nil
}

// MoveDoor moves a reserved rent to another door ("give me a larger door",
// "this door did not open"). ErrDoorTaken if the new door is not free.
func (tx *Tx) MoveDoor(id, fromDoor, toDoor int64) error {
	res, err := tx.tx.Exec(`UPDATE rents SET door_id = ? WHERE id = ? AND door_id = ? AND state = 'reserved'`,
		toDoor, id, fromDoor)
	if err != nil {
		if isDoorTaken(err) {
			return fmt.Errorf("storage: door %d: %w", toDoor, ErrDoorTaken)
		}
		return fmt.Errorf("storage: rent %d to door %d: %w", id, toDoor, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: rent %d to door %d: %w", id, toDoor, ErrConflict)
	}
	return nil
}

// SetPickupMAC replaces an active rent's pickup credential (a re-issued code).
func (tx *Tx) SetPickupMAC(id int64, mac []byte) error {
	res, err := tx.tx.Exec(`UPDATE rents SET pickup_mac = ? WHERE id = ? AND state IN ('reserved', 'stored')`, mac, id)
	if err != nil {
		return fmt.Errorf("storage: rent %d new code: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: rent %d new code: %w", id, ErrConflict)
	}
	return nil
}

// SetDropoffMAC replaces a reserved rent's drop-off credential (a return
// code issued again).
func (tx *Tx) SetDropoffMAC(id int64, mac []byte) error {
	res, err := tx.tx.Exec(`UPDATE rents SET dropoff_mac = ? WHERE id = ? AND state = 'reserved'`, mac, id)
	if err != nil {
		return fmt.Errorf("storage: rent %d new return code: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: rent %d new return code: %w", id, ErrConflict)
	}
	return nil
}

// DueToExpire lists stored rents whose pickup deadline has passed and whose
// door is not paused, and reserved rents past their drop-off deadline. A
// rent whose door is being opened right now (an intent without outcome) is
// left alone: the opening's own outcome moves it, and expiring it in
// between would make that move fail after the door opened.
// states are the states whose rents a deadline moves (the life cycle's
// timed steps).
func (tx *Tx) DueToExpire(states ...RentState) ([]Rent, error) {
	return tx.queryRents(`SELECT `+rentCols+` FROM rents r
		WHERE state IN `+sqlList(states)+` AND expires_at IS NOT NULL AND expires_at <= ?
		AND NOT EXISTS (SELECT 1 FROM doors d WHERE d.id = r.door_id AND d.paused_since IS NOT NULL)
		AND NOT EXISTS (SELECT 1 FROM door_opens o WHERE o.rent_id = r.id AND o.state = 'intent')
		ORDER BY id`, unix(tx.now))
}

// HasOpenings reports whether any door opening was ever recorded for a rent.
func (tx *Tx) HasOpenings(rentID int64) (bool, error) {
	var n int
	err := tx.tx.QueryRow(`SELECT count(*) FROM door_opens WHERE rent_id = ?`, rentID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("storage: rent %d openings: %w", rentID, err)
	}
	return n > 0, nil
}
