package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RentState is where a rent is in its life cycle (product.md, the rent).
type RentState string

const (
	RentReserved  RentState = "reserved"
	RentStored    RentState = "stored"
	RentCollected RentState = "collected"
	RentExpired   RentState = "expired"
	RentReclaimed RentState = "reclaimed"
	RentCancelled RentState = "cancelled"
)

// Rent is one parcel's stay in one door.
type Rent struct {
	ID        int64
	DoorID    int64
	State     RentState
	ParcelRef string
	PickupMAC []byte
	CreatedAt time.Time
	StoredAt  time.Time
	EndedAt   time.Time
	ExpiresAt time.Time
}

// NewRent is what CreateRent needs.
type NewRent struct {
	DoorID    int64
	State     RentState // RentReserved or RentStored
	ParcelRef string
	PickupMAC []byte
	ExpiresAt time.Time
}

const rentCols = `id, door_id, state, parcel_ref, pickup_mac, created_at, stored_at, ended_at, expires_at`

func scanRent(s interface{ Scan(...any) error }) (Rent, error) {
	var r Rent
	var created, stored, ended, expires sql.NullInt64
	err := s.Scan(&r.ID, &r.DoorID, &r.State, &r.ParcelRef, &r.PickupMAC, &created, &stored, &ended, &expires)
	r.CreatedAt, r.StoredAt, r.EndedAt, r.ExpiresAt = fromUnix(created), fromUnix(stored), fromUnix(ended), fromUnix(expires)
	return r, err
}

// CreateRent adds a rent. It fails with ErrDoorTaken when the door already
// holds an active rent; the schema enforces that, not only this code.
func (tx *Tx) CreateRent(n NewRent) (Rent, error) {
	if n.State != RentReserved && n.State != RentStored {
		return Rent{}, fmt.Errorf("storage: create rent in state %q: %w", n.State, ErrConflict)
	}
	var stored sql.NullInt64
	if n.State == RentStored {
		stored = nullTime(tx.now)
	}
	res, err := tx.tx.Exec(`INSERT INTO rents (door_id, state, parcel_ref, pickup_mac, created_at, stored_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		n.DoorID, n.State, n.ParcelRef, n.PickupMAC, unix(tx.now), stored, nullTime(n.ExpiresAt))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed: rents.door_id") {
			return Rent{}, fmt.Errorf("storage: door %d: %w", n.DoorID, ErrDoorTaken)
		}
		return Rent{}, fmt.Errorf("storage: create rent: %w", err)
	}
	id, _ := res.LastInsertId()
	return tx.Rent(id)
}

// Rent returns one rent by id.
func (tx *Tx) Rent(id int64) (Rent, error) {
	r, err := scanRent(tx.tx.QueryRow(`SELECT `+rentCols+` FROM rents WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Rent{}, fmt.Errorf("storage: rent %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Rent{}, fmt.Errorf("storage: rent %d: %w", id, err)
	}
	return r, nil
}

// RentsByPickupMAC lists the rents in state whose pickup MAC is mac, oldest
// first. The lookup is by index on the MAC; the caller still compares in
// constant time before trusting a row.
func (tx *Tx) RentsByPickupMAC(mac []byte, state RentState) ([]Rent, error) {
	return tx.queryRents(`SELECT `+rentCols+` FROM rents WHERE pickup_mac = ? AND state = ? ORDER BY id`, mac, state)
}

// RentsInState lists the rents in state, oldest first.
func (tx *Tx) RentsInState(state RentState) ([]Rent, error) {
	return tx.queryRents(`SELECT `+rentCols+` FROM rents WHERE state = ? ORDER BY id`, state)
}

func (tx *Tx) queryRents(q string, args ...any) ([]Rent, error) {
	rows, err := tx.tx.Query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: rents: %w", err)
	}
	defer rows.Close()
	var out []Rent
	for rows.Next() {
		r, err := scanRent(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: rents: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

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
	return nil
}

// SetPickupMAC replaces a stored rent's pickup credential (a re-issued code).
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
