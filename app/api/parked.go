package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"pudo/storage"
)

// Parked lists the webhook deliveries that kept failing, and those held
// behind them, for staff: the admin screen shows them, and so does
// GET /v1/webhooks/parked.
func (s *Server) Parked(ctx context.Context) ([]storage.Parked, error) {
	var ps []storage.Parked
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		ps, err = tx.ParkedDeliveries("")
		return err
	})
	return ps, err
}

// ErrDeliveryFailed means a retried parked delivery failed again; it stays
// parked.
var ErrDeliveryFailed = errors.New("api: parked delivery failed again")

// RetryParked makes one more attempt at a parked delivery, and at those of
// the same rent parked with it, oldest first; it stops at the first
// failure so the receiver still sees the rent's events in order. It
// returns how many went through.
func (s *Server) RetryParked(ctx context.Context, id int64) (int, error) {
	var target storage.Parked
	var group []storage.Parked
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		all, err := tx.ParkedDeliveries("")
		if err != nil {
			return err
		}
		for _, p := range all {
			if p.ID == id {
				target = p
			}
		}
		if target.ID == 0 {
			return fmt.Errorf("api: parked delivery %d: %w", id, storage.ErrNotFound)
		}
		for _, p := range all {
			if p.Endpoint == target.Endpoint && (p.ID == id || (target.RentID != 0 && p.RentID == target.RentID)) {
				group = append(group, p) // sorted by seq already
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	d := s.hook(target.Endpoint)
	if d == nil {
		return 0, fmt.Errorf("api: parked delivery %d: endpoint %q is no longer configured: %w", id, target.Endpoint, storage.ErrConflict)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, p := range group {
		if err := d.post(ctx, storage.Event{Seq: p.Seq, Kind: p.Kind}, p.Payload); err != nil {
			s.db.Update(context.WithoutCancel(ctx), func(tx *storage.Tx) error {
				return tx.SetParkedError(p.ID, p.Attempts+1, err.Error())
			})
			return i, fmt.Errorf("%w: %s: %v", ErrDeliveryFailed, target.Endpoint, err)
		}
		if err := s.db.Update(context.WithoutCancel(ctx), func(tx *storage.Tx) error { return tx.Unpark(p.ID) }); err != nil {
			return i, err
		}
		d.count("delivered")
	}
	return len(group), nil
}

func (s *Server) hook(name string) *deliverer {
	for _, d := range s.hooks {
		if d.hook.Name == name {
			return d
		}
	}
	return nil
}

type parkedJSON struct {
	ID        int64           `json:"id"`
	Endpoint  string          `json:"endpoint"`
	Seq       int64           `json:"seq"`
	RentID    int64           `json:"rent_id,omitempty"`
	Kind      string          `json:"kind"`
	Attempts  int             `json:"attempts"`
	LastError string          `json:"last_error"`
	ParkedAt  time.Time       `json:"parked_at"`
	Payload   json.RawMessage `json:"payload"`
}

func (s *Server) parked(w http.ResponseWriter, r *http.Request, _ principal) error {
	ps, err := s.Parked(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Parked []parkedJSON `json:"parked"`
	}{Parked: []parkedJSON{}}
	for _, p := range ps {
		out.Parked = append(out.Parked, parkedJSON{ID: p.ID, Endpoint: p.Endpoint, Seq: p.Seq, RentID: p.RentID, Kind: p.Kind,
			Attempts: p.Attempts, LastError: p.LastError, ParkedAt: p.ParkedAt, Payload: p.Payload})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) retryParked(w http.ResponseWriter, r *http.Request, _ principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := s.RetryParked(r.Context(), id)
	if errors.Is(err, ErrDeliveryFailed) {
		return errorf(http.StatusBadGateway, "delivery_failed", "%d delivered, then: %v", n, err)
	}
	if errors.Is(err, storage.ErrNotFound) {
		return errorf(http.StatusNotFound, "not_found", "no parked delivery %d", id)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Delivered int `json:"delivered"`
	}{n})
	return nil
}
