package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"pudo/app"
	"pudo/storage"
)

// Pickup is one shopper's collection under one code: every stored parcel
// the code opens, taken one door at a time. It holds no code. It is the
// contract's app.Pickup; its methods are safe for concurrent use, each
// step of the flow taken in turn.
type Pickup struct {
	l      *Locker
	actor  string
	reason string

	mu      sync.Mutex // serialises the steps; protects following
	pending []storage.Rent
	door    storage.Door // the door opened last
	// opened is the last opening started, as it stood when its call
	// returned.
	opened app.Opening
	// last is the rent collected last, for Reopen and Report; reopens
	// counts how often its door was opened again.
	last    storage.Rent
	reopens int
	// retried holds the rents whose one retry was used.
	retried map[int64]bool
}

var _ app.Pickup = (*Pickup)(nil)

// Opening is the current door's opening as the engine knows it now.
func (p *Pickup) Opening() app.Opening {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.l.current(p.opened)
}

// Remaining is how many parcels under this code are still behind closed doors.
func (p *Pickup) Remaining() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pending)
}

// PickupByCode checks a typed code and opens the first door it owns.
// Errors: *app.LockedOutError, app.ErrCodeFormat, app.ErrWrongCode,
// app.ErrExpired, app.ErrNotStored, app.ErrOutOfService,
// *app.OutOfOrderError, *app.BeingOpenedError, *app.DidNotOpenError (with
// the Pickup, for its DidNotOpen).
func (l *Locker) PickupByCode(ctx context.Context, code string) (app.Pickup, error) {
	return handOut[app.Pickup](l.pickupByCode(ctx, code))
}

func (l *Locker) pickupByCode(ctx context.Context, input string) (*Pickup, error) {
	if err := l.outOfOrder(); err != nil {
		return nil, err // nothing could open: no code is looked at or counted
	}
	code, err := app.NormalizeCode(input)
	if err != nil {
		return nil, err // a malformed entry can open nothing: not counted
	}
	return l.pickupByCreds(ctx, l.pickupCreds(code))
}

// PickupByScan is PickupByCode for a scanned text: a pickup QR token or a
// pickup code. app.ErrForeign and app.ErrNotPickup are not counted as
// wrong codes.
func (l *Locker) PickupByScan(ctx context.Context, text string) (app.Pickup, error) {
	return handOut[app.Pickup](l.pickupByScan(ctx, text))
}

func (l *Locker) pickupByScan(ctx context.Context, text string) (*Pickup, error) {
	if err := l.outOfOrder(); err != nil {
		return nil, err
	}
	p := l.payloadOf(text)
	switch p.Kind {
	case PayloadPickupCode:
		return l.pickupByCode(ctx, p.Code)
	case PayloadPickupToken:
		return l.pickupByToken(ctx, p)
	case PayloadForeign:
		return nil, fmt.Errorf("%w (%s)", app.ErrForeign, p.Format)
	}
	return nil, fmt.Errorf("%w (%s)", app.ErrNotPickup, p.Kind)
}

// collectedTold is how long after its collection a typed code is told
// "already collected" instead of "no parcel": the days a recipient may come
// back with the message after someone of the household took the parcel.
// Only the very code says so, so it tells a guesser nothing.
const collectedTold = 7 * 24 * time.Hour

// pickupByCreds checks the lockout and looks the code up in one read
// transaction: the hot path of every pickup. The code's hash was computed
// before, outside any transaction: one argon2id for every typed code.
func (l *Locker) pickupByCreds(ctx context.Context, c codeCreds) (*Pickup, error) {
	active, collected, err := l.findByCode(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("core: pickup: %w", err)
	}
	l.rehash(ctx, c, slices.Concat(active, collected))
	var stored []storage.Rent
	var expired, reserved bool
	for _, r := range active {
		if !c.matches(r.PickupMAC) { // the index lookup alone is not trusted
			continue
		}
		switch r.State {
		case storage.RentStored:
			stored = append(stored, r)
		case storage.RentExpired:
			expired = true
		case storage.RentReserved:
			reserved = true
		}
	}
	switch {
	case len(stored) > 0:
	case expired:
		return nil, l.refuse(ctx, app.EvCodeExpired, app.ErrExpired, false)
	case reserved:
		return nil, l.refuse(ctx, app.EvCodeEarly, app.ErrNotStored, false)
	case slices.ContainsFunc(collected, func(r storage.Rent) bool { return c.matches(r.PickupMAC) }):
		return nil, l.refuse(ctx, app.EvCodeCollected, app.ErrAlreadyCollected, false)
	default:
		return nil, l.refuse(ctx, app.EvCodeWrong, app.ErrWrongCode, true)
	}
	p := &Pickup{l: l, actor: "shopper", reason: string(app.PurposePickup), pending: stored}
	if err := p.next(ctx); err != nil {
		return keepForReport(p, err)
	}
	return p, nil
}

// refuse records a code that opened nothing; counted ones move the lockout.
func (l *Locker) refuse(ctx context.Context, kind app.EventKind, want error, counted bool) error {
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Append(storage.Event{Actor: "shopper", Kind: string(kind)}); err != nil {
			return err
		}
		if counted {
			return recordFailure(tx, scopeCode, "shopper")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("core: pickup: %w", err)
	}
	return want
}

// pickupByToken opens the parcel a scanned QR token names: the locker's
// own, or the operator's for a shopper's app. A signature cannot be
// guessed, so a token never waits for a typed-code pause and a bad one is
// logged, not counted.
func (l *Locker) pickupByToken(ctx context.Context, p Payload) (*Pickup, error) {
	if errors.Is(p.Err, app.ErrTokenExpired) {
		return nil, p.Err // a token of ours, only old: not a guess
	}
	id, err := strconv.ParseInt(p.Parsed.Subject, 10, 64)
	if p.Err != nil || err != nil {
		why := p.Err
		if why == nil {
			why = app.ErrBadToken
		}
		return nil, fmt.Errorf("%w: %w", l.refuse(ctx, app.EvTokenBad, app.ErrWrongCode, false), why)
	}
	var r storage.Rent
	err = l.db.View(ctx, func(tx *storage.Tx) (err error) {
		if err := l.tokenUsable(tx, p); err != nil {
			return err
		}
		r, err = tx.Rent(id)
		return err
	})
	if errors.Is(err, errQRNotTheRents) {
		return nil, fmt.Errorf("%w: %w", l.refuse(ctx, app.EvTokenBad, app.ErrWrongCode, false), err)
	}
	if errors.Is(err, ErrTokenRevoked) {
		return nil, fmt.Errorf("%w: %w", app.ErrWrongCode, err) // the screen says "not valid", as for any bad token
	}
	if err != nil {
		return nil, fmt.Errorf("core: pickup: %w", notFound(err))
	}
	if err := need(r, storage.RentStored); err != nil || r.Kind != storage.KindDelivery {
		if err == nil {
			err = app.ErrNotPickup
		}
		return nil, err
	}
	pk := &Pickup{l: l, actor: "shopper", reason: string(app.PurposePickupQR), pending: []storage.Rent{r}}
	if err := pk.next(ctx); err != nil {
		return keepForReport(pk, err)
	}
	return pk, nil
}

// Next starts the opening of the next parcel's door. The rent becomes
// collected when the sensor sees that door open, in the transaction that
// settles the opening. An opening that could not start (out of order, the
// door being opened already) leaves the parcel first in line.
// app.ErrAlreadyCollected when none is left.
func (p *Pickup) Next(ctx context.Context) (app.Opening, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	err := p.next(ctx)
	return p.opened, err
}

func (p *Pickup) next(ctx context.Context) error {
	if len(p.pending) == 0 {
		return app.ErrAlreadyCollected
	}
	r := p.pending[0]
	started, err := p.openRent(ctx, r)
	if started {
		p.pending = p.pending[1:]
	}
	return err
}

// openRent opens r's door for collecting it: the first time, or the one
// retry after it did not open.
func (p *Pickup) openRent(ctx context.Context, r storage.Rent) (started bool, err error) {
	if o, ok := p.l.unanswered(ctx, r.ID, app.MovePickup); ok {
		// Left to check: the same question comes before any new unlock.
		p.opened, p.door, p.last, p.reopens = o, storage.Door{ID: r.DoorID}, r, 0
		return true, nil
	}
	res, err := p.l.open(ctx, opening{
		door: storage.Door{ID: r.DoorID}, rentID: r.ID, actor: p.actor, reason: p.reason, move: moveOf(p.reason),
		guard: func(tx *storage.Tx) error { return guardState(tx, r.ID, storage.RentStored) },
	})
	if res.opening.ID == 0 {
		return false, err
	}
	p.opened, p.door, p.last, p.reopens = res.opening, res.door, r, 0
	return true, err
}

// keepForReport hands the pickup back with a door that did not open, so
// the shopper's "it did not open" has an opening to be weighed against.
func keepForReport(p *Pickup, err error) (*Pickup, error) {
	if errors.Is(err, app.ErrDoorDidNotOpen) {
		return p, err
	}
	return nil, err
}

// guardState fails, naming the rent's actual state, unless it is want.
func guardState(tx *storage.Tx, id int64, want storage.RentState) error {
	r, err := tx.Rent(id)
	if err != nil {
		return notFound(err)
	}
	return need(r, want)
}
