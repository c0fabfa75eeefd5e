package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"pudo/app"
	"pudo/app/cred"
	"pudo/storage"
)

// ErrStaleRevocations means a revocation list older than the one applied,
// or the same version with other entries: the newest list wins, and a
// version names one list.
var ErrStaleRevocations = errors.New("core: revocation list is not newer than the one applied")

// SetRevocations replaces the operator's revocation list with list, for
// every credential the operator signs (courier tokens, staff badges, app
// pickup tokens). It is what the fleet link calls when the operator pushes
// a list; the list is kept in the store, so it holds offline and across
// restarts. A list applies only over an older version; the same version
// again is a no-op, so a resent push is harmless. Errors: ErrStaleRevocations,
// cred.ErrBadRevocations.
func (bo *Office) SetRevocations(ctx context.Context, list cred.Revocations) error {
	l := bo.l
	if err := list.Check(); err != nil {
		return err
	}
	body, err := json.Marshal(list)
	if err != nil {
		return fmt.Errorf("core: revocations: %w", err)
	}
	return l.db.Update(ctx, func(tx *storage.Tx) error {
		v, cur, err := tx.Revocations()
		switch {
		case err != nil:
			return err
		case list.Version == v && bytes.Equal(cur, body):
			return nil
		case list.Version <= v:
			return fmt.Errorf("%w: version %d applied, got %d", ErrStaleRevocations, v, list.Version)
		}
		if err := tx.SetRevocations(list.Version, body); err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: "operator", Kind: "revocations.applied", Detail: fmt.Sprintf(
			"version %d: %d tokens, %d subjects, %d keys", list.Version, len(list.Tokens), len(list.Subjects), len(list.Keys))})
		return err
	})
}

// Revocations returns the revocation list applied (Version 0 when none
// was), so the fleet link can tell the operator which version it holds.
func (bo *Office) Revocations(ctx context.Context) (list cred.Revocations, err error) {
	l := bo.l
	err = l.db.View(ctx, func(tx *storage.Tx) (err error) {
		list, err = loadRevocations(tx)
		return err
	})
	return list, err
}

func loadRevocations(tx *storage.Tx) (cred.Revocations, error) {
	var list cred.Revocations
	_, body, err := tx.Revocations()
	if err != nil || body == nil {
		return list, err
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return list, fmt.Errorf("core: stored revocation list: %w", err)
	}
	return list, nil
}

// credDetail names an operator token in the audit log: never the token
// itself, which is a credential until it expires.
func credDetail(c cred.Claims) string {
	// By ref, not id: with a token's id and the site key off the SD card
	// a token signed here could be made again (siteKeyRule).
	d := fmt.Sprintf("token ref %s key %s until %s", TokenRef(c.ID)[:16], c.KeyID, c.Expires.Format("2006-01-02T15:04Z"))
	if c.Carrier != "" {
		d = "carrier " + c.Carrier + " " + d
	}
	return d
}

// checkBadge tells whose a scanned staff badge is, with its claims:
// valid here, not revoked, not paused by wrong PINs (BadgeHolder).
func (l *Locker) checkBadge(ctx context.Context, badge string) (cred.Claims, error) {
	p := l.payloadOf(badge)
	if p.Kind != PayloadStaffBadge {
		return cred.Claims{}, app.ErrBadToken
	}
	if p.Err != nil {
		return cred.Claims{}, p.Err
	}
	err := l.db.View(ctx, func(tx *storage.Tx) error {
		if err := l.revoked(tx, *p.Cred); err != nil {
			return err
		}
		return checkLockout(tx, scopeBadge(p.Cred.Subject))
	})
	return *p.Cred, err
}

// loginStaffBadge signs a staff member in by their badge (a staff token the
// operator signed for this locker, naming them) and their own PIN. Wrong
// PINs count against that badge alone, at most 3 minutes' pause at a time,
// so guessing at the PIN pad never keeps staff with a badge out. Errors:
// those of BadgeHolder, ErrBadPIN, ErrNotFound (no staff account of the
// badge's name here), ErrStaffLocked.
func (l *Locker) loginStaffBadge(ctx context.Context, badge, pin string) (*Staff, error) {
	c, err := l.checkBadge(ctx, badge)
	name := c.Subject
	if err != nil {
		l.auditBadge(ctx, name, "staff.badge.refused", err.Error())
		return nil, err
	}
	var m *storage.StaffMember
	err = l.db.View(ctx, func(tx *storage.Tx) error {
		ms, err := tx.StaffMembers()
		for i := range ms {
			if ms[i].Name == name {
				m = &ms[i]
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if m == nil {
		l.auditBadge(ctx, name, "staff.badge.refused", "no staff account of that name")
		return nil, fmt.Errorf("%w: no staff account %q at this locker", app.ErrNotFound, name)
	}
	ok, legacy := false, false
	if checkPINFormat(pin) == nil {
		ok, legacy = pinMatches(l.pinKey(), pin, m.PINHash)
	}
	var refused error // returned after the commit, so the failure is kept
	actor := "staff:" + name
	err = l.db.Update(ctx, func(tx *storage.Tx) error {
		kind := "staff.login"
		switch {
		case !ok:
			refused, kind = app.ErrBadPIN, "staff.login.wrong"
			if err := recordFailure(tx, scopeBadge(name), actor); err != nil {
				return err
			}
		case m.Locked:
			refused, kind = app.ErrStaffLocked, "staff.login.locked"
		default:
			if err := noteToken(tx, c); err != nil {
				return err
			}
			if legacy {
				if err := l.renewPIN(tx, m.ID, pin); err != nil {
					return err
				}
			}
		}
		_, err := tx.Append(storage.Event{Actor: actor, Kind: kind, Detail: "badge"})
		return err
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	return &Staff{l: l, id: m.ID, name: m.Name, badge: &c}, nil
}

func (l *Locker) auditBadge(ctx context.Context, name, kind, detail string) {
	actor := "staff:?"
	if name != "" {
		actor = "staff:" + name
	}
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.Append(storage.Event{Actor: actor, Kind: kind, Detail: strings.TrimPrefix(detail, "core: ")})
		return err
	})
	if err != nil {
		l.log.Warn("staff badge refusal not recorded", "err", err)
	}
}
