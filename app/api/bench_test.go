package api

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pudo/app/core"
)

// BenchmarkBooking books doors three ways, side by side: over HTTP on
// loopback through the whole API, straight into the core, and as the bare
// SQLite work (a rent row and an event row in one commit). Each op books and
// then cancels (one more commit in each way), so the demo locker's 24 doors
// never run out; the latency percentiles are of the booking alone. clients=1
// shows the latency of one booking, clients=16 the throughput under load.
func BenchmarkBooking(b *testing.B) {
	for _, n := range []int{1, 16} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) { benchBooking(b, n) })
	}
}

func benchBooking(b *testing.B, workers int) {
	b.Run("api-loopback", func(b *testing.B) {
		f := newFixture(b, nil)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
		auth := "Bearer " + f.keys["shopx"]
		concurrent(b, workers, func(i int64) (time.Duration, error) {
			req, _ := http.NewRequest("POST", f.url+"/v1/rents", strings.NewReader(fmt.Sprintf(`{"size":"S","parcel_ref":"B-%d"}`, i)))
			req.Header.Set("Authorization", auth)
			req.Header.Set("Content-Type", "application/json")
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				return 0, err
			}
			var out bookedOut
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			took := time.Since(start)
			if resp.StatusCode != http.StatusCreated {
				return 0, fmt.Errorf("book: %d %s", resp.StatusCode, body)
			}
			answer{body: body}.json(b, &out)
			return took, f.locker.Office().Cancel(context.Background(), out.ID)
		})
	})
	b.Run("core", func(b *testing.B) {
		db, l, _ := openLocker(b, b.TempDir(), core.Options{})
		b.Cleanup(func() { db.Close() })
		concurrent(b, workers, func(i int64) (time.Duration, error) {
			start := time.Now()
			bk, err := l.Office().Book(context.Background(), core.Booking{Size: "S", ParcelRef: fmt.Sprintf("B-%d", i)})
			took := time.Since(start)
			if err != nil {
				return 0, err
			}
			return took, l.Office().Cancel(context.Background(), bk.Rent.ID)
		})
	})
	b.Run("sqlite-commit", func(b *testing.B) {
		db := bareSQLite(b)
		concurrent(b, workers, func(i int64) (time.Duration, error) {
			start := time.Now()
			id, err := bareBooking(db, i)
			took := time.Since(start)
			if err != nil {
				return 0, err
			}
			return took, bareCancel(db, id)
		})
	})
}

// concurrent runs op b.N times on workers goroutines and reports bookings
// per second and the booking latency percentiles.
func concurrent(b *testing.B, workers int, op func(i int64) (time.Duration, error)) {
	var next atomic.Int64
	lat := make([][]time.Duration, workers)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	b.ResetTimer()
	for w := range workers {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				d, err := op(i)
				if err != nil {
					errs <- err
					return
				}
				lat[w] = append(lat[w], d)
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
}

// bareSQLite opens a file with the store's pragmas and a table shaped like
// rents and events, without the store's code.
func bareSQLite(b *testing.B) *sql.DB {
	q := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "busy_timeout(5000)", "journal_mode(WAL)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+filepath.Join(b.TempDir(), "bare.db")+"?"+q.Encode())
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	b.Cleanup(func() { db.Close() })
	for _, s := range []string{
		`CREATE TABLE rents (id INTEGER PRIMARY KEY, door_id INTEGER, state TEXT, parcel_ref TEXT, pickup_mac BLOB, created_at INTEGER)`,
		`CREATE TABLE events (seq INTEGER PRIMARY KEY, at INTEGER, kind TEXT, rent_id INTEGER, hash BLOB)`,
	} {
		if _, err := db.Exec(s); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

func bareBooking(db *sql.DB, i int64) (int64, error) {
	tx, err := db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.Exec(`INSERT INTO rents (door_id, state, parcel_ref, pickup_mac, created_at) VALUES (?, 'reserved', ?, ?, ?)`,
		i%24+1, fmt.Sprintf("B-%d", i), make([]byte, 32), time.Now().UnixMilli())
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	if _, err := tx.Exec(`INSERT INTO events (at, kind, rent_id, hash) VALUES (?, 'rent.booked', ?, ?)`,
		time.Now().UnixMilli(), id, make([]byte, 32)); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

func bareCancel(db *sql.DB, id int64) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`UPDATE rents SET state = 'cancelled' WHERE id = ? AND state = 'reserved'`, id); err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO events (at, kind, rent_id, hash) VALUES (?, 'rent.cancelled', ?, ?)`,
		time.Now().UnixMilli(), id, make([]byte, 32)); err != nil {
		return err
	}
	return tx.Commit()
}
