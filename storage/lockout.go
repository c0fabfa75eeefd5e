package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// GuessBucket is the persisted guess limit of one scope: a token bucket and
// what staff are told about it. The rules that fill and spend it live in the
// app; the store only keeps it, so a restart does not refill an attacker's
// budget.
type GuessBucket struct {
	Scope  string
	Tokens float64   // left at At
	At     time.Time // zero: never written (the app treats it as full)
	// Since staff last cleared the banner: wrong entries, how often the
	// bucket ran dry, and when it first and last did (zero: never).
	Wrong     int64
	Trips     int64
	FirstTrip time.Time
	LastTrip  time.Time
}

const bucketCols = `scope, tokens, at, wrong, trips, first_trip, last_trip`

func scanBucket(s rowScanner) (GuessBucket, error) {
	var b GuessBucket
	var at int64
	var first, last sql.NullInt64
	err := s.Scan(&b.Scope, &b.Tokens, &at, &b.Wrong, &b.Trips, &first, &last)
	b.At, b.FirstTrip, b.LastTrip = time.UnixMilli(at).UTC(), fromUnix(first), fromUnix(last)
	return b, err
}

// GuessBucket returns the bucket of scope; one never written has a zero At.
func (tx *Tx) GuessBucket(scope string) (GuessBucket, error) {
	b, err := scanBucket(tx.tx.QueryRow(`SELECT `+bucketCols+` FROM guess_buckets WHERE scope = ?`, scope))
	if errors.Is(err, sql.ErrNoRows) {
		return GuessBucket{Scope: scope}, nil
	}
	if err != nil {
		return b, fmt.Errorf("storage: guess bucket %s: %w", scope, err)
	}
	return b, nil
}

// GuessBuckets lists every bucket ever written, by scope.
func (tx *Tx) GuessBuckets() ([]GuessBucket, error) {
	return queryAll(tx, "guess buckets", scanBucket, `SELECT `+bucketCols+` FROM guess_buckets ORDER BY scope`)
}

// SetGuessBucket stores b.
func (tx *Tx) SetGuessBucket(b GuessBucket) error {
	_, err := tx.tx.Exec(`INSERT INTO guess_buckets (`+bucketCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (scope) DO UPDATE SET tokens = excluded.tokens, at = excluded.at, wrong = excluded.wrong,
			trips = excluded.trips, first_trip = excluded.first_trip, last_trip = excluded.last_trip`,
		b.Scope, b.Tokens, unix(b.At), b.Wrong, b.Trips, nullTime(b.FirstTrip), nullTime(b.LastTrip))
	if err != nil {
		return fmt.Errorf("storage: set guess bucket %s: %w", b.Scope, err)
	}
	return nil
}
