package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"pudo/app/central/store"
)

// A locker holding an older revocation list gets the newest, whatever its
// command cursor says, and first; one holding it gets none; a locker
// central never sent a list of its own gets the fleet's. LastRevocations
// is the newest list sent there (or anywhere, for the fleet).
func TestMissingResendsTheNewestList(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	now := time.Now()
	n := 0
	add := func(locker, name string, version int64, at time.Time) {
		t.Helper()
		n++
		body := `{}`
		if name == "revoke" {
			body = fmt.Sprintf(`{"revocations":{"version":%d}}`, version)
		}
		if err := s.AddCommand(ctx, store.Command{ID: fmt.Sprint("C", n), Locker: locker, Name: name, IssuedAt: at,
			ExpiresAt: now.Add(time.Hour), Payload: []byte(body)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	add(store.AllLockers, "revoke", 3, now.Add(-3*time.Minute))
	add("L1", "revoke", 4, now.Add(-2*time.Minute))
	add("L2", "revoke", 9, now.Add(-2*time.Minute))
	add(store.AllLockers, "state", 0, now.Add(-time.Minute))
	for _, tt := range []struct {
		name string
		st   store.SyncState
		want []string // names, a revoke's version after a colon
	}{
		{"behind, cursor past the lists", store.SyncState{Locker: "L1", RevocationVersion: 1, CommandCursor: now.Add(-90 * time.Second)},
			[]string{"revoke:4", "state"}},
		{"holding the newest", store.SyncState{Locker: "L1", RevocationVersion: 4, CommandCursor: now.Add(-90 * time.Second)}, []string{"state"}},
		{"another locker gets the fleet's", store.SyncState{Locker: "L3", CommandCursor: now}, []string{"revoke:3/all"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := s.Missing(ctx, tt.st, now)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				x := p.Name
				if p.Name == "revoke" {
					x += fmt.Sprint(":", p.Revocations)
					if p.FleetWide {
						x += "/all"
					}
				}
				got = append(got, x)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Missing = %v, want %v", got, tt.want)
			}
		})
	}
	for locker, want := range map[string]int64{"L1": 4, "L3": 3, store.AllLockers: 9} {
		raw, ok, err := s.LastRevocations(ctx, locker)
		var l struct{ Version int64 }
		if err != nil || !ok || json.Unmarshal(raw, &l) != nil || l.Version != want {
			t.Errorf("LastRevocations(%s) = %s %v %v, want version %d", locker, raw, ok, err, want)
		}
	}
}
