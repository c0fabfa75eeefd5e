package core

import (
	"context"
	"fmt"
	"time"

	"pudo/storage"
)

// The lockout rules of product.md (codes and security). They are not
// settings: the published guessing odds depend on them.
const (
	lockoutDelayAfter = 3                // wrong entries in a row before a delay
	lockoutFirstDelay = 30 * time.Second // doubles with each further wrong entry
	lockoutBlockAfter = 5                // wrong entries within lockoutWindow ...
	lockoutWindow     = 15 * time.Minute
	lockoutBlock      = 15 * time.Minute // ... block entry this long
)

// Lockout scopes: pickup and return codes share one, staff PINs have theirs.
const (
	scopeCode  = "code"
	scopeStaff = "staff"
)

// CodeEntryPaused reports whether code entry is paused, and until when, so
// the screen can count down before the shopper types.
func (l *Locker) CodeEntryPaused(ctx context.Context) (until time.Time, paused bool) {
	err := l.db.View(ctx, func(tx *storage.Tx) error {
		lo, err := tx.Lockout(scopeCode)
		if err == nil && tx.Now().Before(lo.Until) {
			until, paused = lo.Until, true
		}
		return err
	})
	if err != nil {
		// Fail closed for a moment rather than let guesses through unseen.
		l.log.Error("lockout state unreadable", "err", err)
		return l.db.Now().Add(lockoutFirstDelay), true
	}
	return until, paused
}

// checkLockout fails with *LockedOutError while scope is paused.
func checkLockout(tx *storage.Tx, scope string) (storage.Lockout, error) {
	lo, err := tx.Lockout(scope)
	if err != nil {
		return lo, err
	}
	if tx.Now().Before(lo.Until) {
		return lo, &LockedOutError{Until: lo.Until}
	}
	return lo, nil
}

// recordFailure counts one wrong entry in scope and pauses entry as the
// rules say. A streak ends when a right entry comes or the last wrong one
// is older than the window, so one typo a day never builds up a delay.
func recordFailure(tx *storage.Tx, scope, actor string) error {
	lo, err := tx.Lockout(scope)
	if err != nil {
		return err
	}
	now := tx.Now()
	if !lo.LastFail.IsZero() && now.Sub(lo.LastFail) > lockoutWindow {
		lo.Streak = 0
	}
	lo.Streak++
	lo.LastFail = now
	recent, err := tx.AddFailure(scope, now.Add(-lockoutWindow))
	if err != nil {
		return err
	}
	switch {
	case recent >= lockoutBlockAfter:
		lo.Until = now.Add(lockoutBlock)
		if _, err := tx.Append(storage.Event{Actor: actor, Kind: "alert.lockout",
			Detail: fmt.Sprintf("%s entry blocked for %s after %d wrong entries", scope, lockoutBlock, recent)}); err != nil {
			return err
		}
	case lo.Streak >= lockoutDelayAfter:
		d := lockoutFirstDelay << min(lo.Streak-lockoutDelayAfter, 5)
		lo.Until = now.Add(min(d, lockoutBlock))
	}
	return tx.SetLockout(lo)
}

// clearStreak ends a streak after a right entry. The failures stay counted
// for the 15-minute rule, so a right code between guesses does not reset it.
func clearStreak(tx *storage.Tx, scope string) error {
	lo, err := tx.Lockout(scope)
	if err != nil || lo.Streak == 0 {
		return err
	}
	lo.Streak = 0
	return tx.SetLockout(lo)
}
