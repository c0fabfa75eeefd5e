package api

import (
	"context"

	"pudo/app/core"
)

// Core is what the API needs from the locker's rules; *core.Office (the
// locker's back office) is one.
// The API never moves a rent or opens a door by itself.
type Core interface {
	// Book reserves the smallest free door that fits a parcel.
	Book(ctx context.Context, b core.Booking) (core.Booked, error)
	Rent(ctx context.Context, id int64) (core.Rent, error)
	Rents(ctx context.Context, f core.RentFilter) ([]core.Rent, error)
	// Cancel ends a booking whose parcel was not dropped off.
	Cancel(ctx context.Context, id int64) error
	// RemoteOpen opens the one door of a stored parcel for its recipient.
	RemoteOpen(ctx context.Context, rentID int64) (core.Door, error)
	DoorStates(ctx context.Context) ([]core.DoorState, error)
}

var _ Core = (*core.Office)(nil)
