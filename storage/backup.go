package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"
)

// keepMigrationBackups is how many pre-migration copies stay beside the
// database; older ones are removed so upgrades cannot fill the disk.
const keepMigrationBackups = 3

// Backup writes a consistent copy of the database to dst with VACUUM INTO,
// while other connections and processes go on writing: the copy is one
// transaction's snapshot, compacted, with no -wal file to go with it. It
// writes dst+".partial" first, checks the copy's integrity, fsyncs it and
// renames it into place, so dst is either whole or absent. dst must not exist.
func (db *DB) Backup(ctx context.Context, dst string) error {
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("storage: backup: %s already exists", dst)
	}
	tmp := dst + ".partial"
	os.Remove(tmp) // a leftover of an interrupted backup
	// VACUUM INTO fills an empty file as it finds it: made owner-only
	// first, the copy is never readable by others, not even while written.
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, FileMode)
	if err != nil {
		return fmt.Errorf("storage: backup to %s: %w", dst, err)
	}
	f.Close()
	if _, err := db.sql.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("storage: backup to %s: %w", dst, err)
	}
	if err := finishBackup(ctx, tmp, dst); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("storage: backup to %s: %w", dst, err)
	}
	return nil
}

// finishBackup checks, restricts, syncs and renames a fresh copy.
func finishBackup(ctx context.Context, tmp, dst string) error {
	// The copy holds code MACs and the audit log: owner-only, like the data
	// dir, whatever the umask took off or left on.
	if err := os.Chmod(tmp, FileMode); err != nil {
		return err
	}
	if err := quickCheck(ctx, tmp); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err != nil {
		return err
	}
	err = f.Sync()
	f.Close()
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// quickCheck runs PRAGMA quick_check on a closed database file.
func quickCheck(ctx context.Context, path string) error {
	sdb, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer sdb.Close()
	var res string
	if err := sdb.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil {
		return fmt.Errorf("check copy: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("check copy: %s", res)
	}
	return nil
}

// BackupFile writes a consistent copy of the database file src to dst, as
// Backup does, without migrating src: it is for `pudo backup` next to a
// running kiosk, whose schema may be older or newer than this binary's.
func BackupFile(ctx context.Context, src, dst string) error {
	return Inspect(ctx, src, func(db *DB) error { return db.Backup(ctx, dst) })
}

// Inspect opens the database file at path read-only, without applying
// migrations, and hands it to fn: for backups and `pudo doctor`, which run
// beside the kiosk. The file must exist. When run as root it leaves any
// -wal or -shm file it had to create owned by the database's owner, so the
// kiosk's unprivileged user can still open the database afterwards.
func Inspect(ctx context.Context, path string, fn func(*DB) error) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("storage: inspect: %w", err)
	}
	existed := map[string]bool{}
	for _, s := range []string{"-wal", "-shm"} {
		_, err := os.Lstat(path + s)
		existed[s] = err == nil
	}
	defer func() {
		if os.Geteuid() != 0 {
			return
		}
		sys, ok := st.Sys().(*syscall.Stat_t)
		if !ok {
			return
		}
		for s, was := range existed {
			if !was {
				os.Lchown(path+s, int(sys.Uid), int(sys.Gid)) // absent again is fine
			}
		}
	}()
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(5000)")
	sdb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("storage: inspect %s: %w", path, err)
	}
	defer sdb.Close()
	sdb.SetMaxOpenConns(1)
	if err := sdb.PingContext(ctx); err != nil {
		return fmt.Errorf("storage: inspect %s: %w", path, err)
	}
	return fn(&DB{sql: sdb, Now: time.Now})
}

// Check is what `pudo doctor` learns about a database.
type Check struct {
	// Integrity is PRAGMA integrity_check's verdict: "ok", or its first
	// findings joined by "; ".
	Integrity string
	// Events is how many chained events were verified; Chain is nil when
	// they all hold, else an error wrapping ErrChainBroken (or a read error).
	Events int64
	Chain  error
	// LastEvent is the time of the newest event, zero with none: a clock
	// behind it has gone backwards.
	LastEvent time.Time
	// Applied counts applied migrations; Pending lists those this binary
	// would apply on the next Open.
	Applied int
	Pending []string
}

// OK reports whether nothing is wrong with the data itself.
func (c Check) OK() bool { return c.Integrity == "ok" && c.Chain == nil }

// Check runs PRAGMA integrity_check, verifies the event chain and compares
// the applied migrations with this binary's. It reads only.
func (db *DB) Check(ctx context.Context) (Check, error) {
	var c Check
	rows, err := db.sql.QueryContext(ctx, `PRAGMA integrity_check(20)`)
	if err != nil {
		return c, fmt.Errorf("storage: integrity check: %w", err)
	}
	var findings []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return c, fmt.Errorf("storage: integrity check: %w", err)
		}
		findings = append(findings, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("storage: integrity check: %w", err)
	}
	c.Integrity = strings.Join(findings, "; ")
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return c, err
	}
	c.Applied = len(applied)
	c.Pending, err = pendingMigrations(applied)
	if err != nil {
		return c, err
	}
	var events int
	if err := db.sql.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'events'`).Scan(&events); err != nil {
		return c, fmt.Errorf("storage: events table: %w", err)
	}
	if events == 0 {
		return c, nil // not a Pudo database yet: no event chain to verify
	}
	err = db.View(ctx, func(tx *Tx) error {
		c.Events, c.Chain = tx.VerifyChain()
		var at sql.NullInt64
		if err := tx.tx.QueryRowContext(ctx, `SELECT max(at) FROM events`).Scan(&at); err != nil {
			return fmt.Errorf("storage: last event: %w", err)
		}
		c.LastEvent = fromUnix(at)
		return nil
	})
	return c, err
}

// AppliedMigrations counts the migrations recorded in the database: 0 for
// an empty file or one that is not a Pudo database.
func (db *DB) AppliedMigrations(ctx context.Context) (int, error) {
	applied, err := db.appliedMigrations(ctx)
	return len(applied), err
}

// appliedMigrations lists the recorded migrations; none when the table is
// missing (a new or foreign file).
func (db *DB) appliedMigrations(ctx context.Context) (map[string]bool, error) {
	var n int
	if err := db.sql.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n); err != nil {
		return nil, fmt.Errorf("storage: migrations: %w", err)
	}
	applied := map[string]bool{}
	if n == 0 {
		return applied, nil
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("storage: migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("storage: migrations: %w", err)
		}
		applied[name] = true
	}
	return applied, rows.Err()
}

// pendingMigrations lists this binary's migrations missing from applied,
// in the order migrate applies them.
func pendingMigrations(applied map[string]bool) ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var pending []string
	for _, n := range names {
		if !applied[n] {
			pending = append(pending, n)
		}
	}
	return pending, nil
}

// backupBeforeMigrate keeps a copy of a database that holds data before
// migrate changes it: <db>.pre-<first pending migration>-<UTC time>.bak,
// beside the file. A new, empty database has nothing to keep.
func (db *DB) backupBeforeMigrate(ctx context.Context) error {
	applied, err := db.appliedMigrations(ctx)
	if err != nil || len(applied) == 0 {
		return err
	}
	pending, err := pendingMigrations(applied)
	if err != nil || len(pending) == 0 {
		return err
	}
	path, err := db.file(ctx)
	if err != nil || path == "" {
		return err // in memory: nothing to keep
	}
	first := strings.TrimSuffix(filepath.Base(pending[0]), ".sql")
	dst := fmt.Sprintf("%s.pre-%s-%s.bak", path, first, db.Now().UTC().Format("20060102T150405.000Z"))
	if err := db.Backup(ctx, dst); err != nil {
		return fmt.Errorf("storage: backup before migrating: %w", err)
	}
	pruneMigrationBackups(path, keepMigrationBackups)
	return nil
}

// file is the main database file's path, "" for an in-memory database.
func (db *DB) file(ctx context.Context) (string, error) {
	var seq int
	var name, file string
	if err := db.sql.QueryRowContext(ctx, `PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		return "", fmt.Errorf("storage: database file: %w", err)
	}
	return file, nil
}

// MigrationBackups lists the pre-migration copies kept beside the database
// file at path, oldest first.
func MigrationBackups(path string) []string {
	found, _ := filepath.Glob(globEscape(path) + ".pre-*.bak")
	// Names end in a sortable UTC time; sort on it, not on the migration.
	slices.SortFunc(found, func(a, b string) int {
		return strings.Compare(backupStamp(a), backupStamp(b))
	})
	return found
}

func backupStamp(name string) string {
	name = strings.TrimSuffix(name, ".bak")
	return name[strings.LastIndexByte(name, '-')+1:]
}

func pruneMigrationBackups(path string, keep int) {
	found := MigrationBackups(path)
	for len(found) > keep {
		if err := os.Remove(found[0]); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return
		}
		found = found[1:]
	}
}

// globEscape quotes the glob metacharacters of a literal path.
func globEscape(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(p)
}

// Path is the database file's path, for the free-space check.
func (db *DB) Path(ctx context.Context) (string, error) { return db.file(ctx) }
