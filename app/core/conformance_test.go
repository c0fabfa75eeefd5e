package core

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/enginetest"
	"pudo/lockio"
)

// The engine keeps the contract the sessions are written against, over a
// real SQLite file, with fake boards that acknowledge every unlock and
// doors that open only when the test says.
func TestConformance(t *testing.T) {
	enginetest.Run(t, func(t *testing.T) *enginetest.Rig {
		l, db, locks := newTestLocker(t)
		locks.hold = true
		clock := withClock(db)
		ctx := context.Background()
		if err := l.SeedDemoStaff(ctx); err != nil {
			t.Fatal(err)
		}
		at := func(t testing.TB, id int64) lockio.Door {
			d, err := l.freshDoor(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return address(d)
		}
		sense := func(t testing.TB, id int64, s lockio.Sensor, k lockio.EventKind) {
			d := at(t, id)
			locks.mu.Lock()
			locks.set(d, s)
			locks.mu.Unlock()
			l.handleDoorEvent(ctx, lockio.Event{Door: d, Kind: k, Sensor: s, At: clock.Now()})
			l.tick(ctx)
		}
		labels := 0
		return &enginetest.Rig{
			Engine: l,
			Stock: func(t testing.TB) (string, int64) {
				ps, err := l.DropDemo(ctx, 1)
				if err != nil || len(ps) != 1 {
					t.Fatalf("DropDemo = %v, %v", ps, err)
				}
				return ps[0].Code, ps[0].DoorID
			},
			Book: func(t testing.TB, label string, size app.Size) int64 {
				b, err := l.Office().Book(ctx, Booking{Size: string(size), ParcelRef: label})
				if err != nil {
					t.Fatal(err)
				}
				return b.Rent.DoorID
			},
			BookReturn: func(t testing.TB) (string, int64) {
				labels++
				b, err := l.Office().Book(ctx, Booking{Size: "M", ParcelRef: fmt.Sprintf("RET-%d", labels), Return: true})
				if err != nil {
					t.Fatal(err)
				}
				return app.FormatReturnCode(b.Code), b.Rent.DoorID
			},
			Open:  func(t testing.TB, id int64) { sense(t, id, lockio.SensorOpen, lockio.EventOpened) },
			Close: func(t testing.TB, id int64) { sense(t, id, lockio.SensorClosed, lockio.EventClosed) },
			NotOpened: func(t testing.TB, id int64) {
				clock.Add(l.opts.DidNotOpen + time.Second)
				l.tick(ctx)
			},
			Unseen: func(t testing.TB, id int64) {
				// The board falls silent a while (the sensor cannot be
				// read), then reads the door closed past the did-not-open
				// time.
				d := at(t, id)
				for _, s := range []lockio.Sensor{lockio.SensorUnknown, lockio.SensorClosed} {
					locks.mu.Lock()
					locks.set(d, s)
					locks.mu.Unlock()
					l.tick(ctx)
				}
				clock.Add(l.opts.DidNotOpen + time.Second)
				l.tick(ctx)
			},
			Refuse: func(t testing.TB, id int64) {
				locks.mu.Lock()
				defer locks.mu.Unlock()
				locks.fail[at(t, id)] = &lockio.Error{Op: "unlock", Kind: lockio.ErrRefused, Err: lockio.ErrLockFailed}
			},
			CourierToken: courierToken(l, "c1", time.Hour),
			StaffPIN:     DemoStaffPIN,
		}
	})
}
