package core

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"pudo/app"
	"pudo/storage"
)

// Booking is the back office reserving a door for a parcel.
type Booking struct {
	Size         string // S, M or L: the smallest fitting free door is taken
	ParcelRef    string // the label the courier scans; required
	RecipientRef string // the back office's reference for the recipient
	// ShareCodeWith names an active delivery booked earlier by the same
	// Owner for the same RecipientRef: this parcel then opens with that
	// parcel's code, and the shopper collects both one after another. Zero:
	// a fresh code. The locker alone makes codes: a caller never chooses
	// one, so no booking can tell whether a guessed code is in use.
	ShareCodeWith int64
	// ExpiresAt is the drop-off deadline; the booking is cancelled if no
	// parcel was dropped by then. Zero: BookingHold from now.
	ExpiresAt time.Time
	// Return books a door for a shopper's return instead of a delivery.
	Return    bool
	PreferLow bool
	// Owner names the integration that booked (an API key name). It is
	// stored in the booking's own transaction, so a crash cannot leave a
	// rent its owner cannot see.
	Owner string
}

// Booked is what Book hands out once: the rent, its code, and the QR token
// for the phone. Neither code nor token can be read back later.
type Booked struct {
	Rent app.Rent
	// Code is canonical; show with FormatCode or FormatReturnCode. Empty
	// when the booking shares the code of rent SharesCodeWith.
	Code           string
	SharesCodeWith int64
	QR             string
}

// Book reserves the smallest free fitting door for a parcel (or a return).
// Errors: ErrBadBooking, ErrBadSize, ErrNoFreeDoor.
func (bo *Office) Book(ctx context.Context, b Booking) (Booked, error) {
	l := bo.l
	b.ParcelRef = strings.TrimSpace(b.ParcelRef)
	if b.ParcelRef == "" || len(b.ParcelRef) > 128 {
		return Booked{}, fmt.Errorf("%w: parcel reference required (at most 128 bytes)", app.ErrBadBooking)
	}
	if storage.SizeRank(b.Size) < 0 {
		return Booked{}, fmt.Errorf("%w %q", app.ErrBadSize, b.Size)
	}
	var out Booked
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		o, err := l.rules(tx)
		if err != nil {
			return err
		}
		if b.ExpiresAt.IsZero() {
			b.ExpiresAt = tx.Now().Add(o.BookingHold)
		}
		if !b.ExpiresAt.After(tx.Now()) {
			return fmt.Errorf("%w: deadline %s has passed", app.ErrBadBooking, b.ExpiresAt.Format(time.RFC3339))
		}
		n := storage.NewRent{State: storage.RentReserved, Booked: true, ParcelRef: b.ParcelRef,
			RecipientRef: b.RecipientRef, ExpiresAt: b.ExpiresAt}
		if out.Code, err = l.bookingCode(tx, b, &n); err != nil {
			return err
		}
		out.SharesCodeWith = b.ShareCodeWith
		d, err := tx.FreeDoor(strings.ToUpper(b.Size), b.PreferLow, nil)
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("%w: %s", app.ErrNoFreeDoor, b.Size)
		}
		if err != nil {
			return err
		}
		n.DoorID = d.ID
		r, err := tx.CreateRent(n)
		if err != nil {
			return err
		}
		out.Rent = appRent(r)
		if b.Owner != "" {
			if err := tx.SetRentOwner(r.ID, b.Owner); err != nil {
				return err
			}
		}
		if out.QR, err = l.bookingToken(tx, r, o); err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: "backoffice", Kind: string(app.EvRentBooked), DoorID: d.ID, RentID: r.ID,
			Detail: string(n.Kind) + " size=" + d.Size})
		return err
	})
	if err != nil {
		return Booked{}, fmt.Errorf("core: book: %w", err)
	}
	return out, nil
}

func (l *Locker) bookingCode(tx *storage.Tx, b Booking, n *storage.NewRent) (string, error) {
	if b.Return {
		if b.ShareCodeWith != 0 {
			return "", fmt.Errorf("%w: a return has a code of its own", app.ErrBadBooking)
		}
		n.Kind = storage.KindReturn
		code := NewReturnCode()
		n.DropoffMAC = l.codeHash(labelReturn, code)
		return code, nil
	}
	n.Kind = storage.KindDelivery
	if b.ShareCodeWith != 0 {
		return "", shareCode(tx, b, n)
	}
	code, hash, err := l.freshCode(tx)
	n.PickupMAC = hash
	return code, err
}

// errNoRentToShare is the one answer for a rent that is missing and for
// one of another integration, so a booking cannot probe rent ids.
var errNoRentToShare = fmt.Errorf("%w: share_code_with names no rent of yours", app.ErrBadBooking)

// shareCode gives n the code of an active delivery of the same owner and
// recipient: one shopper, several parcels, one code.
func shareCode(tx *storage.Tx, b Booking, n *storage.NewRent) error {
	r, err := tx.Rent(b.ShareCodeWith)
	if errors.Is(err, storage.ErrNotFound) {
		return errNoRentToShare
	}
	if err != nil {
		return err
	}
	owner, err := tx.RentOwner(r.ID)
	if errors.Is(err, storage.ErrNotFound) {
		owner, err = "", nil // booked at the kiosk or by the fleet link: nobody's
	}
	switch {
	case err != nil:
		return err
	case owner != b.Owner:
		return errNoRentToShare
	case b.RecipientRef == "" || r.RecipientRef != b.RecipientRef:
		return fmt.Errorf("%w: share_code_with names a parcel for another recipient (recipient_ref must match)", app.ErrBadBooking)
	case r.Kind != storage.KindDelivery || (r.State != storage.RentReserved && r.State != storage.RentStored) || len(r.PickupMAC) == 0:
		return fmt.Errorf("%w: share_code_with names rent %d, which is %s: only a delivery still to collect shares its code", app.ErrBadBooking, r.ID, r.State)
	}
	n.PickupMAC = r.PickupMAC
	return nil
}

// freshCode draws a code no active rent uses, so one code never opens two
// shoppers' parcels, and returns it with its hash (codeHash). A rent
// booked before codeHash holds its code's HMAC instead; a fresh code's
// HMAC is looked up too, so no two rents share a code across the change.
func (l *Locker) freshCode(tx *storage.Tx) (code string, hash []byte, err error) {
	for range 8 {
		code = NewCode()
		c := l.pickupCreds(code)
		var used bool
		for _, mac := range [][]byte{c.hash, c.legacy} {
			rs, err := tx.ActiveByPickupMAC(mac)
			if err != nil {
				return "", nil, err
			}
			used = used || len(rs) > 0
		}
		if !used {
			return code, c.hash, nil
		}
	}
	return "", nil, errors.New("core: no unused pickup code in 8 draws") // 200 of 2^40 in use: never
}

// bookingToken is the QR for a booking: a pickup token lasting until the
// latest the parcel could still be collected, or a return token lasting
// until the drop-off deadline. It carries a fresh secret of the rent, of
// which the store keeps only the hash.
func (l *Locker) bookingToken(tx *storage.Tx, r storage.Rent, o Options) (string, error) {
	t := Token{Kind: TokenPickup, Subject: strconv.FormatInt(r.ID, 10), Issued: tx.Now(),
		Expires: r.ExpiresAt.Add(2 * o.PickupWindow), Secret: newQRSecret()}
	if r.Kind == storage.KindReturn {
		t.Kind, t.Expires = TokenReturn, r.ExpiresAt
	}
	if err := tx.SetRentQR(r.ID, qrHash(t.Secret)); err != nil {
		return "", err
	}
	return SignToken(l.tokenKey, t), nil
}

// Rent returns one rent. ErrNotFound if there is none.
func (l *Locker) rent(ctx context.Context, id int64) (storage.Rent, error) {
	var r storage.Rent
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		r, err = tx.Rent(id)
		return err
	})
	return r, notFound(err)
}

// Rents lists rents matching f, in id order (page with f.AfterID).
func (l *Locker) rents(ctx context.Context, f storage.RentFilter) ([]storage.Rent, error) {
	var out []storage.Rent
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		out, err = tx.Rents(f)
		return err
	})
	return out, err
}

// Cancel cancels a reserved booking whose door was never opened, freeing
// the door. Errors: ErrNotFound, ErrAlreadyStored (and the other state
// errors), ErrDropStarted.
func (bo *Office) Cancel(ctx context.Context, id int64) error {
	l := bo.l
	return l.cancel(ctx, id, "backoffice", "", false)
}

func (l *Locker) cancel(ctx context.Context, id int64, actor, why string, evenStarted bool) error {
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		r, err := tx.Rent(id)
		if err != nil {
			return notFound(err)
		}
		if err := need(r, storage.RentReserved); err != nil {
			return err
		}
		if !evenStarted {
			started, err := tx.HasOpenings(id)
			if err != nil {
				return err
			}
			if started {
				return app.ErrDropStarted
			}
		}
		step, _ := app.StepFor(app.MoveCancel)
		if err := tx.MoveRent(id, storage.RentState(step.From), storage.RentState(step.To)); err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: actor, Kind: string(app.EvRentCancelled), DoorID: r.DoorID, RentID: id, Detail: why})
		return err
	})
	if err != nil {
		return fmt.Errorf("core: cancel rent %d: %w", id, err)
	}
	return nil
}

// RemoteOpen opens a stored parcel's door for its owner at the back
// office's request (the app flow) and marks it collected. It is off unless
// the operator enabled it; rate limiting is the API's. Errors: ErrRemoteOff,
// ErrNotFound, the state errors, ErrOutOfService, ErrDoorDidNotOpen.
// The audit log names it "remote"; an operator's opening over the fleet
// link goes through Operator.RemoteOpen, which names the operator.
func (bo *Office) RemoteOpen(ctx context.Context, rentID int64) (app.Door, error) {
	return bo.l.remoteOpen(ctx, rentID, "remote")
}

// RemoteOpen is Office.RemoteOpen in the operator's name: the audit log
// says who opened the door ("operator:NAME").
func (o *Operator) RemoteOpen(ctx context.Context, rentID int64) (app.Door, error) {
	return o.l.remoteOpen(ctx, rentID, o.actor())
}

func (l *Locker) remoteOpen(ctx context.Context, rentID int64, actor string) (app.Door, error) {
	o, err := l.currentRules(ctx)
	if err != nil {
		return app.Door{}, err
	}
	if !o.RemoteOpen {
		return app.Door{}, app.ErrRemoteOff
	}
	r, err := l.rent(ctx, rentID)
	if err != nil {
		return app.Door{}, err
	}
	if r.Kind != storage.KindDelivery {
		return app.Door{}, app.ErrNotPickup
	}
	if o, ok := l.unanswered(ctx, r.ID, app.MovePickup); ok {
		// Its question comes first, and only the person at the screen
		// can answer it: staff check the door.
		return app.Door{}, &app.ForStaffError{Door: o.DoorID, Why: "nobody answered whether it opened"}
	}
	p := &Pickup{l: l, actor: actor, reason: string(app.PurposePickupRemote), pending: []storage.Rent{r}}
	if err := p.next(ctx); err != nil {
		return app.Door{}, err
	}
	return l.appDoor(p.door, false, l.Availability()), nil
}
