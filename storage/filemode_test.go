package storage

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The database, its WAL and SHM and every copy are 0600 whatever the umask,
// also in a data dir that already existed as 0755, and a 0644 database left
// by an older version is restricted at the next start (they were once
// world-readable, staff PIN hashes included).
func TestFilesArePrivate(t *testing.T) {
	for _, umask := range []int{0o022, 0o000, 0o077} {
		old := syscall.Umask(umask)
		dir := t.TempDir()
		os.Chmod(dir, 0o755)
		path := filepath.Join(dir, "pudo.db")
		db, err := Open(context.Background(), path)
		if err != nil {
			syscall.Umask(old)
			t.Fatal(err)
		}
		mustUpdate(t, db, func(tx *Tx) error { return tx.SyncDoors(testDoors) }) // the WAL now holds a commit
		backup := filepath.Join(dir, "copy.db")
		if err := db.Backup(context.Background(), backup); err != nil {
			t.Fatal(err)
		}
		syscall.Umask(old)
		for _, p := range []string{path, path + "-wal", path + "-shm", backup} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatalf("umask %03o: %v", umask, err)
			}
			if m := fi.Mode().Perm(); m != FileMode {
				t.Errorf("umask %03o: %s is %04o, want 0600", umask, filepath.Base(p), m)
			}
		}
		if got := ExposedFiles(path); len(got) != 0 {
			t.Errorf("umask %03o: ExposedFiles = %v", umask, got)
		}
		db.Close()
	}
}

func TestOpenRestrictsAnOldReadableDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pudo.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.Chmod(path, 0o644)
	if got := ExposedFiles(path); len(got) != 1 {
		t.Fatalf("ExposedFiles = %v, want the 0644 database", got)
	}
	db, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != FileMode {
		t.Fatalf("after Open: %04o", fi.Mode().Perm())
	}
}
