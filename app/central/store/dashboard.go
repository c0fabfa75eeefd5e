package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The dashboard's questions (package web asks them).

// Summary is the fleet at a glance.
type Summary struct {
	Lockers, Online int
	// NeverConnected are enrolled lockers central has heard nothing from:
	// neither online nor offline.
	NeverConnected      int
	OpenAlerts, Unacked int
}

// Offline counts the lockers that were online and are not now.
func (m Summary) Offline() int { return m.Lockers - m.Online - m.NeverConnected }

// FleetSummary counts the lockers, those online, those never connected,
// and the open alerts.
func (s *Store) FleetSummary(ctx context.Context) (Summary, error) {
	var m Summary
	err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM lockers), (SELECT count(*) FROM lockers WHERE online),
		(SELECT count(*) FROM lockers WHERE NOT `+heard+`),
		(SELECT count(*) FROM alerts WHERE cleared_at IS NULL), (SELECT count(*) FROM alerts WHERE cleared_at IS NULL AND acked_at IS NULL)`).
		Scan(&m.Lockers, &m.Online, &m.NeverConnected, &m.OpenAlerts, &m.Unacked)
	if err != nil {
		return m, fmt.Errorf("store: summary: %w", err)
	}
	return m, nil
}

// LockerFilter narrows the lockers list.
type LockerFilter struct {
	Query string // part of the id
	// State is "" (all), "online", "offline" (online once, not now),
	// "never" (never connected) or "alerts" (with an open alert).
	State string
	After string
	Limit int
}

// LockerRow is a locker with its open alerts.
type LockerRow struct {
	Locker
	OpenAlerts int
}

// LockerRows lists lockers in id order, filtered.
func (s *Store) LockerRows(ctx context.Context, f LockerFilter) ([]LockerRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+lockerCols+`, (SELECT count(*) FROM alerts a WHERE a.locker = lockers.id AND a.cleared_at IS NULL)
		FROM lockers WHERE id > $1 AND ($2 = '' OR strpos(lower(id), lower($2)) > 0)
		  AND ($3 = '' OR ($3 = 'online' AND online) OR ($3 = 'offline' AND NOT online AND `+heard+`) OR ($3 = 'never' AND NOT `+heard+`)
		       OR ($3 = 'alerts' AND EXISTS (SELECT 1 FROM alerts a WHERE a.locker = lockers.id AND a.cleared_at IS NULL)))
		ORDER BY id LIMIT $4`, f.After, f.Query, f.State, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: lockers: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (LockerRow, error) {
		var lr LockerRow
		err := scanLockerInto(r, &lr.Locker, &lr.OpenAlerts)
		return lr, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: lockers: %w", err)
	}
	return out, nil
}

// AlertRow is an alert with who acknowledged it and when it cleared.
type AlertRow struct {
	Alert
	AckedBy   string
	AckedAt   time.Time
	ClearedAt time.Time
}

// AlertFilter narrows the alerts list.
type AlertFilter struct {
	Locker, Kind string
	// Unacked keeps open alerts nobody acknowledged; Cleared lists the
	// cleared ones instead of the open ones.
	Unacked, Cleared bool
	Limit            int
}

// Alerts lists alerts newest first, filtered.
func (s *Store) Alerts(ctx context.Context, f AlertFilter) ([]AlertRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, locker, kind, subject, message, raised_at, updated_at, count, acked_at IS NOT NULL,
			coalesce(acked_by, ''), coalesce(acked_at, 'epoch'), coalesce(cleared_at, 'epoch')
		FROM alerts WHERE ($1 = '' OR locker = $1) AND ($2 = '' OR kind = $2) AND (NOT $3 OR acked_at IS NULL)
		  AND (cleared_at IS NOT NULL) = $4
		ORDER BY raised_at DESC, id DESC LIMIT $5`, f.Locker, f.Kind, f.Unacked, f.Cleared, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: alerts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AlertRow, error) {
		var a AlertRow
		err := r.Scan(&a.ID, &a.Locker, &a.Kind, &a.Subject, &a.Message, &a.RaisedAt, &a.Updated, &a.Count, &a.Acked, &a.AckedBy, &a.AckedAt, &a.ClearedAt)
		a.Cleared = a.ClearedAt.Unix() != 0
		for _, t := range []*time.Time{&a.AckedAt, &a.ClearedAt} {
			if t.Unix() == 0 {
				*t = time.Time{}
			}
		}
		return a, err
	})
}

// EventFilter narrows the events list.
type EventFilter struct {
	Locker string
	Kind   string // a kind, or its start ("door." for every door event)
	RentID int64
	// Before pages back: the (stored_at, locker, seq) of the last row of
	// the page before; zero: the newest.
	Before EventCursor
	Limit  int
}

// EventCursor is a place in the events list.
type EventCursor struct {
	StoredAt time.Time
	Locker   string
	Seq      int64
}

// EventRow is an event as the dashboard lists it.
type EventRow struct {
	Event
	StoredAt time.Time
}

// EventsNewest lists events newest first (as central stored them),
// filtered.
func (s *Store) EventsNewest(ctx context.Context, f EventFilter) ([]EventRow, error) {
	before := f.Before.StoredAt
	if before.IsZero() {
		before = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	rows, err := s.pool.Query(ctx, `SELECT locker, seq, stored_at, at, boot, clock_synced, kind, actor, coalesce(rent_id, 0), coalesce(door_id, 0), detail
		FROM events WHERE ($1 = '' OR locker = $1) AND ($2 = '' OR kind = $2 OR starts_with(kind, $2)) AND ($3 = 0 OR rent_id = $3)
		  AND (stored_at, locker, seq) < ($4, $5, $6)
		ORDER BY stored_at DESC, locker DESC, seq DESC LIMIT $7`, f.Locker, f.Kind, f.RentID, before, f.Before.Locker, f.Before.Seq, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (EventRow, error) {
		var e EventRow
		err := r.Scan(&e.Locker, &e.Seq, &e.StoredAt, &e.At, &e.Boot, &e.ClockSynced, &e.Kind, &e.Actor, &e.RentID, &e.DoorID, &e.Detail)
		return e, err
	})
}

// RentFilter narrows the parcels list.
type RentFilter struct {
	Locker, State, ParcelRef, Shop string
	// Before pages back: the (updated_at, locker, rent_id) of the last row
	// of the page before.
	Before RentCursor
	Limit  int
}

// RentCursor is a place in the parcels list.
type RentCursor struct {
	UpdatedAt time.Time
	Locker    string
	RentID    int64
}

// RentRow is a parcel as the operator sees it: the locker's rent with the
// shop's booking and parcel reference.
type RentRow struct {
	Locker, BookingID, ParcelRef, State, Shop string
	RentID, DoorID                            int64
	CreatedAt, UpdatedAt                      time.Time
}

// Rents lists parcels, the latest changed first, filtered.
func (s *Store) Rents(ctx context.Context, f RentFilter) ([]RentRow, error) {
	before := f.Before.UpdatedAt
	if before.IsZero() {
		before = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	rows, err := s.pool.Query(ctx, `SELECT r.locker, r.rent_id, coalesce(r.booking_id, ''), coalesce(r.parcel_ref, ''), r.state, coalesce(r.door_id, 0),
			r.created_at, r.updated_at, coalesce(sh.name, '')
		FROM rents r LEFT JOIN shop_bookings sb ON sb.current = r.booking_id LEFT JOIN shops sh ON sh.id = sb.shop
		WHERE ($1 = '' OR r.locker = $1) AND ($2 = '' OR r.state = $2) AND ($3 = '' OR r.parcel_ref = $3) AND ($4 = '' OR sh.name = $4)
		  AND (r.updated_at, r.locker, r.rent_id) < ($5, $6, $7)
		ORDER BY r.updated_at DESC, r.locker DESC, r.rent_id DESC LIMIT $8`,
		f.Locker, f.State, f.ParcelRef, f.Shop, before, f.Before.Locker, f.Before.RentID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: rents: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (RentRow, error) {
		var x RentRow
		err := r.Scan(&x.Locker, &x.RentID, &x.BookingID, &x.ParcelRef, &x.State, &x.DoorID, &x.CreatedAt, &x.UpdatedAt, &x.Shop)
		return x, err
	})
}

// DoorRents are the parcel references of a locker's rents by rent id,
// for its doors.
func (s *Store) DoorRents(ctx context.Context, locker string, ids []int64) (map[int64]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT rent_id, coalesce(parcel_ref, '') FROM rents WHERE locker = $1 AND rent_id = ANY($2)`, locker, ids)
	if err != nil {
		return nil, fmt.Errorf("store: rents: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var ref string
		if err := rows.Scan(&id, &ref); err != nil {
			return nil, err
		}
		out[id] = ref
	}
	return out, rows.Err()
}

// AckOpenAlert records that an operator saw an open alert; it reports
// whether there was one to acknowledge (not cleared, not acknowledged).
func (s *Store) AckOpenAlert(ctx context.Context, id int64, by string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE alerts SET acked_at = now(), acked_by = $2 WHERE id = $1 AND acked_at IS NULL AND cleared_at IS NULL`, id, by)
	if err != nil {
		return false, fmt.Errorf("store: alert: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
