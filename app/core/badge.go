package core

import (
	"context"
	"errors"
	"fmt"

	"pudo/app"
	"pudo/storage"
)

// BadgeHolder tells whose a scanned staff badge is, so the screen asks that
// person's PIN: a badge valid here, not revoked, naming a staff account of
// this locker. Errors: app.ErrBadToken (ErrTokenNotHere, ErrTokenRevoked,
// ErrTokenNotIssued, ErrClockBehind, ErrTokenFuture among them; a name
// with no account), app.ErrTokenExpired, *app.LockedOutError while wrong
// PINs with this badge keep it paused.
func (l *Locker) BadgeHolder(ctx context.Context, badge string) (string, error) {
	c, err := l.checkBadge(ctx, badge)
	var paused *app.LockedOutError
	if err != nil && !errors.As(err, &paused) {
		// The screen asks this first, so a forged, revoked or expired
		// badge is refused here: in the audit log, as a courier's token is.
		l.auditBadge(ctx, c.Subject, string(app.EvBadgeRefused), err.Error())
	}
	if err != nil {
		return c.Subject, err
	}
	ms, err := l.staffMembers(ctx)
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		if m.Name == c.Subject {
			return m.Name, nil
		}
	}
	l.auditBadge(ctx, c.Subject, string(app.EvBadgeRefused), "no staff account of that name")
	return "", fmt.Errorf("%w: no staff account %q at this locker", app.ErrBadToken, c.Subject)
}

// LoginStaffBadge signs a badge's holder in with their own PIN (see
// loginStaffBadge).
func (l *Locker) LoginStaffBadge(ctx context.Context, badge, pin string) (app.StaffSession, error) {
	return handOut[app.StaffSession](l.loginStaffBadge(ctx, badge, pin))
}

// badgeStillGood fails once the badge the staff member signed in with is
// revoked (here or by the operator's list): a revocation applies to a
// session in progress at its next sweeping action.
func (s *Staff) badgeStillGood(ctx context.Context) error {
	if s.badge == nil {
		return nil
	}
	return s.l.db.View(ctx, func(tx *storage.Tx) error { return s.l.revoked(tx, *s.badge) })
}

// Tokens lists the operator's tokens this locker knows, for staff.
func (s *Staff) Tokens(ctx context.Context) ([]app.Token, error) {
	ks, err := s.l.knownTokens(ctx)
	out := make([]app.Token, 0, len(ks))
	for _, k := range ks {
		out = append(out, app.Token{Ref: k.Ref, Kind: k.Kind, Subject: k.Subject, Carrier: k.Carrier, Expires: k.Expires,
			LastSeen: k.LastSeen, Issued: k.Issued, Revoked: k.RevokedAt})
	}
	return out, err
}

// RevokeToken revokes a token at this locker after the PIN again.
func (s *Staff) RevokeToken(ctx context.Context, ref, pin string) error {
	if err := s.ConfirmPIN(ctx, pin); err != nil {
		return err
	}
	_, err := s.l.revokeToken(ctx, ref, s.actor(), "at the kiosk")
	return err
}
