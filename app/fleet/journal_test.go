package fleet

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// The journal holds the operator's signed commands: its file and SQLite's
// files beside it are the operator's alone, whatever the umask, and an
// older journal left readable by all is tightened on opening.
func TestJournalIsPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	ctx := context.Background()
	path := filepath.Join(dir, "journal.db")
	j, err := OpenJournal(ctx, path)
	must(t, err)
	c := Command{BookingID: "B", Version: 1}
	Prepare(&c, time.Hour)
	must(t, j.Add(ctx, "L1", CmdBook, c, []byte(`{}`)))
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if st, err := os.Stat(f); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want mode 0600", filepath.Base(f), st.Mode().Perm(), err)
		}
	}
	must(t, j.Close())

	older := filepath.Join(dir, "older.db")
	must(t, os.WriteFile(older, nil, 0o644))
	j, err = OpenJournal(ctx, older)
	must(t, err)
	defer j.Close()
	if st, err := os.Stat(older); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("an older journal: %v, %v; want mode 0600", st.Mode().Perm(), err)
	}
}
