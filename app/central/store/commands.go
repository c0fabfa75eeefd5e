package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AllLockers is the locker of a fleet-wide command.
const AllLockers = "_all"

// Command is one command as sent, byte for byte.
type Command struct {
	ID        string
	Locker    string
	Name      string
	BookingID string
	Version   int64
	IssuedAt  time.Time
	ExpiresAt time.Time
	Payload   []byte
	SentBy    string
}

// Booking is a booking's fields kept beside its book command.
type Booking struct {
	ID           string
	Size         string
	ParcelRef    string
	RecipientRef string
}

// ErrUnknownLocker is a command for a locker central has never seen.
var ErrUnknownLocker = errors.New("store: unknown locker")

// NextVersion hands out the next booking version of a locker: one counter
// per locker for everyone who books there.
func (s *Store) NextVersion(ctx context.Context, locker string) (int64, error) {
	var v int64
	err := s.pool.QueryRow(ctx, `UPDATE lockers SET booking_version = booking_version + 1 WHERE id = $1 RETURNING booking_version`, locker).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("%w %q: it never connected to the broker", ErrUnknownLocker, locker)
	}
	if err != nil {
		return 0, fmt.Errorf("store: version: %w", err)
	}
	return v, nil
}

// SupersedeResends forgets a locker's resend commands but keep: each
// asked for what central lacked then, and the newest says what it lacks
// now, so a hole asked for again and again keeps one row, not one per ask.
func (s *Store) SupersedeResends(ctx context.Context, locker, keep string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM commands WHERE locker = $1 AND name = 'resend' AND command_id <> $2`, locker, keep)
	if err != nil {
		return fmt.Errorf("store: resends: %w", err)
	}
	return nil
}

// AddCommand keeps a command before it is sent; a booking's fields with it
// when b is not nil. The same command id again changes nothing.
func (s *Store) AddCommand(ctx context.Context, c Command, b *Booking) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO commands (command_id, locker, name, booking_id, version, issued_at, expires_at, payload, sent_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
			c.ID, c.Locker, c.Name, c.BookingID, c.Version, c.IssuedAt, c.ExpiresAt, c.Payload, c.SentBy)
		if err != nil || b == nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO bookings (booking_id, locker, version, state, size, parcel_ref, recipient_ref)
			VALUES ($1, $2, $3, 'sent', $4, $5, $6)
			ON CONFLICT (booking_id) DO UPDATE SET version = greatest(bookings.version, excluded.version), updated_at = now()`,
			b.ID, c.Locker, c.Version, b.Size, b.ParcelRef, b.RecipientRef)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: command %s: %w", c.ID, err)
	}
	return nil
}

// GetCommand returns a kept command, or ErrNotFound.
func (s *Store) GetCommand(ctx context.Context, id string) (Command, error) {
	c := Command{ID: id}
	err := s.pool.QueryRow(ctx, `SELECT locker, name, booking_id, version, issued_at, expires_at, payload FROM commands WHERE command_id = $1`, id).
		Scan(&c.Locker, &c.Name, &c.BookingID, &c.Version, &c.IssuedAt, &c.ExpiresAt, &c.Payload)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("store: command %s: %w", id, ErrNotFound)
	}
	return c, err
}

// Result is a locker's answer as central keeps it (never a pickup code).
type Result struct {
	CommandID string
	Locker    string
	Name      string
	Status    string
	Error     string
	BookingID string
	RentID    int64
	DoorID    int64
	Body      json.RawMessage
}

// SetResult keeps a locker's answer: on the command itself, or per locker
// for a fleet-wide one; a booking's answer moves the booking and gives the
// operator's rent its parcel reference. The first answer stays.
func (s *Store) SetResult(ctx context.Context, r Result) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var locker string
		err := tx.QueryRow(ctx, `SELECT locker FROM commands WHERE command_id = $1`, r.CommandID).Scan(&locker)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // not ours (another tool's), or from before the database
		}
		if err != nil {
			return err
		}
		if locker == AllLockers {
			_, err = tx.Exec(ctx, `INSERT INTO command_results (command_id, locker, status, error, result) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT DO NOTHING`, r.CommandID, r.Locker, r.Status, r.Error, string(r.Body))
			return err
		}
		if locker != r.Locker {
			return nil // a locker answering for another's command: the topic says who it is
		}
		tag, err := tx.Exec(ctx, `UPDATE commands SET status = $2, error = $3, result = $4, answered_at = now()
			WHERE command_id = $1 AND status IS NULL`, r.CommandID, r.Status, r.Error, string(r.Body))
		if err != nil || tag.RowsAffected() == 0 || r.BookingID == "" {
			return err
		}
		switch {
		case r.Name == "book" && r.Status == "ok":
			if _, err := tx.Exec(ctx, `UPDATE bookings SET state = 'booked', rent_id = $2, door_id = $3, updated_at = now()
				WHERE booking_id = $1`, r.BookingID, r.RentID, r.DoorID); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE rents SET booking_id = b.booking_id, parcel_ref = b.parcel_ref
				FROM bookings b WHERE b.booking_id = $1 AND rents.locker = b.locker AND rents.rent_id = b.rent_id`, r.BookingID)
		case r.Name == "book":
			_, err = tx.Exec(ctx, `UPDATE bookings SET state = 'refused', updated_at = now() WHERE booking_id = $1 AND state = 'sent'`, r.BookingID)
		case r.Name == "cancel" && r.Status == "ok":
			_, err = tx.Exec(ctx, `UPDATE bookings SET state = 'cancelled', updated_at = now() WHERE booking_id = $1`, r.BookingID)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: result %s: %w", r.CommandID, err)
	}
	return nil
}

// CommandResult is a kept command's answer: its status ("" while none).
func (s *Store) CommandResult(ctx context.Context, id string) (status string, body json.RawMessage, err error) {
	var st, b *string
	err = s.pool.QueryRow(ctx, `SELECT status, result::text FROM commands WHERE command_id = $1`, id).Scan(&st, &b)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, fmt.Errorf("store: command %s: %w", id, ErrNotFound)
	}
	if st != nil {
		status = *st
	}
	if b != nil {
		body = json.RawMessage(*b)
	}
	return status, body, err
}

// SyncState is how far a locker got, from its sync request.
type SyncState struct {
	Locker            string
	BookingVersion    int64
	VersionsAhead     []int64
	CommandCursor     time.Time
	RevocationVersion int64
}

// Pending is one command a locker missed.
type Pending struct {
	Name      string
	FleetWide bool
	Payload   []byte
	// Revocations is the list version of a revoke (0 otherwise).
	Revocations int64
}

// Missing lists what a locker did not process by its sync request, in the
// order to apply: the newest unexpired revocation list (the caller keeps it
// only when newer than the locker's), every unexpired booking change above
// its gap-free version and not among those it has, then other unexpired
// commands, its own and fleet-wide, issued since its cursor. Resends of
// events are never replayed: they are asked anew.
func (s *Store) Missing(ctx context.Context, st SyncState, now time.Time) ([]Pending, error) {
	var out []Pending
	var rl Pending
	err := s.pool.QueryRow(ctx, `SELECT locker = '_all', payload, coalesce((convert_from(payload, 'UTF8')::jsonb->'revocations'->>'version')::bigint, 0)
		FROM commands WHERE locker IN ($1, '_all') AND name = 'revoke' AND expires_at > $2
		ORDER BY 3 DESC, issued_at DESC LIMIT 1`, st.Locker, now).Scan(&rl.FleetWide, &rl.Payload, &rl.Revocations)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("store: missing: %w", err)
	case rl.Revocations > st.RevocationVersion:
		rl.Name = "revoke"
		out = append(out, rl)
	}
	rows, err := s.pool.Query(ctx, `SELECT locker = '_all', name, payload FROM commands
		WHERE locker IN ($1, '_all') AND name NOT IN ('revoke', 'resend', 'renew') AND expires_at > $2
		  AND ((version > $3 AND NOT version = ANY($4)) OR (version = 0 AND issued_at >= $5))
		ORDER BY version = 0, version, issued_at`, st.Locker, now, st.BookingVersion, st.VersionsAhead, st.CommandCursor)
	if err != nil {
		return nil, fmt.Errorf("store: missing: %w", err)
	}
	rest, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Pending, error) {
		var p Pending
		err := r.Scan(&p.FleetWide, &p.Name, &p.Payload)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: missing: %w", err)
	}
	return append(out, rest...), nil
}

// LastRevocations is the list of the newest revocation list kept for
// locker or for the whole fleet (for AllLockers: sent anywhere), as the
// revoke command carried it, and whether there is one.
func (s *Store) LastRevocations(ctx context.Context, locker string) (json.RawMessage, bool, error) {
	var list json.RawMessage
	err := s.pool.QueryRow(ctx, `SELECT convert_from(payload, 'UTF8')::jsonb->'revocations' FROM commands
		WHERE name = 'revoke' AND ($1 = '_all' OR locker IN ($1, '_all'))
		ORDER BY coalesce((convert_from(payload, 'UTF8')::jsonb->'revocations'->>'version')::bigint, 0) DESC, issued_at DESC
		LIMIT 1`, locker).Scan(&list)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: revocations: %w", err)
	}
	return list, true, nil
}
