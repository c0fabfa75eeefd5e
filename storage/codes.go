package storage

import (
	"database/sql"
	"errors"
	"fmt"
)

// SetRentQR records the hash of the secret a rent's QR carries.
func (tx *Tx) SetRentQR(rentID int64, hash []byte) error {
	_, err := tx.tx.Exec(`INSERT INTO rent_qr (rent_id, hash) VALUES (?, ?)
		ON CONFLICT (rent_id) DO UPDATE SET hash = excluded.hash`, rentID, hash)
	if err != nil {
		return fmt.Errorf("storage: rent %d QR: %w", rentID, err)
	}
	return nil
}

// RentQR returns the hash of the secret a rent's QR carries; nil when the
// rent has none (it was booked before QR secrets, or made without a QR).
func (tx *Tx) RentQR(rentID int64) ([]byte, error) {
	var h []byte
	err := tx.tx.QueryRow(`SELECT hash FROM rent_qr WHERE rent_id = ?`, rentID).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("storage: rent %d QR: %w", rentID, err)
	}
	return h, nil
}

// ReplacePickupMAC gives every rent whose pickup credential is old the
// credential new instead (a code checked the old way, rehashed on use),
// whatever its state: the rents sharing one code keep sharing it. It
// returns how many rents changed.
func (tx *Tx) ReplacePickupMAC(old, new []byte) (int64, error) {
	res, err := tx.tx.Exec(`UPDATE rents SET pickup_mac = ? WHERE pickup_mac = ?`, new, old)
	if err != nil {
		return 0, fmt.Errorf("storage: rehash pickup code: %w", err)
	}
	return res.RowsAffected()
}

// ReplaceDropoffMAC is ReplacePickupMAC for a return's drop-off code.
func (tx *Tx) ReplaceDropoffMAC(old, new []byte) (int64, error) {
	res, err := tx.tx.Exec(`UPDATE rents SET dropoff_mac = ? WHERE dropoff_mac = ?`, new, old)
	if err != nil {
		return 0, fmt.Errorf("storage: rehash return code: %w", err)
	}
	return res.RowsAffected()
}
