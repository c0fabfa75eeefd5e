package storage

import (
	"context"
	"testing"
)

// TestCachedStatementsNest: a query run again while rows of the same query
// are still being read gets a statement of its own (the cached one is
// busy), and both read every row; the cached one serves the next call.
func TestCachedStatementsNest(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	const q = `SELECT n FROM (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) ORDER BY n`
	for range 2 {
		err := db.View(ctx, func(tx *Tx) error {
			outer, err := tx.tx.Query(q)
			if err != nil {
				return err
			}
			defer outer.Close()
			var got []int
			for outer.Next() {
				var n int
				if err := outer.Scan(&n); err != nil {
					return err
				}
				inner, err := tx.tx.Query(q)
				if err != nil {
					return err
				}
				count := 0
				for inner.Next() {
					count++
				}
				inner.Close()
				if count != 3 {
					t.Errorf("inner query read %d rows, want 3", count)
				}
				got = append(got, n)
			}
			if len(got) != 3 || got[0] != 1 || got[2] != 3 {
				t.Errorf("outer query read %v, want [1 2 3]", got)
			}
			return outer.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
