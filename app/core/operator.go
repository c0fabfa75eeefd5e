package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pudo/app"
	"pudo/storage"
)

// Operator is the locker's operator acting from afar (the fleet link): the
// things staff do at the kiosk that need no look inside a door. Its name
// goes into the audit log as "operator:NAME".
type Operator struct {
	l    *Locker
	Name string
}

// Operator is the operator acting under name.
func (bo *Office) Operator(name string) *Operator { return &Operator{l: bo.l, Name: name} }

func (o *Operator) actor() string { return "operator:" + o.Name }

// ErrNotExtendable means a rent has no deadline to move: it is not reserved
// or stored, or the new deadline is not later than the one it has.
var ErrNotExtendable = errors.New("core: deadline cannot be moved there")

// Extend moves an active rent's deadline later: a booking's drop-off
// deadline, or a stored parcel's pickup deadline. Errors: ErrNotFound,
// ErrNotExtendable.
func (o *Operator) Extend(ctx context.Context, rentID int64, until time.Time) error {
	err := o.l.db.Update(ctx, func(tx *storage.Tx) error {
		r, err := tx.Rent(rentID)
		if err != nil {
			return notFound(err)
		}
		if !until.After(tx.Now()) {
			return fmt.Errorf("%w: %s has passed", ErrNotExtendable, until.Format(time.RFC3339))
		}
		if err := tx.ExtendRent(rentID, until); errors.Is(err, storage.ErrConflict) {
			return fmt.Errorf("rent %d is %s, due %s: %w", rentID, r.State, r.ExpiresAt.Format(time.RFC3339), ErrNotExtendable)
		} else if err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: o.actor(), Kind: "rent.extended", DoorID: r.DoorID, RentID: rentID,
			Detail: "until " + until.UTC().Format(time.RFC3339)})
		return err
	})
	if err != nil {
		return fmt.Errorf("core: extend rent %d: %w", rentID, err)
	}
	return nil
}

// SetOutOfService takes a door out of service (on) or back in, as staff can
// at the kiosk. Errors: ErrNotFound.
func (o *Operator) SetOutOfService(ctx context.Context, doorID int64, on bool, reason string) error {
	err := o.l.db.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.SetOutOfService(doorID, on, reason); err != nil {
			return notFound(err)
		}
		kind := "door.in-service"
		if on {
			kind = "door.out-of-service"
		}
		_, err := tx.Append(storage.Event{Actor: o.actor(), Kind: kind, DoorID: doorID, Detail: reason})
		return err
	})
	if err != nil {
		return fmt.Errorf("core: door %d service: %w", doorID, err)
	}
	return nil
}

// SetSetting changes one of the locker's rules (SettingPickupWindow,
// SettingRetention, SettingBookingHold, SettingRemoteOpen); "" restores the
// configured value. The screen's own settings stay with staff.
func (o *Operator) SetSetting(ctx context.Context, key, value string) error {
	if key == SettingScreen {
		return fmt.Errorf("%w: %s is set at the kiosk", app.ErrBadSetting, key)
	}
	return o.l.setSetting(ctx, o.actor(), key, value)
}
