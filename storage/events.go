package storage

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Event is one entry of the audit log. Detail must never hold a raw pickup
// code or PIN; the log is kept for months and read by staff.
type Event struct {
	Seq    int64
	At     time.Time
	Actor  string // "shopper", "courier:17", "staff:anna", "system"
	Kind   string // "door.open", "rent.collected", "code.wrong", ...
	DoorID int64  // 0: none
	RentID int64  // 0: none
	Detail string
	// CodeFor and CodeSealed hand a walk-in's pickup code to the back
	// office of the carrier CodeFor names, on the event that stores its
	// rent: CodeSealed is the code sealed for that carrier alone (the store
	// cannot open it), nil when the carrier has no key at this locker.
	// Both are empty on every other event.
	CodeFor    string
	CodeSealed []byte
	Prev       []byte
	Hash       []byte
}

// ErrChainBroken means the event log was edited or rows were removed from
// its middle.
var ErrChainBroken = errors.New("storage: event chain broken")

// Append adds an event to the log, chained to the one before it.
func (tx *Tx) Append(e Event) (Event, error) {
	prev := make([]byte, sha256.Size)
	var last []byte
	err := tx.tx.QueryRow(`SELECT hash FROM events ORDER BY seq DESC LIMIT 1`).Scan(&last)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return Event{}, fmt.Errorf("storage: append event: %w", err)
	default:
		prev = last
	}
	if e.CodeFor == "" && e.CodeSealed != nil {
		return Event{}, fmt.Errorf("storage: append event %s: a sealed code names no carrier", e.Kind)
	}
	e.At, e.Prev = tx.now, prev
	e.Hash = chainHash(e)
	res, err := tx.tx.Exec(`INSERT INTO events (at, actor, kind, door_id, rent_id, detail, code_for, code_sealed, prev, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		unix(e.At), e.Actor, e.Kind, nullID(e.DoorID), nullID(e.RentID), e.Detail, nullText(e.CodeFor), e.CodeSealed, e.Prev, e.Hash)
	if err != nil {
		return Event{}, fmt.Errorf("storage: append event %s: %w", e.Kind, err)
	}
	e.Seq, _ = res.LastInsertId()
	return e, nil
}

// chainHash covers every field but Seq, each length-prefixed so that no two
// different rows hash alike. The code fields come last and only when set,
// so the events written before they existed keep their hashes.
func chainHash(e Event) []byte {
	h := sha256.New()
	h.Write(e.Prev)
	var n [8]byte
	for _, v := range []int64{unix(e.At), e.DoorID, e.RentID} {
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	fields := []string{e.Actor, e.Kind, e.Detail}
	if e.CodeFor != "" {
		fields = append(fields, e.CodeFor, string(e.CodeSealed))
	}
	for _, s := range fields {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	return h.Sum(nil)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func nullText(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

const eventCols = `seq, at, actor, kind, door_id, rent_id, detail, code_for, code_sealed, prev, hash`

func scanEvent(s rowScanner) (Event, error) {
	var e Event
	var at int64
	var door, rent sql.NullInt64
	var codeFor sql.NullString
	err := s.Scan(&e.Seq, &at, &e.Actor, &e.Kind, &door, &rent, &e.Detail, &codeFor, &e.CodeSealed, &e.Prev, &e.Hash)
	e.At, e.DoorID, e.RentID, e.CodeFor = time.UnixMilli(at).UTC(), door.Int64, rent.Int64, codeFor.String
	return e, err
}

// Events lists up to limit events with seq greater than after, oldest first.
func (tx *Tx) Events(after int64, limit int) ([]Event, error) {
	return queryAll(tx, "events", scanEvent, `SELECT `+eventCols+` FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
}

// VerifyChain checks every retained event against its predecessor. The
// first retained row must be the one Prune recorded as the anchor (or the
// very first event, if nothing was pruned): older rows may have been pruned,
// but no row may go missing otherwise.
func (tx *Tx) VerifyChain() (checked int64, err error) {
	anchorSeq, anchorPrev, anchored, err := tx.anchor()
	if err != nil {
		return 0, err
	}
	rows, err := tx.tx.Query(`SELECT ` + eventCols + ` FROM events ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("storage: verify events: %w", err)
	}
	defer rows.Close()
	var prev []byte
	if !anchored {
		prev = make([]byte, sha256.Size)
	}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return checked, fmt.Errorf("storage: verify events: %w", err)
		}
		if checked == 0 && anchored && (e.Seq != anchorSeq || !bytes.Equal(e.Prev, anchorPrev)) {
			return checked, fmt.Errorf("storage: event %d is not the retained start %d: %w", e.Seq, anchorSeq, ErrChainBroken)
		}
		if prev != nil && !bytes.Equal(e.Prev, prev) {
			return checked, fmt.Errorf("storage: event %d: %w", e.Seq, ErrChainBroken)
		}
		if !bytes.Equal(chainHash(e), e.Hash) {
			return checked, fmt.Errorf("storage: event %d: %w", e.Seq, ErrChainBroken)
		}
		prev = e.Hash
		checked++
	}
	return checked, rows.Err()
}

// EventsBefore lists up to limit events with seq below before (0: from the
// newest), newest first, for paging the log backwards. With kindPrefix
// set, only events whose kind starts with it ("alert.").
func (tx *Tx) EventsBefore(before int64, limit int, kindPrefix string) ([]Event, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	q, args := `SELECT `+eventCols+` FROM events WHERE seq < ?`, []any{before}
	if kindPrefix != "" {
		// substr, not LIKE: a kind is matched as it is, "_" and "%" included.
		q, args = q+` AND substr(kind, 1, ?) = ?`, append(args, len(kindPrefix), kindPrefix)
	}
	return queryAll(tx, "events", scanEvent, q+` ORDER BY seq DESC LIMIT ?`, append(args, limit)...)
}
