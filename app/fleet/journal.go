package fleet

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver

	"pudo/app/cred"
)

// Journal is the central side's record of the commands it sent: it
// numbers booking versions per locker and resends what a locker reports
// missing when it reconnects, so nothing depends on the broker keeping its
// queue. `pudo fleet` keeps one in a SQLite file; an operator's back office
// that speaks the topics itself keeps its own.
type Journal struct {
	db *sql.DB
}

const journalSchema = `
CREATE TABLE IF NOT EXISTS commands (
	command_id TEXT    PRIMARY KEY,
	locker     TEXT    NOT NULL,
	name       TEXT    NOT NULL,
	booking_id TEXT    NOT NULL DEFAULT '',
	version    INTEGER NOT NULL DEFAULT 0,
	issued_at  INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	payload    BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS commands_by_locker ON commands (locker, version, issued_at);
CREATE TABLE IF NOT EXISTS versions (
	locker TEXT    PRIMARY KEY,
	last   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS revocation_lists (
	command_id TEXT    PRIMARY KEY REFERENCES commands (command_id),
	locker     TEXT    NOT NULL,
	version    INTEGER NOT NULL,
	list       BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS revocation_lists_by_locker ON revocation_lists (locker, version);`

// OpenJournal opens or creates the journal at path. It holds every signed
// command the operator sent, pickup references among them: the file is the
// operator's alone (mode 0600, an older file tightened so), and SQLite
// gives its -wal and -shm files the same mode.
func OpenJournal(ctx context.Context, path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("fleet journal: %w", err)
	}
	err = f.Chmod(0o600)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("fleet journal: %w", err)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("fleet journal %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, journalSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("fleet journal %s: %w", path, err)
	}
	return &Journal{db: db}, nil
}

// Close closes the journal file.
func (j *Journal) Close() error { return j.db.Close() }

// NextVersion hands out the next booking version for a locker.
func (j *Journal) NextVersion(ctx context.Context, locker string) (int64, error) {
	var v int64
	err := j.db.QueryRowContext(ctx, `INSERT INTO versions (locker, last) VALUES (?, 1)
		ON CONFLICT (locker) DO UPDATE SET last = last + 1 RETURNING last`, locker).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("fleet journal: version: %w", err)
	}
	return v, nil
}

// Add keeps a command as sent, byte for byte: a resend must be the same
// command, or the locker takes it for a reused id. locker is "_all" for a
// fleet-wide command.
func (j *Journal) Add(ctx context.Context, locker, name string, c Command, payload []byte) error {
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fleet journal: add %s: %w", c.CommandID, err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO commands (command_id, locker, name, booking_id, version, issued_at, expires_at, payload)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, c.CommandID, locker, name, c.BookingID, c.Version,
		c.IssuedAt.UnixMilli(), c.ExpiresAt.UnixMilli(), payload)
	if err != nil {
		return fmt.Errorf("fleet journal: add %s: %w", c.CommandID, err)
	}
	if name == CmdRevoke {
		list, err := decodeRevocations(c.Revocations)
		if err != nil {
			return fmt.Errorf("fleet journal: add %s: %w", c.CommandID, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO revocation_lists (command_id, locker, version, list) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, c.CommandID, locker, list.Version, []byte(c.Revocations))
		if err != nil {
			return fmt.Errorf("fleet journal: add %s: %w", c.CommandID, err)
		}
	}
	return tx.Commit()
}

// LastRevocations returns the newest revocation list sent to locker or to
// the whole fleet (for "_all": sent anywhere), and whether there was one.
func (j *Journal) LastRevocations(ctx context.Context, locker string) (cred.Revocations, bool, error) {
	var raw []byte
	err := j.db.QueryRowContext(ctx, `SELECT list FROM revocation_lists WHERE ? = ? OR locker IN (?, ?)
		ORDER BY version DESC LIMIT 1`, locker, allLockers, locker, allLockers).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return cred.Revocations{}, false, nil
	}
	if err != nil {
		return cred.Revocations{}, false, fmt.Errorf("fleet journal: revocations: %w", err)
	}
	list, err := decodeRevocations(raw)
	return list, err == nil, err
}

// Sent returns a kept command: its locker, name and payload.
func (j *Journal) Sent(ctx context.Context, commandID string) (locker, name string, payload []byte, err error) {
	err = j.db.QueryRowContext(ctx, `SELECT locker, name, payload FROM commands WHERE command_id = ?`, commandID).Scan(&locker, &name, &payload)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil, fmt.Errorf("fleet journal: no command %s", commandID)
	}
	return locker, name, payload, err
}

// Missing lists what a locker did not process by its sync request, in the
// order to apply: the newest revocation list when the locker's is older
// (whatever its cursor: a list must not wait behind a later command), then
// every unexpired booking change above its gap-free version and not among
// those it has, then other unexpired commands, its own and fleet-wide,
// issued since its command cursor.
func (j *Journal) Missing(ctx context.Context, req SyncRequest, now time.Time) ([]SyncCommand, error) {
	var out []SyncCommand
	var rl struct {
		locker string
		p      []byte
	}
	err := j.db.QueryRowContext(ctx, `SELECT r.locker, c.payload FROM revocation_lists r JOIN commands c USING (command_id)
		WHERE r.locker IN (?, ?) AND c.expires_at > ? ORDER BY r.version DESC LIMIT 1`, req.Locker, allLockers, now.UnixMilli()).Scan(&rl.locker, &rl.p)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("fleet journal: missing: %w", err)
	default:
		var c Command
		if json.Unmarshal(rl.p, &c) == nil {
			if list, err := decodeRevocations(c.Revocations); err == nil && list.Version > req.RevocationVersion {
				out = append(out, SyncCommand{Name: CmdRevoke, FleetWide: rl.locker == allLockers, Command: json.RawMessage(rl.p)})
			}
		}
	}
	rows, err := j.db.QueryContext(ctx, `SELECT locker, name, version, payload FROM commands
		WHERE locker IN (?, ?) AND name <> ? AND expires_at > ? AND ((version > ?) OR (version = 0 AND issued_at >= ?))
		ORDER BY version = 0, version, issued_at`, req.Locker, allLockers, CmdRevoke, now.UnixMilli(), req.BookingVersion, req.CommandCursor.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("fleet journal: missing: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var locker, name string
		var v int64
		var p []byte
		if err := rows.Scan(&locker, &name, &v, &p); err != nil {
			return nil, err
		}
		if v > 0 && slices.Contains(req.VersionsAhead, v) {
			continue
		}
		out = append(out, SyncCommand{Name: name, FleetWide: locker == allLockers, Command: json.RawMessage(p)})
	}
	return out, rows.Err()
}
