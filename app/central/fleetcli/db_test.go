package fleetcli_test

import (
	"context"
	"testing"

	"pudo/app/central/pgtest"
	"pudo/app/central/store"
)

// centralDB is a fresh, migrated central database of the test's own: its
// URL for the commands and a store to seed it, closed when the test ends.
func centralDB(t *testing.T) (string, *store.Store) {
	t.Helper()
	db := pgtest.Start(t).NewDB(t)
	ctx := context.Background()
	st, err := store.Open(ctx, db, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db, st
}
