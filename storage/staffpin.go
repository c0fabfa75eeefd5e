package storage

import "fmt"

// SetStaffPINHash replaces an account's PIN hash (the same PIN hashed
// anew, in a newer form).
func (tx *Tx) SetStaffPINHash(id int64, hash string) error {
	res, err := tx.tx.Exec(`UPDATE staff SET pin_hash = ? WHERE id = ?`, hash, id)
	if err != nil {
		return fmt.Errorf("storage: staff %d PIN: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: staff %d: %w", id, ErrNotFound)
	}
	return nil
}
