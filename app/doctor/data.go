package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"pudo/app/config"
	"pudo/app/core"
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

// checkData checks the database, its event chain, that locker.key belongs
// to it, the data directory and its files' modes, and the free space under
// it. The key and database rules are the kiosk's own (core.InspectData):
// what doctor fails, the kiosk refuses to start on.
func checkData(ctx context.Context, cfg config.Config, opts Options) ([]Result, dbFacts) {
	var facts dbFacts
	dir, err := cfg.DataDir()
	if err != nil {
		return []Result{
			{"database", Fail, err.Error()}, {"event-chain", Skip, "no database"}, {"locker-key", Skip, "no data dir"},
			{"data-dir", Fail, err.Error()}, {"disk", Skip, "no data dir"},
		}, facts
	}
	dbPath := filepath.Join(dir, core.DBFile)
	problems, fingerprint, recorded := core.InspectData(ctx, dir)
	byCheck := map[string]*core.DataError{}
	for _, p := range problems {
		if byCheck[p.Check] == nil {
			byCheck[p.Check] = p
		}
	}
	dbRes, chainRes := checkDatabase(ctx, dbPath, &facts)
	if p := byCheck["database"]; p != nil {
		dbRes = Result{"database", Fail, p.Error()}
	}
	keyRes := checkKey(dir, byCheck["locker-key"], fingerprint, recorded)
	if byCheck["database"] != nil && byCheck["locker-key"] == nil {
		keyRes = Result{"locker-key", Skip, "no usable database to match it with"}
	}
	return []Result{dbRes, chainRes, keyRes, checkDataDir(dir), checkDisk(dir)}, facts
}

func checkDatabase(ctx context.Context, path string, facts *dbFacts) (db, chain Result) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return Result{"database", Warn, path + ": none yet; the kiosk creates it on first start"},
			Result{"event-chain", Skip, "no database"}
	}
	var c storage.Check
	err := storage.Inspect(ctx, path, func(d *storage.DB) error {
		var err error
		c, err = d.Check(ctx)
		return err
	})
	if err != nil {
		return Result{"database", Fail, fmt.Sprintf("%s: %v", path, err)}, Result{"event-chain", Skip, "database unreadable"}
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
	return db, chain
}

// checkKey says whether locker.key is the one the database was made with:
// without it no stored pickup code can be verified.
func checkKey(dir string, problem *core.DataError, fingerprint string, recorded bool) Result {
	switch {
	case problem != nil:
		return Result{"locker-key", Fail, problem.Error()}
	case fingerprint == "":
		return Result{"locker-key", OK, dir + ": locker.key is made on first start"}
	case !recorded:
		return Result{"locker-key", Warn, dir + ": locker.key present; pudo.db records no fingerprint of it yet (an older version made it): the kiosk records it at its next start"}
	}
	return Result{"locker-key", OK, fmt.Sprintf("%s: locker.key matches pudo.db (fingerprint %s…)", dir, fingerprint[:8])}
}

// checkDataDir checks the directory is there, writable, and private with
// every file in it: the database, its -wal and -shm, its copies and the
// key hold code MACs, staff PIN hashes and the code secret.
func checkDataDir(dir string) Result {
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
	var open []string
	m := fi.Mode().Perm()
	if m != core.DirMode {
		open = append(open, fmt.Sprintf("mode %04o (want 0700)", m))
	}
	exposed := storage.ExposedFiles(filepath.Join(dir, core.DBFile))
	if ki, err := os.Stat(filepath.Join(dir, core.KeyFile)); err == nil && ki.Mode().Perm()&0o077 != 0 {
		exposed = append(exposed, fmt.Sprintf("%s %04o", core.KeyFile, ki.Mode().Perm()))
	}
	if len(exposed) > 0 {
		open = append(open, strings.Join(exposed, ", ")+" (want 0600)")
	}
	_, dbErr := os.Stat(filepath.Join(dir, core.DBFile))
	_, keyErr := os.Stat(filepath.Join(dir, core.KeyFile))
	if len(exposed) == 0 && m != core.DirMode && dbErr != nil && keyErr != nil {
		return Result{"data-dir", Warn, dir + ": " + open[0] + ": nothing in it yet; the kiosk makes it 0700 at its first start"}
	}
	if len(open) > 0 {
		return Result{"data-dir", Fail, dir + ": " + strings.Join(open, "; ") +
			": others can read code MACs, staff PIN hashes or the code secret; the kiosk corrects the modes at its next start"}
	}
	return Result{"data-dir", OK, dir + ": writable, private (0700, files 0600)"}
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
