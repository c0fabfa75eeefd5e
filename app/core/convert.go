package core

import (
	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// The engine speaks storage and lockio inside and app outside: these turn
// the one into the other, so no storage or lockio type reaches a session.

func appSensor(s lockio.Sensor) app.Sensor {
	switch s {
	case lockio.SensorClosed:
		return app.SensorClosed
	case lockio.SensorOpen:
		return app.SensorOpen
	}
	return app.SensorUnknown
}

// appDoor is d as people see it; occupied, sensor, unsettled and down are
// what the store alone does not know.
func appDoor(d storage.Door, occupied bool, s lockio.Sensor, unsettled int64, down bool) app.Door {
	return app.Door{ID: d.ID, Size: app.Size(d.Size), Col: d.Col, Row: d.Row, Low: d.Low, Board: d.Board, Channel: d.Channel,
		Occupied: occupied, OutOfService: d.OutOfService, OOSReason: d.OOSReason, Fault: d.Fault,
		Sensor: appSensor(s), Unsettled: unsettled, OutOfOrder: down}
}

func appRent(r storage.Rent) app.Rent {
	return app.Rent{ID: r.ID, DoorID: r.DoorID, State: app.RentState(r.State), Kind: app.RentKind(r.Kind), Booked: r.Booked,
		ParcelRef: r.ParcelRef, RecipientRef: r.RecipientRef, Courier: r.Courier,
		CreatedAt: r.CreatedAt, StoredAt: r.StoredAt, EndedAt: r.EndedAt, ExpiresAt: r.ExpiresAt}
}

func appRents(rs []storage.Rent) []app.Rent {
	out := make([]app.Rent, len(rs))
	for i, r := range rs {
		out[i] = appRent(r)
	}
	return out
}

func appEvent(e storage.Event) app.Event {
	return app.Event{Seq: e.Seq, At: e.At, Actor: e.Actor, Kind: app.EventKind(e.Kind), DoorID: e.DoorID, RentID: e.RentID, Detail: e.Detail}
}

func rentFilter(q app.RentQuery) storage.RentFilter {
	return storage.RentFilter{State: string(q.State), Kind: string(q.Kind), ParcelRef: q.ParcelRef, DoorID: q.DoorID,
		Limit: q.Limit, AfterID: q.AfterID}
}

func appScanKind(k PayloadKind) app.ScanKind {
	switch k {
	case PayloadPickupCode:
		return app.ScanPickupCode
	case PayloadPickupToken:
		return app.ScanPickupToken
	case PayloadCourierToken:
		return app.ScanCourierToken
	case PayloadReturnCode:
		return app.ScanReturnCode
	case PayloadReturnToken:
		return app.ScanReturnToken
	case PayloadStaffBadge:
		return app.ScanStaffBadge
	}
	return app.ScanForeign
}

func appBus(h lockio.Health, doorOf func(lockio.Door) int64) app.BusHealth {
	b := app.BusHealth{Protocol: h.Protocol, Port: h.Port, State: app.BusState(h.State), Since: h.Since, Err: h.Err,
		Reconnects: h.Reconnects}
	for _, x := range h.Boards {
		b.Boards = append(b.Boards, app.BoardHealth{Address: x.Address, Answering: x.Answering, LastReply: x.LastReply,
			Timeouts: x.Timeouts, BadFrames: x.BadFrames, Raw: x.Raw})
	}
	for _, d := range h.RelaysOn() {
		b.RelaysOn = append(b.RelaysOn, doorOf(d))
	}
	return b
}

func appFound(fs []lockio.BoardFound) []app.BoardFound {
	out := make([]app.BoardFound, len(fs))
	for i, f := range fs {
		out[i] = app.BoardFound{Address: f.Address, Answers: f.Answers, Collision: f.Collision, Inputs: f.Inputs, Detail: f.Detail}
	}
	return out
}
