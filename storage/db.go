package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Errors callers branch on with errors.Is.
var (
	ErrNotFound = errors.New("storage: not found")
	// ErrConflict means a guarded transition found the row in another state
	// than expected: someone else got there first, or the move is not allowed.
	ErrConflict = errors.New("storage: state changed meanwhile")
	// ErrDoorTaken means the door already holds an active rent.
	ErrDoorTaken = errors.New("storage: door already has an active rent")
)

// DB is the locker's store. It is safe for concurrent use; writes are
// serialised on the single connection.
type DB struct {
	sql *sql.DB
	// Now is the clock every transaction reads once; tests pin it.
	Now func() time.Time

	mu        sync.Mutex // protects following
	committed []func()
}

// OnCommit registers fn to run after every committed Update, on the
// committing goroutine: it must not block. The fleet link uses it to send
// a new event at once instead of polling the log.
func (db *DB) OnCommit(fn func()) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.committed = append(db.committed, fn)
}

// Open opens or creates the SQLite file at path and applies pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := privatize(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(5000)")
	// WAL lets readers go on during a write; FULL fsyncs the WAL on every
	// commit, so a committed rent survives a power cut.
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	sdb, err := sql.Open(driverName, "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	// One connection: one writer, and no "database is locked" between our
	// own goroutines.
	sdb.SetMaxOpenConns(1)
	db := &DB{sql: sdb, Now: time.Now}
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("storage: migrate %s: %w", path, err)
	}
	if err := privatizeSidecars(path); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database file.
func (db *DB) Close() error { return db.sql.Close() }

// Tx is one unit of work. Its methods must not be used after the function
// given to Update or View returns.
type Tx struct {
	tx  *sql.Tx
	now time.Time
}

// Now is the time of this transaction, the same for every row it writes.
func (tx *Tx) Now() time.Time { return tx.now }

// Update runs fn in one write transaction: it commits if fn returns nil and
// rolls back otherwise.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	defer stx.Rollback() // no-op after Commit
	if err := fn(&Tx{tx: stx, now: db.Now().UTC()}); err != nil {
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("storage: commit: %w", err)
	}
	db.mu.Lock()
	hooks := db.committed
	db.mu.Unlock()
	for _, fn := range hooks {
		fn()
	}
	return nil
}

// View runs fn in a transaction that is always rolled back.
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	stx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	defer stx.Rollback()
	return fn(&Tx{tx: stx, now: db.Now().UTC()})
}

func unix(t time.Time) int64 { return t.UnixMilli() }

func fromUnix(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return time.UnixMilli(ms.Int64).UTC()
}

func nullTime(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: unix(t), Valid: true}
}
