package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"pudo/app/config"
	"pudo/storage"
)

// Disk thresholds: SQLite needs room for the WAL and a migration's copy.
const (
	diskFail = 64 << 20
	diskWarn = 512 << 20
)

// dbFacts carries what the clock check needs from the database.
type dbFacts struct {
	lastEvent time.Time
}

// checkData checks the database, its event chain, the data directory with
// the code secret, and the free space under it.
func checkData(ctx context.Context, cfg config.Config, opts Options) ([]Result, dbFacts) {
	var facts dbFacts
	dir, err := cfg.DataDir()
	if err != nil {
		return []Result{
			{"database", Fail, err.Error()}, {"event-chain", Skip, "no database"},
			{"data-dir", Fail, err.Error()}, {"disk", Skip, "no data dir"},
		}, facts
	}
	dbPath := filepath.Join(dir, "pudo.db")
	dbRes, chainRes, hasData := checkDatabase(ctx, dbPath, &facts)
	return []Result{dbRes, chainRes, checkDataDir(dir, hasData), checkDisk(dir)}, facts
}

func checkDatabase(ctx context.Context, path string, facts *dbFacts) (db, chain Result, hasData bool) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return Result{"database", Warn, path + ": none yet; the kiosk creates it on first start"},
			Result{"event-chain", Skip, "no database"}, false
	}
	var c storage.Check
	err := storage.Inspect(ctx, path, func(d *storage.DB) error {
		var err error
		c, err = d.Check(ctx)
		return err
	})
	if err != nil {
		return Result{"database", Fail, fmt.Sprintf("%s: %v", path, err)}, Result{"event-chain", Skip, "database unreadable"}, true
	}
	facts.lastEvent = c.LastEvent
	switch {
	case c.Integrity != "ok":
		db = Result{"database", Fail, fmt.Sprintf("%s: integrity check: %s (restore a backup)", path, c.Integrity)}
	case c.Applied == 0:
		db = Result{"database", Fail, path + ": not a Pudo database (no migrations recorded)"}
	case len(c.Pending) > 0:
		db = Result{"database", Warn, fmt.Sprintf("%s: integrity ok; %d migration(s) pending (%s…): the kiosk copies the database, then applies them at its next start",
			path, len(c.Pending), filepath.Base(c.Pending[0]))}
	default:
		db = Result{"database", OK, fmt.Sprintf("%s: integrity ok, schema current (%d migrations)", path, c.Applied)}
	}
	if n := len(storage.MigrationBackups(path)); n > 0 && db.Status != Fail {
		db.Detail += fmt.Sprintf(", %d pre-migration copy(ies) kept", n)
	}
	switch {
	case c.Applied == 0:
		chain = Result{"event-chain", Skip, "no event log"}
	case c.Chain != nil:
		chain = Result{"event-chain", Fail, fmt.Sprintf("%v after %d good events: the audit log was edited or rows were removed", c.Chain, c.Events)}
	default:
		chain = Result{"event-chain", OK, fmt.Sprintf("%d events verified", c.Events)}
	}
	return db, chain, c.Applied > 0
}

// checkDataDir checks the directory and the code secret beside the database:
// without the secret no stored pickup code can be verified.
func checkDataDir(dir string, hasData bool) Result {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Result{"data-dir", Warn, dir + ": missing; the kiosk creates it on first start"}
	case err != nil:
		return Result{"data-dir", Fail, err.Error()}
	case !fi.IsDir():
		return Result{"data-dir", Fail, dir + ": not a directory"}
	}
	if err := syscall.Access(dir, 2 /* W_OK */); err != nil {
		return Result{"data-dir", Fail, fmt.Sprintf("%s: not writable by this user: %v", dir, err)}
	}
	key := filepath.Join(dir, "locker.key")
	ki, err := os.Stat(key)
	switch {
	case errors.Is(err, fs.ErrNotExist) && hasData:
		return Result{"data-dir", Fail, key + ": missing beside a database: stored pickup codes no longer match; restore it from the backup"}
	case errors.Is(err, fs.ErrNotExist):
		return Result{"data-dir", OK, dir + ": writable; locker.key is made on first start"}
	case err != nil:
		return Result{"data-dir", Fail, err.Error()}
	case ki.Mode().Perm()&0o077 != 0:
		return Result{"data-dir", Warn, fmt.Sprintf("%s: mode %v, want 0600: others can read the code secret", key, ki.Mode().Perm())}
	}
	return Result{"data-dir", OK, dir + ": writable, locker.key present (0600)"}
}

// checkDisk reports the free space on the data directory's file system
// (or its nearest existing parent).
func checkDisk(dir string) Result {
	p := dir
	for {
		if _, err := os.Stat(p); err == nil || filepath.Dir(p) == p {
			break
		}
		p = filepath.Dir(p)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(p, &st); err != nil {
		return Result{"disk", Warn, fmt.Sprintf("%s: %v", p, err)}
	}
	free := st.Bavail * uint64(st.Bsize)
	total := st.Blocks * uint64(st.Bsize)
	detail := fmt.Sprintf("%s: %s free of %s", p, bytesHuman(free), bytesHuman(total))
	switch {
	case free < diskFail:
		return Result{"disk", Fail, detail + ": writes will fail soon"}
	case free < diskWarn || (total > 0 && free*20 < total):
		return Result{"disk", Warn, detail + ": running low"}
	}
	return Result{"disk", OK, detail}
}

func bytesHuman(n uint64) string {
	switch {
	case n >= 10<<30:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	default:
		return fmt.Sprintf("%d MiB", n>>20)
	}
}

// oldestSane is earlier than any real clock a kiosk of this release meets:
// a board without a battery-backed clock boots at 1970 or at its image's
// build date until network time arrives.
var oldestSane = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// checkClock fails a clock far in the past (rents would expire wrongly) and
// warns when it is behind the newest event or not synchronized.
func checkClock(now, lastEvent time.Time) Result {
	now = now.UTC()
	stamp := now.Format(time.RFC3339)
	switch {
	case now.Before(oldestSane):
		return Result{"clock", Fail, stamp + ": in the past; no network time and no RTC? pickup windows would be wrong"}
	case !lastEvent.IsZero() && now.Before(lastEvent.Add(-time.Minute)):
		return Result{"clock", Warn, fmt.Sprintf("%s: behind the newest event (%s): the clock went backwards",
			stamp, lastEvent.UTC().Format(time.RFC3339))}
	}
	synced, known := ntpSynced()
	switch {
	case !known:
		return Result{"clock", OK, stamp}
	case !synced:
		return Result{"clock", Warn, stamp + ": not synchronized to network time (timedatectl; enable systemd-timesyncd)"}
	}
	return Result{"clock", OK, stamp + ", synchronized"}
}

// ntpSynced asks the kernel, as timedatectl does, whether the clock is
// disciplined: an estimated error under 16 s.
func ntpSynced() (synced, known bool) {
	var tx syscall.Timex
	if _, err := syscall.Adjtimex(&tx); err != nil {
		return false, false
	}
	return tx.Maxerror < 16_000_000, true
}
