package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Roles are an operator account's roles, least first: read sees
// everything and changes nothing.
var Roles = []string{"read", "operator", "admin"}

// Operator is a dashboard account.
type Operator struct {
	ID           int64
	Name         string
	Role         string // read, operator or admin
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
}

// AddOperator makes an account; a name taken is ErrExists.
func (s *Store) AddOperator(ctx context.Context, name, role, passwordHash string) (Operator, error) {
	o := Operator{Name: name, Role: role, PasswordHash: passwordHash}
	err := s.pool.QueryRow(ctx, `INSERT INTO operators (name, role, password_hash, password_set_at) VALUES ($1, $2, $3, now())
		RETURNING id, created_at`, name, role, passwordHash).Scan(&o.ID, &o.CreatedAt)
	if isUnique(err) {
		return o, fmt.Errorf("store: operator %q: %w", name, ErrExists)
	}
	if err != nil {
		return o, fmt.Errorf("store: operator %q: %w", name, err)
	}
	return o, nil
}

// SetOperatorPassword replaces an account's password and ends its
// sessions.
func (s *Store) SetOperatorPassword(ctx context.Context, name, passwordHash string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `UPDATE operators SET password_hash = $2, password_set_at = now() WHERE name = $1 RETURNING id`, name, passwordHash).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store: operator %q: %w", name, ErrNotFound)
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM operator_sessions WHERE operator = $1`, id)
		return err
	})
}

// SetOperatorDisabled disables or enables an account; disabling ends its
// sessions.
func (s *Store) SetOperatorDisabled(ctx context.Context, name string, disabled bool) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `UPDATE operators SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END
			WHERE name = $1 RETURNING id`, name, disabled).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store: operator %q: %w", name, ErrNotFound)
		}
		if err != nil || !disabled {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM operator_sessions WHERE operator = $1`, id)
		return err
	})
}

const operatorCols = `id, name, role, coalesce(password_hash, ''), disabled_at IS NOT NULL, created_at`

func scanOperator(r pgx.CollectableRow) (Operator, error) {
	var o Operator
	err := r.Scan(&o.ID, &o.Name, &o.Role, &o.PasswordHash, &o.Disabled, &o.CreatedAt)
	return o, err
}

// OperatorByName finds an account, or ErrNotFound.
func (s *Store) OperatorByName(ctx context.Context, name string) (Operator, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+operatorCols+` FROM operators WHERE name = $1`, name)
	if err != nil {
		return Operator{}, fmt.Errorf("store: operator: %w", err)
	}
	o, err := pgx.CollectExactlyOneRow(rows, scanOperator)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, ErrNotFound
	}
	return o, err
}

// Operators lists every account by name.
func (s *Store) Operators(ctx context.Context) ([]Operator, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+operatorCols+` FROM operators ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: operators: %w", err)
	}
	return pgx.CollectRows(rows, scanOperator)
}

// Session is a signed-in operator, as a request finds it.
type Session struct {
	Operator  Operator
	CSRF      []byte
	CreatedAt time.Time
	SeenAt    time.Time
	ExpiresAt time.Time
}

// AddSession keeps a new session by its token's hash, made now (the
// caller's clock, the one its ends are read by) and ending by expires.
func (s *Store) AddSession(ctx context.Context, tokenHash []byte, operator int64, csrf []byte, now, expires time.Time, address string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO operator_sessions (token_hash, operator, csrf, created_at, seen_at, expires_at, address)
		VALUES ($1, $2, $3, $4, $4, $5, $6)`, tokenHash, operator, csrf, now, expires, address)
	if err != nil {
		return fmt.Errorf("store: session: %w", err)
	}
	return nil
}

// SessionByHash finds a live session of an enabled account and marks it
// seen; one idle since before idleBefore, or past its end, is
// ErrNotFound (and gone).
func (s *Store) SessionByHash(ctx context.Context, tokenHash []byte, now, idleBefore time.Time) (Session, error) {
	var ss Session
	err := s.pool.QueryRow(ctx, `UPDATE operator_sessions x SET seen_at = $2
		FROM operators o WHERE x.token_hash = $1 AND o.id = x.operator AND o.disabled_at IS NULL AND x.expires_at > $2 AND x.seen_at > $3
		RETURNING o.id, o.name, o.role, x.csrf, x.created_at, x.seen_at, x.expires_at`, tokenHash, now, idleBefore).
		Scan(&ss.Operator.ID, &ss.Operator.Name, &ss.Operator.Role, &ss.CSRF, &ss.CreatedAt, &ss.SeenAt, &ss.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return ss, ErrNotFound
	}
	if err != nil {
		return ss, fmt.Errorf("store: session: %w", err)
	}
	return ss, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM operator_sessions WHERE token_hash = $1`, tokenHash)
	return err
}

// PruneSessions drops sessions past their end or idle since before
// idleBefore.
func (s *Store) PruneSessions(ctx context.Context, now, idleBefore time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM operator_sessions WHERE expires_at <= $1 OR seen_at <= $2`, now, idleBefore)
	if err != nil {
		return 0, fmt.Errorf("store: sessions: %w", err)
	}
	return tag.RowsAffected(), nil
}
