package core

import (
	"context"

	"pudo/app"
)

// Office is the back office acting from afar, as the API's integrations
// and the fleet link do: it books doors, reads and cancels rents, opens a
// stored parcel's door for its owner, and reads the doors, the locker's
// rules and the credentials' revocation list; Operator names the operator
// for what is audited under their name. The HTTP API and the fleet link
// call the same methods, so the two never disagree. It opens doors only
// through the engine's one opening mechanism, like every flow.
type Office struct{ l *Locker }

// Office is the locker's back office.
func (l *Locker) Office() *Office { return &Office{l: l} }

// Rent is one rent, by id, as app's vocabulary has it (no credentials).
// Errors: app.ErrNotFound.
func (bo *Office) Rent(ctx context.Context, id int64) (app.Rent, error) {
	r, err := bo.l.rent(ctx, id)
	return appRent(r), err
}

// Rents lists the rents q selects, in id order (page with q.AfterID).
func (bo *Office) Rents(ctx context.Context, q app.RentQuery) ([]app.Rent, error) {
	rs, err := bo.l.rents(ctx, rentFilter(q))
	return appRents(rs), err
}

// DoorStates lists every door with the rent behind it, as the staff grid
// shows them.
func (bo *Office) DoorStates(ctx context.Context) ([]app.DoorState, error) {
	return bo.l.appDoorStates(ctx)
}
