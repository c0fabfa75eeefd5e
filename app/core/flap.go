package core

import (
	"context"
	"fmt"
	"sync"
	"time"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// flapWindow is the minute over which a door's sensor changes are counted.
const flapWindow = time.Minute

// flapWatch counts sensor changes per door, and when each door last
// raised a forced-open alert.
type flapWatch struct {
	mu        sync.Mutex
	changes   map[int64][]time.Time
	lastAlert map[int64]time.Time
}

// alertDue reports whether door may raise a forced-open alert now: at
// most one a minute, so a bouncing contact does not bury staff in alarms.
func (f *flapWatch) alertDue(door int64, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lastAlert == nil {
		f.lastAlert = map[int64]time.Time{}
	}
	if last, ok := f.lastAlert[door]; ok && now.Sub(last) < flapWindow {
		return false
	}
	f.lastAlert[door] = now
	return true
}

// count records one change at door and returns how many fell within the
// last minute.
func (f *flapWatch) count(door int64, now time.Time) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.changes == nil {
		f.changes = map[int64][]time.Time{}
	}
	ts := f.changes[door]
	keep := ts[:0]
	for _, t := range ts {
		if now.Sub(t) < flapWindow {
			keep = append(keep, t)
		}
	}
	keep = append(keep, now)
	f.changes[door] = keep
	return len(keep)
}

// flapped counts a sensor change and, the first time a door changes more
// than FlapLimit times within a minute, flags it: the door leaves
// assignment with a fault only staff clear, and one alert goes out. It
// reports whether the door was flagged now.
func (l *Locker) flapped(ctx context.Context, d storage.Door, ev lockio.Event) bool {
	switch ev.Kind {
	case lockio.EventOpened, lockio.EventClosed, lockio.EventForcedOpen:
	default:
		return false
	}
	n := l.flaps.count(d.ID, l.db.Now())
	if n <= l.opts.FlapLimit {
		return false
	}
	flagged := false
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		cur, err := tx.Door(d.ID)
		if err != nil || cur.Fault == faultFlapping {
			return err
		}
		// Flapping says more than "opened without a command": it replaces
		// that fault, and only staff clear it.
		flagged = true
		if err := tx.SetFault(d.ID, faultFlapping); err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: "system", Kind: string(app.EvAlertFlapping), DoorID: d.ID,
			Detail: fmt.Sprintf("%d sensor changes within %v; the door leaves assignment until staff clear it", n, flapWindow)})
		return err
	})
	if err != nil {
		l.log.Warn("flapping door not flagged", "door", d.ID, "err", err)
		return false
	}
	if flagged {
		l.log.Error("door sensor flapping: door flagged", "door", d.ID, "changes", n)
	}
	return flagged
}
