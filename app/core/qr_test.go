package core

import (
	"context"
	"strconv"
	"testing"
	"time"

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

// ownQRAt is ownQR with a QR issued at issued.
func ownQRAt(t testing.TB, l *Locker, rentID int64, issued time.Time) string {
	t.Helper()
	tok := Token{Kind: TokenPickup, Subject: strconv.FormatInt(rentID, 10), Issued: issued, Expires: issued.Add(72 * time.Hour), Secret: newQRSecret()}
	err := l.db.Update(context.Background(), func(tx *storage.Tx) error { return tx.SetRentQR(rentID, qrHash(tok.Secret)) })
	if err != nil {
		t.Fatal(err)
	}
	return SignToken(l.tokenKey, tok)
}
