package core

import (
	"context"
	"testing"

	"pudo/storage"
)

// ownQR gives a rent a fresh QR secret, as booking it does, and returns
// its QR.
func ownQR(t testing.TB, l *Locker, rentID int64) string {
	t.Helper()
	var qr string
	err := l.db.Update(context.Background(), func(tx *storage.Tx) error {
		r, err := tx.Rent(rentID)
		if err != nil {
			return err
		}
		qr, err = l.bookingToken(tx, r, l.opts)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return qr
}
