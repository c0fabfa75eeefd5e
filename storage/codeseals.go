package storage

import (
	"database/sql"
	"errors"
	"fmt"
)

// CodeSeal is a walk-in's pickup code sealed for its carrier, kept from
// the drop-off's start until the event storing the rent carries it out.
// The store cannot open Sealed; nil means the carrier has no key here.
type CodeSeal struct {
	Carrier string
	Sealed  []byte
}

// KeepCodeSeal records the sealed code of a reserved rent.
func (tx *Tx) KeepCodeSeal(rentID int64, s CodeSeal) error {
	if s.Carrier == "" {
		return fmt.Errorf("storage: rent %d: a sealed code names no carrier", rentID)
	}
	_, err := tx.tx.Exec(`INSERT INTO code_seals (rent_id, carrier, sealed) VALUES (?, ?, ?)`, rentID, s.Carrier, s.Sealed)
	if err != nil {
		return fmt.Errorf("storage: rent %d code seal: %w", rentID, err)
	}
	return nil
}

// TakeCodeSeal removes and returns a rent's sealed code; ok is false when
// it has none (a booking, a return, or taken already).
func (tx *Tx) TakeCodeSeal(rentID int64) (s CodeSeal, ok bool, err error) {
	err = tx.tx.QueryRow(`DELETE FROM code_seals WHERE rent_id = ? RETURNING carrier, sealed`, rentID).Scan(&s.Carrier, &s.Sealed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return CodeSeal{}, false, nil
	case err != nil:
		return CodeSeal{}, false, fmt.Errorf("storage: rent %d code seal: %w", rentID, err)
	}
	return s, true, nil
}
