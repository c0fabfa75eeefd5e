package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNameTaken means a staff name is already in use.
var ErrNameTaken = errors.New("storage: name taken")

// StaffMember is one staff account. PINHash is a slow hash; the PIN itself
// is never stored.
type StaffMember struct {
	ID        int64
	Name      string
	PINHash   string
	Failures  int
	Locked    bool
	CreatedAt time.Time
}

const staffCols = `id, name, pin_hash, failures, locked, created_at`

func scanStaff(s rowScanner) (StaffMember, error) {
	var m StaffMember
	var created int64
	err := s.Scan(&m.ID, &m.Name, &m.PINHash, &m.Failures, &m.Locked, &created)
	m.CreatedAt = time.UnixMilli(created).UTC()
	return m, err
}

// AddStaff creates an account. ErrNameTaken if the name is in use.
func (tx *Tx) AddStaff(name, pinHash string) (StaffMember, error) {
	res, err := tx.tx.Exec(`INSERT INTO staff (name, pin_hash, created_at) VALUES (?, ?, ?)`, name, pinHash, unix(tx.now))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed: staff.name") {
			return StaffMember{}, fmt.Errorf("storage: staff %q: %w", name, ErrNameTaken)
		}
		return StaffMember{}, fmt.Errorf("storage: add staff: %w", err)
	}
	id, _ := res.LastInsertId()
	return tx.StaffMember(id)
}

// StaffMember returns one account by id.
func (tx *Tx) StaffMember(id int64) (StaffMember, error) {
	m, err := scanStaff(tx.tx.QueryRow(`SELECT `+staffCols+` FROM staff WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("storage: staff %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("storage: staff %d: %w", id, err)
	}
	return m, nil
}

// StaffMembers lists every account in id order.
func (tx *Tx) StaffMembers() ([]StaffMember, error) {
	return queryAll(tx, "staff", scanStaff, `SELECT `+staffCols+` FROM staff ORDER BY id`)
}

// SetStaffFailures stores an account's count of wrong PIN re-entries and
// whether it is locked.
func (tx *Tx) SetStaffFailures(id int64, failures int, locked bool) error {
	res, err := tx.tx.Exec(`UPDATE staff SET failures = ?, locked = ? WHERE id = ?`, failures, locked, id)
	if err != nil {
		return fmt.Errorf("storage: staff %d failures: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: staff %d: %w", id, ErrNotFound)
	}
	return nil
}
