package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pudo/app"

	"pudo/lockio"
	"pudo/storage"
)

// opening is one door opening and what it means for the store.
type opening struct {
	door   storage.Door
	rentID int64 // 0: none
	actor  string
	reason string
	// staff may open a door that is out of service; nobody else may.
	allowOOS bool
	// guard runs in the intent transaction: an error stops everything
	// before the board is told, so a rent in the wrong state never opens.
	guard func(*storage.Tx) error
	// onOpened runs in the outcome transaction, so a rent moves only
	// together with the record of its door opening.
	onOpened func(*storage.Tx) error
}

// opened is what open hands back: the door as the store knew it when
// opening, and the opening as it stands.
type opened struct {
	door    storage.Door
	opening app.Opening
}

// open runs op, the way every opening must go: the intent is committed
// first, then the board is told, then the outcome is recorded.
func (l *Locker) open(ctx context.Context, op opening) (opened, error) {
	release, err := l.lockDoor(ctx, op.door.ID)
	if err != nil {
		return opened{door: op.door}, fmt.Errorf("app: open door %d: %w", op.door.ID, err)
	}
	defer release()
	intent, err := l.writeIntent(ctx, &op)
	if err != nil {
		return opened{door: op.door}, err
	}
	res := opened{door: op.door, opening: app.Opening{ID: intent, DoorID: op.door.ID, RentID: op.rentID,
		Purpose: app.Purpose(op.reason), Started: l.db.Now(), Confirmable: true}}
	l.setInflight(op.door.ID, intent)
	defer l.setInflight(op.door.ID, 0)
	unlockErr := l.locks.Unlock(ctx, address(op.door))
	outcome, kind := "opened", "door.open"
	res.opening.Outcome, res.opening.Cause, res.opening.Settled = app.OutcomeOpened, app.CauseSeenOpen, l.db.Now()
	switch {
	case unlockErr == nil:
	case errors.Is(unlockErr, lockio.ErrNotSent):
		outcome, kind = "failed", "door.open.failed"
		res.opening.Outcome, res.opening.Cause = app.OutcomeNotOpened, app.CauseNotSent
	default:
		// The board may have opened: never resend, let staff look.
		outcome, kind = "unknown", "door.open.unknown"
		res.opening.Outcome, res.opening.Cause, res.opening.Settled = app.OutcomePending, app.CauseNoReply, time.Time{}
	}
	// The outcome is recorded even if the caller gave up meanwhile.
	rctx := context.WithoutCancel(ctx)
	err = l.db.Update(rctx, func(tx *storage.Tx) error {
		if err := l.recordOutcome(tx, op, intent, outcome, kind); err != nil {
			return err
		}
		if unlockErr == nil && op.onOpened != nil {
			return op.onOpened(tx)
		}
		return nil
	})
	if err != nil && unlockErr == nil && op.onOpened != nil {
		// The transition lost a race after the door opened: the opening
		// itself must still be on record.
		l.log.Warn("transition after opening failed", "door", op.door.ID, "rent", op.rentID, "err", err)
		if rerr := l.db.Update(rctx, func(tx *storage.Tx) error {
			return l.recordOutcome(tx, op, intent, outcome, kind)
		}); rerr != nil {
			l.log.Error("door opening not recorded", "door", op.door.ID, "err", rerr)
		}
	}
	if unlockErr != nil {
		l.log.Warn("door did not open", "door", op.door.ID, "reason", op.reason, "err", unlockErr)
		return res, fmt.Errorf("%w: door %d: %w", &app.DidNotOpenError{Opening: res.opening}, op.door.ID, unlockErr)
	}
	if err != nil {
		return res, fmt.Errorf("app: record opening of door %d: %w", op.door.ID, err)
	}
	l.log.Info("door opened", "door", op.door.ID, "reason", op.reason, "actor", op.actor)
	return res, nil
}

// setInflight notes the opening of a door in flight (0: none).
func (l *Locker) setInflight(door, opening int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inflight == nil {
		l.inflight = map[int64]int64{}
	}
	if opening == 0 {
		delete(l.inflight, door)
		return
	}
	l.inflight[door] = opening
}

// lockDoor waits until no other opening of door id is in flight and holds
// the door until release is called. The guards check a rent's state when
// the intent is written, but the rent moves only with the outcome: without
// this, two callers (the API and the keypad, or a retried request) both
// passed the guard and the door opened twice for one rent. The Locker is
// the only one driving the board, so a lock in memory is enough.
func (l *Locker) lockDoor(ctx context.Context, id int64) (release func(), err error) {
	l.mu.Lock()
	tok, ok := l.opening[id]
	if !ok {
		if l.opening == nil {
			l.opening = map[int64]chan struct{}{}
		}
		tok = make(chan struct{}, 1)
		l.opening[id] = tok
	}
	l.mu.Unlock()
	select {
	case tok <- struct{}{}:
		return func() { <-tok }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// writeIntent commits the intent, after checking under the same
// transaction that the door may open; op.door is refreshed from the store.
func (l *Locker) writeIntent(ctx context.Context, op *opening) (intent int64, err error) {
	err = l.db.Update(ctx, func(tx *storage.Tx) (err error) {
		d, err := tx.Door(op.door.ID)
		if err != nil {
			return err
		}
		if d.OutOfService && !op.allowOOS {
			return fmt.Errorf("door %d: %w", d.ID, ErrOutOfService)
		}
		op.door = d
		if op.guard != nil {
			if err := op.guard(tx); err != nil {
				return err
			}
		}
		intent, err = tx.OpenIntent(op.door.ID, op.rentID, op.reason)
		if err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: op.actor, Kind: "door.open.intent", DoorID: op.door.ID, RentID: op.rentID, Detail: op.reason})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("app: open door %d: %w", op.door.ID, err)
	}
	return intent, nil
}

// recordOutcome closes the intent. A failed opening marks the door faulty,
// which pauses its rents' clocks; a good one clears that fault.
func (l *Locker) recordOutcome(tx *storage.Tx, op opening, intent int64, outcome, kind string) error {
	if err := tx.EndOpen(intent, outcome); err != nil {
		return err
	}
	if _, err := tx.Append(storage.Event{Actor: op.actor, Kind: kind, DoorID: op.door.ID, RentID: op.rentID, Detail: op.reason}); err != nil {
		return err
	}
	if outcome != "opened" {
		return tx.SetFault(op.door.ID, "did not open ("+outcome+")")
	}
	if op.door.Fault != "" {
		return tx.SetFault(op.door.ID, "")
	}
	return nil
}
