package storage

import (
	"fmt"
	"strings"
	"time"
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

// PauseFrom backdates a door's pause to t when it began earlier than the
// pause on record: a door whose opening never settled was unusable from
// the moment the opening started.
func (tx *Tx) PauseFrom(id int64, t time.Time) error {
	_, err := tx.tx.Exec(`UPDATE doors SET paused_since = ? WHERE id = ? AND paused_since IS NOT NULL AND paused_since > ?`,
		unix(t), id, unix(t))
	if err != nil {
		return fmt.Errorf("storage: pause door %d: %w", id, err)
	}
	return nil
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

// FreeDoors lists the doors a new parcel may be given, smallest first and
// of one size the lowest first; low doors before all others when
// preferLow is set; never those in exclude.
// A free door is in service, holds no active rent, has no fault (a fault
// may mean a parcel nobody has a record for) and no unsettled opening.
func (tx *Tx) FreeDoors(preferLow bool, exclude []int64) ([]Door, error) {
	return tx.freeDoors(0, preferLow, exclude)
}

// FreeDoor returns the smallest free door of at least minSize (with
// preferLow: the smallest low one, if any is free), never one in exclude.
// It fails with ErrNotFound when every fitting door is taken or unusable.
func (tx *Tx) FreeDoor(minSize string, preferLow bool, exclude []int64) (Door, error) {
	rank := SizeRank(minSize)
	if rank < 0 {
		return Door{}, fmt.Errorf("storage: door size %q: %w", minSize, ErrNotFound)
	}
	ds, err := tx.freeDoors(rank, preferLow, exclude)
	if err != nil {
		return Door{}, err
	}
	if len(ds) == 0 {
		return Door{}, fmt.Errorf("storage: free door of size %s: %w", minSize, ErrNotFound)
	}
	return ds[0], nil
}

func (tx *Tx) freeDoors(minRank int, preferLow bool, exclude []int64) ([]Door, error) {
	// Of one size, the low doors first, then the lower rows: a door at
	// the top of its column is at head height or above, out of many
	// people's reach. For a wheelchair user reach matters more than size:
	// a low door of any fitting size comes before a high one.
	order := sizeOrder + `, low DESC, row DESC, id`
	if preferLow {
		order = `low DESC, ` + sizeOrder + `, row DESC, id`
	}
	q, args := `SELECT `+doorCols+` FROM doors d
		WHERE out_of_service = 0 AND fault = '' AND `+sizeOrder+` >= ?
		AND NOT EXISTS (SELECT 1 FROM rents r WHERE r.door_id = d.id AND r.state IN `+activeIn+`)
		AND NOT EXISTS (SELECT 1 FROM door_opens o WHERE o.door_id = d.id AND o.state IN ('intent', 'flagged'))`, []any{minRank}
	for _, id := range exclude {
		q, args = q+` AND id <> ?`, append(args, id)
	}
	return queryAll(tx, "free doors", scanDoor, q+` ORDER BY `+order, args...)
}
