package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Webhook is one endpoint of a shop.
type Webhook struct {
	ID        int64
	Shop      int64
	URL       string
	Secret    []byte // only where deliveries are made
	Kinds     []string
	Cursor    int64
	CreatedAt time.Time
}

// AddWebhook registers an endpoint; it starts at the end of the feed (a
// shop wants what happens from now on; GET /v1/events has the past).
func (s *Store) AddWebhook(ctx context.Context, shop int64, url string, secret []byte, kinds []string) (Webhook, error) {
	w := Webhook{Shop: shop, URL: url, Kinds: kinds}
	err := s.pool.QueryRow(ctx, `INSERT INTO shop_webhooks (shop, url, secret, kinds, cursor)
		SELECT $1, $2, $3, $4, last_pos FROM shop_feed RETURNING id, cursor, created_at`, shop, url, secret, kinds).Scan(&w.ID, &w.Cursor, &w.CreatedAt)
	if err != nil {
		return w, fmt.Errorf("store: webhook: %w", err)
	}
	return w, nil
}

// Webhooks lists a shop's endpoints, without their secrets.
func (s *Store) Webhooks(ctx context.Context, shop int64) ([]Webhook, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, shop, url, kinds, cursor, created_at FROM shop_webhooks
		WHERE shop = $1 AND deleted_at IS NULL ORDER BY id`, shop)
	if err != nil {
		return nil, fmt.Errorf("store: webhooks: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Webhook, error) {
		var w Webhook
		err := r.Scan(&w.ID, &w.Shop, &w.URL, &w.Kinds, &w.Cursor, &w.CreatedAt)
		return w, err
	})
}

// DeleteWebhook stops an endpoint of the shop; another shop's and a
// missing one are the same ErrNotFound.
func (s *Store) DeleteWebhook(ctx context.Context, shop, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE shop_webhooks SET deleted_at = now() WHERE shop = $1 AND id = $2 AND deleted_at IS NULL`, shop, id)
	if err != nil {
		return fmt.Errorf("store: webhook: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// LeaseWebhooks gives the caller (by) the endpoints no other instance
// holds, and renews its own, until the time given: one instance at a time
// delivers an endpoint, so its events go out in order.
func (s *Store) LeaseWebhooks(ctx context.Context, by string, until time.Time, limit int) ([]Webhook, error) {
	rows, err := s.pool.Query(ctx, `UPDATE shop_webhooks w SET lease_by = $1, lease_until = $2
		FROM (SELECT id FROM shop_webhooks WHERE deleted_at IS NULL AND (lease_until IS NULL OR lease_until < now() OR lease_by = $1)
			ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) free
		WHERE w.id = free.id RETURNING w.id, w.shop, w.url, w.secret, w.kinds, w.cursor, w.created_at`, by, until, limit)
	if err != nil {
		return nil, fmt.Errorf("store: webhooks: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Webhook, error) {
		var w Webhook
		err := r.Scan(&w.ID, &w.Shop, &w.URL, &w.Secret, &w.Kinds, &w.Cursor, &w.CreatedAt)
		return w, err
	})
}

// ErrLeaseLost is an endpoint another instance delivers now (or one
// deleted).
var ErrLeaseLost = errors.New("store: webhook lease lost")

// SetWebhookCursor records that the endpoint is done through pos, if the
// caller still holds it.
func (s *Store) SetWebhookCursor(ctx context.Context, id int64, by string, pos int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE shop_webhooks SET cursor = greatest(cursor, $3)
		WHERE id = $1 AND lease_by = $2 AND deleted_at IS NULL`, id, by, pos)
	if err != nil {
		return fmt.Errorf("store: webhook: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrLeaseLost
	}
	return nil
}

// Parked is a delivery that failed every attempt, or one held behind it.
type Parked struct {
	ID        int64
	Webhook   int64
	EventPos  int64
	BookingID string
	Kind      string
	Payload   []byte
	Attempts  int
	LastError string
	ParkedAt  time.Time
}

// Park keeps a delivery that failed every attempt.
func (s *Store) Park(ctx context.Context, p Parked) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO shop_webhook_parked (webhook, event_id, booking_id, kind, payload, attempts, last_error)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`, p.Webhook, p.EventPos, p.BookingID, p.Kind, p.Payload, p.Attempts, p.LastError)
	if err != nil {
		return fmt.Errorf("store: park: %w", err)
	}
	return nil
}

// HoldIfBehind parks p at once when an earlier delivery of its booking is
// parked at the endpoint, so the receiver never sees a booking's events
// out of order; it reports whether it did.
func (s *Store) HoldIfBehind(ctx context.Context, p Parked) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO shop_webhook_parked (webhook, event_id, booking_id, kind, payload, attempts, last_error)
		SELECT $1, $2, $3, $4, $5, 0, 'held behind an earlier parked event of booking ' || $3
		WHERE EXISTS (SELECT 1 FROM shop_webhook_parked WHERE webhook = $1 AND booking_id = $3)
		ON CONFLICT DO NOTHING`, p.Webhook, p.EventPos, p.BookingID, p.Kind, p.Payload)
	if err != nil {
		return false, fmt.Errorf("store: park: %w", err)
	}
	return tag.RowsAffected() > 0, nil
}

// ParkedOf lists a shop's parked deliveries, oldest first.
func (s *Store) ParkedOf(ctx context.Context, shop int64) ([]Parked, error) {
	rows, err := s.pool.Query(ctx, `SELECT p.id, p.webhook, p.event_id, p.booking_id, p.kind, p.payload, p.attempts, p.last_error, p.parked_at
		FROM shop_webhook_parked p JOIN shop_webhooks w ON w.id = p.webhook WHERE w.shop = $1 ORDER BY p.webhook, p.event_id`, shop)
	if err != nil {
		return nil, fmt.Errorf("store: parked: %w", err)
	}
	return pgx.CollectRows(rows, scanParked)
}

func scanParked(r pgx.CollectableRow) (Parked, error) {
	var p Parked
	err := r.Scan(&p.ID, &p.Webhook, &p.EventPos, &p.BookingID, &p.Kind, &p.Payload, &p.Attempts, &p.LastError, &p.ParkedAt)
	return p, err
}

// ParkedGroup is a shop's parked delivery id and those of the same
// booking at the same endpoint, oldest first, with the endpoint; another
// shop's and a missing one are the same ErrNotFound.
func (s *Store) ParkedGroup(ctx context.Context, shop, id int64) (Webhook, []Parked, error) {
	var w Webhook
	err := s.pool.QueryRow(ctx, `SELECT w.id, w.shop, w.url, w.secret FROM shop_webhook_parked p JOIN shop_webhooks w ON w.id = p.webhook
		WHERE p.id = $1 AND w.shop = $2 AND w.deleted_at IS NULL`, id, shop).Scan(&w.ID, &w.Shop, &w.URL, &w.Secret)
	if errors.Is(err, pgx.ErrNoRows) {
		return w, nil, ErrNotFound
	}
	if err != nil {
		return w, nil, fmt.Errorf("store: parked: %w", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT p.id, p.webhook, p.event_id, p.booking_id, p.kind, p.payload, p.attempts, p.last_error, p.parked_at
		FROM shop_webhook_parked p JOIN shop_webhook_parked t ON t.webhook = p.webhook AND t.booking_id = p.booking_id
		WHERE t.id = $1 ORDER BY p.event_id`, id)
	if err != nil {
		return w, nil, fmt.Errorf("store: parked: %w", err)
	}
	ps, err := pgx.CollectRows(rows, scanParked)
	return w, ps, err
}

// Unpark forgets a parked delivery that went through.
func (s *Store) Unpark(ctx context.Context, id int64) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM shop_webhook_parked WHERE id = $1`, id)
	return err
}

// SetParkedError records one more failed attempt at a parked delivery.
func (s *Store) SetParkedError(ctx context.Context, id int64, msg string) error {
	_, err := s.pool.Exec(ctx, `UPDATE shop_webhook_parked SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, id, msg)
	return err
}
