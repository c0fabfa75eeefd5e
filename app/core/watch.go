package core

import (
	"context"
	"fmt"
	"slices"
	"time"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// tickEvery is how often Run weighs time: the did-not-open time, drop-offs
// waiting for their door to close, availability. Screens must hear of
// availability within 2 s.
const tickEvery = 100 * time.Millisecond

// Run owns the engine's goroutine: it takes the lock boards' events and
// weighs time until ctx ends or the events channel closes. main runs it
// in its group.
func (l *Locker) Run(ctx context.Context, events <-chan lockio.Event) error {
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				return nil
			}
			l.handleDoorEvent(ctx, ev)
		case <-t.C:
			l.tick(ctx)
		}
	}
}

// tick settles what time settles: openings whose door read closed for the
// whole did-not-open time, drop-offs whose door closed, and tells
// subscribers when availability changed. Run calls it; tests with a
// stepped clock call it after each step.
func (l *Locker) tick(ctx context.Context) {
	for _, id := range l.reg.doors() {
		d, ok := l.doorByID(ctx, id)
		if ok {
			l.observe(ctx, d, l.locks.Sensor(address(d)))
		}
	}
	l.alertUnanswered(ctx)
	l.checkAvailability(ctx)
}

// observe weighs one reading of a door's sensor against what is live at
// the door.
func (l *Locker) observe(ctx context.Context, d storage.Door, s lockio.Sensor) {
	now := l.db.Now()
	if lv := l.reg.pendingAt(d.ID); lv != nil {
		l.observePending(ctx, lv, s, now)
	}
	if lv := l.reg.closingAt(d.ID); lv != nil && s == lockio.SensorClosed && !l.holding(lv) {
		l.storeOnClose(ctx, lv)
	}
	if lv := l.reg.lateAt(d.ID); lv != nil {
		o := l.reg.snapshot(lv)
		switch {
		case s == lockio.SensorOpen && now.Sub(o.Settled) <= l.opts.DidNotOpen:
			l.amend(ctx, lv)
		case now.Sub(o.Settled) > l.opts.DidNotOpen:
			l.reg.drop(lv)
		}
	}
	if lv := l.reg.askingAt(d.ID); lv != nil && s == lockio.SensorOpen {
		// Unknown, and now seen open: the latch had let go.
		l.resolve(ctx, lv, true, app.CauseSeenOpen, "seen open after it was unknown")
	}
}

func (l *Locker) observePending(ctx context.Context, lv *live, s lockio.Sensor, now time.Time) {
	switch s {
	case lockio.SensorOpen:
		l.settle(ctx, lv, app.OutcomeOpened, app.CauseSeenOpen, "")
	case lockio.SensorClosed:
		reads, gaps, counted := l.readCounts(lv.op.door)
		var due, wasUnknown, interrupted, gapped, acked bool
		l.reg.update(lv, func(lv *live) {
			interrupted = lv.interrupted
			wasUnknown = !lv.o.Confirmable
			if counted && gaps != lv.gaps0 {
				// The readings broke off since: whatever the door did
				// meanwhile went unseen, and the closed stretch starts
				// again from here.
				lv.gapped, lv.gaps0, lv.closedSince = true, gaps, time.Time{}
			}
			if lv.closedSince.IsZero() {
				lv.closedSince, lv.closedReads = now, reads
			}
			lv.o.Confirmable = true
			if lv.o.Cause == app.CauseSensorUnknown {
				lv.o.Cause = app.CauseAwaitingSensor
				if lv.replyLost {
					lv.o.Cause = app.CauseNoReply
				}
			}
			due = now.Sub(lv.closedSince) >= l.opts.DidNotOpen && (!counted || reads-lv.closedReads >= minReads)
			gapped, acked = lv.gapped, lv.acked
		})
		switch {
		case interrupted:
			// The command went out before the restart: the door may have
			// opened and closed meanwhile, so nobody can tell.
			l.settle(ctx, lv, app.OutcomeUnknown, app.CauseClosedAtStart, "the kiosk restarted mid-opening")
		case due && !gapped:
			l.settle(ctx, lv, app.OutcomeNotOpened, app.CauseNotSeenOpen, fmt.Sprintf("closed for %v", l.opts.DidNotOpen))
		case due && acked:
			// The board says it pulsed, but a stuck latch says so too and
			// no sensor saw the door: only the person can tell.
			l.settle(ctx, lv, app.OutcomeUnknown, app.CauseAcknowledged, "acknowledged, but the sensor could not watch the whole time")
		case due:
			l.settle(ctx, lv, app.OutcomeUnknown, app.CauseUnseen, "a gap in the sensor's readings")
		case wasUnknown:
			l.note(ctx, lv, "", "")
		}
	default:
		var was bool
		l.reg.update(lv, func(lv *live) {
			was = lv.o.Confirmable
			lv.closedSince, lv.o.Confirmable, lv.gapped = time.Time{}, false, true
			if !lv.interrupted {
				lv.o.Cause = app.CauseSensorUnknown
			}
		})
		if was {
			l.note(ctx, lv, "", "")
		}
	}
}

// handleDoorEvent takes one lock-board event: it settles what it is
// evidence for, records it in the audit log and tells the subscribers.
// Run pumps the controller's events into it.
func (l *Locker) handleDoorEvent(ctx context.Context, ev lockio.Event) {
	d, err := l.doorAt(ctx, ev.Door)
	if err != nil {
		l.log.Warn("door event for no known door", "door", ev.Door.String(), "event", ev.Kind.String(), "err", err)
		return
	}
	s := ev.Sensor
	if ev.Kind == lockio.EventOpened || ev.Kind == lockio.EventForcedOpen {
		s = lockio.SensorOpen
	}
	// A door whose opening nobody could tell, seen open now, opened on
	// that command: no alarm.
	commanded := l.reg.pendingAt(d.ID) != nil || l.reg.lateAt(d.ID) != nil || l.reg.askingAt(d.ID) != nil
	if ev.Kind == lockio.EventLateAck || ev.Kind == lockio.EventLateRefusal {
		l.lateReply(ctx, d, ev.Kind == lockio.EventLateAck)
		return
	}
	l.observe(ctx, d, s)
	if ev.Kind == lockio.EventSensorUnknown || ev.Kind == lockio.EventSensorKnown {
		l.checkAvailability(ctx)
	}
	kind, alert := l.eventKind(ctx, d, ev, commanded)
	if kind != "" {
		if err := l.db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Append(storage.Event{Actor: "system", Kind: string(kind), DoorID: d.ID})
			return err
		}); err != nil {
			l.log.Warn("door event not recorded", "door", d.ID, "event", ev.Kind.String(), "err", err)
		}
	}
	switch {
	case alert:
		l.log.Error("door opened without a command", "door", d.ID)
	case ev.Kind == lockio.EventSensorKnown:
		l.log.Debug("door event", "door", d.ID, "event", ev.Kind.String()) // every door, at every start
	default:
		l.log.Info("door event", "door", d.ID, "event", ev.Kind.String())
	}
	if k, ok := noticeOf[ev.Kind]; ok {
		if ev.Kind == lockio.EventForcedOpen && commanded {
			k = app.NoticeOpened
		}
		fresh, _ := l.doorByID(ctx, d.ID)
		l.told(ctx, k, fresh, nil, nil)
	}
	if l.flapped(ctx, d, ev) {
		fresh, _ := l.doorByID(ctx, d.ID)
		l.told(ctx, app.NoticeFlapping, fresh, nil, nil)
	}
}

// eventKind names a lock-board event in the audit log, "" for none. A
// door opened without a command is an alert (app/RULES.md: it raises an
// alarm), at most once a minute per door and never once the door is
// flagged as flapping; one that opens while its opening is unsettled is
// that opening. The driver says "opened" only after a command of ours
// went out: the tick may have settled the opening from the sensor first.
// The sensor's becoming readable again is no event, and whether a door
// did not open is the engine's to say, not the driver's.
func (l *Locker) eventKind(ctx context.Context, d storage.Door, ev lockio.Event, commanded bool) (app.EventKind, bool) {
	switch ev.Kind {
	case lockio.EventSensorKnown, lockio.EventDidNotOpen:
		return "", false
	case lockio.EventOpened:
		return app.EvDoorOpened, false
	case lockio.EventForcedOpen:
		if commanded {
			return app.EvDoorOpened, false
		}
	case lockio.EventClosed:
		return app.EvDoorClosed, false
	case lockio.EventLeftOpen:
		return app.EvDoorLeftOpen, false
	case lockio.EventSensorUnknown:
		return app.EvDoorSensorUnknown, false
	default:
		return "", false
	}
	// Open without a command of ours (or after its opening settled): the
	// door may have lost its parcel or got one nobody recorded, so it is
	// kept for staff.
	fresh, _ := l.doorByID(ctx, d.ID)
	if fresh.Fault == "" || openingFault(fresh.Fault) {
		if err := l.db.Update(ctx, func(tx *storage.Tx) error { return tx.SetFault(d.ID, faultForced) }); err != nil {
			l.log.Warn("forced door not kept for staff", "door", d.ID, "err", err)
		}
	}
	if fresh.Fault == faultFlapping || !l.flaps.alertDue(d.ID, l.db.Now()) {
		return app.EvDoorOpened, false
	}
	return app.EvAlertForcedOpen, true
}

// noticeOf is the notice each lock-board event gives the sessions.
var noticeOf = map[lockio.EventKind]app.NoticeKind{
	lockio.EventOpened: app.NoticeOpened, lockio.EventClosed: app.NoticeClosed, lockio.EventLeftOpen: app.NoticeLeftOpen,
	lockio.EventForcedOpen: app.NoticeForcedOpen, lockio.EventSensorUnknown: app.NoticeSensorUnknown,
	lockio.EventSensorKnown: app.NoticeSensorKnown,
}

// checkAvailability tells the subscribers, and the audit log, when doors
// went out of order or came back.
func (l *Locker) checkAvailability(ctx context.Context) {
	av := l.Availability()
	l.mu.Lock()
	last := l.avail
	same := last.OutOfOrder == av.OutOfOrder && slices.Equal(last.Down, av.Down)
	if !same {
		l.avail = av
	}
	l.mu.Unlock()
	if same {
		return
	}
	kind, detail := app.EvAlertOutOfOrder, av.Reason
	if !av.OutOfOrder && len(av.Down) == 0 {
		kind, detail = app.EvBackInOrder, ""
	}
	if err := l.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.Append(storage.Event{Actor: "system", Kind: string(kind), Detail: detail})
		return err
	}); err != nil {
		l.log.Warn("availability change not recorded", "err", err)
	}
	l.log.Warn("availability changed", "out_of_order", av.OutOfOrder, "down", av.Down, "reason", av.Reason)
	l.publish(app.Notice{Kind: app.NoticeAvailability, At: l.db.Now(), Availability: &av})
}

func (l *Locker) doorAt(ctx context.Context, a lockio.Door) (storage.Door, error) {
	for _, d := range l.layout(ctx) {
		if d.Board == a.Board && d.Channel == a.Channel {
			return l.freshDoor(ctx, d.ID)
		}
	}
	return storage.Door{}, fmt.Errorf("door %s: %w", a, app.ErrNotFound)
}

func (l *Locker) doorByID(ctx context.Context, id int64) (storage.Door, bool) {
	d, err := l.freshDoor(ctx, id)
	return d, err == nil
}

func (l *Locker) freshDoor(ctx context.Context, id int64) (d storage.Door, err error) {
	err = l.db.View(ctx, func(tx *storage.Tx) (err error) {
		d, err = tx.Door(id)
		return err
	})
	return d, err
}

// layout is the doors as configured, read once: their wiring does not
// change while the kiosk runs.
func (l *Locker) layout(ctx context.Context) []storage.Door {
	l.mu.Lock()
	ds := l.doors
	l.mu.Unlock()
	if ds != nil {
		return ds
	}
	ds, err := l.allDoors(ctx)
	if err != nil {
		l.log.Warn("doors not read", "err", err)
		return nil
	}
	l.mu.Lock()
	l.doors = ds
	l.mu.Unlock()
	return ds
}
