package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Lockout is the persisted guess-protection state of one scope ("code",
// "staff"). The rules that move it live in the app; the store only keeps it,
// so that a restart does not reset an attacker's count.
type Lockout struct {
	Scope    string
	Streak   int       // wrong entries in a row
	LastFail time.Time // zero: none
	Until    time.Time // entry paused until then; zero: not paused
}

// Lockout returns the state of scope; a scope never written is all zero.
func (tx *Tx) Lockout(scope string) (Lockout, error) {
	lo := Lockout{Scope: scope}
	var last, until sql.NullInt64
	err := tx.tx.QueryRow(`SELECT streak, last_fail, until FROM lockouts WHERE scope = ?`, scope).
		Scan(&lo.Streak, &last, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return lo, nil
	}
	if err != nil {
		return lo, fmt.Errorf("storage: lockout %s: %w", scope, err)
	}
	lo.LastFail, lo.Until = fromUnix(last), fromUnix(until)
	return lo, nil
}

// SetLockout stores the state of lo.Scope.
func (tx *Tx) SetLockout(lo Lockout) error {
	_, err := tx.tx.Exec(`INSERT INTO lockouts (scope, streak, last_fail, until) VALUES (?, ?, ?, ?)
		ON CONFLICT (scope) DO UPDATE SET streak = excluded.streak, last_fail = excluded.last_fail, until = excluded.until`,
		lo.Scope, lo.Streak, nullTime(lo.LastFail), nullTime(lo.Until))
	if err != nil {
		return fmt.Errorf("storage: set lockout %s: %w", lo.Scope, err)
	}
	return nil
}

// AddFailure records one wrong entry in scope at the transaction's time and
// returns how many scope has seen since since.
func (tx *Tx) AddFailure(scope string, since time.Time) (int, error) {
	if _, err := tx.tx.Exec(`INSERT INTO lockout_failures (scope, at) VALUES (?, ?)`, scope, unix(tx.now)); err != nil {
		return 0, fmt.Errorf("storage: lockout %s failure: %w", scope, err)
	}
	var n int
	err := tx.tx.QueryRow(`SELECT count(*) FROM lockout_failures WHERE scope = ? AND at > ?`, scope, unix(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: lockout %s failures: %w", scope, err)
	}
	return n, nil
}

// PruneFailures forgets wrong entries older than before.
func (tx *Tx) PruneFailures(before time.Time) (int64, error) {
	res, err := tx.tx.Exec(`DELETE FROM lockout_failures WHERE at < ?`, unix(before))
	if err != nil {
		return 0, fmt.Errorf("storage: prune lockout failures: %w", err)
	}
	return res.RowsAffected()
}
