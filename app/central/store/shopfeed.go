package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// feedLock is the advisory lock of the feed's sequencer: one instance at a
// time hands out places.
const feedLock = 0x70756431 // "pud1"

// FeedStep hands out feed places (pos) to the shop events whose writers
// have all finished, in id order, and takes a new horizon; it returns how
// many got one. Any instance may call it at any time: one at a time
// works, the others return 0.
//
// Why a horizon: ids come from a sequence, so a transaction still running
// may hold a lower id than one already committed. The horizon is the
// highest id handed out and a transaction id above that of every writer
// then holding one: once no transaction below it runs, every row at or
// below the highest id that will ever exist is there to see. A snapshot's
// list of running transactions would not do: it leaves out those at or
// past its xmax (one past the newest finished), and the newest writer is
// often one of them.
func (s *Store) FeedStep(ctx context.Context) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var got bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, feedLock).Scan(&got); err != nil || !got {
			return err
		}
		var horizon int64
		var ready bool
		err := tx.QueryRow(ctx, `SELECT horizon_id, pg_snapshot_xmin(pg_current_snapshot()) >= horizon_xid FROM shop_feed`).Scan(&horizon, &ready)
		if err != nil || !ready {
			return err
		}
		// The next horizon's highest id, read while this transaction has
		// no transaction id (it wrote nothing yet): the triggers write a
		// row's id after the change that fired them took the writer's
		// transaction id, so every writer of an id at or below top has
		// one below the id this transaction takes with its first write.
		var top int64
		if err := tx.QueryRow(ctx, `SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM shop_events_id_seq`).Scan(&top); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `WITH pending AS (
				SELECT id, row_number() OVER (ORDER BY id) AS k FROM shop_events WHERE pos IS NULL AND id <= $1),
			placed AS (
				UPDATE shop_events e SET pos = f.last_pos + p.k FROM pending p, shop_feed f WHERE e.id = p.id RETURNING e.pos),
			moved AS (
				UPDATE shop_feed SET last_pos = coalesce((SELECT max(pos) FROM placed), last_pos),
					horizon_id = $2, horizon_xid = pg_current_xact_id() RETURNING 1)
			SELECT count(*) FROM placed, (SELECT count(*) FROM moved) m`, horizon, top).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("store: feed: %w", err)
	}
	return n, nil
}

// ShopEvent is one entry of a shop's feed.
type ShopEvent struct {
	Pos       int64
	BookingID string
	Kind      string
	Locker    string
	RentID    int64
	DoorID    int64
	ParcelRef string
	At        time.Time
}

// ShopEvents lists a shop's feed after pos, at most limit, and the last
// place handed out in the whole feed as the same read saw it: a reader
// that got fewer than limit may go on from there, past other shops'
// places, without missing one of its own.
func (s *Store) ShopEvents(ctx context.Context, shop, after int64, limit int) (evs []ShopEvent, end int64, err error) {
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT e.pos, e.booking_id, e.kind, e.locker, coalesce(e.rent_id, 0), coalesce(e.door_id, 0), sb.parcel_ref, e.at
			FROM shop_events e JOIN shop_bookings sb ON sb.booking_id = e.booking_id
			WHERE e.shop = $1 AND e.pos > $2 ORDER BY e.pos LIMIT $3`, shop, after, limit)
		if err != nil {
			return err
		}
		evs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ShopEvent, error) {
			var e ShopEvent
			err := r.Scan(&e.Pos, &e.BookingID, &e.Kind, &e.Locker, &e.RentID, &e.DoorID, &e.ParcelRef, &e.At)
			return e, err
		})
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT last_pos FROM shop_feed`).Scan(&end)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: feed: %w", err)
	}
	return evs, end, nil
}
