package fleet

import (
	"pudo/app/core"
	"pudo/storage"
)

// EventHold is the link's hold on the event log, for core.Options.Holds:
// the core's Prune keeps the events the broker has not acknowledged,
// however long the locker is offline (up to core's bound), so a locker
// back from a long outage still sends them all. main adds it whenever the
// link is enabled, before the first prune: a kiosk switched off for
// months must not prune its backlog at start, before the link is up.
func EventHold() core.EventHold {
	return core.EventHold{Name: "the fleet link", Delivered: func(tx *storage.Tx) (int64, bool, error) {
		v, err := tx.FleetValue(keyAcked)
		return v, true, err
	}}
}
