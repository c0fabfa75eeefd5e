package storage

import (
	"fmt"
	"strings"
)

// Sizes lists the door sizes from smallest to largest.
var Sizes = []string{"S", "M", "L"}

// SizeRank orders door sizes: S < M < L. An unknown size ranks -1.
func SizeRank(size string) int {
	for i, s := range Sizes {
		if strings.EqualFold(s, size) {
			return i
		}
	}
	return -1
}

// SetOutOfService takes a door out of service (on) or back in (off). While
// out, the door's rents stop ageing (see Resume).
func (tx *Tx) SetOutOfService(id int64, on bool, reason string) error {
	if !on {
		reason = ""
	}
	res, err := tx.tx.Exec(`UPDATE doors SET out_of_service = ?, oos_reason = ? WHERE id = ?`, on, reason, id)
	if err != nil {
		return fmt.Errorf("storage: door %d out of service: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: door %d: %w", id, ErrNotFound)
	}
	if on {
		return tx.pause(id)
	}
	return tx.resume(id)
}

// SetFault records that a door failed (did not open, board silent) and
// pauses its rents' clocks. An empty reason clears the fault.
func (tx *Tx) SetFault(id int64, reason string) error {
	res, err := tx.tx.Exec(`UPDATE doors SET fault = ? WHERE id = ?`, reason, id)
	if err != nil {
		return fmt.Errorf("storage: door %d fault: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: door %d: %w", id, ErrNotFound)
	}
	if reason != "" {
		return tx.pause(id)
	}
	return tx.resume(id)
}

func (tx *Tx) pause(id int64) error {
	_, err := tx.tx.Exec(`UPDATE doors SET paused_since = ? WHERE id = ? AND paused_since IS NULL`, unix(tx.now), id)
	if err != nil {
		return fmt.Errorf("storage: pause door %d: %w", id, err)
	}
	return nil
}

// resume ends a door's pause once it is usable again: the stored rents
// behind it get the paused time added to their expiry, so a shopper never
// loses pickup time to a broken door.
func (tx *Tx) resume(id int64) error {
	d, err := tx.Door(id)
	if err != nil {
		return err
	}
	if d.OutOfService || d.Fault != "" || d.PausedSince.IsZero() {
		return nil
	}
	paused := unix(tx.now) - unix(d.PausedSince)
	if paused < 0 {
		paused = 0
	}
	if _, err := tx.tx.Exec(`UPDATE rents SET expires_at = expires_at + ?
		WHERE door_id = ? AND state = 'stored' AND expires_at IS NOT NULL`, paused, id); err != nil {
		return fmt.Errorf("storage: resume door %d: %w", id, err)
	}
	if _, err := tx.tx.Exec(`UPDATE doors SET paused_since = NULL WHERE id = ?`, id); err != nil {
		return fmt.Errorf("storage: resume door %d: %w", id, err)
	}
	return nil
}

const sizeOrder = `CASE size WHEN 'S' THEN 0 WHEN 'M' THEN 1 ELSE 2 END`

// FreeDoors lists the in-service doors without an active rent, smallest
// first; low doors before all others when preferLow is set.
func (tx *Tx) FreeDoors(preferLow bool) ([]Door, error) {
	return tx.freeDoors(0, preferLow, 0)
}

// FreeDoor returns the smallest free in-service door of at least minSize
// (with preferLow: the smallest low one, if any is free), never the door
// except (0: none). It fails with ErrNotFound when every fitting door is
// taken or out of service.
func (tx *Tx) FreeDoor(minSize string, preferLow bool, except int64) (Door, error) {
	rank := SizeRank(minSize)
	if rank < 0 {
		return Door{}, fmt.Errorf("storage: door size %q: %w", minSize, ErrNotFound)
	}
	ds, err := tx.freeDoors(rank, preferLow, except)
	if err != nil {
		return Door{}, err
	}
	if len(ds) == 0 {
		return Door{}, fmt.Errorf("storage: free door of size %s: %w", minSize, ErrNotFound)
	}
	return ds[0], nil
}

func (tx *Tx) freeDoors(minRank int, preferLow bool, except int64) ([]Door, error) {
	// For a wheelchair user reach matters more than size: a low door of
	// any fitting size comes before a high one.
	order := sizeOrder + `, fault <> '', id`
	if preferLow {
		order = `low DESC, ` + sizeOrder + `, fault <> '', id`
	}
	return queryAll(tx, "free doors", scanDoor, `SELECT `+doorCols+` FROM doors d
		WHERE out_of_service = 0 AND `+sizeOrder+` >= ? AND id <> ?
		AND NOT EXISTS (SELECT 1 FROM rents r WHERE r.door_id = d.id
			AND r.state IN ('reserved', 'stored', 'expired'))
		ORDER BY `+order, minRank, except)
}
