package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AddEnrolment keeps a one-time enrolment token's hash for a locker.
func (s *Store) AddEnrolment(ctx context.Context, hash []byte, locker string, expires time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO enrolments (token_hash, locker, expires_at) VALUES ($1, $2, $3)`, hash, locker, expires)
	if err != nil {
		return fmt.Errorf("store: enrolment: %w", err)
	}
	return nil
}

// ErrTokenSpent is an enrolment token unknown, used or expired: the three
// answer alike.
var ErrTokenSpent = errors.New("store: enrolment token unknown, used or expired")

// UseEnrolment spends a token for locker (once), or ErrTokenSpent.
func (s *Store) UseEnrolment(ctx context.Context, hash []byte, locker, serial string) error {
	var l string
	err := s.pool.QueryRow(ctx, `UPDATE enrolments SET used_at = now(), cert_serial = $3
		WHERE token_hash = $1 AND locker = $2 AND used_at IS NULL AND expires_at > now() RETURNING locker`, hash, locker, serial).Scan(&l)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrTokenSpent
	}
	if err != nil {
		return fmt.Errorf("store: enrolment: %w", err)
	}
	return nil
}

// SetCertificate records the certificate central issued a locker.
func (s *Store) SetCertificate(ctx context.Context, locker, serial string, notAfter time.Time, enrolled bool) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO lockers (id, cert_serial, cert_not_after, enrolled_at) VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END)
		ON CONFLICT (id) DO UPDATE SET cert_serial = $2, cert_not_after = $3, enrolled_at = coalesce(CASE WHEN $4 THEN now() END, lockers.enrolled_at)`,
		locker, serial, notAfter, enrolled)
	if err != nil {
		return fmt.Errorf("store: certificate: %w", err)
	}
	return nil
}
