package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func openBackupTestDB(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pudo.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func appendEvents(t *testing.T, db *DB, n int) {
	t.Helper()
	for i := range n {
		err := db.Update(context.Background(), func(tx *Tx) error {
			_, err := tx.Append(Event{Actor: "system", Kind: "test.event", Detail: fmt.Sprint(i)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func checkFile(t *testing.T, path string) Check {
	t.Helper()
	var c Check
	err := Inspect(context.Background(), path, func(db *DB) error {
		var err error
		c, err = db.Check(context.Background())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBackupWhileWriting(t *testing.T) {
	db, path := openBackupTestDB(t)
	appendEvents(t, db, 50)

	// A second process's view: the kiosk keeps writing on its connection
	// while `pudo backup` copies the file through another.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			db.Update(context.Background(), func(tx *Tx) error {
				_, err := tx.Append(Event{Actor: "system", Kind: "test.write"})
				return err
			})
		}
	}()
	dst := filepath.Join(t.TempDir(), "copy.db")
	err := BackupFile(context.Background(), path, dst)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	c := checkFile(t, dst)
	if !c.OK() || c.Events < 50 || len(c.Pending) != 0 {
		t.Fatalf("backup check = %+v, want ok, >= 50 events, nothing pending", c)
	}
	if fi, err := os.Stat(dst); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode: %v %v, want 0600", fi.Mode(), err)
	}
	if _, err := os.Stat(dst + ".partial"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("partial file left behind: %v", err)
	}
}

func TestBackupRefusesExistingFile(t *testing.T) {
	db, _ := openBackupTestDB(t)
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(dst, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(context.Background(), dst); err == nil {
		t.Fatal("Backup over an existing file succeeded")
	}
	if b, _ := os.ReadFile(dst); string(b) != "precious" {
		t.Fatalf("existing file changed to %q", b)
	}
}

func TestBackupFileMissingSource(t *testing.T) {
	dir := t.TempDir()
	err := BackupFile(context.Background(), filepath.Join(dir, "nope.db"), filepath.Join(dir, "copy.db"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want not exist", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "nope.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("BackupFile created its source")
	}
}

func TestCheckFindsBrokenChain(t *testing.T) {
	db, path := openBackupTestDB(t)
	appendEvents(t, db, 5)
	if c := checkFile(t, path); !c.OK() || c.Events != 5 || c.LastEvent.IsZero() {
		t.Fatalf("check before tampering = %+v", c)
	}
	// Someone with the sqlite3 shell edits a row behind the trigger's back.
	for _, q := range []string{
		`DROP TRIGGER events_append_only`,
		`UPDATE events SET detail = 'edited' WHERE seq = 3`,
	} {
		if _, err := db.sql.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	c := checkFile(t, path)
	if c.Integrity != "ok" || !errors.Is(c.Chain, ErrChainBroken) || c.OK() {
		t.Fatalf("check after tampering = %+v, want integrity ok and a broken chain", c)
	}
}

// oldDatabase makes a database file that an older Pudo left: one applied
// migration this binary does not know, and a row worth keeping.
func oldDatabase(t *testing.T, path string) {
	t.Helper()
	sdb, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	for _, q := range []string{
		`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`,
		`INSERT INTO schema_migrations VALUES ('migrations/0000_test.sql')`,
		`CREATE TABLE keepme (x INTEGER)`,
		`INSERT INTO keepme VALUES (42)`,
	} {
		if _, err := sdb.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBackupBeforeMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pudo.db")
	oldDatabase(t, path)
	if c := checkFile(t, path); c.Applied != 1 || len(c.Pending) == 0 {
		t.Fatalf("old database check = %+v, want 1 applied and some pending", c)
	}
	if got := MigrationBackups(path); len(got) != 0 {
		t.Fatalf("Inspect migrated or copied: %v", got)
	}

	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	copies := MigrationBackups(path)
	if len(copies) != 1 {
		t.Fatalf("pre-migration copies = %v, want 1", copies)
	}
	sdb, err := sql.Open("sqlite", "file:"+copies[0]+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	var x, applied int
	if err := sdb.QueryRow(`SELECT x FROM keepme`).Scan(&x); err != nil || x != 42 {
		t.Fatalf("copy's row = %d, %v; want 42", x, err)
	}
	if err := sdb.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil || applied != 1 {
		t.Fatalf("copy has %d migrations (%v), want the 1 from before", applied, err)
	}

	// Nothing pending now: opening again keeps no further copy.
	db, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if got := MigrationBackups(path); len(got) != 1 {
		t.Fatalf("copies after a second open = %v, want still 1", got)
	}
}

func TestNewDatabaseKeepsNoMigrationCopy(t *testing.T) {
	_, path := openBackupTestDB(t)
	if got := MigrationBackups(path); len(got) != 0 {
		t.Fatalf("a new database got copies: %v", got)
	}
}

func TestPruneMigrationBackups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pu[do].db") // glob characters in the name
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var names []string
	for i, m := range []string{"0050_api", "0002_lifecycle", "0099_later", "0003_x", "0004_y"} {
		n := fmt.Sprintf("%s.pre-%s-%s.bak", path, m, base.Add(time.Duration(i)*time.Hour).Format("20060102T150405.000Z"))
		if err := os.WriteFile(n, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	pruneMigrationBackups(path, 3)
	got := MigrationBackups(path)
	if len(got) != 3 || got[0] != names[2] || got[2] != names[4] {
		t.Fatalf("kept %v, want the newest three %v", got, names[2:])
	}
}
