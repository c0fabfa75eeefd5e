package core

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"pudo/storage"
)

// The files of a data directory.
const (
	DBFile  = "pudo.db"
	KeyFile = "locker.key"
	// DirMode is the data directory's: it holds the code secret.
	DirMode fs.FileMode = 0o700
)

// secretLen is the size of every locker.key this program ever made.
const secretLen = 32

// metaKeyFingerprint is where the database records which locker.key it
// belongs to: a fingerprint, never the key.
const metaKeyFingerprint = "locker_key_fingerprint"

// KeyFingerprint is what the database records of locker.key: 128 bits of
// a labelled SHA-256, enough to tell keys apart, useless to recover one.
func KeyFingerprint(secret []byte) []byte {
	h := sha256.New()
	h.Write([]byte("pudo locker.key fingerprint v1\x00"))
	h.Write(secret)
	return h.Sum(nil)[:16]
}

// DataError is a data directory the kiosk must not start on, because the
// secret and the database no longer belong together: starting would make
// every stored code "wrong" or every rent vanish. Error is one line saying
// what is wrong and how to restore.
type DataError struct {
	Dir     string
	Check   string // the `pudo doctor` check that reports it: database, locker-key or data-dir
	Problem string
	Fix     string
}

func (e *DataError) Error() string { return e.Dir + ": " + e.Problem + ": " + e.Fix }

// How to restore, by what was lost. `pudo backup FILE` copies the database
// and says to keep locker.key with the copy.
const (
	fixDB   = "refusing to start; restore pudo.db from your last `pudo backup` copy (with the locker.key kept beside it), or move the data dir away to start an empty locker"
	fixKey  = "refusing to start; put back the locker.key kept with your `pudo backup` copies (the one this database was made with), or restore both from a backup"
	fixBoth = "refusing to start; restore pudo.db and locker.key from your last `pudo backup` copy, or move the data dir away to start an empty locker"
)

// dataState is what a data directory holds, read without changing it.
type dataState struct {
	dir, db, keyPath string
	key              []byte // nil: no key file
	keyErr           error  // reading an existing key failed
	dbExists         bool
	dbErr            error    // the database could not be read
	applied          int      // migrations recorded in the database
	fingerprint      []byte   // recorded in the database; nil: none yet
	hasRents         bool     // the database holds rents
	leftovers        []string // files showing the dir held a database
}

func readDataState(ctx context.Context, dir string) dataState {
	s := dataState{dir: dir, db: filepath.Join(dir, DBFile), keyPath: filepath.Join(dir, KeyFile)}
	s.key, s.keyErr = os.ReadFile(s.keyPath)
	if errors.Is(s.keyErr, fs.ErrNotExist) {
		s.key, s.keyErr = nil, nil
	}
	for _, p := range append([]string{s.db + "-wal", s.db + "-shm"}, storage.MigrationBackups(s.db)...) {
		if _, err := os.Lstat(p); err == nil {
			s.leftovers = append(s.leftovers, filepath.Base(p))
		}
	}
	if _, err := os.Stat(s.db); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.dbExists, s.dbErr = true, err
		}
		return s
	}
	s.dbExists = true
	s.dbErr = storage.Inspect(ctx, s.db, func(db *storage.DB) (err error) {
		if s.applied, err = db.AppliedMigrations(ctx); err != nil || s.applied == 0 {
			return err
		}
		return db.View(ctx, func(tx *storage.Tx) error {
			fp, err := tx.Meta(metaKeyFingerprint)
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				return err
			}
			s.fingerprint = fp
			s.hasRents, err = tx.HasRents()
			return err
		})
	})
	return s
}

// problems lists what keeps the kiosk from starting on s, the rules that
// bind the key to its database: a missing, replaced or altered
// locker.key, or a missing or empty database beside a key or in a dir
// that held one.
func (s dataState) problems() []*DataError {
	bad := func(check, fix, format string, a ...any) *DataError {
		return &DataError{Dir: s.dir, Check: check, Problem: fmt.Sprintf(format, a...), Fix: fix}
	}
	var out []*DataError
	hasKey := s.key != nil || s.keyErr != nil
	switch {
	case s.dbErr != nil:
		out = append(out, bad("database", fixDB, "%s cannot be read (%v)", DBFile, s.dbErr))
	case !s.dbExists && hasKey:
		out = append(out, bad("database", fixDB, "%s is missing beside %s", DBFile, KeyFile))
	case !s.dbExists && len(s.leftovers) > 0:
		out = append(out, bad("database", fixBoth, "%s is missing, but %s show this data dir held one", DBFile, strings.Join(s.leftovers, ", ")))
	case s.dbExists && s.applied == 0 && hasKey:
		out = append(out, bad("database", fixDB, "%s is empty (no locker data) beside %s", DBFile, KeyFile))
	case s.dbExists && s.applied == 0 && len(s.leftovers) > 0:
		out = append(out, bad("database", fixBoth, "%s is empty (no locker data), but %s show this data dir held one", DBFile, strings.Join(s.leftovers, ", ")))
	}
	switch {
	case s.keyErr != nil:
		out = append(out, bad("locker-key", fixKey, "%s cannot be read (%v)", KeyFile, s.keyErr))
	case s.key != nil && len(s.key) != secretLen:
		out = append(out, bad("locker-key", fixKey, "%s is %d bytes, a locker key is %d: altered", KeyFile, len(s.key), secretLen))
	case s.key != nil && s.fingerprint != nil && hex.EncodeToString(s.fingerprint) != hex.EncodeToString(KeyFingerprint(s.key)):
		out = append(out, bad("locker-key", fixKey, "%s does not match %s (replaced or altered): every stored pickup code would be wrong", KeyFile, DBFile))
	case s.key == nil && (s.fingerprint != nil || s.hasRents):
		out = append(out, bad("locker-key", fixKey, "%s is missing beside %s, which holds rents made with it", KeyFile, DBFile))
	}
	return out
}

// InspectData checks a data directory as OpenData would, changing nothing:
// for `pudo doctor`. Besides the problems that stop the kiosk, it says
// whether the database records its key yet.
func InspectData(ctx context.Context, dir string) (problems []*DataError, fingerprint string, recorded bool) {
	s := readDataState(ctx, dir)
	if s.key != nil {
		fingerprint = hex.EncodeToString(KeyFingerprint(s.key))
	}
	return s.problems(), fingerprint, s.fingerprint != nil
}

// OpenData opens the locker's data directory: the database and the code
// secret beside it, which belong together. A brand-new directory gets both;
// one whose secret and database no longer match is refused with a
// *DataError. It makes the directory 0700 and its files 0600 on the way,
// whatever they were.
func OpenData(ctx context.Context, dir string, log *slog.Logger) (*storage.DB, []byte, error) {
	if err := privateDir(dir, log); err != nil {
		return nil, nil, err
	}
	// A start killed while the new database was being made leaves a hot
	// journal, which only a writer can roll back: the kiosk does, as any
	// SQLite writer would, before it reads the dir without changing it.
	if err := storage.RecoverJournal(ctx, filepath.Join(dir, DBFile)); err != nil {
		return nil, nil, err
	}
	s := readDataState(ctx, dir)
	if ps := s.problems(); len(ps) > 0 {
		return nil, nil, ps[0]
	}
	if s.key != nil {
		if err := os.Chmod(s.keyPath, 0o600); err != nil {
			return nil, nil, fmt.Errorf("core: %w", err)
		}
	}
	for _, b := range storage.MigrationBackups(s.db) {
		if err := os.Chmod(b, storage.FileMode); err != nil {
			return nil, nil, fmt.Errorf("core: %w", err)
		}
	}
	db, err := storage.Open(ctx, s.db)
	if err != nil {
		return nil, nil, err
	}
	secret := s.key
	if secret == nil {
		// A new locker, or one whose first start stopped before its key
		// was written: nothing was stored under any key yet.
		if secret, err = createSecret(s.keyPath); err != nil {
			db.Close()
			return nil, nil, err
		}
	}
	if s.fingerprint == nil {
		err := db.Update(ctx, func(tx *storage.Tx) error { return tx.SetMeta(metaKeyFingerprint, KeyFingerprint(secret)) })
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		if s.hasRents {
			log.Warn("the database now records which locker.key it belongs to", "fingerprint", hex.EncodeToString(KeyFingerprint(secret)))
		}
	}
	return db, secret, nil
}

func privateDir(dir string, log *slog.Logger) error {
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	if m := fi.Mode().Perm(); m != DirMode {
		if err := os.Chmod(dir, DirMode); err != nil {
			return fmt.Errorf("data dir: %w", err)
		}
		log.Warn("data dir made private", "dir", dir, "was", fmt.Sprintf("%04o", m), "now", fmt.Sprintf("%04o", DirMode))
	}
	return nil
}

// createSecret writes a fresh secret to path (0600, synced with its
// directory entry) before anything is stored under it.
func createSecret(path string) ([]byte, error) {
	b := make([]byte, secretLen)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("core: secret: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("core: secret: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, fmt.Errorf("core: secret: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("core: secret: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("core: secret: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return b, nil
}
