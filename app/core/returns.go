package core

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"pudo/app"
	"pudo/storage"
)

// BeginReturn lets a shopper drop a return booked through Office.Book
// with Return set: text is the return code (RT-XXXX-XXXX, typed or
// scanned) or the booking's return QR token. The booked door opens
// (another free one of its size if it went out of service); DropOff.Done
// stores the parcel, and couriers then see it in Returns. Wrong return
// codes count towards the same lockout as pickup codes. On
// *app.DidNotOpenError the DropOff is returned too, for its DidNotOpen.
// Errors: *app.LockedOutError, app.ErrCodeFormat, app.ErrWrongCode,
// app.ErrBadToken, app.ErrTokenExpired, app.ErrForeign,
// app.ErrNoFreeDoor, and the opening's.
func (l *Locker) BeginReturn(ctx context.Context, text string) (app.DropOff, error) {
	return handOut[app.DropOff](l.beginReturn(ctx, text))
}

func (l *Locker) beginReturn(ctx context.Context, text string) (*DropOff, error) {
	p := l.payloadOf(text)
	var r storage.Rent
	var err error
	switch p.Kind {
	case PayloadReturnCode:
		r, err = l.returnByCode(ctx, p.Code)
	case PayloadReturnToken:
		r, err = l.returnByToken(ctx, p)
	case PayloadForeign:
		return nil, fmt.Errorf("%w (%s)", app.ErrForeign, p.Format)
	default:
		return nil, app.ErrCodeFormat
	}
	if err != nil {
		return nil, err
	}
	d := &DropOff{l: l, actor: "shopper", rent: r}
	return d.first(ctx)
}

func (l *Locker) returnByCode(ctx context.Context, code string) (storage.Rent, error) {
	c := l.returnCreds(code) // one argon2id, before the transaction
	var r storage.Rent
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		if err := checkLockout(tx, scopeCode); err != nil {
			return err
		}
		var rs []storage.Rent
		for _, mac := range [][]byte{c.hash, c.legacy} {
			found, err := tx.ReservedByDropoffMAC(mac)
			if err != nil {
				return err
			}
			rs = append(rs, found...)
		}
		for _, x := range rs {
			if c.matches(x.DropoffMAC) && x.Kind == storage.KindReturn {
				r = x
				if c.isLegacy(x.DropoffMAC) { // booked before codeHash: rehashed on its first use
					if _, err := tx.ReplaceDropoffMAC(c.legacy, c.hash); err != nil {
						return err
					}
				}
				return l.avoidOutOfService(tx, &r, "shopper")
			}
		}
		return errWrongReturn
	})
	if errors.Is(err, errWrongReturn) {
		return r, l.refuse(ctx, app.EvCodeWrong, app.ErrWrongCode, true)
	}
	if err != nil {
		return r, fmt.Errorf("core: return: %w", err)
	}
	return r, nil
}

var errWrongReturn = errors.New("core: no return for this code")

func (l *Locker) returnByToken(ctx context.Context, p Payload) (storage.Rent, error) {
	if errors.Is(p.Err, app.ErrTokenExpired) {
		return storage.Rent{}, p.Err
	}
	id, err := strconv.ParseInt(p.Parsed.Subject, 10, 64)
	if p.Err != nil || err != nil {
		why := p.Err
		if why == nil {
			why = app.ErrBadToken
		}
		return storage.Rent{}, fmt.Errorf("%w: %w", l.refuse(ctx, app.EvTokenBad, app.ErrWrongCode, false), why)
	}
	var r storage.Rent
	err = l.db.Update(ctx, func(tx *storage.Tx) (err error) {
		if err := l.tokenUsable(tx, p); err != nil {
			return err
		}
		if r, err = tx.Rent(id); err != nil {
			return notFound(err)
		}
		if err := need(r, storage.RentReserved); err != nil {
			return err
		}
		if r.Kind != storage.KindReturn {
			return app.ErrNotReturn
		}
		return l.avoidOutOfService(tx, &r, "shopper")
	})
	if errors.Is(err, errQRNotTheRents) {
		return r, fmt.Errorf("%w: %w", l.refuse(ctx, app.EvTokenBad, app.ErrWrongCode, false), err)
	}
	if err != nil {
		return r, fmt.Errorf("core: return: %w", err)
	}
	return r, nil
}
