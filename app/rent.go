package app

import "time"

// RentState is where a rent is in its life cycle (see Lifecycle).
type RentState string

const (
	RentReserved  RentState = "reserved"
	RentStored    RentState = "stored"
	RentCollected RentState = "collected"
	RentExpired   RentState = "expired"
	RentReclaimed RentState = "reclaimed"
	RentCancelled RentState = "cancelled"
)

// RentStates lists every state, the order of the life cycle.
var RentStates = []RentState{RentReserved, RentStored, RentCollected, RentExpired, RentReclaimed, RentCancelled}

// RentKind tells a parcel for a recipient from a return for a courier.
type RentKind string

const (
	KindDelivery RentKind = "delivery"
	KindReturn   RentKind = "return"
)

// Rent is one parcel's stay in one door. It holds no credential.
//
// A rent has one shape per layer, each mapped from the one below it in
// exactly one place:
//
//   - storage.Rent is the store's row: these fields and the MACs of its
//     codes. It never leaves app/core.
//   - Rent (this) is what everything above the engine sees: the sessions,
//     the back office (core.Office, so the HTTP API and the fleet link),
//     the screens. core's appRent maps the row to it, dropping the MACs.
//   - The HTTP API's rentJSON (app/api/json.go) is what integrations see:
//     a projection of Rent (no kind, booked flag or courier), made by
//     rentOut. The fleet link's events carry their own fields.
type Rent struct {
	ID           int64     `json:"id"`
	DoorID       int64     `json:"door_id"`
	State        RentState `json:"state"`
	Kind         RentKind  `json:"kind"`
	Booked       bool      `json:"booked"` // booked by the back office; false: a courier's walk-in
	ParcelRef    string    `json:"parcel_ref"`
	RecipientRef string    `json:"recipient_ref,omitempty"`
	Courier      string    `json:"courier,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	StoredAt     time.Time `json:"stored_at,omitzero"`
	EndedAt      time.Time `json:"ended_at,omitzero"`
	// ExpiresAt is the drop-off deadline of a reserved rent and the pickup
	// deadline of a stored one; zero: none.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// RentQuery selects rents for staff lists and search; zero fields match all.
type RentQuery struct {
	State     RentState
	Kind      RentKind
	ParcelRef string
	DoorID    int64
	Limit     int   // default 100, at most 1000
	AfterID   int64 // paging: ids above this
}
