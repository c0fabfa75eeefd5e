package core

import (
	"context"
	"fmt"
	"strings"

	"pudo/storage"
)

// Column is one column of doors as the operator describes it: which board
// drives it, its first channel, and the door sizes from top to bottom.
type Column struct {
	Board        uint8  `toml:"board"`
	FirstChannel uint8  `toml:"first_channel"`
	Sizes        string `toml:"sizes"` // e.g. "SSSMML", top to bottom
}

// DemoColumns is the built-in demo locker: 24 doors in four columns of
// small, medium and large doors on one board.
func DemoColumns() []Column {
	return []Column{
		{Board: 1, FirstChannel: 1, Sizes: "SSSSMM"},
		{Board: 1, FirstChannel: 7, Sizes: "SSMMLL"},
		{Board: 1, FirstChannel: 13, Sizes: "MMMLL"},
		{Board: 1, FirstChannel: 18, Sizes: "SSSSSML"},
	}
}

// LayoutError is one bad value of the door layout; Key is as it appears
// in the kiosk's TOML ("locker.columns[2].sizes").
type LayoutError struct {
	Key, Msg string
}

func (e *LayoutError) Error() string { return e.Key + ": " + e.Msg }

// Layout turns columns into doors, numbered 1.. column by column, top to
// bottom. The lowest lowRows doors of each column are the low, accessible
// ones.
func Layout(cols []Column, lowRows int) ([]storage.Door, error) {
	var out []storage.Door
	seen := map[[2]uint8]bool{}
	for c, col := range cols {
		sizes := strings.ToUpper(strings.ReplaceAll(col.Sizes, " ", ""))
		for i, s := range sizes {
			if s != 'S' && s != 'M' && s != 'L' {
				return nil, &LayoutError{Key: fmt.Sprintf("locker.columns[%d].sizes", c), Msg: fmt.Sprintf("%q is not S, M or L", s)}
			}
			ch := int(col.FirstChannel) + i
			if ch > 255 {
				return nil, &LayoutError{Key: fmt.Sprintf("locker.columns[%d]", c), Msg: fmt.Sprintf("channel %d out of range", ch)}
			}
			key := [2]uint8{col.Board, uint8(ch)}
			if seen[key] {
				return nil, &LayoutError{Key: fmt.Sprintf("locker.columns[%d]", c), Msg: fmt.Sprintf("board %d channel %d used twice", col.Board, ch)}
			}
			seen[key] = true
			out = append(out, storage.Door{
				ID: int64(len(out) + 1), Board: col.Board, Channel: uint8(ch), Size: string(s),
				Col: c + 1, Row: i + 1, Low: i >= len(sizes)-lowRows,
			})
		}
	}
	return out, nil
}

// SetUp makes the store's doors match the layout, and keeps the layout
// for availability, which flows ask inside their transactions.
func (l *Locker) SetUp(ctx context.Context, doors []storage.Door) error {
	if err := l.db.Update(ctx, func(tx *storage.Tx) error { return tx.SyncDoors(doors) }); err != nil {
		return err
	}
	ds, err := l.Doors(ctx)
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.doors = ds
	l.mu.Unlock()
	return nil
}
