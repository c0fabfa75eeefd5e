package store

import "time"

// SetNow gives the store a clock of the test's own, so that which of two
// writes came later does not hang on the machine's clock resolution.
func (s *Store) SetNow(now func() time.Time) { s.now = now }
