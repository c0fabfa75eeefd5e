package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// RentState is where a rent is in its life cycle (app.Lifecycle decides it).
type RentState string

const (
	RentReserved  RentState = "reserved"
	RentStored    RentState = "stored"
	RentCollected RentState = "collected"
	RentExpired   RentState = "expired"
	RentReclaimed RentState = "reclaimed"
	RentCancelled RentState = "cancelled"
)

// ActiveStates are the states in which a rent holds its door. The rent's
// life cycle is app.Lifecycle's to decide; the store cannot import it, so
// the list is spelled here once, and a test in app/core holds it (and the
// schema's partial indexes, which cannot take a parameter) to the table.
var ActiveStates = []RentState{RentReserved, RentStored, RentExpired}

// activeIn is ActiveStates as an SQL list.
var activeIn = sqlList(ActiveStates)

func sqlList(states []RentState) string {
	q := make([]string, len(states))
	for i, s := range states {
		q[i] = "'" + string(s) + "'"
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// Active reports whether a rent in this state still holds its door.
func (s RentState) Active() bool { return slices.Contains(ActiveStates, s) }

// RentKind tells a parcel for a recipient from a return for a courier.
type RentKind string

const (
	KindDelivery RentKind = "delivery"
	KindReturn   RentKind = "return"
)

// Rent is one parcel's stay in one door. The credentials are MACs, never
// codes, and are left out of JSON.
type Rent struct {
	ID           int64     `json:"id"`
	DoorID       int64     `json:"door_id"`
	State        RentState `json:"state"`
	Kind         RentKind  `json:"kind"`
	Booked       bool      `json:"booked"`
	ParcelRef    string    `json:"parcel_ref"`
	RecipientRef string    `json:"recipient_ref,omitempty"`
	Courier      string    `json:"courier,omitempty"`
	PickupMAC    []byte    `json:"-"`
	DropoffMAC   []byte    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	StoredAt     time.Time `json:"stored_at,omitzero"`
	EndedAt      time.Time `json:"ended_at,omitzero"`
	// ExpiresAt is the drop-off deadline of a reserved rent and the pickup
	// deadline of a stored one; zero: none.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// NewRent is what CreateRent needs.
type NewRent struct {
	DoorID       int64
	State        RentState // RentReserved or RentStored
	Kind         RentKind  // default KindDelivery
	Booked       bool
	ParcelRef    string
	RecipientRef string
	Courier      string
	PickupMAC    []byte
	DropoffMAC   []byte
	ExpiresAt    time.Time
}

const rentCols = `id, door_id, state, kind, booked, parcel_ref, recipient_ref, courier, pickup_mac, dropoff_mac,
	created_at, stored_at, ended_at, expires_at`

func scanRent(s rowScanner) (Rent, error) {
	var r Rent
	var created, stored, ended, expires sql.NullInt64
	err := s.Scan(&r.ID, &r.DoorID, &r.State, &r.Kind, &r.Booked, &r.ParcelRef, &r.RecipientRef, &r.Courier,
		&r.PickupMAC, &r.DropoffMAC, &created, &stored, &ended, &expires)
	r.CreatedAt, r.StoredAt, r.EndedAt, r.ExpiresAt = fromUnix(created), fromUnix(stored), fromUnix(ended), fromUnix(expires)
	return r, err
}

// CreateRent adds a rent. It fails with ErrDoorTaken when the door already
// holds an active rent; the schema enforces that, not only this code.
func (tx *Tx) CreateRent(n NewRent) (Rent, error) {
	if n.State != RentReserved && n.State != RentStored {
		return Rent{}, fmt.Errorf("storage: create rent in state %q: %w", n.State, ErrConflict)
	}
	if n.Kind == "" {
		n.Kind = KindDelivery
	}
	var stored sql.NullInt64
	if n.State == RentStored {
		stored = nullTime(tx.now)
	}
	res, err := tx.tx.Exec(`INSERT INTO rents (door_id, state, kind, booked, parcel_ref, recipient_ref, courier,
			pickup_mac, dropoff_mac, created_at, stored_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.DoorID, n.State, n.Kind, n.Booked, n.ParcelRef, n.RecipientRef, n.Courier,
		n.PickupMAC, n.DropoffMAC, unix(tx.now), stored, nullTime(n.ExpiresAt))
	if err != nil {
		if isDoorTaken(err) {
			return Rent{}, fmt.Errorf("storage: door %d: %w", n.DoorID, ErrDoorTaken)
		}
		return Rent{}, fmt.Errorf("storage: create rent: %w", err)
	}
	id, _ := res.LastInsertId()
	return tx.Rent(id)
}

func isDoorTaken(err error) bool {
	return strings.Contains(err.Error(), "UNIQUE constraint failed: rents.door_id")
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

// ActiveRent returns the rent holding a door, or ErrNotFound.
func (tx *Tx) ActiveRent(doorID int64) (Rent, error) {
	r, err := scanRent(tx.tx.QueryRow(`SELECT `+rentCols+` FROM rents
		WHERE door_id = ? AND state IN `+activeIn, doorID))
	if errors.Is(err, sql.ErrNoRows) {
		return Rent{}, fmt.Errorf("storage: door %d rent: %w", doorID, ErrNotFound)
	}
	if err != nil {
		return Rent{}, fmt.Errorf("storage: door %d rent: %w", doorID, err)
	}
	return r, nil
}

// RentsByPickupMAC lists the rents in state whose pickup MAC is mac, oldest
// first. The lookup is by index on the MAC; the caller still compares in
// constant time before trusting a row.
func (tx *Tx) RentsByPickupMAC(mac []byte, state RentState) ([]Rent, error) {
	return tx.queryRents(`SELECT `+rentCols+` FROM rents
		WHERE pickup_mac = ? AND state IN `+activeIn+` AND state = ? ORDER BY id`, mac, state)
}

// ActiveByPickupMAC lists the active rents (reserved, stored, expired) whose
// pickup MAC is mac, oldest first: one index lookup for the whole code check.
func (tx *Tx) ActiveByPickupMAC(mac []byte) ([]Rent, error) {
	return tx.queryRents(`SELECT `+rentCols+` FROM rents
		WHERE pickup_mac = ? AND state IN `+activeIn+` ORDER BY id`, mac)
}

// CollectedByPickupMAC lists the rents collected since since whose pickup
// MAC is mac, newest first. As with ActiveByPickupMAC, the caller compares
// the MAC in constant time before trusting a row.
func (tx *Tx) CollectedByPickupMAC(mac []byte, since time.Time) ([]Rent, error) {
	return tx.queryRents(`SELECT `+rentCols+` FROM rents
		WHERE pickup_mac = ? AND state = 'collected' AND ended_at >= ? ORDER BY id DESC`, mac, unix(since))
}

// ReservedByDropoffMAC lists the reserved rents whose drop-off MAC is mac.
func (tx *Tx) ReservedByDropoffMAC(mac []byte) ([]Rent, error) {
	return tx.queryRents(`SELECT `+rentCols+` FROM rents WHERE dropoff_mac = ? AND state = 'reserved' ORDER BY id`, mac)
}

// RentsInState lists the rents in state, oldest first.
func (tx *Tx) RentsInState(state RentState) ([]Rent, error) {
	return tx.queryRents(`SELECT `+rentCols+` FROM rents WHERE state = ? ORDER BY id`, state)
}

// RentFilter selects rents for lists and search. Zero fields match all.
type RentFilter struct {
	State     string `json:"state,omitempty"`
	Kind      string `json:"kind,omitempty"`
	ParcelRef string `json:"parcel_ref,omitempty"`
	DoorID    int64  `json:"door_id,omitempty"`
	Limit     int    `json:"limit,omitempty"`    // default 100, at most 1000
	AfterID   int64  `json:"after_id,omitempty"` // for paging: ids above this
}

// Rents lists the rents matching f in id order.
func (tx *Tx) Rents(f RentFilter) ([]Rent, error) {
	q, args := `SELECT `+rentCols+` FROM rents WHERE id > ?`, []any{f.AfterID}
	if f.State != "" {
		q, args = q+` AND state = ?`, append(args, f.State)
	}
	if f.Kind != "" {
		q, args = q+` AND kind = ?`, append(args, f.Kind)
	}
	if f.ParcelRef != "" {
		q, args = q+` AND parcel_ref = ?`, append(args, f.ParcelRef)
	}
	if f.DoorID != 0 {
		q, args = q+` AND door_id = ?`, append(args, f.DoorID)
	}
	switch {
	case f.Limit <= 0:
		f.Limit = 100
	case f.Limit > 1000:
		f.Limit = 1000
	}
	return tx.queryRents(q+` ORDER BY id LIMIT ?`, append(args, f.Limit)...)
}

func (tx *Tx) queryRents(q string, args ...any) ([]Rent, error) {
	return queryAll(tx, "rents", scanRent, q, args...)
}

// ActiveRents lists every rent that holds a door, in id order.
func (tx *Tx) ActiveRents() ([]Rent, error) {
	return tx.queryRents(`SELECT ` + rentCols + ` FROM rents WHERE state IN ` + activeIn + ` ORDER BY id`)
}
