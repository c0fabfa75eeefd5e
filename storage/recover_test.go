package storage

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pudo/app/testenv"
)

const hotJournalEnv = "PUDO_STORAGE_HOT_JOURNAL" // the child: the database file to write

// TestHotJournalChild is the process killed in the middle of a write to a
// database in rollback-journal mode, as a first start is before WAL.
func TestHotJournalChild(t *testing.T) {
	path := os.Getenv(hotJournalEnv)
	if path == "" {
		t.Skip("runs only as TestRecoverJournal's child")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(DELETE)&_pragma=cache_size(1)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	// Many pages through a one-page cache: the file itself is written
	// inside the transaction, its old pages kept in the journal.
	for i := range 2000 {
		if _, err := tx.Exec(`INSERT INTO t (v) VALUES (?)`, strings.Repeat("x", 500)+string(rune('a'+i%26))); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(path+".ready", nil, 0o600)
	select {} // killed here, the transaction open
}

// TestRecoverJournal: a database left with a hot journal by a killed
// writer cannot be inspected read-only; RecoverJournal rolls it back, and
// the file reads as before the killed transaction.
func TestRecoverJournal(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pudo.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('before')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	child := exec.Command(os.Args[0], "-test.run=^TestHotJournalChild$", "-test.count=1")
	child.Env = append(os.Environ(), hotJournalEnv+"="+path)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	testenv.Await(t, "the child in its write transaction", func() bool {
		_, err := os.Stat(path + ".ready")
		return err == nil
	})
	child.Process.Kill()
	child.Wait()
	if _, err := os.Stat(path + "-journal"); err != nil {
		t.Fatalf("the killed writer left no journal: %v", err)
	}

	inspect := func() error {
		return Inspect(ctx, path, func(db *DB) error {
			var n int
			return db.sql.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n)
		})
	}
	if err := inspect(); err == nil {
		t.Fatal("a database with a hot journal was read read-only: the test shows nothing")
	}
	if err := RecoverJournal(ctx, path); err != nil {
		t.Fatal(err)
	}
	var rows []string
	err = Inspect(ctx, path, func(db *DB) error {
		r, err := db.sql.QueryContext(ctx, `SELECT v FROM t`)
		if err != nil {
			return err
		}
		defer r.Close()
		for r.Next() {
			var v string
			r.Scan(&v)
			rows = append(rows, v)
		}
		return r.Err()
	})
	if err != nil || len(rows) != 1 || rows[0] != "before" {
		t.Fatalf("after recovery: %q, %v; want the one row from before", rows, err)
	}
	if err := RecoverJournal(ctx, path); err != nil || errors.Is(err, os.ErrNotExist) {
		t.Fatalf("again, with no journal: %v", err)
	}
}
