package storage

import (
	"database/sql"
	"errors"
	"fmt"
)

// SetRentOwner records which API key booked a rent. A reused rent id takes
// the new owner.
func (tx *Tx) SetRentOwner(rentID int64, owner string) error {
	_, err := tx.tx.Exec(`INSERT INTO api_rent_owners (rent_id, owner) VALUES (?, ?)
		ON CONFLICT (rent_id) DO UPDATE SET owner = excluded.owner`, rentID, owner)
	if err != nil {
		return fmt.Errorf("storage: rent %d owner: %w", rentID, err)
	}
	return nil
}

// RentOwner returns the API key name that booked a rent, or ErrNotFound
// for rents made at the kiosk itself.
func (tx *Tx) RentOwner(rentID int64) (string, error) {
	var owner string
	err := tx.tx.QueryRow(`SELECT owner FROM api_rent_owners WHERE rent_id = ?`, rentID).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("storage: rent %d owner: %w", rentID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("storage: rent %d owner: %w", rentID, err)
	}
	return owner, nil
}

// EventsOf lists up to limit events after seq that concern rents booked by
// owner, oldest first. An empty owner means every event.
func (tx *Tx) EventsOf(owner string, after int64, limit int) ([]Event, error) {
	if owner == "" {
		return tx.Events(after, limit)
	}
	rows, err := tx.tx.Query(`SELECT e.seq, e.at, e.actor, e.kind, e.door_id, e.rent_id, e.detail, e.code_for, e.code_sealed, e.prev, e.hash
		FROM events e JOIN api_rent_owners o ON o.rent_id = e.rent_id
		WHERE e.seq > ? AND o.owner = ? ORDER BY e.seq LIMIT ?`, after, owner, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: events of %s: %w", owner, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: events of %s: %w", owner, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastSeq is the seq of the newest event, 0 for an empty log.
func (tx *Tx) LastSeq() (int64, error) {
	var seq sql.NullInt64
	if err := tx.tx.QueryRow(`SELECT max(seq) FROM events`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("storage: last event: %w", err)
	}
	return seq.Int64, nil
}

// CountEvents counts events after seq by kind, and returns the newest seq it
// saw, so a caller can keep running totals without rereading the log.
func (tx *Tx) CountEvents(after int64) (map[string]int64, int64, error) {
	rows, err := tx.tx.Query(`SELECT kind, count(*), max(seq) FROM events WHERE seq > ? GROUP BY kind`, after)
	if err != nil {
		return nil, after, fmt.Errorf("storage: count events: %w", err)
	}
	defer rows.Close()
	out, last := map[string]int64{}, after
	for rows.Next() {
		var kind string
		var n, maxSeq int64
		if err := rows.Scan(&kind, &n, &maxSeq); err != nil {
			return nil, after, fmt.Errorf("storage: count events: %w", err)
		}
		out[kind] = n
		last = max(last, maxSeq)
	}
	return out, last, rows.Err()
}

// RentOwners returns the owners of those of ids that were booked through
// the API.
func (tx *Tx) RentOwners(ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for _, id := range ids {
		owner, err := tx.RentOwner(id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = owner
	}
	return out, nil
}
