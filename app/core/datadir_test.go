package core

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pudo/app"
	"pudo/storage"
)

// usedDataDir is a data dir a kiosk ran in: a key, a database holding a
// stored parcel, closed again.
func usedDataDir(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	db, secret, err := OpenData(ctx, dir, quiet())
	if err != nil {
		t.Fatalf("a brand-new data dir: %v", err)
	}
	l := New(db, &fakeLocks{}, secret, Options{KioskID: "T1", CodeCost: cheapCode}, quiet())
	doors, _ := Layout(app.DemoColumns(), 2)
	if err := l.SetUp(ctx, doors); err != nil {
		t.Fatal(err)
	}
	if _, err := l.SeedDemo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	return dir
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// The secret and the database belong together: every way of losing one
// of them stops the kiosk with one line naming the problem and the way back
// (it once started with a new key, or empty, and said nothing).
func TestDataDirRefusesASecretAndDatabaseApart(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name, check, says string
		spoil             func(t *testing.T, dir string)
	}{
		{"locker.key deleted", "locker-key", "locker.key is missing", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, KeyFile))
		}},
		{"locker.key replaced", "locker-key", "does not match", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, KeyFile), []byte("another locker's key, 32 bytes.."), 0o600)
		}},
		{"locker.key with bytes appended", "locker-key", "is 33 bytes", func(t *testing.T, dir string) {
			f, _ := os.OpenFile(filepath.Join(dir, KeyFile), os.O_APPEND|os.O_WRONLY, 0)
			f.Write([]byte("\n"))
			f.Close()
		}},
		{"pudo.db deleted", "database", "pudo.db is missing beside locker.key", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, DBFile))
		}},
		{"pudo.db truncated to 0 bytes", "database", "is empty", func(t *testing.T, dir string) {
			os.Truncate(filepath.Join(dir, DBFile), 0)
		}},
		{"both deleted, a pre-migration copy left", "database", "show this data dir held one", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, DBFile), filepath.Join(dir, DBFile+".pre-0060_security-20260101T000000.000Z.bak"))
			os.Remove(filepath.Join(dir, KeyFile))
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := usedDataDir(t)
			tt.spoil(t, dir)
			before := listDir(t, dir)
			db, _, err := OpenData(ctx, dir, quiet())
			var de *DataError
			if !errors.As(err, &de) {
				if db != nil {
					db.Close()
				}
				t.Fatalf("OpenData = %v, want a *DataError", err)
			}
			msg := err.Error()
			if de.Check != tt.check || !strings.Contains(msg, tt.says) || !strings.Contains(msg, "pudo backup") || strings.Contains(msg, "\n") {
				t.Fatalf("refusal %q (check %s): want one line saying %q and how to restore with pudo backup", msg, de.Check, tt.says)
			}
			if after := listDir(t, dir); after != before {
				t.Fatalf("the refusal changed the data dir:\n%s\nbecame\n%s", before, after)
			}
			ps, _, _ := InspectData(ctx, dir)
			if len(ps) == 0 || ps[0].Error() != msg {
				t.Fatalf("InspectData = %v, want the same problem", ps)
			}
		})
	}
}

// listDir sums up the key and the database as they are on disk; a read of
// a WAL database may leave empty -wal and -shm files, which change nothing.
func listDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, name := range []string{KeyFile, DBFile} {
		body, err := os.ReadFile(filepath.Join(dir, name))
		fi, _ := os.Stat(filepath.Join(dir, name))
		if err == nil {
			fmt.Fprintf(&b, "%s %s %x\n", name, fi.Mode(), sha256.Sum256(body))
		}
	}
	return b.String()
}

// A brand-new data dir starts with no set-up, in a directory made private
// whatever it was; a restart and a restore from `pudo backup` with the
// key kept beside it both open; a database of an older version is adopted
// and its key recorded.
func TestDataDirStartsRestartsAndRestores(t *testing.T) {
	ctx := context.Background()
	dir := usedDataDir(t)
	os.Chmod(dir, 0o755)
	os.Chmod(filepath.Join(dir, KeyFile), 0o644)
	os.Chmod(filepath.Join(dir, DBFile), 0o644)
	db, secret, err := OpenData(ctx, dir, quiet())
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	for name, want := range map[string]os.FileMode{"": DirMode, KeyFile: 0o600, DBFile: storage.FileMode} {
		if fi, _ := os.Stat(filepath.Join(dir, name)); fi.Mode().Perm() != want {
			t.Errorf("%q is %04o after start, want %04o", name, fi.Mode().Perm(), want)
		}
	}
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Restore: the copy becomes pudo.db again, beside its key.
	os.Remove(filepath.Join(dir, DBFile))
	body, _ := os.ReadFile(copyPath)
	os.WriteFile(filepath.Join(dir, DBFile), body, 0o600)
	db, again, err := OpenData(ctx, dir, quiet())
	if err != nil || string(again) != string(secret) {
		t.Fatalf("after restoring the backup: %v", err)
	}
	db.Close()

	// An older version wrote the key and a database recording none.
	dir = filepath.Join(t.TempDir(), "old")
	os.Mkdir(dir, 0o700)
	os.WriteFile(filepath.Join(dir, KeyFile), secret, 0o600)
	db, err = storage.Open(ctx, filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	l := New(db, &fakeLocks{}, secret, Options{CodeCost: cheapCode}, quiet())
	doors, _ := Layout(app.DemoColumns(), 2)
	if err := l.SetUp(ctx, doors); err != nil {
		t.Fatal(err)
	}
	if _, err := l.SeedDemo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if ps, _, recorded := InspectData(ctx, dir); len(ps) != 0 || recorded {
		t.Fatalf("an older database: problems %v, recorded %v", ps, recorded)
	}
	db, _, err = OpenData(ctx, dir, quiet())
	if err != nil {
		t.Fatalf("an older database: %v", err)
	}
	db.Close()
	if ps, fp, recorded := InspectData(ctx, dir); len(ps) != 0 || !recorded || len(fp) != 32 {
		t.Fatalf("after adoption: %v %q %v", ps, fp, recorded)
	}
}
