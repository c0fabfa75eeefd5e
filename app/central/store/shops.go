package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The network's shop API's tables: shops, their keys, bookings and
// Idempotency-Keys (package shopapi is their only user).

// Shop is one shop of the network.
type Shop struct {
	ID       int64
	Name     string
	Disabled bool
}

// ErrExists is a name or key already taken.
var ErrExists = errors.New("store: already exists")

// AddShop registers a shop; a name taken is ErrExists.
func (s *Store) AddShop(ctx context.Context, name string) (Shop, error) {
	sh := Shop{Name: name}
	err := s.pool.QueryRow(ctx, `INSERT INTO shops (name) VALUES ($1) RETURNING id`, name).Scan(&sh.ID)
	if isUnique(err) {
		return sh, fmt.Errorf("store: shop %q: %w", name, ErrExists)
	}
	if err != nil {
		return sh, fmt.Errorf("store: shop %q: %w", name, err)
	}
	return sh, nil
}

// ShopByName finds a shop, or ErrNotFound.
func (s *Store) ShopByName(ctx context.Context, name string) (Shop, error) {
	sh := Shop{Name: name}
	err := s.pool.QueryRow(ctx, `SELECT id, disabled_at IS NOT NULL FROM shops WHERE name = $1`, name).Scan(&sh.ID, &sh.Disabled)
	if errors.Is(err, pgx.ErrNoRows) {
		return sh, fmt.Errorf("store: shop %q: %w", name, ErrNotFound)
	}
	return sh, err
}

// ShopScopes are what a shop's API key may do, each or several:
// bookings (book, cancel, extend), read (bookings, events, lockers),
// webhooks (the shop's endpoints and parked deliveries).
var ShopScopes = []string{"bookings", "read", "webhooks"}

// ShopKey is an API key as its request sees it.
type ShopKey struct {
	Shop     int64
	ShopName string
	Name     string
	Scopes   []string
}

// AddShopKey keeps a key's hash with its name and scopes.
func (s *Store) AddShopKey(ctx context.Context, shop int64, name string, hash []byte, scopes []string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO shop_keys (hash, shop, name, scopes) VALUES ($1, $2, $3, $4)`, hash, shop, name, scopes)
	if isUnique(err) {
		return fmt.Errorf("store: key: %w", ErrExists)
	}
	if err != nil {
		return fmt.Errorf("store: key: %w", err)
	}
	return nil
}

// LookupShopKey finds the live key whose hash this is (a revoked key or
// a disabled shop's is ErrNotFound).
func (s *Store) LookupShopKey(ctx context.Context, hash []byte) (ShopKey, error) {
	var k ShopKey
	err := s.pool.QueryRow(ctx, `SELECT k.shop, s.name, k.name, k.scopes FROM shop_keys k JOIN shops s ON s.id = k.shop
		WHERE k.hash = $1 AND k.revoked_at IS NULL AND s.disabled_at IS NULL`, hash).Scan(&k.Shop, &k.ShopName, &k.Name, &k.Scopes)
	if errors.Is(err, pgx.ErrNoRows) {
		return k, ErrNotFound
	}
	if err != nil {
		return k, fmt.Errorf("store: key: %w", err)
	}
	return k, nil
}

// RevokeShopKey revokes a shop's key by name; it reports whether one was
// live.
func (s *Store) RevokeShopKey(ctx context.Context, shop int64, name string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE shop_keys SET revoked_at = now() WHERE shop = $1 AND name = $2 AND revoked_at IS NULL`, shop, name)
	if err != nil {
		return false, fmt.Errorf("store: key: %w", err)
	}
	return tag.RowsAffected() > 0, nil
}

// ShopBooking is what a shop asked for.
type ShopBooking struct {
	ID           string
	Shop         int64
	Lockers      []string
	Size         string
	ParcelRef    string
	RecipientRef string
}

// AttemptID is the booking id central and the locker know an attempt of a
// shop's booking at one locker by: each locker tried is its own booking
// there, so a refusal at one never stands for the next.
func AttemptID(booking, locker string) string { return booking + "@" + locker }

// ShopBookingOf is the shop's booking id of an attempt id.
func ShopBookingOf(attempt string) string {
	b, _, _ := strings.Cut(attempt, "@")
	return b
}

// AddShopBooking records a shop's booking before anything is sent, and
// ties it to the Idempotency-Key it came with (key "" for none).
func (s *Store) AddShopBooking(ctx context.Context, b ShopBooking, idemKey string) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO shop_bookings (booking_id, shop, lockers, size, parcel_ref, recipient_ref)
			VALUES ($1, $2, $3, $4, $5, $6)`, b.ID, b.Shop, b.Lockers, b.Size, b.ParcelRef, b.RecipientRef); err != nil {
			return err
		}
		if idemKey == "" {
			return nil
		}
		_, err := tx.Exec(ctx, `UPDATE shop_idempotency SET booking_id = $3 WHERE shop = $1 AND key = $2`, b.Shop, idemKey, b.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: booking %s: %w", b.ID, err)
	}
	return nil
}

// SetAttempt makes the attempt at locker the booking's current one: the
// feed follows it, and earlier attempts' answers are no longer the shop's
// news.
func (s *Store) SetAttempt(ctx context.Context, shop int64, booking, locker string) error {
	_, err := s.pool.Exec(ctx, `UPDATE shop_bookings SET current = $3 WHERE shop = $1 AND booking_id = $2`, shop, booking, AttemptID(booking, locker))
	if err != nil {
		return fmt.Errorf("store: booking %s: %w", booking, err)
	}
	return nil
}

// BookingView is a shop's booking as central knows it: what was asked,
// the locker of the current attempt, the locker's answer and the rent's
// state from the locker's events.
type BookingView struct {
	ID           string
	Lockers      []string
	Locker       string // the current attempt's; "" before any
	Attempt      string // its booking id at the locker
	Size         string
	ParcelRef    string
	RecipientRef string
	// Answer is the booking's state at central: "" (nothing sent), sent,
	// booked, refused or cancelled.
	Answer string
	// RentState is the rent's state from the locker's events ("" before
	// any): booked, reserved, stored, collected, expired, lapsed,
	// reclaimed or cancelled.
	RentState string
	RentID    int64
	DoorID    int64
	Version   int64
	ExpiresAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
	// BookCommand is the current attempt's book command, RefusedWith the
	// code of its refusal.
	BookCommand string
	RefusedWith string
}

const bookingViewCols = `sb.booking_id, sb.lockers, coalesce(b.locker, ''), coalesce(sb.current, ''), sb.size, sb.parcel_ref, sb.recipient_ref,
	coalesce(b.state, ''), coalesce(sb.rent_state, ''), coalesce(b.rent_id, 0), coalesce(r.door_id, b.door_id, 0), coalesce(b.version, 0),
	coalesce((SELECT (c.result->>'expires_at')::timestamptz FROM commands c WHERE c.booking_id = sb.current AND c.name IN ('book', 'extend')
		AND c.status = 'ok' ORDER BY c.version DESC LIMIT 1), 'epoch'),
	sb.created_at, greatest(sb.created_at, b.updated_at, r.updated_at),
	coalesce((SELECT c.command_id FROM commands c WHERE c.booking_id = sb.current AND c.name = 'book' ORDER BY c.version DESC LIMIT 1), ''),
	coalesce((SELECT c.error FROM commands c WHERE c.booking_id = sb.current AND c.name = 'book' AND c.status <> 'ok' ORDER BY c.version DESC LIMIT 1), '')`

const bookingViewFrom = ` FROM shop_bookings sb LEFT JOIN bookings b ON b.booking_id = sb.current
	LEFT JOIN rents r ON r.locker = b.locker AND r.rent_id = b.rent_id`

func scanBookingView(r pgx.CollectableRow) (BookingView, error) {
	var v BookingView
	err := r.Scan(&v.ID, &v.Lockers, &v.Locker, &v.Attempt, &v.Size, &v.ParcelRef, &v.RecipientRef, &v.Answer, &v.RentState, &v.RentID,
		&v.DoorID, &v.Version, &v.ExpiresAt, &v.CreatedAt, &v.UpdatedAt, &v.BookCommand, &v.RefusedWith)
	if v.ExpiresAt.Unix() == 0 {
		v.ExpiresAt = time.Time{}
	}
	return v, err
}

// ShopBookingView is one of a shop's bookings; another shop's and a
// missing one are the same ErrNotFound, found by the same one query.
func (s *Store) ShopBookingView(ctx context.Context, shop int64, id string) (BookingView, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+bookingViewCols+bookingViewFrom+` WHERE sb.shop = $1 AND sb.booking_id = $2`, shop, id)
	if err != nil {
		return BookingView{}, fmt.Errorf("store: booking: %w", err)
	}
	v, err := pgx.CollectExactlyOneRow(rows, scanBookingView)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, ErrNotFound
	}
	return v, err
}

// BookingFilter narrows a shop's list of bookings.
type BookingFilter struct {
	Locker    string
	ParcelRef string
	// After is the last booking id of the page before (bookings come in
	// the order they were made).
	After string
	Limit int
}

// ShopBookings lists a shop's bookings, oldest first.
func (s *Store) ShopBookings(ctx context.Context, shop int64, f BookingFilter) ([]BookingView, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+bookingViewCols+bookingViewFrom+`
		WHERE sb.shop = $1 AND ($2 = '' OR b.locker = $2) AND ($3 = '' OR sb.parcel_ref = $3)
		  AND ($4 = '' OR (sb.created_at, sb.booking_id) > (SELECT created_at, booking_id FROM shop_bookings WHERE shop = $1 AND booking_id = $4))
		ORDER BY sb.created_at, sb.booking_id LIMIT $5`, shop, f.Locker, f.ParcelRef, f.After, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: bookings: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanBookingView)
	if err != nil {
		return nil, fmt.Errorf("store: bookings: %w", err)
	}
	return out, nil
}

// Idem is an Idempotency-Key's record.
type Idem struct {
	State     string // pending or done
	Hash      []byte
	Status    int
	Response  []byte
	BookingID string
	CreatedAt time.Time
}

// ErrIdemMismatch is a key used before for another request.
var ErrIdemMismatch = errors.New("store: idempotency key used for another request")

// ClaimIdem records key as pending for the request whose hash this is, or
// returns the record of an earlier request with it (claimed false). A
// pending record with no booking older than stale is from a request that
// died before it booked anything: it is claimed afresh.
func (s *Store) ClaimIdem(ctx context.Context, shop int64, key string, hash []byte, stale time.Time) (Idem, bool, error) {
	var rec Idem
	var claimed bool
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO shop_idempotency (shop, key, request_hash, state) VALUES ($1, $2, $3, 'pending')
			ON CONFLICT DO NOTHING`, shop, key, hash)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			claimed = true
			return nil
		}
		var bk *string
		err = tx.QueryRow(ctx, `SELECT state, request_hash, status, coalesce(response, ''::bytea), booking_id, created_at
			FROM shop_idempotency WHERE shop = $1 AND key = $2 FOR UPDATE`, shop, key).
			Scan(&rec.State, &rec.Hash, &rec.Status, &rec.Response, &bk, &rec.CreatedAt)
		if err != nil {
			return err
		}
		if bk != nil {
			rec.BookingID = *bk
		}
		if string(rec.Hash) != string(hash) {
			return ErrIdemMismatch
		}
		if rec.State == "pending" && rec.BookingID == "" && rec.CreatedAt.Before(stale) {
			_, err := tx.Exec(ctx, `UPDATE shop_idempotency SET created_at = now() WHERE shop = $1 AND key = $2`, shop, key)
			claimed = err == nil
			return err
		}
		return nil
	})
	if errors.Is(err, ErrIdemMismatch) {
		return rec, false, err
	}
	if err != nil {
		return rec, false, fmt.Errorf("store: idempotency: %w", err)
	}
	return rec, claimed, nil
}

// FinishIdem keeps the answer (sealed) of a key's request.
func (s *Store) FinishIdem(ctx context.Context, shop int64, key string, status int, sealed []byte) error {
	_, err := s.pool.Exec(ctx, `UPDATE shop_idempotency SET state = 'done', status = $3, response = $4 WHERE shop = $1 AND key = $2`,
		shop, key, status, sealed)
	if err != nil {
		return fmt.Errorf("store: idempotency: %w", err)
	}
	return nil
}

// ReleaseIdem forgets a key whose request booked nothing, so a retry runs
// afresh.
func (s *Store) ReleaseIdem(ctx context.Context, shop int64, key string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM shop_idempotency WHERE shop = $1 AND key = $2 AND state = 'pending'`, shop, key)
	if err != nil {
		return fmt.Errorf("store: idempotency: %w", err)
	}
	return nil
}

// PruneIdems drops keys made before the time given, with the sealed
// answers they hold.
func (s *Store) PruneIdems(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM shop_idempotency WHERE created_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("store: idempotency: %w", err)
	}
	return tag.RowsAffected(), nil
}

// Capacity is what central last heard of a locker's free doors, for
// choosing among a shop's lockers.
type Capacity struct {
	Locker string
	Known  bool // the locker reported its capacity at all
	Online bool
	Free   map[string]int
}

// Capacities are the lockers of ids that central knows, in no order.
func (s *Store) Capacities(ctx context.Context, ids []string) ([]Capacity, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, online, capacity IS NOT NULL, coalesce(capacity->'free', '{}'::jsonb) FROM lockers WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("store: capacity: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Capacity, error) {
		var c Capacity
		err := r.Scan(&c.Locker, &c.Online, &c.Known, &c.Free)
		return c, err
	})
}

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// ShopSummary is a shop with its live keys and how many bookings it made.
type ShopSummary struct {
	Name     string
	Keys     []string
	Scopes   []string // each key's, as "a,b"
	Bookings int64
}

// ShopList lists the shops by name.
func (s *Store) ShopList(ctx context.Context) ([]ShopSummary, error) {
	rows, err := s.pool.Query(ctx, `SELECT s.name,
			coalesce(array_agg(k.name ORDER BY k.name) FILTER (WHERE k.name IS NOT NULL), '{}'),
			coalesce(array_agg(array_to_string(k.scopes, ',') ORDER BY k.name) FILTER (WHERE k.name IS NOT NULL), '{}'),
			(SELECT count(*) FROM shop_bookings b WHERE b.shop = s.id)
		FROM shops s LEFT JOIN shop_keys k ON k.shop = s.id AND k.revoked_at IS NULL GROUP BY s.id ORDER BY s.name`)
	if err != nil {
		return nil, fmt.Errorf("store: shops: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ShopSummary, error) {
		var x ShopSummary
		err := r.Scan(&x.Name, &x.Keys, &x.Scopes, &x.Bookings)
		return x, err
	})
}

// DropUnsentBooking forgets a shop's booking of which no command was
// kept (it went to no locker), so it does not stand as pending for ever.
func (s *Store) DropUnsentBooking(ctx context.Context, shop int64, id string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM shop_bookings sb WHERE shop = $1 AND booking_id = $2
		AND NOT EXISTS (SELECT 1 FROM commands c WHERE starts_with(c.booking_id, sb.booking_id || '@'))`, shop, id)
	if err != nil {
		return fmt.Errorf("store: booking %s: %w", id, err)
	}
	return nil
}
