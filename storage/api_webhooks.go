package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// WebhookCursor returns the seq of the last event an endpoint is done with.
// ok is false for an endpoint never seen before.
func (tx *Tx) WebhookCursor(endpoint string) (seq int64, ok bool, err error) {
	err = tx.tx.QueryRow(`SELECT after_seq FROM api_webhook_cursors WHERE endpoint = ?`, endpoint).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("storage: webhook cursor %s: %w", endpoint, err)
	}
	return seq, true, nil
}

// SetWebhookCursor moves an endpoint's cursor; it never moves back.
func (tx *Tx) SetWebhookCursor(endpoint string, seq int64) error {
	_, err := tx.tx.Exec(`INSERT INTO api_webhook_cursors (endpoint, after_seq) VALUES (?, ?)
		ON CONFLICT (endpoint) DO UPDATE SET after_seq = max(after_seq, excluded.after_seq)`, endpoint, seq)
	if err != nil {
		return fmt.Errorf("storage: webhook cursor %s: %w", endpoint, err)
	}
	return nil
}

// Parked is a webhook delivery that kept failing, or that waits behind one
// of the same rent.
type Parked struct {
	ID        int64
	Endpoint  string
	Seq       int64
	RentID    int64
	Kind      string
	Payload   []byte
	Attempts  int
	LastError string
	ParkedAt  time.Time
}

// Park keeps a delivery for staff. Parking the same event twice is a no-op.
func (tx *Tx) Park(p Parked) error {
	_, err := tx.tx.Exec(`INSERT INTO api_webhook_parked (endpoint, seq, rent_id, kind, payload, attempts, last_error, parked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint, seq) DO NOTHING`,
		p.Endpoint, p.Seq, nullID(p.RentID), p.Kind, p.Payload, p.Attempts, p.LastError, unix(tx.now))
	if err != nil {
		return fmt.Errorf("storage: park delivery %s/%d: %w", p.Endpoint, p.Seq, err)
	}
	return nil
}

// HasParked reports whether an endpoint holds parked deliveries of a rent.
func (tx *Tx) HasParked(endpoint string, rentID int64) (bool, error) {
	var n int
	err := tx.tx.QueryRow(`SELECT count(*) FROM api_webhook_parked WHERE endpoint = ? AND rent_id = ?`, endpoint, rentID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("storage: parked deliveries: %w", err)
	}
	return n > 0, nil
}

// ParkedDeliveries lists parked deliveries, of one endpoint or (empty) of
// all, oldest event first.
func (tx *Tx) ParkedDeliveries(endpoint string) ([]Parked, error) {
	q, args := `SELECT id, endpoint, seq, rent_id, kind, payload, attempts, last_error, parked_at FROM api_webhook_parked`, []any{}
	if endpoint != "" {
		q, args = q+` WHERE endpoint = ?`, append(args, endpoint)
	}
	rows, err := tx.tx.Query(q+` ORDER BY endpoint, seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: parked deliveries: %w", err)
	}
	defer rows.Close()
	var out []Parked
	for rows.Next() {
		var p Parked
		var rent sql.NullInt64
		var at int64
		if err := rows.Scan(&p.ID, &p.Endpoint, &p.Seq, &rent, &p.Kind, &p.Payload, &p.Attempts, &p.LastError, &at); err != nil {
			return nil, fmt.Errorf("storage: parked deliveries: %w", err)
		}
		p.RentID, p.ParkedAt = rent.Int64, time.UnixMilli(at).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// Unpark removes a parked delivery once it went through.
func (tx *Tx) Unpark(id int64) error {
	res, err := tx.tx.Exec(`DELETE FROM api_webhook_parked WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("storage: unpark %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: unpark %d: %w", id, ErrNotFound)
	}
	return nil
}

// SetParkedError records another failed attempt at a parked delivery.
func (tx *Tx) SetParkedError(id int64, attempts int, lastErr string) error {
	_, err := tx.tx.Exec(`UPDATE api_webhook_parked SET attempts = ?, last_error = ? WHERE id = ?`, attempts, lastErr, id)
	if err != nil {
		return fmt.Errorf("storage: parked %d: %w", id, err)
	}
	return nil
}
