package fleet

import (
	"context"
	"fmt"

	"golang.org/x/sys/unix"

	"pudo/storage"
)

// ClockSynced asks the kernel whether NTP (or another time daemon) has the
// clock synchronised. A locker that booted without network reports stale
// time until then; consumers order by seq, never by this clock.
func ClockSynced() bool {
	var tx unix.Timex
	state, err := unix.Adjtimex(&tx)
	return err == nil && state != unix.TIME_ERROR
}

// Boot is this run of the kiosk as the link numbers it.
type Boot struct {
	N int64
	// Synced says whether the clock was synchronised at the start.
	Synced bool
}

// StartBoot counts a new boot and starts its clock epoch at the next event.
// main calls it right after opening the store, so every event of this run,
// reconciliation included, carries the new boot number.
func StartBoot(ctx context.Context, db *storage.DB, synced bool) (Boot, error) {
	var b Boot
	err := db.Update(ctx, func(tx *storage.Tx) error {
		n, err := tx.BumpFleetValue(keyBoot)
		if err != nil {
			return err
		}
		b = Boot{N: n, Synced: synced}
		_, err = tx.AddClockEpoch(n, synced)
		return err
	})
	if err != nil {
		return Boot{}, fmt.Errorf("fleet: boot: %w", err)
	}
	return b, nil
}

// Keys of the link's counters in the store.
const (
	keyBoot    = "boot"
	keyBirth   = "birth"
	keyAcked   = "outbox_acked"
	keyCursor  = "command_cursor" // unix ms
	keyStarted = "outbox_started"
)

// epochs maps seqs to their boot and clock flag.
type epochs []storage.ClockEpoch

func (es epochs) of(seq int64) (boot int64, synced bool) {
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].FirstSeq <= seq {
			return es[i].Boot, es[i].Synced
		}
	}
	return 0, false
}
