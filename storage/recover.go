package storage

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
)

// RecoverJournal rolls back the hot rollback journal a process killed in
// a write transaction leaves beside the database file at path, before the
// file is in WAL mode: on a locker's very first start, while the new file
// is being made. Read-only, SQLite cannot roll it back and refuses to
// read the file at all (SQLITE_READONLY_ROLLBACK), so Inspect would call a
// database that only needs SQLite's own recovery unreadable, and the kiosk
// would refuse to start for good. With no journal beside it, it does
// nothing; the rollback restores the file as it was before the killed
// transaction, and changes nothing else.
func RecoverJournal(ctx context.Context, path string) error {
	if _, err := os.Lstat(path + "-journal"); err != nil {
		return nil
	}
	q := url.Values{}
	q.Set("mode", "rw")
	q.Add("_pragma", "busy_timeout(5000)")
	sdb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("storage: recover %s: %w", path, err)
	}
	defer sdb.Close()
	// The first read takes a shared lock, and SQLite, able to write,
	// rolls a hot journal back before it.
	var v int
	if err := sdb.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&v); err != nil {
		return fmt.Errorf("storage: recover %s: %w", path, err)
	}
	return nil
}
