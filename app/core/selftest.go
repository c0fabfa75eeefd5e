package core

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// Presence is whether someone is at the screen: the nightly self-test
// never runs under a person's hands. The sessions' router has it.
type Presence interface {
	Busy() bool
}

// SetPresence tells the engine who knows whether the screen is in use;
// nil: nobody ever is.
func (l *Locker) SetPresence(p Presence) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.presence = p
}

func (l *Locker) busy() bool {
	l.mu.Lock()
	p := l.presence
	l.mu.Unlock()
	return p != nil && p.Busy()
}

// The self-test's limits.
const (
	selfTestDiskFail = 64 << 20 // bytes free under the database
	// selfTestSensorWindow is how far back a sensor that changed without
	// a command counts: since the last night's run.
	selfTestSensorWindow = 24 * time.Hour
)

// refresher is the lock controller's "poll every board now".
type refresher interface {
	Refresh(ctx context.Context) error
}

// SelfTest checks the locker without opening a door: every configured
// board answers, every door reads closed, no sensor changed without a
// command since the last run, no relay is left on, the code readers are
// up, the database passes PRAGMA integrity_check, the event chain
// verifies, the disk has room and the clock is plausible. A failing empty
// door goes out of service with the reason. The run's result is an event
// (selftest.passed or alert.selftest.failed) and the hardware screen's and
// /metrics' last report.
func (l *Locker) SelfTest(ctx context.Context) (app.SelfTestReport, error) {
	rep := app.SelfTestReport{Started: l.db.Now()}
	if r, ok := l.locks.(refresher); ok {
		if err := r.Refresh(ctx); err != nil {
			l.log.Warn("self-test: boards not read afresh", "err", err)
		}
	}
	doors, err := l.allDoors(ctx)
	if err != nil {
		return rep, fmt.Errorf("core: self-test: %w", err)
	}
	rep.Checks = append(rep.Checks, l.checkBoards()...)
	rep.Checks = append(rep.Checks, l.checkDoors(ctx, doors)...)
	rep.Checks = append(rep.Checks, l.checkReaders()...)
	rep.Checks = append(rep.Checks, l.checkStore(ctx)...)
	if err := l.outOfServiceFailing(ctx, doors, rep.Checks); err != nil {
		return rep, err
	}
	rep.Finished = l.db.Now()
	if err := l.recordSelfTest(ctx, &rep); err != nil {
		return rep, err
	}
	return rep, nil
}

func (l *Locker) checkBoards() []app.Check {
	bus, ok := l.locks.(Bus)
	if !ok {
		return nil
	}
	h := bus.Health()
	var out []app.Check
	for _, b := range h.Boards {
		c := app.Check{Kind: app.CheckBoard, Name: fmt.Sprintf("board %d", b.Address), OK: b.Answering && h.State == lockio.BusUp}
		if !c.OK {
			c.Detail = fmt.Sprintf("bus %s, %d failed polls in a row", h.State, b.Failures)
			if h.Err != "" {
				c.Detail += ": " + h.Err
			}
		}
		out = append(out, c)
	}
	for _, d := range h.RelaysOn() {
		out = append(out, app.Check{Kind: app.CheckRelay, Name: "relay " + d.String(), Detail: "may be left on: the coil overheats and holds its lock open"})
	}
	return out
}

// checkDoors: every door reads closed, and none changed without a
// command since the last run.
func (l *Locker) checkDoors(ctx context.Context, doors []storage.Door) []app.Check {
	uncommanded := map[int64]int{}
	since := l.db.Now().Add(-selfTestSensorWindow)
	for _, k := range []app.EventKind{app.EvAlertForcedOpen, app.EvAlertFlapping} {
		es, err := l.eventsBefore(ctx, 0, 1000, string(k))
		if err != nil {
			l.log.Warn("self-test: sensor alerts not read", "err", err)
		}
		for _, e := range es {
			if e.At.After(since) {
				uncommanded[e.DoorID]++
			}
		}
	}
	relays := map[int64]bool{}
	if bus, ok := l.locks.(Bus); ok {
		for _, a := range bus.Health().RelaysOn() {
			for _, d := range doors {
				if address(d) == a {
					relays[d.ID] = true
				}
			}
		}
	}
	var out []app.Check
	for _, d := range doors {
		c := app.Check{Kind: app.CheckDoor, Name: fmt.Sprintf("door %d", d.ID), DoorID: d.ID, OK: true}
		switch s := l.locks.Sensor(address(d)); {
		case l.reg.unsettled(d.ID) != 0:
			c.Detail = "an opening is in progress"
		case s == lockio.SensorOpen:
			c.OK, c.Detail = false, "reads open with no opening in progress"
		case s == lockio.SensorUnknown:
			c.OK, c.Detail = false, "its sensor cannot be read"
		}
		out = append(out, c)
		if n := uncommanded[d.ID]; n > 0 {
			out = append(out, app.Check{Kind: app.CheckSensor, Name: fmt.Sprintf("door %d sensor", d.ID), DoorID: d.ID,
				Detail: fmt.Sprintf("changed without a command (%d alerts in %v)", n, selfTestSensorWindow)})
		}
		if relays[d.ID] {
			out = append(out, app.Check{Kind: app.CheckRelay, Name: fmt.Sprintf("door %d relay", d.ID), DoorID: d.ID,
				Detail: "may be left on"})
		}
	}
	return out
}

func (l *Locker) checkReaders() []app.Check {
	r := l.readerSet()
	if r == nil {
		return nil
	}
	var out []app.Check
	for _, s := range r.Status() {
		c := app.Check{Kind: app.CheckReader, Name: s.Name, OK: s.Up, Detail: s.Detail}
		out = append(out, c)
	}
	return out
}

// checkStore: the database, its event chain, the disk under it, the clock.
func (l *Locker) checkStore(ctx context.Context) []app.Check {
	var out []app.Check
	st, err := l.db.Check(ctx)
	db := app.Check{Kind: app.CheckDatabase, Name: "database", OK: err == nil && st.Integrity == "ok", Detail: st.Integrity}
	if err != nil {
		db.Detail = err.Error()
	}
	if db.OK {
		if err := l.db.View(ctx, func(tx *storage.Tx) error { return tx.CheckInvariants() }); err != nil {
			db.OK, db.Detail = false, err.Error()
		}
	}
	chain := app.Check{Kind: app.CheckEvents, Name: "event chain", OK: err == nil && st.Chain == nil,
		Detail: fmt.Sprintf("%d events", st.Events)}
	if st.Chain != nil {
		chain.Detail = st.Chain.Error()
	}
	out = append(out, db, chain, l.checkDisk(ctx), checkClock(l.db.Now(), st.LastEvent))
	return out
}

func (l *Locker) checkDisk(ctx context.Context) app.Check {
	c := app.Check{Kind: app.CheckDisk, Name: "disk"}
	path, err := l.db.Path(ctx)
	if err != nil || path == "" {
		c.Detail = fmt.Sprintf("database file unknown: %v", err)
		return c
	}
	var fs syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &fs); err != nil {
		c.Detail = err.Error()
		return c
	}
	free := fs.Bavail * uint64(fs.Bsize)
	c.OK, c.Detail = free >= selfTestDiskFail, fmt.Sprintf("%d MiB free", free>>20)
	return c
}

// checkClock: a clock behind the newest event went backwards; one before
// this code was written was never set.
func checkClock(now, lastEvent time.Time) app.Check {
	c := app.Check{Kind: app.CheckClock, Name: "clock", OK: true, Detail: now.UTC().Format(time.RFC3339)}
	switch {
	case now.Year() < 2025:
		c.OK, c.Detail = false, "clock not set: "+c.Detail
	case !lastEvent.IsZero() && now.Before(lastEvent.Add(-time.Minute)):
		c.OK, c.Detail = false, fmt.Sprintf("behind the newest event (%s): the clock went back", lastEvent.Format(time.RFC3339))
	}
	return c
}

// outOfServiceFailing takes out of service the empty doors whose checks
// failed: nobody is to be sent to a door that reads open or whose relay
// may be held. A door holding a parcel stays: its recipient must get it,
// and staff see the failure.
func (l *Locker) outOfServiceFailing(ctx context.Context, doors []storage.Door, checks []app.Check) error {
	failing := map[int64][]string{}
	for _, c := range checks {
		if !c.OK && c.DoorID != 0 {
			failing[c.DoorID] = append(failing[c.DoorID], c.Detail)
		}
	}
	for i, c := range checks {
		if c.OK || c.DoorID == 0 {
			continue
		}
		reasons, ok := failing[c.DoorID]
		if !ok {
			continue
		}
		delete(failing, c.DoorID)
		took, err := l.outOfServiceIfEmpty(ctx, c.DoorID, "self-test: "+strings.Join(reasons, "; "))
		if err != nil {
			return err
		}
		checks[i].TookOut = took
	}
	return nil
}

func (l *Locker) outOfServiceIfEmpty(ctx context.Context, door int64, reason string) (bool, error) {
	took := false
	var d storage.Door
	err := l.db.Update(ctx, func(tx *storage.Tx) (err error) {
		if d, err = tx.Door(door); err != nil || d.OutOfService {
			return err
		}
		if _, err := tx.ActiveRent(door); !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if err := tx.SetOutOfService(door, true, reason); err != nil {
			return err
		}
		took = true
		_, err = tx.Append(storage.Event{Actor: "system", Kind: string(app.EvDoorOutOfService), DoorID: door, Detail: reason})
		if err == nil {
			d, err = tx.Door(door)
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("core: self-test: door %d out of service: %w", door, err)
	}
	if took {
		l.told(ctx, app.NoticeDoor, d, nil, nil)
	}
	return took, nil
}

func (l *Locker) recordSelfTest(ctx context.Context, rep *app.SelfTestReport) error {
	var failed []string
	for _, c := range rep.Checks {
		if !c.OK {
			failed = append(failed, c.Name+": "+c.Detail)
		}
	}
	kind, detail := app.EvSelfTestPassed, fmt.Sprintf("%d checks", len(rep.Checks))
	if rep.Skipped {
		kind, detail = app.EvSelfTestSkipped, "someone was at the screen"
	} else if len(failed) > 0 {
		kind, detail = app.EvSelfTestFailed, strings.Join(failed, "; ")
	}
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.Append(storage.Event{Actor: "system", Kind: string(kind), Detail: clipDetail(detail)})
		return err
	})
	if err != nil {
		return fmt.Errorf("core: self-test: %w", err)
	}
	l.mu.Lock()
	cp := *rep
	l.lastTest = &cp
	l.mu.Unlock()
	l.log.Info("self-test", "ok", rep.OK(), "checks", len(rep.Checks), "failed", len(failed))
	return nil
}

// clipDetail keeps an event's detail to a readable length.
func clipDetail(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// LastSelfTest is the last self-test's report, nil before the first.
func (l *Locker) LastSelfTest() *app.SelfTestReport {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lastTest == nil {
		return nil
	}
	cp := *l.lastTest
	return &cp
}

// NextSelfTest is the next time of day at, strictly after now, in now's
// location.
func NextSelfTest(now time.Time, at time.Duration) time.Time {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	next := day.Add(at)
	if !next.After(now) {
		next = day.AddDate(0, 0, 1).Add(at)
	}
	return next
}

// selfTestRetry is how often a self-test that found someone at the
// screen looks again; after selfTestGiveUp it is skipped for the night.
const (
	selfTestRetry  = time.Minute
	selfTestGiveUp = time.Hour
)

// RunSelfTests runs the self-test every day at the time of day at, never
// while someone is at the screen: it waits for them to leave, for up to an
// hour, then records the night as skipped. It returns when ctx ends; main
// runs it in its group.
func (l *Locker) RunSelfTests(ctx context.Context, at time.Duration) error {
	for {
		next := NextSelfTest(time.Now(), at)
		if !sleepCtx(ctx, time.Until(next)) {
			return nil
		}
		deadline := time.Now().Add(selfTestGiveUp)
		for l.busy() && time.Now().Before(deadline) {
			if !sleepCtx(ctx, selfTestRetry) {
				return nil
			}
		}
		if l.busy() {
			rep := app.SelfTestReport{Started: l.db.Now(), Finished: l.db.Now(), Skipped: true}
			if err := l.recordSelfTest(ctx, &rep); err != nil {
				l.log.Error("self-test skip not recorded", "err", err)
			}
			continue
		}
		if _, err := l.SelfTest(ctx); err != nil && ctx.Err() == nil {
			l.log.Error("self-test failed to run", "err", err)
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(max(d, 0))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
