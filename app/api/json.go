package api

import (
	"strings"
	"time"

	"pudo/app"
	"pudo/app/carrier"
	"pudo/storage"
)

// The API's JSON shapes. They are ours, not the store's: a column added to
// storage does not change what integrations see. A rent's is a projection
// of app.Rent (see there for the mapping between the layers).

type rentJSON struct {
	ID           int64     `json:"id"`
	State        string    `json:"state"`
	DoorID       int64     `json:"door_id"`
	ParcelRef    string    `json:"parcel_ref"`
	RecipientRef string    `json:"recipient_ref,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	StoredAt     time.Time `json:"stored_at,omitzero"`
	EndedAt      time.Time `json:"ended_at,omitzero"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
}

func rentOut(r app.Rent, v ids) rentJSON {
	return rentJSON{ID: v.rentID(r.ID), State: string(r.State), DoorID: r.DoorID, ParcelRef: r.ParcelRef,
		RecipientRef: r.RecipientRef, CreatedAt: r.CreatedAt, StoredAt: r.StoredAt, EndedAt: r.EndedAt, ExpiresAt: r.ExpiresAt}
}

// bookedJSON is the answer to a booking: the only time the code is shown.
// A booking that shares another's code shows none: the caller has it.
type bookedJSON struct {
	rentJSON
	PickupCode     string `json:"pickup_code,omitempty"`
	SharesCodeWith int64  `json:"shares_code_with,omitempty"`
	QR             string `json:"qr,omitempty"`
}

type rentsJSON struct {
	Rents []rentJSON `json:"rents"`
	// NextAfterID is set while more rents may follow: pass it as after_id.
	NextAfterID *int64 `json:"next_after_id,omitempty"`
}

type doorJSON struct {
	ID      int64  `json:"id"`
	Size    string `json:"size"`
	Column  int    `json:"column"`
	Row     int    `json:"row"`
	Low     bool   `json:"low"`
	State   string `json:"state"`
	Sensor  string `json:"sensor"`
	Fault   bool   `json:"fault"` // did not open last time, or out of service
	RentID  int64  `json:"rent_id,omitempty"`
	Comment string `json:"out_of_service_reason,omitempty"`
}

func doorOut(ds app.DoorState, staff bool) doorJSON {
	d := doorJSON{ID: ds.Door.ID, Size: string(ds.Door.Size), Column: ds.Door.Col, Row: ds.Door.Row, Low: ds.Door.Low,
		State: "free", Sensor: ds.Sensor.String(), Fault: ds.Faulty()}
	if ds.Rent != nil {
		d.State = string(ds.Rent.State)
		if staff {
			d.RentID = ds.Rent.ID
		}
	}
	if ds.Door.OutOfService {
		d.State = "out_of_service"
		if staff {
			d.Comment = ds.Door.OOSReason
		}
	}
	return d
}

type eventJSON struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Actor  string    `json:"actor"`
	RentID int64     `json:"rent_id,omitempty"`
	DoorID int64     `json:"door_id,omitempty"`
	Detail string    `json:"detail,omitempty"`
	Kiosk  string    `json:"kiosk,omitempty"`
	// On the event that stores a walk-in's rent: the carrier its pickup
	// code is for and the code sealed for that carrier alone (package
	// carrier), or code_sealed false when the carrier has no key at the
	// locker. Absent from every other event.
	Carrier    string `json:"carrier,omitempty"`
	CodeSealed *bool  `json:"code_sealed,omitempty"`
	SealedCode string `json:"sealed_code,omitempty"`
}

// eventOut shapes an event for a reader; staff names stay with the
// operator (staff), others see "staff".
func eventOut(e storage.Event, kiosk string, staff bool, v ids) eventJSON {
	actor := e.Actor
	if !staff && strings.HasPrefix(actor, "staff:") {
		actor = "staff"
	}
	out := eventJSON{Seq: v.seq(e.Seq), At: e.At, Kind: e.Kind, Actor: actor, RentID: v.rentID(e.RentID), DoorID: e.DoorID, Detail: e.Detail, Kiosk: kiosk}
	if e.CodeFor != "" {
		sealed := e.CodeSealed != nil
		out.Carrier, out.CodeSealed = e.CodeFor, &sealed
		if sealed {
			out.SealedCode = carrier.Field(e.CodeSealed)
		}
	}
	return out
}

type eventsJSON struct {
	Events []eventJSON `json:"events"`
	// Next is the cursor to pass as after= for the following page. It is
	// opaque: compare nothing, store it and send it back.
	Next string `json:"next"`
}
