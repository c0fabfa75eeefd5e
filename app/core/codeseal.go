package core

import (
	"fmt"

	"pudo/app"
	"pudo/app/carrier"
	"pudo/storage"
)

// A walk-in's pickup code is made by the locker and known to the courier
// only, yet the recipient needs it and only the carrier knows the
// recipient. sealCode seals it, in the transaction that makes it, for the
// courier's carrier, so the store never holds it in clear; handCode puts
// the sealed code on the event that stores the rent, which the API and the
// fleet link deliver. The seal is bound to the locker and the rent, which
// a "too small" or "did not open" move keeps.

// sealCode seals a walk-in's code for its carrier and keeps it beside the
// reserved rent. sealed is false when the carrier has no key here: the
// event will say no code was sent. A courier without a carrier (never one
// signed in by token) has no back office to send to.
func (l *Locker) sealCode(tx *storage.Tx, carrierID string, rentID int64, code string) (sealed bool, err error) {
	if carrierID == "" {
		return false, nil
	}
	s := storage.CodeSeal{Carrier: carrierID}
	if key, ok := l.opts.CarrierKeys[carrierID]; ok {
		s.Sealed, err = carrier.Seal(key, carrier.Code{Locker: l.opts.KioskID, RentID: rentID, Code: app.FormatCode(code)})
		if err != nil {
			return false, fmt.Errorf("core: seal the code of rent %d for carrier %s: %w", rentID, carrierID, err)
		}
	}
	return s.Sealed != nil, tx.KeepCodeSeal(rentID, s)
}

// handCode moves a stored walk-in's sealed code onto ev, the event that
// stores its rent; a rent without one (a booking, a return) leaves ev as
// it is.
func handCode(tx *storage.Tx, rentID int64, ev *storage.Event) error {
	s, ok, err := tx.TakeCodeSeal(rentID)
	if err != nil || !ok {
		return err
	}
	ev.CodeFor, ev.CodeSealed = s.Carrier, s.Sealed
	if s.Sealed == nil {
		ev.Detail = "walk-in: carrier " + s.Carrier + " has no seal key here: no code sent, the courier has it from the screen"
	} else {
		ev.Detail = "walk-in: code sealed for carrier " + s.Carrier
	}
	return nil
}
