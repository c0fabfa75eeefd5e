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
	// Held is how many events older than the cut stay because a reader of
	// the log has not delivered them (Keep).
	Held int64
	// DroppedFrom..DroppedTo (inclusive) are undelivered events removed
	// all the same, past Keep.Max; zero when none were.
	DroppedFrom, DroppedTo int64
}

// Keep holds back events the log's readers (the fleet link's outbox, the
// webhooks) have not delivered yet.
type Keep struct {
	// From is the first seq some reader has not delivered; 0 holds nothing.
	From int64
	// Max bounds the undelivered events kept past the cut: beyond it the
	// oldest go anyway, so a reader that never delivers cannot grow the
	// store for ever. 0: no bound.
	Max int64
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
// before before, their door openings, and events older than before but
// those keep holds. The newest event and the newest rent always stay, so
// the chain goes on from the one and no id of the other is ever given out
// again.
func (tx *Tx) Prune(before time.Time, keep Keep) (Pruned, error) {
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
	err = tx.pruneEvents(b, keep, &p)
	return p, err
}

func (tx *Tx) pruneEvents(before int64, keep Keep, p *Pruned) error {
	var cutN, oldest sql.NullInt64
	err := tx.tx.QueryRow(`SELECT max(seq), (SELECT min(seq) FROM events) FROM events
		WHERE at < ? AND seq < (SELECT max(seq) FROM events)`, before).Scan(&cutN, &oldest)
	if err != nil {
		return fmt.Errorf("storage: prune events: %w", err)
	}
	if !cutN.Valid {
		return nil
	}
	// The retained log has no holes (Append numbers it, Prune cuts only
	// its head), so seqs count events.
	cut := cutN.Int64
	if from := max(keep.From, oldest.Int64); keep.From > 0 && from <= cut {
		undelivered := cut - from + 1
		if keep.Max > 0 && undelivered > keep.Max {
			p.DroppedFrom, p.DroppedTo = from, cut-keep.Max
			p.Held, cut = keep.Max, cut-keep.Max
		} else {
			p.Held, cut = undelivered, from-1
		}
	}
	if cut < oldest.Int64 {
		return nil
	}
	var first int64
	var prev []byte
	err = tx.tx.QueryRow(`SELECT seq, prev FROM events WHERE seq > ? ORDER BY seq LIMIT 1`, cut).Scan(&first, &prev)
	if err != nil {
		return fmt.Errorf("storage: prune events: %w", err)
	}
	res, err := tx.tx.Exec(`DELETE FROM events WHERE seq <= ?`, cut)
	if err != nil {
		return fmt.Errorf("storage: prune events: %w", err)
	}
	if err := tx.SetMeta(chainAnchorKey, encodeAnchor(first, prev)); err != nil {
		return err
	}
	p.Events, err = res.RowsAffected()
	return err
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
