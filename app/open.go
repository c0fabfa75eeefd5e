package app

import (
	"context"
	"errors"
	"fmt"

	"pudo/lockio"
	"pudo/storage"
)

// openDoor opens one door for a reason, the way every opening must go: the
// intent is committed first, then the board is told, then the outcome is
// recorded. onOpened runs inside the outcome transaction, so a rent moves
// only together with the record of its door opening.
func (l *Locker) openDoor(ctx context.Context, door storage.Door, rentID int64, actor, reason string,
	onOpened func(*storage.Tx) error) error {
	var intent int64
	err := l.db.Update(ctx, func(tx *storage.Tx) (err error) {
		intent, err = tx.OpenIntent(door.ID, rentID, reason)
		if err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: actor, Kind: "door.open.intent", DoorID: door.ID, RentID: rentID, Detail: reason})
		return err
	})
	if err != nil {
		return fmt.Errorf("app: open door %d: %w", door.ID, err)
	}
	unlockErr := l.locks.Unlock(ctx, address(door))
	outcome, kind := "opened", "door.open"
	switch {
	case unlockErr == nil:
	case errors.Is(unlockErr, lockio.ErrNotSent):
		outcome, kind = "failed", "door.open.failed"
	default:
		// The board may have opened: never resend, let staff look.
		outcome, kind = "unknown", "door.open.unknown"
	}
	// The outcome is recorded even if the caller gave up meanwhile.
	err = l.db.Update(context.WithoutCancel(ctx), func(tx *storage.Tx) error {
		if err := tx.EndOpen(intent, outcome); err != nil {
			return err
		}
		if _, err := tx.Append(storage.Event{Actor: actor, Kind: kind, DoorID: door.ID, RentID: rentID, Detail: reason}); err != nil {
			return err
		}
		if unlockErr == nil && onOpened != nil {
			return onOpened(tx)
		}
		return nil
	})
	if unlockErr != nil {
		l.log.Warn("door did not open", "door", door.ID, "reason", reason, "err", unlockErr)
		return fmt.Errorf("%w: door %d: %w", ErrDoorDidNotOpen, door.ID, unlockErr)
	}
	if err != nil {
		return fmt.Errorf("app: record opening of door %d: %w", door.ID, err)
	}
	l.log.Info("door opened", "door", door.ID, "reason", reason, "actor", actor)
	return nil
}
