package shopapi

import (
	"strconv"
	"time"

	"pudo/app/central/store"
)

// The API's JSON shapes. They are ours, not the store's: a column added to
// central's tables does not change what shops see.

// bookingJSON is a shop's booking.
type bookingJSON struct {
	ID    string `json:"id"`
	State string `json:"state"`
	// Locker is where the booking stands (the first of the lockers asked
	// that took it, or is asked now); absent before one is asked.
	Locker       string    `json:"locker,omitempty"`
	Lockers      []string  `json:"lockers"`
	Size         string    `json:"size"`
	ParcelRef    string    `json:"parcel_ref"`
	RecipientRef string    `json:"recipient_ref,omitempty"`
	DoorID       int64     `json:"door_id,omitempty"`
	RentID       int64     `json:"rent_id,omitempty"`
	Refusal      string    `json:"refusal,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
}

// Booking states as shops see them.
const (
	statePending   = "pending" // sent, no answer from the locker yet
	stateRefused   = "refused"
	stateReserved  = "reserved"
	stateStored    = "stored"
	stateCancelled = "cancelled"
)

var bookingStates = []string{statePending, stateRefused, stateReserved, stateStored, "collected", "expired", "reclaimed", stateCancelled}

// stateOf is a booking's state from central's answer and its rent's
// events: what the locker said last wins.
func stateOf(v store.BookingView) string {
	switch v.Answer {
	case "", "sent":
		return statePending
	case "refused":
		return stateRefused
	case "cancelled":
		return stateCancelled
	}
	switch v.RentState {
	case "stored":
		return stateStored
	case "collected", "expired", "reclaimed", "cancelled":
		return v.RentState
	case "lapsed":
		return "expired"
	}
	return stateReserved
}

func bookingOut(v store.BookingView) bookingJSON {
	out := bookingJSON{ID: v.ID, State: stateOf(v), Locker: v.Locker, Lockers: v.Lockers, Size: v.Size, ParcelRef: v.ParcelRef,
		RecipientRef: v.RecipientRef, DoorID: v.DoorID, RentID: v.RentID, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, ExpiresAt: v.ExpiresAt}
	if out.State == stateRefused {
		out.Refusal = v.RefusedWith
	}
	if out.Lockers == nil {
		out.Lockers = []string{}
	}
	return out
}

// bookedJSON is the answer to a booking the locker took: the only time
// the pickup code is shown (and the replays of the same request).
type bookedJSON struct {
	bookingJSON
	PickupCode string `json:"pickup_code,omitempty"`
	QR         string `json:"qr,omitempty"`
}

type bookingsJSON struct {
	Bookings []bookingJSON `json:"bookings"`
	// NextAfter is set while more may follow: pass it as after.
	NextAfter string `json:"next_after,omitempty"`
}

// eventJSON is one entry of a shop's feed, as GET /v1/events and the
// webhooks send it.
type eventJSON struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	BookingID string    `json:"booking_id"`
	ParcelRef string    `json:"parcel_ref"`
	Locker    string    `json:"locker"`
	RentID    int64     `json:"rent_id,omitempty"`
	DoorID    int64     `json:"door_id,omitempty"`
}

func eventOut(e store.ShopEvent) eventJSON {
	return eventJSON{ID: e.Pos, At: e.At, Kind: e.Kind, BookingID: e.BookingID, ParcelRef: e.ParcelRef, Locker: e.Locker, RentID: e.RentID, DoorID: e.DoorID}
}

type eventsJSON struct {
	Events []eventJSON `json:"events"`
	// Next is the cursor to pass as after= for the following page. It is
	// opaque: compare nothing, store it and send it back.
	Next string `json:"next"`
}

func cursor(pos int64) string { return strconv.FormatInt(pos, 10) }

type lockerJSON struct {
	ID     string         `json:"id"`
	Online bool           `json:"online"`
	Free   map[string]int `json:"free"`
	Total  map[string]int `json:"total"`
	// At is when the locker last reported its doors (free and total are
	// as of then).
	At time.Time `json:"at,omitzero"`
}

type webhookJSON struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Kinds     []string  `json:"kinds"`
	CreatedAt time.Time `json:"created_at"`
	// Secret signs the deliveries; it is in the answer that made the
	// endpoint only.
	Secret string `json:"secret,omitempty"`
}

type parkedJSON struct {
	ID        int64     `json:"id"`
	Webhook   int64     `json:"webhook"`
	EventID   int64     `json:"event_id"`
	BookingID string    `json:"booking_id"`
	Kind      string    `json:"kind"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	ParkedAt  time.Time `json:"parked_at"`
	Payload   any       `json:"payload"`
}
