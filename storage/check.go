package storage

import (
	"errors"
	"fmt"
)

// ErrInvariant means the store holds something the rules forbid.
var ErrInvariant = errors.New("storage: invariant broken")

// CheckInvariants looks for what must never be: a door holding two active
// rents, a rent collected or reclaimed without a recorded door opening, an
// active rent on a door that does not exist, a walk-in's sealed code kept
// past its drop-off. It reports every violation found; nil means none. The
// crash test and the doctor use it.
func (tx *Tx) CheckInvariants() error {
	checks := []struct{ what, q string }{
		{"door with two active rents", `SELECT door_id FROM rents
			WHERE state IN ` + activeIn + ` GROUP BY door_id HAVING count(*) > 1`},
		{"rent ended by a door opening that is not on record", `SELECT r.id FROM rents r
			WHERE r.state IN ('collected', 'reclaimed') AND (NOT EXISTS (SELECT 1 FROM door_opens o
				WHERE o.rent_id = r.id AND o.state = 'opened')
			OR NOT EXISTS (SELECT 1 FROM events e WHERE e.rent_id = r.id AND e.kind = 'door.open'))`},
		{"stored rent without a stored time", `SELECT id FROM rents WHERE state = 'stored' AND stored_at IS NULL`},
		{"sealed code kept past its rent's drop-off", `SELECT c.rent_id FROM code_seals c JOIN rents r ON r.id = c.rent_id
			WHERE r.state <> 'reserved'`},
		{"active rent on an unknown door", `SELECT r.id FROM rents r LEFT JOIN doors d ON d.id = r.door_id
			WHERE d.id IS NULL AND r.state IN ` + activeIn},
	}
	var errs []error
	for _, c := range checks {
		ids, err := tx.ids(c.q)
		if err != nil {
			return fmt.Errorf("storage: check %s: %w", c.what, err)
		}
		if len(ids) > 0 {
			errs = append(errs, fmt.Errorf("%w: %s: %v", ErrInvariant, c.what, ids))
		}
	}
	return errors.Join(errs...)
}

func (tx *Tx) ids(q string) ([]int64, error) {
	rows, err := tx.tx.Query(q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
