// Package monitor watches the fleet from central's database: it raises
// and clears alerts (a locker offline for a while, a backlog growing, doors
// faulty, a clock unsynchronised, a hole central cannot fill) and renders
// Prometheus metrics per locker and for the fleet. The alerts a locker
// raises itself (guessing episodes, doors) come with its events, in order
// (package store).
package monitor

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"pudo/app/central/store"
)

// Rules are the thresholds of the fleet's alerts.
type Rules struct {
	// OfflineAfter: a locker offline this long is an alert (short mobile
	// drops are not).
	OfflineAfter time.Duration
	// BacklogOver: more events than this at the locker and not stored
	// here is an alert.
	BacklogOver int64
	// HoleAfter: a hole in a locker's events open this long (resends have
	// not filled it) is an alert.
	HoleAfter time.Duration
	// Every is how often the rules run.
	Every time.Duration
}

func (r Rules) withDefaults() Rules {
	r.OfflineAfter = cmp.Or(r.OfflineAfter, 5*time.Minute)
	r.BacklogOver = cmp.Or(r.BacklogOver, 1000)
	r.HoleAfter = cmp.Or(r.HoleAfter, 5*time.Minute)
	r.Every = cmp.Or(r.Every, 15*time.Second)
	return r
}

// Watcher runs the rules. Several instances may run it: raising an open
// alert again only updates it.
type Watcher struct {
	st    *store.Store
	rules Rules
	log   *slog.Logger
	now   func() time.Time
}

// New makes a watcher.
func New(st *store.Store, rules Rules, log *slog.Logger) *Watcher {
	return &Watcher{st: st, rules: rules.withDefaults(), log: log, now: time.Now}
}

// Run checks the rules every Rules.Every until ctx ends.
func (w *Watcher) Run(ctx context.Context) error {
	t := time.NewTicker(w.rules.Every)
	defer t.Stop()
	for {
		if err := w.Check(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("central: alert rules not checked", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// health is what the rules read of a locker's state/health.
type health struct {
	LastSeq     int64  `json:"last_seq"`
	Faults      int    `json:"faults"`
	ClockSynced bool   `json:"clock_synced"`
	LockBus     string `json:"lock_bus"`
}

// Check runs every rule over the registry once, a page at a time.
func (w *Watcher) Check(ctx context.Context) error {
	after := ""
	for {
		page, err := w.st.Lockers(ctx, after, 500)
		if err != nil {
			return err
		}
		ids := make([]string, len(page))
		for i, l := range page {
			ids[i] = l.ID
		}
		open, err := w.st.OpenAlertKeys(ctx, ids)
		if err != nil {
			return err
		}
		for _, l := range page {
			if err := w.checkLocker(ctx, l, open); err != nil {
				return err
			}
		}
		if len(page) < 500 {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

type rule struct {
	kind, subject string
	on            bool
	msg           string
}

func (w *Watcher) checkLocker(ctx context.Context, l store.Locker, open map[string]string) error {
	now := w.now()
	var h health
	hasHealth := l.Health != nil && json.Unmarshal(l.Health, &h) == nil
	backlog := max(h.LastSeq, l.MaxSeq) - l.StoredThrough
	rules := []rule{
		// A locker enrolled and never connected is not offline: it was
		// never online.
		{"offline", "", !l.Online && !l.NeverConnected && !l.OnlineChanged.IsZero() && now.Sub(l.OnlineChanged) >= w.rules.OfflineAfter,
			fmt.Sprintf("offline since %s", l.OnlineChanged.UTC().Format(time.RFC3339))},
		{"backlog", "", hasHealth && backlog > w.rules.BacklogOver,
			fmt.Sprintf("%d events at the locker not stored here (stored through %d of %d)", backlog, l.StoredThrough, max(h.LastSeq, l.MaxSeq))},
		{"hole", "", l.Ahead > 0 && !l.HoleSince.IsZero() && now.Sub(l.HoleSince) >= w.rules.HoleAfter,
			fmt.Sprintf("events after %d are missing since %s; resends asked have not filled the hole", l.StoredThrough, l.HoleSince.UTC().Format(time.RFC3339))},
		{"doors", "health", hasHealth && h.Faults > 0, fmt.Sprintf("%d doors faulty or out of service", h.Faults)},
		{"clock", "", hasHealth && !h.ClockSynced, "the locker's clock is not synchronised: its event times may be wrong (order is by seq)"},
		{"lockbus", "", hasHealth && h.LockBus == "down", "the lock boards do not answer"},
		{"refused", "", l.Refused > 0, fmt.Sprintf("%d messages from this locker named another locker and were refused", l.Refused)},
	}
	for _, r := range rules {
		was, isOpen := open[l.ID+"\x00"+r.kind+"\x00"+r.subject]
		if !r.on && !isOpen {
			continue
		}
		if r.on && isOpen {
			// Still on: its text follows the cause (a backlog's count).
			if was != r.msg {
				if _, err := w.st.RaiseAlert(ctx, l.ID, r.kind, r.subject, r.msg); err != nil {
					return err
				}
			}
			continue
		}
		if r.on {
			fresh, err := w.st.RaiseAlert(ctx, l.ID, r.kind, r.subject, r.msg)
			if err != nil {
				return err
			}
			if fresh {
				w.log.Warn("central: alert", "locker", l.ID, "kind", r.kind, "message", r.msg)
			}
			continue
		}
		if r.kind == "refused" {
			continue // an operator clears it, having looked
		}
		if err := w.st.ClearAlert(ctx, l.ID, r.kind, r.subject); err != nil {
			return err
		}
	}
	return nil
}
