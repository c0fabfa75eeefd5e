package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// FileMode is the mode of the database, its -wal and -shm files and every
// copy of it: they hold code MACs, staff PIN hashes and the audit log, so
// only the kiosk's user may read them, whatever the umask.
const FileMode fs.FileMode = 0o600

// sidecars are the files SQLite keeps beside a database in WAL mode.
var sidecars = []string{"-wal", "-shm"}

// privatize creates the database file at path owner-only when it is
// missing, so SQLite (which gives -wal and -shm the database's own mode)
// never makes a readable one, and restricts an existing one and its
// sidecars to FileMode.
func privatize(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, FileMode)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	err = f.Chmod(FileMode) // the umask may have taken bits off, or a 0644 file was there
	f.Close()
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	return privatizeSidecars(path)
}

func privatizeSidecars(path string) error {
	for _, s := range sidecars {
		err := os.Chmod(path+s, FileMode)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("storage: %w", err)
		}
	}
	return nil
}

// ExposedFiles lists the database file at path, its sidecars and its kept
// copies whose mode lets anyone but the owner in, for `pudo doctor`: each
// as its base name and mode, "pudo.db 0644".
func ExposedFiles(path string) []string {
	var out []string
	for _, p := range append([]string{path, path + sidecars[0], path + sidecars[1]}, MigrationBackups(path)...) {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			out = append(out, fmt.Sprintf("%s %04o", filepath.Base(p), fi.Mode().Perm()))
		}
	}
	return out
}
