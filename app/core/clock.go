package core

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"pudo/app"
	"pudo/storage"
)

// Token times (app/RULES.md): every token carries the time it was made. A
// token made later than the locker's clock by more than Options.TokenSkew
// is refused, and so is every token while the locker's clock runs behind
// the latest time it has seen: otherwise a token dated ahead, or a clock
// set back, makes an expired token good again.
var (
	// ErrTokenFuture means a token issued later than the locker's clock
	// allows (its maker's clock, or the token, is wrong).
	ErrTokenFuture = fmt.Errorf("%w: issued in the future", app.ErrBadToken)
	// ErrClockBehind means the locker's clock reads earlier than a time
	// it has already seen: no token's expiry can be trusted until it is
	// set right.
	ErrClockBehind = fmt.Errorf("%w: the locker's clock runs behind the latest time it has seen", app.ErrBadToken)
)

// DefaultTokenSkew is how far ahead of the locker's clock a token's issue
// time may be, and how far the clock may step back (an NTP correction)
// before it counts as running backwards.
const DefaultTokenSkew = 5 * time.Minute

// clockLatestMeta keeps the latest time the locker has seen, in Unix
// milliseconds, across restarts.
const clockLatestMeta = "clock.latest"

// clockWatch remembers the latest time the locker's clock has shown.
type clockWatch struct {
	mu     sync.Mutex // protects following
	latest time.Time  // zero until loaded
	saved  time.Time  // as last stored
	alarm  bool       // the alert of this episode was raised
}

// observe reports whether now is before the latest time seen by more than
// the skew; if not, now counts as seen.
func (w *clockWatch) observe(now time.Time, skew time.Duration) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.latest.IsZero() && now.Before(w.latest.Add(-skew)) {
		return w.latest, true
	}
	if now.After(w.latest) {
		w.latest = now
	}
	return w.latest, false
}

// loadClock reads the latest time seen: the one stored, or the newest
// event's, whichever is later (a locker upgraded from a version that
// kept none has its log). SetUp calls it.
func (l *Locker) loadClock(ctx context.Context) error {
	var latest time.Time
	err := l.db.View(ctx, func(tx *storage.Tx) error {
		at, err := tx.LatestEventAt()
		if err != nil {
			return err
		}
		latest = at
		v, err := tx.Meta(clockLatestMeta)
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if ms, err := strconv.ParseInt(string(v), 10, 64); err == nil && time.UnixMilli(ms).After(latest) {
			latest = time.UnixMilli(ms).UTC()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("app: latest time seen: %w", err)
	}
	l.clock.mu.Lock()
	defer l.clock.mu.Unlock()
	l.clock.latest, l.clock.saved = latest, latest
	return nil
}

// watchClock moves the latest time seen forward, keeps it in the store
// (at most once a minute), and raises alert.clock.behind once when the
// clock reads earlier than it by more than the skew; tokens are refused
// until the clock has caught up. Housekeeping calls it every minute; a
// token refused for the clock calls it at once.
func (l *Locker) watchClock(ctx context.Context) error {
	now := l.db.Now()
	w := &l.clock
	w.mu.Lock()
	latest := w.latest
	behind := !latest.IsZero() && now.Before(latest.Add(-l.opts.TokenSkew))
	raise := behind && !w.alarm
	w.alarm = behind
	store := !behind && now.After(latest) && now.Sub(w.saved) >= time.Minute
	if !behind && now.After(latest) {
		w.latest = now
	}
	if store {
		w.saved = now
	}
	w.mu.Unlock()
	switch {
	case raise:
		l.log.Error("the clock runs backwards: tokens refused until it is right", "now", now, "latest_seen", latest)
		return l.db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Append(storage.Event{Actor: "system", Kind: string(app.EvAlertClockBehind),
				Detail: fmt.Sprintf("clock reads %s, %s seen before; tokens refused until the clock is right",
					now.Format(time.RFC3339), latest.Format(time.RFC3339))})
			return err
		})
	case store:
		return l.db.Update(ctx, func(tx *storage.Tx) error {
			return tx.SetMeta(clockLatestMeta, []byte(strconv.FormatInt(now.UnixMilli(), 10)))
		})
	}
	return nil
}

// checkTokenTime holds a classified token to the clock: refused when the
// locker's clock runs behind, or when it was issued further ahead than the
// skew; otherwise its time counts as seen. issued is zero for a payload
// that carries none.
func (l *Locker) checkTokenTime(p *Payload, issued time.Time, now time.Time) {
	if p.Err != nil && !errors.Is(p.Err, app.ErrTokenExpired) {
		return // forged, retired or misplaced: that is what it is
	}
	if latest, behind := l.clock.observe(now, l.opts.TokenSkew); behind {
		p.Err = fmt.Errorf("%w (clock %s, seen %s)", ErrClockBehind, now.Format(time.RFC3339), latest.Format(time.RFC3339))
		return
	}
	if issued.After(now.Add(l.opts.TokenSkew)) {
		p.Err = fmt.Errorf("%w: at %s, the clock reads %s", ErrTokenFuture, issued.Format(time.RFC3339), now.Format(time.RFC3339))
	}
}
