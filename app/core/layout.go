package core

import (
	"context"

	"pudo/app"
	"pudo/storage"
)

// Layout is app.Layout's doors as the store keeps them.
func Layout(cols []app.Column, lowRows int) ([]storage.Door, error) {
	doors, err := app.Layout(cols, lowRows)
	if err != nil {
		return nil, err
	}
	out := make([]storage.Door, len(doors))
	for i, d := range doors {
		out[i] = storage.Door{ID: d.ID, Board: d.Board, Channel: d.Channel, Size: string(d.Size), Col: d.Col, Row: d.Row, Low: d.Low}
	}
	return out, nil
}

// SetUp makes the store's doors match the layout, and keeps the layout
// for availability, which flows ask inside their transactions.
func (l *Locker) SetUp(ctx context.Context, doors []storage.Door) error {
	if err := l.db.Update(ctx, func(tx *storage.Tx) error { return tx.SyncDoors(doors) }); err != nil {
		return err
	}
	if err := l.settleCodeCost(ctx); err != nil {
		return err
	}
	if err := l.loadClock(ctx); err != nil {
		return err
	}
	ds, err := l.allDoors(ctx)
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.doors = ds
	l.mu.Unlock()
	return nil
}
