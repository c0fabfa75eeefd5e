package core

import (
	"context"
	"fmt"
	"slices"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// The Locker is the engine the sessions call.
var _ app.Engine = (*Locker)(nil)

// DoorMap lists every door as people see it: the staff grid's doors
// without their rents.
func (l *Locker) DoorMap(ctx context.Context) ([]app.Door, error) {
	states, err := l.appDoorStates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]app.Door, len(states))
	for i, st := range states {
		out[i] = st.Door
	}
	return out, nil
}

func (l *Locker) appDoor(d storage.Door, occupied bool, av app.Availability) app.Door {
	return appDoor(d, occupied, l.locks.Sensor(address(d)), l.unsettled(d.ID), av.DoorDown(d.ID))
}

// unsettled is the opening of door id not settled yet, 0 when none.
func (l *Locker) unsettled(id int64) int64 { return l.reg.unsettled(id) }

// Availability says which doors cannot open now.
// It reads no store: flows call it inside their transactions.
func (l *Locker) Availability() app.Availability {
	l.mu.Lock()
	ds := l.doors
	l.mu.Unlock()
	return l.availability(ds)
}

// availability derives out of order from the bus: down, or boards silent.
// A bus still starting, or a board not polled yet, is not out of order.
func (l *Locker) availability(doors []storage.Door) app.Availability {
	bus, ok := l.locks.(Bus)
	if !ok {
		return app.Availability{}
	}
	h := bus.Health()
	all := make([]int64, 0, len(doors))
	for _, d := range doors {
		all = append(all, d.ID)
	}
	switch h.State {
	case lockio.BusDown, lockio.BusPermission, lockio.BusClosed:
		return app.Availability{OutOfOrder: true, Down: all, Since: h.Since,
			Reason: fmt.Sprintf("lock bus %s: %s", h.State, h.Err)}
	case lockio.BusStarting:
		return app.Availability{}
	}
	silent := map[uint8]bool{}
	for _, b := range h.Boards {
		if !b.Answering && b.Failures > 0 {
			silent[b.Address] = true
		}
	}
	if len(silent) == 0 {
		return app.Availability{}
	}
	av := app.Availability{Since: h.Since}
	for _, d := range doors {
		if silent[d.Board] {
			av.Down = append(av.Down, d.ID)
		}
	}
	slices.Sort(av.Down)
	boards := make([]uint8, 0, len(silent))
	for b := range silent {
		boards = append(boards, b)
	}
	slices.Sort(boards)
	av.Reason = fmt.Sprintf("board %v silent", boards)
	av.OutOfOrder = len(silent) == len(h.Boards)
	return av
}

// outOfOrder refuses a flow at its start while no door can open.
func (l *Locker) outOfOrder() error {
	if av := l.Availability(); av.OutOfOrder {
		return &app.OutOfOrderError{Reason: av.Reason}
	}
	return nil
}

// handOut hands flow f out as the contract's interface I, with err: no
// flow is a nil I, never a nil pointer inside one (which a caller's
// f != nil would take for a flow). Each flow type asserts that it is an I.
func handOut[I any, F comparable](f F, err error) (I, error) {
	var none F
	if f == none {
		var zero I
		return zero, err
	}
	return any(f).(I), err
}
