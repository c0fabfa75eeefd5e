package core

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"pudo/app"
	"pudo/storage"
)

// settingAlertsSeen holds the sequence number of the newest alert event a
// staff member acknowledged; the alerts after it are open. It is the
// locker's own bookkeeping, not a setting staff type in.
const settingAlertsSeen = "alerts.acked"

// openAlertScan bounds how many alert events one look at the open alerts
// reads: months of a troubled locker; older open ones are counted as more.
const openAlertScan = 1000

// OpenAlerts lists what staff must look at first at login: the guessing
// limits reached since they were last cleared, then the alert events no
// one acknowledged, newest first, up to limit; more counts the rest.
func (s *Staff) OpenAlerts(ctx context.Context, limit int) ([]app.Alert, int, error) {
	guess, err := s.guessAlerts(ctx)
	if err != nil {
		return nil, 0, err
	}
	var out []app.Alert
	guessed := map[app.EventKind]bool{}
	for _, g := range guess {
		staff := g.Scope != scopeCode
		kind := app.EvAlertLockout
		if staff {
			kind = app.EvAlertStaffLockout
		}
		guessed[kind] = true
		out = append(out, app.Alert{Event: app.Event{At: g.Last, Actor: "system", Kind: kind},
			Guess: &app.GuessLimit{Staff: staff, Wrong: g.Wrong, Trips: g.Trips, PausedUntil: g.PausedUntil}})
	}
	var events []storage.Event
	err = s.l.db.View(ctx, func(tx *storage.Tx) error {
		seen, err := alertsSeen(tx)
		if err != nil {
			return err
		}
		es, err := tx.EventsBefore(0, openAlertScan, "alert.")
		for _, e := range es {
			if e.Seq > seen && !guessed[app.EventKind(e.Kind)] {
				events = append(events, e)
			}
		}
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("core: open alerts: %w", err)
	}
	more := 0
	first := map[alertKey]int{} // where each kind and door stands in out
	for _, e := range events {
		k := alertKey{e.Kind, e.DoorID}
		if i, ok := first[k]; ok {
			out[i].Repeats++
			continue
		}
		if len(out) >= limit {
			more++
			continue
		}
		first[k] = len(out)
		out = append(out, app.Alert{Event: appEvent(e)})
	}
	return out, more, nil
}

// alertKey is what makes two alerts the same one, raised again.
type alertKey struct {
	kind string
	door int64
}

// AckAlerts acknowledges every open alert under the staff member's name
// and clears the guessing limits, whose pauses end now.
func (s *Staff) AckAlerts(ctx context.Context) error {
	err := s.l.db.Update(ctx, func(tx *storage.Tx) error {
		newest, err := tx.EventsBefore(0, 1, "alert.")
		if err != nil || len(newest) == 0 {
			return err
		}
		seen, err := alertsSeen(tx)
		if err != nil || newest[0].Seq <= seen {
			return err
		}
		if err := tx.SetSetting(settingAlertsSeen, strconv.FormatInt(newest[0].Seq, 10)); err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: s.actor(), Kind: string(app.EvAlertsAcked),
			Detail: fmt.Sprintf("alerts up to event %d", newest[0].Seq)})
		return err
	})
	if err != nil {
		return fmt.Errorf("core: acknowledge alerts: %w", err)
	}
	return s.clearGuessAlerts(ctx)
}

// alertsSeen is the newest acknowledged alert's sequence number, 0: none.
func alertsSeen(tx *storage.Tx) (int64, error) {
	v, err := tx.Setting(settingAlertsSeen)
	if errors.Is(err, storage.ErrNotFound) {
		return 0, nil // never acknowledged: every alert is open
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, nil // unreadable: show every alert rather than none
	}
	return n, nil
}
