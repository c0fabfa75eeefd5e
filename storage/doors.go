package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Door is one lock of the locker as the store knows it.
type Door struct {
	ID           int64
	Board        uint8
	Channel      uint8
	Size         string // "S", "M" or "L"
	Col, Row     int
	Low          bool // reachable from a wheelchair
	OutOfService bool
	OOSReason    string
	// Fault is why the door last failed to open ("" when it works). Unlike
	// OutOfService it clears by itself when the door opens again.
	Fault string
	// PausedSince is when the door became unusable (fault or out of
	// service); zero while usable. Its rents do not age meanwhile.
	PausedSince time.Time
}

// SyncDoors makes the doors table match the configured layout: new doors are
// added, known doors (by board and channel) get their place and size updated.
// Doors that left the layout are kept, because rents point at them.
func (tx *Tx) SyncDoors(layout []Door) error {
	for _, d := range layout {
		_, err := tx.tx.Exec(`
			INSERT INTO doors (id, board, channel, size, col, row, low)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (board, channel) DO UPDATE SET
				size = excluded.size, col = excluded.col, row = excluded.row, low = excluded.low`,
			d.ID, d.Board, d.Channel, d.Size, d.Col, d.Row, d.Low)
		if err != nil {
			return fmt.Errorf("storage: sync door %d/%d: %w", d.Board, d.Channel, err)
		}
	}
	return nil
}

const doorCols = `id, board, channel, size, col, row, low, out_of_service, oos_reason, fault, paused_since`

func scanDoor(s rowScanner) (Door, error) {
	var d Door
	var paused sql.NullInt64
	err := s.Scan(&d.ID, &d.Board, &d.Channel, &d.Size, &d.Col, &d.Row, &d.Low, &d.OutOfService, &d.OOSReason, &d.Fault, &paused)
	d.PausedSince = fromUnix(paused)
	return d, err
}

// Doors lists every door in id order.
func (tx *Tx) Doors() ([]Door, error) {
	return queryAll(tx, "doors", scanDoor, `SELECT `+doorCols+` FROM doors ORDER BY id`)
}

// Door returns one door by id.
func (tx *Tx) Door(id int64) (Door, error) {
	d, err := scanDoor(tx.tx.QueryRow(`SELECT `+doorCols+` FROM doors WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Door{}, fmt.Errorf("storage: door %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Door{}, fmt.Errorf("storage: door %d: %w", id, err)
	}
	return d, nil
}

// DoorByAddress returns the door on a board channel.
func (tx *Tx) DoorByAddress(board, channel uint8) (Door, error) {
	d, err := scanDoor(tx.tx.QueryRow(`SELECT `+doorCols+` FROM doors WHERE board = ? AND channel = ?`, board, channel))
	if errors.Is(err, sql.ErrNoRows) {
		return Door{}, fmt.Errorf("storage: door %d/%d: %w", board, channel, ErrNotFound)
	}
	if err != nil {
		return Door{}, fmt.Errorf("storage: door %d/%d: %w", board, channel, err)
	}
	return d, nil
}
