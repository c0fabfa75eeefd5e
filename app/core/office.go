package core

import "context"

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

// Rent is one rent, by id. Errors: app.ErrNotFound.
func (bo *Office) Rent(ctx context.Context, id int64) (Rent, error) { return bo.l.rent(ctx, id) }

// Rents lists rents matching f, in id order (page with f.AfterID).
func (bo *Office) Rents(ctx context.Context, f RentFilter) ([]Rent, error) { return bo.l.rents(ctx, f) }
