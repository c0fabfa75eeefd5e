package storage

import "fmt"

// rowScanner is what *sql.Row and *sql.Rows share.
type rowScanner interface{ Scan(...any) error }

// queryAll runs q and scans every row with scan; what names the query in
// errors ("doors", "free doors", ...).
func queryAll[T any](tx *Tx, what string, scan func(rowScanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := tx.tx.Query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: %s: %w", what, err)
	}
	return out, nil
}
