package core

import (
	"context"
	"slices"

	"pudo/storage"
)

// findByCode checks the guessing pause and finds the rents a typed code
// names, under both its forms (codeCreds), in one read transaction: the
// active ones, else those collected lately (to say "already collected").
// Both forms are always looked up, so a code costs the same whatever it
// finds.
func (l *Locker) findByCode(ctx context.Context, c codeCreds) (active, collected []storage.Rent, err error) {
	err = l.db.View(ctx, func(tx *storage.Tx) error {
		if err := checkLockout(tx, scopeCode); err != nil {
			return err
		}
		for _, mac := range [][]byte{c.hash, c.legacy} {
			rs, err := tx.ActiveByPickupMAC(mac)
			if err != nil {
				return err
			}
			active = append(active, rs...)
		}
		if len(active) > 0 {
			return nil
		}
		// Only a code no active rent holds: asked every time, so a code
		// that never existed costs the same as one collected.
		since := tx.Now().Add(-collectedTold)
		for _, mac := range [][]byte{c.hash, c.legacy} {
			rs, err := tx.CollectedByPickupMAC(mac, since)
			if err != nil {
				return err
			}
			collected = append(collected, rs...)
		}
		return nil
	})
	return active, collected, err
}

// rehash gives the rents found under a code's old form its hash instead:
// a rent booked before codeHash loses the HMAC that a copy of locker.key
// would crack in minutes the first time its code is typed. A failure only
// leaves the old form in place, to be tried again next time.
func (l *Locker) rehash(ctx context.Context, c codeCreds, found []storage.Rent) {
	if !slices.ContainsFunc(found, func(r storage.Rent) bool { return c.isLegacy(r.PickupMAC) }) {
		return
	}
	var n int64
	err := l.db.Update(ctx, func(tx *storage.Tx) (err error) {
		n, err = tx.ReplacePickupMAC(c.legacy, c.hash)
		return err
	})
	if err != nil {
		l.log.Warn("pickup code not rehashed", "err", err)
		return
	}
	l.log.Info("pickup code of an earlier version rehashed", "rents", n)
}
