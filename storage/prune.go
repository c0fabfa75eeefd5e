package storage

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// chainAnchorKey holds the seq and prev hash of the first retained event
// after a prune, so verification can start there and still notice rows
// removed from the head by anyone but Prune.
const chainAnchorKey = "events.anchor"

// Pruned says what Prune removed.
type Pruned struct {
	Rents, Opens, Events int64
}

// prunableRent selects the rents Prune removes (one argument: the cut).
// The newest rent always stays: SQLite gives a new row the largest id plus
// one, so deleting the newest rent would hand its id, which QR tokens and
// the back office hold, to the next booking.
// A rent whose door opening is unfinished or flagged for staff stays too:
// staff have not looked at the door yet.
const prunableRent = `ended_at IS NOT NULL AND ended_at < ?
	AND state IN ('collected', 'reclaimed', 'cancelled')
	AND id < (SELECT max(id) FROM rents)
	AND NOT EXISTS (SELECT 1 FROM door_opens o WHERE o.rent_id = rents.id AND o.state IN ('intent', 'flagged'))`

// Prune removes ended rents (collected, reclaimed, cancelled) that ended
// before before, their door openings, and events older than before. The
// newest event and the newest rent always stay, so the chain goes on from
// the one and no id of the other is ever given out again.
func (tx *Tx) Prune(before time.Time) (Pruned, error) {
	var p Pruned
	b := unix(before)
	res, err := tx.tx.Exec(`DELETE FROM door_opens WHERE rent_id IN (SELECT id FROM rents WHERE `+prunableRent+`)`, b)
	if err != nil {
		return p, fmt.Errorf("storage: prune door opens: %w", err)
	}
	p.Opens, _ = res.RowsAffected()
	res, err = tx.tx.Exec(`DELETE FROM door_opens WHERE rent_id IS NULL AND created_at < ?
		AND state NOT IN ('intent', 'flagged')`, b)
	if err != nil {
		return p, fmt.Errorf("storage: prune door opens: %w", err)
	}
	n, _ := res.RowsAffected()
	p.Opens += n
	res, err = tx.tx.Exec(`DELETE FROM rents WHERE `+prunableRent, b)
	if err != nil {
		return p, fmt.Errorf("storage: prune rents: %w", err)
	}
	p.Rents, _ = res.RowsAffected()
	p.Events, err = tx.pruneEvents(b)
	return p, err
}

func (tx *Tx) pruneEvents(before int64) (int64, error) {
	var cut sql.NullInt64
	err := tx.tx.QueryRow(`SELECT max(seq) FROM events WHERE at < ? AND seq < (SELECT max(seq) FROM events)`, before).Scan(&cut)
	if err != nil {
		return 0, fmt.Errorf("storage: prune events: %w", err)
	}
	if !cut.Valid {
		return 0, nil
	}
	var first int64
	var prev []byte
	err = tx.tx.QueryRow(`SELECT seq, prev FROM events WHERE seq > ? ORDER BY seq LIMIT 1`, cut.Int64).Scan(&first, &prev)
	if err != nil {
		return 0, fmt.Errorf("storage: prune events: %w", err)
	}
	res, err := tx.tx.Exec(`DELETE FROM events WHERE seq <= ?`, cut.Int64)
	if err != nil {
		return 0, fmt.Errorf("storage: prune events: %w", err)
	}
	if err := tx.SetMeta(chainAnchorKey, encodeAnchor(first, prev)); err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func encodeAnchor(seq int64, prev []byte) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(seq)), prev...)
}

// anchor returns where the retained chain must start; ok is false when
// nothing was ever pruned.
func (tx *Tx) anchor() (seq int64, prev []byte, ok bool, err error) {
	v, err := tx.Meta(chainAnchorKey)
	if errors.Is(err, ErrNotFound) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, err
	}
	if len(v) < 8 {
		return 0, nil, false, fmt.Errorf("storage: events anchor: %w", ErrChainBroken)
	}
	return int64(binary.BigEndian.Uint64(v)), v[8:], true, nil
}
