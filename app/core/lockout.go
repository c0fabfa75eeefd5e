package core

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"pudo/app"
	"pudo/storage"
)

// guessRule is a token bucket over wrong entries: burst of them at once,
// then one more per every. An entry finding the bucket empty waits for the
// next token, so no pause is ever longer than every, and no one can shut
// the locker by guessing; an attacker's guesses are bounded by the rate all
// the same, whether they pace themselves or hammer the keypad.
type guessRule struct {
	burst float64
	every time.Duration
}

// The guessing rules (app/RULES.md, codes and security). They are not
// settings: the published odds depend on them.
var (
	// codeRule: 2,000 wrong codes a day sustained, 10 at once, pauses of at
	// most 43.2 s. Pickup and return codes share it. With 40-bit codes and
	// 200 active rents, that is 730,000 guesses and under 0.014 % a year.
	codeRule = guessRule{burst: 10, every: 24 * time.Hour / 2000}
	// staffRule: the PIN pad (any staff member's PIN) and each staff badge
	// on its own: 5 at once, then one per 3 minutes, so a wrong-PIN pause
	// never exceeds 3 minutes. 480 a day against 8-digit PINs.
	staffRule = guessRule{burst: 5, every: 3 * time.Minute}
)

// Guessing scopes: pickup and return codes share one, the PIN pad has
// one, each staff badge has its own.
const (
	scopeCode  = "code"
	scopeStaff = "staff"
)

func scopeBadge(name string) string { return "badge:" + name }

func ruleFor(scope string) guessRule {
	if scope == scopeCode {
		return codeRule
	}
	return staffRule
}

// refill brings b up to now. A bucket never written is full. A clock that
// went back refills nothing, but no wait is ever measured from the future,
// so a pause stays at most every whatever the clock does.
func (r guessRule) refill(b storage.GuessBucket, now time.Time) storage.GuessBucket {
	if b.At.IsZero() {
		b.Tokens, b.At = r.burst, now
		return b
	}
	if now.After(b.At) {
		b.Tokens = min(r.burst, b.Tokens+float64(now.Sub(b.At))/float64(r.every))
	}
	b.At = now
	return b
}

// until is when the next entry may come; zero when it may come now. A
// hair under a whole token is a whole one: a refill computed at the
// instant until names must not come out a rounding error short.
func (r guessRule) until(b storage.GuessBucket) time.Time {
	const hair = 1e-9
	if b.Tokens >= 1-hair {
		return time.Time{}
	}
	return b.At.Add(time.Duration(math.Ceil((1 - b.Tokens) * float64(r.every))))
}

// CodeEntryPaused reports whether code entry is paused, and until when, so
// the screen can count down before the shopper types.
func (l *Locker) CodeEntryPaused(ctx context.Context) (until time.Time, paused bool) {
	err := l.db.View(ctx, func(tx *storage.Tx) error {
		err := checkLockout(tx, scopeCode)
		if lo, ok := err.(*app.LockedOutError); ok {
			until, paused = lo.Until, true
			return nil
		}
		return err
	})
	if err != nil {
		// Fail closed for a moment rather than let guesses through unseen.
		l.log.Error("guessing limit unreadable", "err", err)
		return l.db.Now().Add(codeRule.every), true
	}
	return until, paused
}

// checkLockout fails with *LockedOutError while scope's bucket is empty.
func checkLockout(tx *storage.Tx, scope string) error {
	r := ruleFor(scope)
	b, err := tx.GuessBucket(scope)
	if err != nil {
		return err
	}
	if until := r.until(r.refill(b, tx.Now())); !until.IsZero() {
		return &app.LockedOutError{Until: until}
	}
	return nil
}

// recordFailure spends a token of scope for one wrong entry. The first
// time the bucket runs dry in an hour an alert goes to the audit log
// (alert.* reaches the back office), and staff see a banner until they
// clear it.
func recordFailure(tx *storage.Tx, scope, actor string) error {
	r := ruleFor(scope)
	b, err := tx.GuessBucket(scope)
	if err != nil {
		return err
	}
	now := tx.Now()
	b = r.refill(b, now)
	b.Tokens = max(0, b.Tokens-1) // two entries racing past one check cost no longer pause
	b.Wrong++
	if b.Tokens < 1 {
		prev := b.LastTrip
		b.Trips, b.LastTrip = b.Trips+1, now
		if b.FirstTrip.IsZero() {
			b.FirstTrip = now
		}
		if prev.IsZero() || now.Sub(prev) > time.Hour {
			if _, err := tx.Append(storage.Event{Actor: actor, Kind: alertKind(scope),
				Detail: fmt.Sprintf("%s: guessing limit reached after %d wrong entries; entry paused for up to %s at a time",
					scope, b.Wrong, r.every.Round(time.Second))}); err != nil {
				return err
			}
		}
	}
	return tx.SetGuessBucket(b)
}

func alertKind(scope string) string {
	if scope == scopeCode {
		return "alert.lockout"
	}
	return "alert.staff.lockout"
}

// GuessAlert is what staff see on the banner at login: a guessing limit
// was reached since they last cleared it.
type GuessAlert struct {
	// Scope is "code" (pickup and return codes), "staff" (the PIN pad) or
	// "badge:NAME" (one staff member's badge).
	Scope string
	// Wrong counts wrong entries since the banner was last cleared; Trips
	// how often the limit paused entry, the first and the last time.
	Wrong       int64
	Trips       int64
	First, Last time.Time
	// PausedUntil is when entry resumes; zero when it is not paused now.
	PausedUntil time.Time
}

// guessAlerts lists the guessing limits reached since staff last cleared
// them, code entry first: the staff screen shows them as a banner at login.
func (s *Staff) guessAlerts(ctx context.Context) ([]GuessAlert, error) {
	var out []GuessAlert
	err := s.l.db.View(ctx, func(tx *storage.Tx) error {
		bs, err := tx.GuessBuckets()
		for _, b := range bs {
			if b.Trips == 0 {
				continue
			}
			r := ruleFor(b.Scope)
			a := GuessAlert{Scope: b.Scope, Wrong: b.Wrong, Trips: b.Trips, First: b.FirstTrip, Last: b.LastTrip,
				PausedUntil: r.until(r.refill(b, tx.Now()))}
			if b.Scope == scopeCode {
				out = append([]GuessAlert{a}, out...)
			} else {
				out = append(out, a)
			}
		}
		return err
	})
	return out, err
}

// clearGuessAlerts dismisses the banner and lifts every pause now: a staff
// member at the kiosk has seen who is there. Audited.
func (s *Staff) clearGuessAlerts(ctx context.Context) error {
	return s.l.db.Update(ctx, func(tx *storage.Tx) error {
		bs, err := tx.GuessBuckets()
		if err != nil {
			return err
		}
		var cleared []string
		for _, b := range bs {
			if b.Trips == 0 && b.Tokens >= ruleFor(b.Scope).burst {
				continue
			}
			cleared = append(cleared, fmt.Sprintf("%s (%d wrong)", b.Scope, b.Wrong))
			if err := tx.SetGuessBucket(storage.GuessBucket{Scope: b.Scope, Tokens: ruleFor(b.Scope).burst, At: tx.Now()}); err != nil {
				return err
			}
		}
		if len(cleared) == 0 {
			return nil
		}
		_, err = tx.Append(storage.Event{Actor: s.actor(), Kind: "lockout.cleared", Detail: strings.Join(cleared, ", ")})
		return err
	})
}
