package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Online is a birth (online) or a Will (offline) with its birth number.
type Online struct {
	Online  bool
	Birth   int64
	Boot    int64
	Version string
	At      time.Time
	Body    []byte
}

// SetOnline records a birth or a Will. A Will whose birth is older than
// the newest birth is late and changes nothing but last_will; it reports
// whether the online state changed.
func (s *Store) SetOnline(ctx context.Context, locker string, o Online) (bool, error) {
	col := "last_will"
	if o.Online {
		col = "last_birth"
	}
	now := s.now().UTC()
	var changed bool
	err := s.pool.QueryRow(ctx, `INSERT INTO lockers (id, online, online_changed, birth, boot, version, `+col+`, last_seen)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $3)
		ON CONFLICT (id) DO UPDATE SET `+col+` = excluded.`+col+`,
			online = CASE WHEN excluded.birth >= lockers.birth THEN excluded.online ELSE lockers.online END,
			online_changed = CASE WHEN excluded.birth >= lockers.birth AND excluded.online <> lockers.online
				THEN excluded.online_changed ELSE lockers.online_changed END,
			boot = CASE WHEN excluded.birth >= lockers.birth THEN excluded.boot ELSE lockers.boot END,
			version = CASE WHEN excluded.online AND excluded.version <> '' THEN excluded.version ELSE lockers.version END,
			birth = greatest(lockers.birth, excluded.birth),
			last_seen = CASE WHEN excluded.online THEN excluded.last_seen ELSE lockers.last_seen END
		RETURNING online_changed = $3`, locker, o.Online, now, o.Birth, o.Boot, o.Version, string(o.Body)).Scan(&changed)
	if err != nil {
		return false, fmt.Errorf("store: online %s: %w", locker, err)
	}
	return changed, nil
}

// Health is what central reads from a locker's state/health.
type Health struct {
	LastSeq     int64
	AckedSeq    int64
	Faults      int
	ClockSynced bool
	LockBus     string
}

// SetState keeps a retained state message (health, doors or capacity),
// as JSON the ingest checked.
func (s *Store) SetState(ctx context.Context, locker, which string, body []byte) error {
	var q string
	switch which {
	case "health":
		q = `health = $2::jsonb, health_at = $3, last_seen = $3`
	case "doors":
		q = `doors = $2::jsonb, doors_at = $3`
	case "capacity":
		q = `capacity = $2::jsonb, last_seen = greatest(last_seen, $3)`
	default:
		return fmt.Errorf("store: state %q", which)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO lockers (id) VALUES ($1) ON CONFLICT DO NOTHING;`, locker)
	if err == nil {
		_, err = s.pool.Exec(ctx, `UPDATE lockers SET `+q+` WHERE id = $1`, locker, string(body), s.now().UTC())
	}
	if err != nil {
		return fmt.Errorf("store: %s %s: %w", which, locker, err)
	}
	return nil
}

// Locker is one row of the registry as the tools show it.
type Locker struct {
	ID            string
	Online        bool
	OnlineChanged time.Time
	Birth, Boot   int64
	Version       string
	LastSeen      time.Time
	Health        json.RawMessage
	HealthAt      time.Time
	Capacity      json.RawMessage
	StoredThrough int64
	MaxSeq        int64
	Ahead         int
	HoleSince     time.Time
	Confirmed     int64
	Duplicates    int64
	Refused       int64
	LastEventAt   time.Time
	CertNotAfter  time.Time
	EnrolledAt    time.Time
	// NeverConnected: central has heard nothing on the locker's topics
	// (no birth, Will, state, event or refused body): enrolled and not
	// connected yet, which is not offline, as it was never online.
	NeverConnected bool
}

// heard is whether anything came on the locker's topics (which only its
// certificate may write): every message central takes sets one of these.
const heard = `(last_birth IS NOT NULL OR last_will IS NOT NULL OR last_seen IS NOT NULL OR health_at IS NOT NULL
	OR doors_at IS NOT NULL OR last_event_at IS NOT NULL OR stored_through > 0 OR max_seq > 0 OR refused > 0)`

const lockerCols = `id, online, coalesce(online_changed, 'epoch'), birth, boot, version, coalesce(last_seen, 'epoch'),
	coalesce(health, 'null'), coalesce(health_at, 'epoch'), coalesce(capacity, 'null'), stored_through, max_seq, ahead,
	coalesce(hole_since, 'epoch'), confirmed, duplicates, refused, coalesce(last_event_at, 'epoch'), coalesce(cert_not_after, 'epoch'),
	coalesce(enrolled_at, 'epoch'), NOT ` + heard

func scanLocker(r pgx.CollectableRow) (Locker, error) {
	var l Locker
	err := scanLockerInto(r, &l)
	return l, err
}

// scanLockerInto scans lockerCols into l, then the row's further
// columns into more.
func scanLockerInto(r pgx.CollectableRow, l *Locker, more ...any) error {
	var health, capacity string
	err := r.Scan(append([]any{&l.ID, &l.Online, &l.OnlineChanged, &l.Birth, &l.Boot, &l.Version, &l.LastSeen, &health, &l.HealthAt, &capacity,
		&l.StoredThrough, &l.MaxSeq, &l.Ahead, &l.HoleSince, &l.Confirmed, &l.Duplicates, &l.Refused, &l.LastEventAt, &l.CertNotAfter,
		&l.EnrolledAt, &l.NeverConnected}, more...)...)
	for _, t := range []*time.Time{&l.OnlineChanged, &l.LastSeen, &l.HealthAt, &l.HoleSince, &l.LastEventAt, &l.CertNotAfter, &l.EnrolledAt} {
		if t.Unix() == 0 {
			*t = time.Time{}
		}
	}
	if health != "null" {
		l.Health = json.RawMessage(health)
	}
	if capacity != "null" {
		l.Capacity = json.RawMessage(capacity)
	}
	return err
}

// Lockers lists the registry in id order, after the id given, at most
// limit rows: the tools page through it.
func (s *Store) Lockers(ctx context.Context, after string, limit int) ([]Locker, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+lockerCols+` FROM lockers WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: lockers: %w", err)
	}
	ls, err := pgx.CollectRows(rows, scanLocker)
	if err != nil {
		return nil, fmt.Errorf("store: lockers: %w", err)
	}
	return ls, nil
}

// GetLocker is one locker, or ErrNotFound.
func (s *Store) GetLocker(ctx context.Context, id string) (Locker, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+lockerCols+` FROM lockers WHERE id = $1`, id)
	if err != nil {
		return Locker{}, fmt.Errorf("store: locker %s: %w", id, err)
	}
	l, err := pgx.CollectExactlyOneRow(rows, scanLocker)
	if errors.Is(err, pgx.ErrNoRows) {
		return Locker{}, fmt.Errorf("store: locker %s: %w", id, ErrNotFound)
	}
	return l, err
}

// Doors is a locker's last state/doors as it came, or ErrNotFound.
func (s *Store) Doors(ctx context.Context, id string) ([]byte, time.Time, error) {
	var doors *string
	var at *time.Time
	err := s.pool.QueryRow(ctx, `SELECT doors::text, doors_at FROM lockers WHERE id = $1`, id).Scan(&doors, &at)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && doors == nil) {
		return nil, time.Time{}, fmt.Errorf("store: doors of %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("store: doors of %s: %w", id, err)
	}
	return []byte(*doors), *at, nil
}

// Confirmed records the stored_through last published to the locker.
func (s *Store) Confirmed(ctx context.Context, locker string, through int64) error {
	_, err := s.pool.Exec(ctx, `UPDATE lockers SET confirmed = greatest(confirmed, $2), confirmed_at = $3 WHERE id = $1`,
		locker, through, s.now().UTC())
	return err
}

// Unconfirmed lists every locker whose confirmation is owed: one with
// events stored beyond what was confirmed (an instance stored them and
// died before its confirmation went out, and no event of that locker has
// come since to make another instance confirm), and one whose health,
// sent after the last confirmation, says it holds less than was
// confirmed (the confirmation was lost on its way). A health without
// confirmed_seq (an older kiosk) owes nothing.
func (s *Store) Unconfirmed(ctx context.Context) ([]Cursor, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, stored_through FROM lockers
		WHERE stored_through > confirmed
		   OR (stored_through > 0 AND health_at > coalesce(confirmed_at, 'epoch')
		       AND coalesce((health->>'confirmed_seq')::bigint, stored_through) < least(confirmed, stored_through))
		ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: unconfirmed: %w", err)
	}
	return pgx.CollectRows(rows, scanCursor)
}

// Gap is a locker whose events central lacks: a hole below seqs stored
// ahead, or a health that says the locker has more than central holds.
type Gap struct {
	Locker        string
	StoredThrough int64
	// Upto is the highest seq known to exist.
	Upto int64
	// HoleEnd is the last seq missing below the first stored ahead (zero:
	// nothing is stored ahead, everything after StoredThrough is missing).
	HoleEnd    int64
	ResendFrom int64
	ResendAt   time.Time
}

// Gaps lists lockers with a hole open since before holeBefore, and those
// whose health, newer than their last event, says the broker acknowledged
// events central does not hold, none of which came since quietBefore.
func (s *Store) Gaps(ctx context.Context, holeBefore, quietBefore time.Time) ([]Gap, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, stored_through,
			greatest(max_seq, coalesce((health->>'last_seq')::bigint, 0)), resend_from, coalesce(resend_at, 'epoch'),
			coalesce((SELECT min(a.seq) - 1 FROM events_ahead a WHERE a.locker = lockers.id), 0)
		FROM lockers
		WHERE (ahead > 0 AND hole_since < $1)
		   OR (coalesce((health->>'acked_seq')::bigint, 0) > stored_through
		       AND coalesce(last_event_at, 'epoch') < $2 AND health_at > coalesce(last_event_at, 'epoch'))
		ORDER BY id`, holeBefore, quietBefore)
	if err != nil {
		return nil, fmt.Errorf("store: gaps: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Gap, error) {
		var g Gap
		err := r.Scan(&g.Locker, &g.StoredThrough, &g.Upto, &g.ResendFrom, &g.ResendAt, &g.HoleEnd)
		return g, err
	})
}

// scanCursor reads a row of (id, stored_through).
func scanCursor(r pgx.CollectableRow) (Cursor, error) {
	var c Cursor
	err := r.Scan(&c.Locker, &c.StoredThrough)
	return c, err
}

// ConfirmTargets are the lockers among ids whose stored_through is above
// what was last confirmed to them.
func (s *Store) ConfirmTargets(ctx context.Context, ids []string) ([]Cursor, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, stored_through FROM lockers WHERE id = ANY($1) AND stored_through > confirmed ORDER BY id`, ids)
	if err != nil {
		return nil, fmt.Errorf("store: confirm: %w", err)
	}
	return pgx.CollectRows(rows, scanCursor)
}

// ClaimResend records that a resend from seq is asked of a locker, unless
// one was asked since before (another instance, or this one lately): it
// reports whether this caller is to ask.
func (s *Store) ClaimResend(ctx context.Context, locker string, from int64, before time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE lockers SET resend_from = $2, resend_at = $3
		WHERE id = $1 AND (resend_at IS NULL OR resend_at < $4 OR resend_from <> $2)`, locker, from, s.now().UTC(), before)
	if err != nil {
		return false, fmt.Errorf("store: resend: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
