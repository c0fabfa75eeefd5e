// Package store is central's PostgreSQL: the migrations and every query
// central makes. Nothing else in central writes SQL.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is central's database, safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// ErrNotFound is a row that is not there.
var ErrNotFound = errors.New("store: not found")

// Open connects to url (postgres://...) with at most maxConns connections;
// it does not migrate.
func Open(ctx context.Context, url string, maxConns int32) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return &Store{pool: pool, now: time.Now}, nil
}

// Close closes every connection.
func (s *Store) Close() { s.pool.Close() }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// migrationLock is the advisory lock two instances starting at once take,
// so one migrates and the other waits.
const migrationLock = 0x70756430 // "pud0"

// Migrate applies the migrations not applied yet, in order, each in its
// own transaction, and makes the events partitions of this month and the
// next two. It returns the versions it applied.
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var applied []int
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "migrations/"), ".sql")
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("store: migration %s: its name must start with a number", f)
		}
		var done bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, v).Scan(&done); err != nil {
			return nil, fmt.Errorf("store: migrate: %w", err)
		}
		if done {
			continue
		}
		sql, _ := migrations.ReadFile(f)
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, v, name)
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("store: migration %s: %w", name, err)
		}
		applied = append(applied, v)
	}
	return applied, s.partitions(ctx, conn.Conn())
}

// Partitions makes the events partitions of this month and the next two
// (central's housekeeping calls it daily).
func (s *Store) Partitions(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	return s.partitions(ctx, conn.Conn())
}

func (s *Store) partitions(ctx context.Context, c *pgx.Conn) error {
	now := s.now().UTC()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		from := first.AddDate(0, i, 0)
		to := from.AddDate(0, 1, 0)
		name := fmt.Sprintf("events_%04d_%02d", from.Year(), from.Month())
		_, err := c.Exec(ctx, fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s PARTITION OF events FOR VALUES FROM ('%s') TO ('%s')`,
			name, from.Format(time.RFC3339), to.Format(time.RFC3339)))
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23514" {
			// The default partition holds rows of that month already (the
			// service was down at the turn of a month): they stay there.
			continue
		}
		if err != nil {
			return fmt.Errorf("store: partition %s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// Pool is the connection pool, for tests that look at rows directly.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }
