package storage

import (
	"database/sql"
	"errors"
	"fmt"
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

const doorCols = `id, board, channel, size, col, row, low, out_of_service, oos_reason`

func scanDoor(s interface{ Scan(...any) error }) (Door, error) {
	var d Door
	err := s.Scan(&d.ID, &d.Board, &d.Channel, &d.Size, &d.Col, &d.Row, &d.Low, &d.OutOfService, &d.OOSReason)
	return d, err
}

// Doors lists every door in id order.
func (tx *Tx) Doors() ([]Door, error) {
	rows, err := tx.tx.Query(`SELECT ` + doorCols + ` FROM doors ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("storage: doors: %w", err)
	}
	defer rows.Close()
	var out []Door
	for rows.Next() {
		d, err := scanDoor(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: doors: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
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

// SetOutOfService takes a door out of service (on) or back in (off).
func (tx *Tx) SetOutOfService(id int64, on bool, reason string) error {
	res, err := tx.tx.Exec(`UPDATE doors SET out_of_service = ?, oos_reason = ? WHERE id = ?`, on, reason, id)
	if err != nil {
		return fmt.Errorf("storage: door %d out of service: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: door %d: %w", id, ErrNotFound)
	}
	return nil
}

// FreeDoors lists the in-service doors without an active rent, smallest
// first, low doors first within a size when preferLow is set.
func (tx *Tx) FreeDoors(preferLow bool) ([]Door, error) {
	order := `CASE size WHEN 'S' THEN 1 WHEN 'M' THEN 2 ELSE 3 END, id`
	if preferLow {
		order = `CASE size WHEN 'S' THEN 1 WHEN 'M' THEN 2 ELSE 3 END, low DESC, id`
	}
	rows, err := tx.tx.Query(`SELECT ` + doorCols + ` FROM doors d
		WHERE out_of_service = 0
		AND NOT EXISTS (SELECT 1 FROM rents r WHERE r.door_id = d.id
			AND r.state IN ('reserved', 'stored', 'expired'))
		ORDER BY ` + order)
	if err != nil {
		return nil, fmt.Errorf("storage: free doors: %w", err)
	}
	defer rows.Close()
	var out []Door
	for rows.Next() {
		d, err := scanDoor(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: free doors: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
