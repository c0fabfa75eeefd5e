package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The fleet link's records (migration 0070). The event log is its outbox;
// these are the cursor over it and what it needs to apply each command once.

// FleetValue returns a counter of the fleet link, 0 when never set.
func (tx *Tx) FleetValue(key string) (int64, error) {
	var v int64
	err := tx.tx.QueryRow(`SELECT value FROM fleet_state WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("storage: fleet %s: %w", key, err)
	}
	return v, nil
}

// SetFleetValue sets a counter of the fleet link.
func (tx *Tx) SetFleetValue(key string, v int64) error {
	_, err := tx.tx.Exec(`INSERT INTO fleet_state (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, v)
	if err != nil {
		return fmt.Errorf("storage: fleet %s: %w", key, err)
	}
	return nil
}

// RaiseFleetValue moves a counter up to v; it never moves back.
func (tx *Tx) RaiseFleetValue(key string, v int64) error {
	_, err := tx.tx.Exec(`INSERT INTO fleet_state (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)`, key, v)
	if err != nil {
		return fmt.Errorf("storage: fleet %s: %w", key, err)
	}
	return nil
}

// BumpFleetValue adds one to a counter and returns the new value.
func (tx *Tx) BumpFleetValue(key string) (int64, error) {
	v, err := tx.FleetValue(key)
	if err != nil {
		return 0, err
	}
	return v + 1, tx.SetFleetValue(key, v+1)
}

// ClockEpoch says that from FirstSeq on events were written in boot Boot,
// with the clock synchronised or not.
type ClockEpoch struct {
	FirstSeq int64
	Boot     int64
	Synced   bool
	At       time.Time
}

// AddClockEpoch starts an epoch at the next event to be written. A second
// epoch at the same seq replaces the first: nothing was written in between.
func (tx *Tx) AddClockEpoch(boot int64, synced bool) (ClockEpoch, error) {
	last, err := tx.LastSeq()
	if err != nil {
		return ClockEpoch{}, err
	}
	e := ClockEpoch{FirstSeq: last + 1, Boot: boot, Synced: synced, At: tx.now}
	_, err = tx.tx.Exec(`INSERT INTO fleet_epochs (first_seq, boot, clock_synced, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (first_seq) DO UPDATE SET boot = excluded.boot, clock_synced = excluded.clock_synced, at = excluded.at`,
		e.FirstSeq, boot, synced, unix(tx.now))
	if err != nil {
		return ClockEpoch{}, fmt.Errorf("storage: clock epoch: %w", err)
	}
	return e, nil
}

// ClockEpochs returns the epochs that cover seq from on: the one in force
// at from (if any) and every later one, in order.
func (tx *Tx) ClockEpochs(from int64) ([]ClockEpoch, error) {
	return queryAll(tx, "clock epochs", func(s rowScanner) (ClockEpoch, error) {
		var e ClockEpoch
		var at int64
		err := s.Scan(&e.FirstSeq, &e.Boot, &e.Synced, &at)
		e.At = time.UnixMilli(at).UTC()
		return e, err
	}, `SELECT first_seq, boot, clock_synced, at FROM fleet_epochs
		WHERE first_seq >= coalesce((SELECT max(first_seq) FROM fleet_epochs WHERE first_seq <= ?), 0)
		ORDER BY first_seq`, from)
}

// FleetCommand is a command the link took, with its sealed result once done.
type FleetCommand struct {
	ID          string
	Name        string
	IssuedAt    time.Time
	ExpiresAt   time.Time
	Fingerprint []byte
	Done        bool
	Result      []byte
	BookingID   string
	Version     int64
	ReceivedAt  time.Time
}

const fleetCommandCols = `command_id, name, issued_at, expires_at, fingerprint, state, result, booking_id, version, received_at`

func scanFleetCommand(s rowScanner) (FleetCommand, error) {
	var c FleetCommand
	var issued, expires, received int64
	var state string
	err := s.Scan(&c.ID, &c.Name, &issued, &expires, &c.Fingerprint, &state, &c.Result, &c.BookingID, &c.Version, &received)
	c.IssuedAt, c.ExpiresAt, c.ReceivedAt = time.UnixMilli(issued).UTC(), time.UnixMilli(expires).UTC(), time.UnixMilli(received).UTC()
	c.Done = state == "done"
	return c, err
}

// FleetCommand returns the record of a command, or ErrNotFound.
func (tx *Tx) FleetCommand(id string) (FleetCommand, error) {
	c, err := scanFleetCommand(tx.tx.QueryRow(`SELECT `+fleetCommandCols+` FROM fleet_commands WHERE command_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("storage: fleet command %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("storage: fleet command %s: %w", id, err)
	}
	return c, nil
}

// BeginFleetCommand records a command as being applied, before anything
// of it is done: a crash leaves it pending, never forgotten.
func (tx *Tx) BeginFleetCommand(c FleetCommand) error {
	_, err := tx.tx.Exec(`INSERT INTO fleet_commands (`+fleetCommandCols+`) VALUES (?, ?, ?, ?, ?, 'pending', NULL, ?, ?, ?)`,
		c.ID, c.Name, unix(c.IssuedAt), unix(c.ExpiresAt), c.Fingerprint, c.BookingID, c.Version, unix(tx.now))
	if err != nil {
		return fmt.Errorf("storage: fleet command %s: %w", c.ID, err)
	}
	return nil
}

// FinishFleetCommand keeps a command's (sealed) result.
func (tx *Tx) FinishFleetCommand(id string, result []byte) error {
	res, err := tx.tx.Exec(`UPDATE fleet_commands SET state = 'done', result = ? WHERE command_id = ?`, result, id)
	if err != nil {
		return fmt.Errorf("storage: fleet command %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: fleet command %s: %w", id, ErrNotFound)
	}
	return nil
}

// PendingFleetCommands lists the commands a crash cut short, oldest first.
func (tx *Tx) PendingFleetCommands() ([]FleetCommand, error) {
	return queryAll(tx, "fleet commands", scanFleetCommand,
		`SELECT `+fleetCommandCols+` FROM fleet_commands WHERE state = 'pending' ORDER BY received_at, command_id`)
}

// PruneFleetCommands forgets done commands received before t; a duplicate
// arriving later is refused as expired by then.
func (tx *Tx) PruneFleetCommands(before time.Time) (int64, error) {
	res, err := tx.tx.Exec(`DELETE FROM fleet_commands WHERE state = 'done' AND received_at < ? AND expires_at < ?`, unix(before), unix(before))
	if err != nil {
		return 0, fmt.Errorf("storage: prune fleet commands: %w", err)
	}
	return res.RowsAffected()
}

// FleetBooking returns the newest version of a booking taken so far and
// its rent (0: none); ok is false for a booking never seen.
func (tx *Tx) FleetBooking(bookingID string) (version, rentID int64, ok bool, err error) {
	err = tx.tx.QueryRow(`SELECT version, rent_id FROM fleet_bookings WHERE booking_id = ?`, bookingID).Scan(&version, &rentID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf("storage: fleet booking %s: %w", bookingID, err)
	}
	return version, rentID, true, nil
}

// SetFleetBooking records a booking's version and rent (rentID 0 keeps the
// rent already recorded).
func (tx *Tx) SetFleetBooking(bookingID string, version, rentID int64) error {
	_, err := tx.tx.Exec(`INSERT INTO fleet_bookings (booking_id, version, rent_id) VALUES (?, ?, ?)
		ON CONFLICT (booking_id) DO UPDATE SET version = excluded.version,
			rent_id = CASE WHEN excluded.rent_id <> 0 THEN excluded.rent_id ELSE rent_id END`, bookingID, version, rentID)
	if err != nil {
		return fmt.Errorf("storage: fleet booking %s: %w", bookingID, err)
	}
	return nil
}

// ProcessedVersion notes that booking version v was processed and returns
// the newest version through which every one was.
func (tx *Tx) ProcessedVersion(v int64) (int64, error) {
	through, err := tx.FleetValue("booking_through")
	if err != nil || v <= through {
		return through, err
	}
	if v > through+1 {
		_, err := tx.tx.Exec(`INSERT INTO fleet_versions_ahead (version) VALUES (?) ON CONFLICT DO NOTHING`, v)
		if err != nil {
			return through, fmt.Errorf("storage: fleet version %d: %w", v, err)
		}
		return through, nil
	}
	through = v
	for {
		res, err := tx.tx.Exec(`DELETE FROM fleet_versions_ahead WHERE version = ?`, through+1)
		if err != nil {
			return through, fmt.Errorf("storage: fleet version %d: %w", v, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			break
		}
		through++
	}
	return through, tx.SetFleetValue("booking_through", through)
}

// VersionsAhead lists the booking versions processed above the gap.
func (tx *Tx) VersionsAhead() ([]int64, error) {
	return queryAll(tx, "fleet versions", func(s rowScanner) (int64, error) {
		var v int64
		return v, s.Scan(&v)
	}, `SELECT version FROM fleet_versions_ahead ORDER BY version LIMIT 1000`)
}

// RentOfOwner returns the newest rent booked by owner, or ErrNotFound.
func (tx *Tx) RentOfOwner(owner string) (int64, error) {
	var id int64
	err := tx.tx.QueryRow(`SELECT rent_id FROM api_rent_owners WHERE owner = ? ORDER BY rent_id DESC LIMIT 1`, owner).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("storage: rent of %s: %w", owner, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("storage: rent of %s: %w", owner, err)
	}
	return id, nil
}

// ExtendRent moves an active rent's deadline (a booking's drop-off
// deadline, a stored parcel's pickup deadline) later; never earlier.
func (tx *Tx) ExtendRent(id int64, until time.Time) error {
	res, err := tx.tx.Exec(`UPDATE rents SET expires_at = ? WHERE id = ? AND state IN ('reserved', 'stored')
		AND expires_at IS NOT NULL AND expires_at < ?`, unix(until), id, unix(until))
	if err != nil {
		return fmt.Errorf("storage: extend rent %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: extend rent %d: %w", id, ErrConflict)
	}
	return nil
}

// ForgetFleetCommand drops a pending command found not applied after a
// crash, so its redelivery applies it as if for the first time.
func (tx *Tx) ForgetFleetCommand(id string) error {
	_, err := tx.tx.Exec(`DELETE FROM fleet_commands WHERE command_id = ? AND state = 'pending'`, id)
	if err != nil {
		return fmt.Errorf("storage: fleet command %s: %w", id, err)
	}
	return nil
}
