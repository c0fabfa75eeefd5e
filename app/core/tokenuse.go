package core

import (
	"fmt"
	"strconv"

	"pudo/app"
	"pudo/storage"
)

// errQRNotTheRents means a QR of ours whose secret is not its rent's (or
// whose rent has none): made with a copy of locker.key, or for a rent
// booked before QR secrets. It reads as any bad token.
var errQRNotTheRents = fmt.Errorf("%w: not the secret of its rent", app.ErrBadToken)

// tokenUsable is what a scanned pickup or return token must pass in the
// store before its rent is looked at: an operator token must not be
// revoked; the locker's own must carry its rent's secret. A missing rent
// and a wrong secret answer alike.
func (l *Locker) tokenUsable(tx *storage.Tx, p Payload) error {
	if p.Cred != nil {
		return l.revoked(tx, *p.Cred)
	}
	id, err := strconv.ParseInt(p.Parsed.Subject, 10, 64)
	if err != nil {
		return errQRNotTheRents
	}
	h, err := tx.RentQR(id)
	if err != nil {
		return err
	}
	if !qrMatches(p.Parsed, h) {
		return errQRNotTheRents
	}
	return nil
}
