package fleet

import (
	"pudo/app/core"
	"pudo/storage"
)

// EventHold is the link's hold on the event log, for core.Options.Holds:
// the core's Prune keeps every event the operator has not confirmed as
// stored (pudo central's signed confirmation), however long the locker
// is offline (up to core's bound), so a locker back from a long outage,
// or one whose events a broker lost after acknowledging them, still has
// them to send. main adds it whenever the link is enabled, before the
// first prune: a kiosk switched off for months must not prune its backlog
// at start, before the link is up.
func EventHold() core.EventHold {
	return core.EventHold{Name: "the fleet link", Delivered: func(tx *storage.Tx) (int64, bool, error) {
		v, err := tx.FleetValue(keyConfirmed)
		return v, true, err
	}}
}

// EventHoldAcked holds events only until the broker acknowledged them:
// for a broker without pudo central, where nobody confirms
// (fleet.retain_until_puback).
func EventHoldAcked() core.EventHold {
	return core.EventHold{Name: "the fleet link (until the broker's PUBACK)", Delivered: func(tx *storage.Tx) (int64, bool, error) {
		v, err := tx.FleetValue(keyAcked)
		return v, true, err
	}}
}
