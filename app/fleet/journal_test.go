package fleet

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"
)

// Journal stands in for the operator's central in these tests: it keeps
// the commands the test operator sent, numbers booking versions per
// locker, and says what a locker's sync request shows it missed, by the
// rules pudo central applies from its commands table (app/central/store's
// Missing), so the kiosk's side of sync is tested without PostgreSQL.
type Journal struct {
	mu       sync.Mutex
	cmds     []journalled
	versions map[string]int64
}

type journalled struct {
	locker, name string
	c            Command
	payload      []byte
	revocations  int64 // a revoke's list version
}

func newJournal(testing.TB) *Journal { return &Journal{versions: map[string]int64{}} }

// NextVersion hands out the next booking version for a locker.
func (j *Journal) NextVersion(_ context.Context, locker string) (int64, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.versions[locker]++
	return j.versions[locker], nil
}

// Add keeps a command as sent, byte for byte (locker "_all" for a
// fleet-wide one).
func (j *Journal) Add(_ context.Context, locker, name string, c Command, payload []byte) error {
	e := journalled{locker: locker, name: name, c: c, payload: payload}
	if name == CmdRevoke {
		list, err := decodeRevocations(c.Revocations)
		if err != nil {
			return err
		}
		e.revocations = list.Version
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.cmds = append(j.cmds, e)
	return nil
}

// Missing lists what a locker did not process by its sync request, in the
// order to apply: the newest revocation list when the locker's is older,
// then every unexpired booking change above its gap-free version and not
// among those it has, then the other unexpired commands, its own and
// fleet-wide, issued since its command cursor.
func (j *Journal) Missing(_ context.Context, req SyncRequest, now time.Time) ([]SyncCommand, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var list *journalled
	var rest []journalled
	for i, e := range j.cmds {
		if (e.locker != req.Locker && e.locker != allLockers) || !e.c.ExpiresAt.After(now) {
			continue
		}
		switch {
		case e.name == CmdRevoke:
			if list == nil || e.revocations > list.revocations {
				list = &j.cmds[i]
			}
		case e.c.Version > req.BookingVersion && !slices.Contains(req.VersionsAhead, e.c.Version),
			e.c.Version == 0 && !e.c.IssuedAt.Before(req.CommandCursor):
			rest = append(rest, e)
		}
	}
	sort.SliceStable(rest, func(a, b int) bool {
		x, y := rest[a], rest[b]
		if (x.c.Version == 0) != (y.c.Version == 0) {
			return x.c.Version != 0
		}
		if x.c.Version != y.c.Version {
			return x.c.Version < y.c.Version
		}
		return x.c.IssuedAt.Before(y.c.IssuedAt)
	})
	var out []SyncCommand
	if list != nil && list.revocations > req.RevocationVersion {
		rest = append([]journalled{*list}, rest...)
	}
	for _, e := range rest {
		out = append(out, SyncCommand{Name: e.name, FleetWide: e.locker == allLockers, Command: json.RawMessage(e.payload)})
	}
	return out, nil
}
