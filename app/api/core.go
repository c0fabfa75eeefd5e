package api

import (
	"context"
	"time"

	"pudo/app"
	"pudo/app/core"
	"pudo/app/cred"
)

// Core is what the API needs from the locker's rules; *core.Office (the
// locker's back office) is one.
// The API never moves a rent or opens a door by itself.
type Core interface {
	// Book reserves the smallest free door that fits a parcel.
	Book(ctx context.Context, b core.Booking) (core.Booked, error)
	Rent(ctx context.Context, id int64) (app.Rent, error)
	Rents(ctx context.Context, q app.RentQuery) ([]app.Rent, error)
	// Cancel ends a booking whose parcel was not dropped off.
	Cancel(ctx context.Context, id int64) error
	// RemoteOpen opens the one door of a stored parcel for its recipient.
	RemoteOpen(ctx context.Context, rentID int64) (app.Door, error)
	DoorStates(ctx context.Context) ([]app.DoorState, error)

	// TokenSubject says whether a token may be signed for subject, and
	// until when at most (a parcel's pickup deadline).
	TokenSubject(ctx context.Context, kind cred.Kind, subject string) (time.Time, error)
	// RecordIssued keeps a token signed here, so it can be listed and
	// revoked, and lets it in.
	RecordIssued(ctx context.Context, c cred.Claims, actor string) error
	// KnownTokens lists the tokens issued, seen or revoked here.
	KnownTokens(ctx context.Context) ([]core.KnownToken, error)
	// RevokeToken refuses a token here from now on.
	RevokeToken(ctx context.Context, idOrRef, actor, reason string) (core.KnownToken, error)
}

var _ Core = (*core.Office)(nil)
