package enginetest

import (
	"testing"

	"pudo/app"
)

// Rig is one engine under test and the world around it.
type Rig struct {
	Engine app.Engine

	// Stock stores one parcel in a free door under a fresh pickup code.
	Stock func(t testing.TB) (code string, door int64)
	// Book reserves a free door of size for a delivery labelled label, as
	// the back office does.
	Book func(t testing.TB, label string, size app.Size) (door int64)
	// BookReturn reserves a free door for a shopper's return, and its
	// return code.
	BookReturn func(t testing.TB) (code string, door int64)

	// Open is door's sensor reading open (a person opened it).
	Open func(t testing.TB, door int64)
	// Close is door's sensor reading closed.
	Close func(t testing.TB, door int64)
	// NotOpened is the did-not-open time passing with door read closed.
	NotOpened func(t testing.TB, door int64)
	// Unseen is the did-not-open time passing with door read closed after
	// a gap in its readings (the board silent a while): nobody can tell
	// whether it opened and closed meanwhile.
	Unseen func(t testing.TB, door int64)
	// Refuse makes door's board answer "lock failed" to every unlock from
	// now on.
	Refuse func(t testing.TB, door int64)

	// CourierToken signs courier "c1" in; StaffPIN signs a staff member in.
	CourierToken string
	StaffPIN     string
}
