package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Event is one locker event as the ingest hands it over: the locker from
// the topic, the fields from the body, and the body itself.
type Event struct {
	Locker      string
	Seq         int64
	At          time.Time
	Boot        int64
	ClockSynced bool
	Kind        string
	Actor       string
	RentID      int64
	DoorID      int64
	Detail      string
	Body        []byte
}

// Cursor is a locker's ingest state after a batch.
type Cursor struct {
	Locker        string
	StoredThrough int64
	MaxSeq        int64
	Ahead         int
	// HoleSince is when the oldest hole opened (zero: none).
	HoleSince time.Time
}

// MaxAhead is how far beyond what central holds in order (stored
// through) a seq may be and still be stored ahead. A locker sends its
// log one event in flight, so its own seqs arrive within a few of it
// (more only as instances split its messages); a seq far beyond is
// another holder of its certificate taking seqs the locker has not used
// yet (it would stand for them, the real ones dropped as duplicates) or
// a store that began again. Such an event is refused, not stored, and a
// "conflict" alert says so: the hole it would open could never fill and
// would be asked for again for ever.
const MaxAhead = 10000

// Batch is what StoreEvents did.
type Batch struct {
	Stored, Duplicates int
	// FarAhead counts the events refused for a seq beyond MaxAhead.
	FarAhead int
	// Applied are the events that became contiguous, in seq order per
	// locker: what follows from them (rents, alerts) was applied.
	Applied []Event
	Cursors []Cursor
}

// StoreEvents stores a batch of events in one transaction, each (locker,
// seq) once, and applies what follows from those that became contiguous,
// in seq order. The lockers' rows are locked in id order, so instances
// storing at once serialise per locker and never deadlock. Lockers not
// seen before are registered.
func (s *Store) StoreEvents(ctx context.Context, evs []Event) (Batch, error) {
	var b Batch
	if len(evs) == 0 {
		return b, nil
	}
	evs = slices.Clone(evs)
	slices.SortStableFunc(evs, func(x, y Event) int {
		if c := strings.Compare(x.Locker, y.Locker); c != 0 {
			return c
		}
		return cmp.Compare(x.Seq, y.Seq)
	})
	var ids []string
	for _, e := range evs {
		if len(ids) == 0 || ids[len(ids)-1] != e.Locker {
			ids = append(ids, e.Locker)
		}
	}
	now := s.now().UTC()
	err := s.tx(ctx, func(tx pgx.Tx) error {
		b = Batch{}
		if _, err := tx.Exec(ctx, `INSERT INTO lockers (id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, ids); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, stored_through, max_seq, ahead, coalesce(hole_since, 'epoch')
			FROM lockers WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
		if err != nil {
			return err
		}
		curs := map[string]*Cursor{}
		for rows.Next() {
			c := &Cursor{}
			if err := rows.Scan(&c.Locker, &c.StoredThrough, &c.MaxSeq, &c.Ahead, &c.HoleSince); err != nil {
				rows.Close()
				return err
			}
			if c.HoleSince.Unix() == 0 {
				c.HoleSince = time.Time{}
			}
			curs[c.Locker] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var copyRows [][]any
		var batch pgx.Batch
		i := 0
		for _, id := range ids {
			j := i
			for j < len(evs) && evs[j].Locker == id {
				j++
			}
			c := curs[id]
			first := c.StoredThrough
			mine, far := splitFarAhead(evs[i:j], first)
			if len(far) > 0 {
				b.FarAhead += len(far)
				conflictAlert(&batch, id, first, far)
			}
			if len(mine) == 0 {
				b.Cursors = append(b.Cursors, *c)
				i = j
				continue
			}
			stored, dup, applied, err := s.lockerEvents(ctx, tx, c, mine, now, &batch)
			if err != nil {
				return err
			}
			for _, e := range stored {
				copyRows = append(copyRows, eventRow(e, now))
			}
			b.Stored += len(stored)
			b.Duplicates += dup
			b.Applied = append(b.Applied, applied...)
			batch.Queue(`UPDATE lockers SET stored_through = $2, max_seq = $3, ahead = $4, hole_since = $5,
				duplicates = duplicates + $6, last_event_at = CASE WHEN $7 THEN $8 ELSE last_event_at END WHERE id = $1`,
				id, c.StoredThrough, c.MaxSeq, c.Ahead, nullTime(c.HoleSince), dup, len(stored) > 0, now)
			b.Cursors = append(b.Cursors, *c)
			i = j
		}
		if len(copyRows) > 0 {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"events"},
				[]string{"locker", "seq", "stored_at", "at", "boot", "clock_synced", "kind", "actor", "rent_id", "door_id", "detail", "body"},
				pgx.CopyFromRows(copyRows)); err != nil {
				return fmt.Errorf("copy events: %w", err)
			}
		}
		for _, e := range b.Applied {
			project(&batch, e, now)
			alertFromEvent(&batch, e)
		}
		return tx.SendBatch(ctx, &batch).Close()
	})
	if err != nil {
		return Batch{}, fmt.Errorf("store: events: %w", err)
	}
	return b, nil
}

// splitFarAhead parts one locker's events (sorted by seq) into those
// within MaxAhead of stored and those beyond.
func splitFarAhead(evs []Event, stored int64) (mine, far []Event) {
	n := len(evs)
	for n > 0 && evs[n-1].Seq > stored+MaxAhead {
		n--
	}
	return evs[:n], evs[n:]
}

// conflictAlert raises, in the batch, the alert for events refused far
// ahead; its message names the newest of them.
func conflictAlert(b *pgx.Batch, locker string, stored int64, far []Event) {
	q := far[len(far)-1].Seq
	msg := fmt.Sprintf("seq %d came %d ahead of the %d stored in order and was refused (at most %d ahead; %d such in the last batch): "+
		"another holder of this locker's certificate, or a locker whose store began again. Its own events go on being stored; "+
		"revoke and re-enrol the certificate if the locker did not send it", q, q-stored, stored, MaxAhead, len(far))
	b.Queue(`INSERT INTO alerts (locker, kind, subject, message) VALUES ($1, 'conflict', 'seq', $2)
		ON CONFLICT (locker, kind, subject) WHERE cleared_at IS NULL
		DO UPDATE SET message = excluded.message, updated_at = now(), count = alerts.count + 1`, locker, msg)
}

// conflicts raises, in the batch, a conflict alert when a duplicate seq
// came with another body than the one kept (compared as JSON): two
// events claim one seq, so another holder of the locker's certificate
// took a seq first, or the locker's store began again. The first one
// stays; a resend of the same event is no conflict.
func conflicts(ctx context.Context, tx pgx.Tx, locker string, dups []Event, fresh map[int64]Event, b *pgx.Batch) error {
	var seqs []int64
	var bodies []string
	for _, e := range dups {
		if f, ok := fresh[e.Seq]; ok {
			if !jsonEqual(f.Body, e.Body) {
				seqs, bodies = append(seqs, e.Seq), append(bodies, "")
			}
			continue
		}
		seqs, bodies = append(seqs, e.Seq), append(bodies, string(e.Body))
	}
	if len(seqs) == 0 {
		return nil
	}
	var bad []int64
	rows, err := tx.Query(ctx, `SELECT d.seq FROM unnest($2::bigint[], $3::text[]) AS d(seq, body)
		JOIN events e ON e.locker = $1 AND e.seq = d.seq
		WHERE d.body = '' OR e.body <> d.body::jsonb`, locker, seqs, bodies)
	if err != nil {
		return err
	}
	for rows.Next() {
		var q int64
		if err := rows.Scan(&q); err != nil {
			rows.Close()
			return err
		}
		bad = append(bad, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// One batch's new events are not in the table yet: their duplicates
	// were compared above, in Go.
	for i, q := range seqs {
		if bodies[i] == "" && !slices.Contains(bad, q) {
			bad = append(bad, q)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	msg := fmt.Sprintf("seq %d came twice with different contents (%d such in the last batch); the first is kept: another holder of this "+
		"locker's certificate, or a locker whose store began again. Revoke and re-enrol the certificate if the locker did not send both",
		slices.Max(bad), len(bad))
	b.Queue(`INSERT INTO alerts (locker, kind, subject, message) VALUES ($1, 'conflict', 'contents', $2)
		ON CONFLICT (locker, kind, subject) WHERE cleared_at IS NULL
		DO UPDATE SET message = excluded.message, updated_at = now(), count = alerts.count + 1`, locker, msg)
	return nil
}

// jsonEqual compares two JSON bodies as values, not bytes.
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(x, y)
}

// lockerEvents decides one locker's events (sorted by seq) against its
// cursor, which it moves; it queues the events_ahead changes on batch.
func (s *Store) lockerEvents(ctx context.Context, tx pgx.Tx, c *Cursor, evs []Event, now time.Time, batch *pgx.Batch) (
	stored []Event, dup int, applied []Event, err error) {
	old := c.StoredThrough
	var ahead map[int64]bool
	needAhead := c.Ahead > 0 || evs[len(evs)-1].Seq > c.StoredThrough+1
	if needAhead {
		ahead = map[int64]bool{}
		rows, err := tx.Query(ctx, `SELECT seq FROM events_ahead WHERE locker = $1`, c.Locker)
		if err != nil {
			return nil, 0, nil, err
		}
		for rows.Next() {
			var q int64
			if err := rows.Scan(&q); err != nil {
				rows.Close()
				return nil, 0, nil, err
			}
			ahead[q] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, nil, err
		}
	}
	fresh := map[int64]Event{}
	last := int64(-1)
	var dups []Event
	for _, e := range evs {
		if e.Seq <= c.StoredThrough || e.Seq == last || ahead[e.Seq] {
			dup++
			dups = append(dups, e)
			continue
		}
		last = e.Seq
		stored = append(stored, e)
		fresh[e.Seq] = e
		if e.Seq == c.StoredThrough+1 {
			c.StoredThrough = e.Seq
			for ahead[c.StoredThrough+1] {
				delete(ahead, c.StoredThrough+1)
				c.StoredThrough++
			}
		} else {
			if ahead == nil {
				ahead = map[int64]bool{}
			}
			ahead[e.Seq] = true
		}
		c.MaxSeq = max(c.MaxSeq, e.Seq)
	}
	// What became contiguous: from this batch, or stored ahead before.
	var earlier []int64
	for q := old + 1; q <= c.StoredThrough; q++ {
		if e, ok := fresh[q]; ok {
			applied = append(applied, e)
		} else {
			earlier = append(earlier, q)
		}
	}
	if len(earlier) > 0 {
		prev, err := s.readEvents(ctx, tx, c.Locker, earlier)
		if err != nil {
			return nil, 0, nil, err
		}
		applied = append(applied, prev...)
		slices.SortFunc(applied, func(x, y Event) int { return cmp.Compare(x.Seq, y.Seq) })
		batch.Queue(`DELETE FROM events_ahead WHERE locker = $1 AND seq <= $2`, c.Locker, c.StoredThrough)
	}
	var newAhead []int64
	for q := range ahead {
		if _, isNew := fresh[q]; isNew {
			newAhead = append(newAhead, q)
		}
	}
	if len(newAhead) > 0 {
		batch.Queue(`INSERT INTO events_ahead (locker, seq) SELECT $1, unnest($2::bigint[])`, c.Locker, newAhead)
	}
	if err := conflicts(ctx, tx, c.Locker, dups, fresh, batch); err != nil {
		return nil, 0, nil, err
	}
	c.Ahead = len(ahead)
	switch {
	case c.Ahead == 0:
		c.HoleSince = time.Time{}
	case c.HoleSince.IsZero() || c.StoredThrough > old:
		// A new hole, or the old one filled and another is open.
		c.HoleSince = now
	}
	return stored, dup, applied, nil
}

func (s *Store) readEvents(ctx context.Context, tx pgx.Tx, locker string, seqs []int64) ([]Event, error) {
	rows, err := tx.Query(ctx, `SELECT seq, at, boot, clock_synced, kind, actor, coalesce(rent_id, 0), coalesce(door_id, 0), detail, body::text
		FROM events WHERE locker = $1 AND seq = ANY($2) ORDER BY seq`, locker, seqs)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Event, error) {
		e := Event{Locker: locker}
		var body string
		err := r.Scan(&e.Seq, &e.At, &e.Boot, &e.ClockSynced, &e.Kind, &e.Actor, &e.RentID, &e.DoorID, &e.Detail, &body)
		e.Body = []byte(body)
		return e, err
	})
}

func eventRow(e Event, now time.Time) []any {
	return []any{e.Locker, e.Seq, now, e.At, e.Boot, e.ClockSynced, e.Kind, e.Actor, nullInt(e.RentID), nullInt(e.DoorID), e.Detail, string(e.Body)}
}

// rentStates are the rent.* kinds that are a rent's state; the others
// (extended, moved, problem) are news about a rent in the state it has.
var rentStates = map[string]bool{"booked": true, "reserved": true, "stored": true, "collected": true,
	"expired": true, "lapsed": true, "reclaimed": true, "cancelled": true}

// project applies what an event means to the operator's tables: a state
// kind moves the rent's state (and its door, when the event names one),
// rent.moved its door only, and every rent event is its newest news
// (last_kind, which the shops' feed reports).
func project(b *pgx.Batch, e Event, now time.Time) {
	kind, isRent := strings.CutPrefix(e.Kind, "rent.")
	if !isRent || e.RentID == 0 || strings.Contains(kind, ".") {
		return
	}
	if rentStates[kind] {
		b.Queue(`INSERT INTO rents (locker, rent_id, booking_id, parcel_ref, state, last_kind, door_id, created_at, updated_at, last_seq)
		SELECT $1, $2, bk.booking_id, bk.parcel_ref, $3, $3, $4, $5, $5, $6
		FROM (SELECT 1) one LEFT JOIN bookings bk ON bk.locker = $1 AND bk.rent_id = $2
		ON CONFLICT (locker, rent_id) DO UPDATE SET state = excluded.state, last_kind = excluded.last_kind,
			door_id = coalesce(excluded.door_id, rents.door_id), updated_at = excluded.updated_at, last_seq = excluded.last_seq
		WHERE rents.last_seq < excluded.last_seq`,
			e.Locker, e.RentID, kind, nullInt(e.DoorID), now, e.Seq)
		return
	}
	// Not a state: a rent central never saw in a state gets no row from it.
	door := any(nil)
	if kind == "moved" {
		door = nullInt(e.DoorID)
	}
	b.Queue(`UPDATE rents SET last_kind = $3, door_id = coalesce($4, door_id), updated_at = $5, last_seq = $6
		WHERE locker = $1 AND rent_id = $2 AND last_seq < $6`,
		e.Locker, e.RentID, kind, door, now, e.Seq)
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// Events lists a locker's stored events from seq after, in seq order, at
// most limit.
func (s *Store) Events(ctx context.Context, locker string, after int64, limit int) ([]Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT seq, at, boot, clock_synced, kind, actor, coalesce(rent_id, 0), coalesce(door_id, 0), detail, body::text
		FROM events WHERE locker = $1 AND seq > $2 ORDER BY seq LIMIT $3`, locker, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Event, error) {
		e := Event{Locker: locker}
		var body string
		err := r.Scan(&e.Seq, &e.At, &e.Boot, &e.ClockSynced, &e.Kind, &e.Actor, &e.RentID, &e.DoorID, &e.Detail, &body)
		e.Body = []byte(body)
		return e, err
	})
}

// CountRefused counts a body that named another locker than its topic.
func (s *Store) CountRefused(ctx context.Context, locker string, n int) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO lockers (id, refused) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET refused = lockers.refused + $2`, locker, n)
	if err != nil {
		return fmt.Errorf("store: refused: %w", err)
	}
	return nil
}
