package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Alert is one row of the alerts table.
type Alert struct {
	ID                int64
	Locker, Kind      string
	Subject, Message  string
	RaisedAt, Updated time.Time
	Count             int
	Cleared, Acked    bool
}

// RaiseAlert opens an alert, or keeps the open one of the same locker,
// kind and subject up to date. It reports whether the alert is new.
func (s *Store) RaiseAlert(ctx context.Context, locker, kind, subject, message string) (bool, error) {
	var fresh bool
	err := s.pool.QueryRow(ctx, `INSERT INTO alerts (locker, kind, subject, message) VALUES ($1, $2, $3, $4)
		ON CONFLICT (locker, kind, subject) WHERE cleared_at IS NULL
		DO UPDATE SET message = excluded.message, updated_at = now()
		RETURNING xmax = 0`, locker, kind, subject, message).Scan(&fresh)
	if err != nil {
		return false, fmt.Errorf("store: alert: %w", err)
	}
	return fresh, nil
}

// ClearAlert closes a locker's open alert of kind and subject, if any.
func (s *Store) ClearAlert(ctx context.Context, locker, kind, subject string) error {
	_, err := s.pool.Exec(ctx, `UPDATE alerts SET cleared_at = now() WHERE locker = $1 AND kind = $2 AND subject = $3 AND cleared_at IS NULL`,
		locker, kind, subject)
	if err != nil {
		return fmt.Errorf("store: alert: %w", err)
	}
	return nil
}

// AckAlert records that an operator saw an alert.
func (s *Store) AckAlert(ctx context.Context, id int64, by string) error {
	_, err := s.pool.Exec(ctx, `UPDATE alerts SET acked_at = now(), acked_by = $2 WHERE id = $1 AND acked_at IS NULL`, id, by)
	return err
}

// OpenAlerts lists the open alerts, newest first, at most limit; locker
// "" for every locker.
func (s *Store) OpenAlerts(ctx context.Context, locker string, limit int) ([]Alert, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, locker, kind, subject, message, raised_at, updated_at, count, acked_at IS NOT NULL
		FROM alerts WHERE cleared_at IS NULL AND ($1 = '' OR locker = $1) ORDER BY raised_at DESC, id DESC LIMIT $2`, locker, limit)
	if err != nil {
		return nil, fmt.Errorf("store: alerts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Alert, error) {
		var a Alert
		err := r.Scan(&a.ID, &a.Locker, &a.Kind, &a.Subject, &a.Message, &a.RaisedAt, &a.Updated, &a.Count, &a.Acked)
		return a, err
	})
}

// AlertCounts are the open alerts by kind.
func (s *Store) AlertCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT kind, count(*) FROM alerts WHERE cleared_at IS NULL GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("store: alerts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// alertFromEvent raises, in the batch that stores it, the alert an event
// of the locker's own carries (alert.lockout: someone guessing codes;
// alert.door.*: a door to look at), so it follows the events' order.
func alertFromEvent(b *pgx.Batch, e Event) {
	kind, subject := "", ""
	switch {
	case e.Kind == "alert.lockout":
		kind = "guessing"
	case len(e.Kind) > 11 && e.Kind[:11] == "alert.door.":
		kind, subject = "doors", fmt.Sprint(e.DoorID)
	case len(e.Kind) > 6 && e.Kind[:6] == "alert.":
		kind, subject = "locker", e.Kind
	default:
		return
	}
	msg := e.Kind
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	b.Queue(`INSERT INTO alerts (locker, kind, subject, message) VALUES ($1, $2, $3, $4)
		ON CONFLICT (locker, kind, subject) WHERE cleared_at IS NULL
		DO UPDATE SET message = excluded.message, updated_at = now(), count = alerts.count + 1`, e.Locker, kind, subject, msg)
}

// OpenAlertKeys are the messages of the open alerts of the lockers ids,
// by "locker\x00kind\x00subject".
func (s *Store) OpenAlertKeys(ctx context.Context, ids []string) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT locker, kind, subject, message FROM alerts WHERE cleared_at IS NULL AND locker = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("store: alerts: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var l, k, s, m string
		if err := rows.Scan(&l, &k, &s, &m); err != nil {
			return nil, err
		}
		out[l+"\x00"+k+"\x00"+s] = m
	}
	return out, rows.Err()
}
