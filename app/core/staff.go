package core

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"

	"pudo/app"
	"pudo/app/cred"
	"pudo/storage"
)

// staffLockAfter wrong PIN re-entries lock an account (app/RULES.md).
const staffLockAfter = 5

// Staff is a signed-in staff member: the contract's app.StaffSession. The
// screen ends the session after two minutes idle by dropping the value;
// force-open, open-all and the door test ask the PIN again. It holds
// nothing that changes, so its methods are safe for concurrent use.
type Staff struct {
	l    *Locker
	id   int64
	name string
	// badge is the badge signed in with (nil: the PIN alone): revoked,
	// it asks nothing more of the PIN (see recheck).
	badge *cred.Claims
}

var _ app.StaffSession = (*Staff)(nil)

// Name is the staff member's name.
func (s *Staff) Name() string { return s.name }

func (s *Staff) actor() string { return "staff:" + s.name }

// AddStaff creates a staff account. Errors: ErrPINFormat, ErrNameTaken
// (a name or a PIN already in use: one PIN per person).
func (l *Locker) AddStaff(ctx context.Context, name, pin string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return fmt.Errorf("core: add staff: %w: empty name", app.ErrNameTaken)
	}
	if err := checkPINFormat(pin); err != nil {
		return err
	}
	members, err := l.staffMembers(ctx)
	if err != nil {
		return err
	}
	for _, m := range members {
		if ok, _ := pinMatches(l.pinKey(), pin, m.PINHash); ok { // the PIN names the person at login
			return fmt.Errorf("core: add staff: %w: PIN in use", app.ErrNameTaken)
		}
	}
	hash := hashPIN(l.pinKey(), pin, l.opts.PINCost)
	err = l.db.Update(ctx, func(tx *storage.Tx) error {
		m, err := tx.AddStaff(name, hash)
		if errors.Is(err, storage.ErrNameTaken) {
			return fmt.Errorf("%w: %q", app.ErrNameTaken, name)
		}
		if err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: "system", Kind: "staff.added", Detail: m.Name})
		return err
	})
	if err != nil {
		return fmt.Errorf("core: add staff: %w", err)
	}
	return nil
}

// DemoStaffPIN is the PIN of the demo locker's staff account.
const DemoStaffPIN = "12345678"

// SeedDemoStaff adds the demo staff account ("demo", DemoStaffPIN) when
// there is no staff account yet. Only the demo locker may call it.
func (l *Locker) SeedDemoStaff(ctx context.Context) error {
	members, err := l.staffMembers(ctx)
	if err != nil || len(members) > 0 {
		return err
	}
	return l.AddStaff(ctx, "demo", DemoStaffPIN)
}

func (l *Locker) staffMembers(ctx context.Context) (ms []storage.StaffMember, err error) {
	err = l.db.View(ctx, func(tx *storage.Tx) (err error) {
		ms, err = tx.StaffMembers()
		return err
	})
	return ms, err
}

// LoginStaff signs staff in by PIN alone (one PIN per person). Wrong PINs
// at the pad share one guessing limit (5 at once, then one per 3 minutes:
// no pause longer than that, and an alert when it is reached); a staff
// member with a badge is never held up by it (LoginStaffBadge). Errors:
// *app.LockedOutError, app.ErrBadPIN, app.ErrStaffLocked.
func (l *Locker) LoginStaff(ctx context.Context, pin string) (app.StaffSession, error) {
	return handOut[app.StaffSession](l.loginStaff(ctx, pin))
}

func (l *Locker) loginStaff(ctx context.Context, pin string) (*Staff, error) {
	if l.opts.BadgeRequired {
		// Refused before the PIN is read: the answer says nothing of it,
		// and no guess counts.
		err := l.db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Append(storage.Event{Actor: "staff:?", Kind: string(app.EvStaffPINAlone)})
			return err
		})
		if err != nil {
			return nil, err
		}
		return nil, app.ErrBadgeRequired
	}
	var members []storage.StaffMember
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		if err = checkLockout(tx, scopeStaff); err != nil {
			return err
		}
		members, err = tx.StaffMembers()
		return err
	})
	if err != nil {
		return nil, err
	}
	var found *storage.StaffMember
	var legacy bool
	if checkPINFormat(pin) == nil {
		for i := range members { // every hash is checked: the time says nothing
			if ok, old := pinMatches(l.pinKey(), pin, members[i].PINHash); ok && found == nil {
				found, legacy = &members[i], old
			}
		}
	}
	// refused is the answer for the person; the transaction itself must
	// commit, or the failure that feeds the lockout would be rolled back.
	var refused error
	err = l.db.Update(ctx, func(tx *storage.Tx) error {
		switch {
		case found == nil:
			refused = app.ErrBadPIN
			if _, err := tx.Append(storage.Event{Actor: "staff:?", Kind: "staff.login.wrong"}); err != nil {
				return err
			}
			return recordFailure(tx, scopeStaff, "staff:?")
		case found.Locked:
			refused = app.ErrStaffLocked
			_, err := tx.Append(storage.Event{Actor: "staff:" + found.Name, Kind: "staff.login.locked"})
			return err
		case legacy:
			if err := l.renewPIN(tx, found.ID, pin); err != nil {
				return err
			}
		}
		_, err := tx.Append(storage.Event{Actor: "staff:" + found.Name, Kind: "staff.login"})
		return err
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	return &Staff{l: l, id: found.ID, name: found.Name}, nil
}

// ConfirmPIN asks the PIN again before a sweeping action. Five wrong
// re-entries lock the account until another staff member unlocks it.
// app.ErrBadPIN, app.ErrStaffLocked.
func (s *Staff) ConfirmPIN(ctx context.Context, pin string) error {
	var m storage.StaffMember
	err := s.l.db.View(ctx, func(tx *storage.Tx) (err error) {
		m, err = tx.StaffMember(s.id)
		return err
	})
	if err != nil {
		return err
	}
	if m.Locked {
		return app.ErrStaffLocked
	}
	if err := s.badgeStillGood(ctx); err != nil {
		return err
	}
	ok, legacy := pinMatches(s.l.pinKey(), pin, m.PINHash)
	var refused error // returned after the commit, so the count sticks
	err = s.l.db.Update(ctx, func(tx *storage.Tx) error {
		if ok && legacy {
			if err := s.l.renewPIN(tx, m.ID, pin); err != nil {
				return err
			}
		}
		if ok {
			return tx.SetStaffFailures(m.ID, 0, false)
		}
		// Count from the row as it is now: two wrong PINs at once must
		// both count (the hash check above ran outside any transaction).
		cur, err := tx.StaffMember(s.id)
		if err != nil {
			return err
		}
		m = cur
		m.Failures++
		locked := m.Failures >= staffLockAfter
		if err := tx.SetStaffFailures(m.ID, m.Failures, locked); err != nil {
			return err
		}
		kind := "staff.pin.wrong"
		if locked {
			kind = "alert.staff.locked"
		}
		refused = app.ErrBadPIN
		if locked {
			refused = app.ErrStaffLocked
		}
		_, err = tx.Append(storage.Event{Actor: s.actor(), Kind: kind})
		return err
	})
	if err != nil {
		return err
	}
	return refused
}

// UnlockStaff lets a locked account sign in again; only another staff
// member may do it.
func (s *Staff) UnlockStaff(ctx context.Context, name string) error {
	if name == s.name {
		// A session whose own PIN re-checks locked it must not undo that.
		return fmt.Errorf("%w: another staff member must unlock it", app.ErrStaffLocked)
	}
	return s.l.db.Update(ctx, func(tx *storage.Tx) error {
		ms, err := tx.StaffMembers()
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Name == name {
				if err := tx.SetStaffFailures(m.ID, 0, false); err != nil {
					return err
				}
				_, err := tx.Append(storage.Event{Actor: s.actor(), Kind: "staff.unlocked", Detail: name})
				return err
			}
		}
		return fmt.Errorf("staff %q: %w", name, app.ErrNotFound)
	})
}

// OpenDoor force-opens one door (even out of service) for a reason that
// goes into the audit log, after asking the PIN again (app/RULES.md): a
// session left open must not let the next person open doors. Rents are
// untouched. *app.BeingOpenedError while another opening of the door is
// unsettled, *app.OutOfOrderError while it cannot open.
func (s *Staff) OpenDoor(ctx context.Context, doorID int64, pin, reason string) (app.Opening, error) {
	if err := s.ConfirmPIN(ctx, pin); err != nil {
		return app.Opening{}, err
	}
	res, err := s.l.open(ctx, opening{door: storage.Door{ID: doorID}, actor: s.actor(),
		reason: "staff: " + reason, allowOOS: true})
	return res.opening, notFound(err)
}

// OpenAll opens every door one after another for an inventory check, after
// asking the PIN again. Doors that did not open are reported together.
func (s *Staff) OpenAll(ctx context.Context, pin string) ([]app.Opening, error) {
	if err := s.ConfirmPIN(ctx, pin); err != nil {
		return nil, err
	}
	doors, err := s.l.allDoors(ctx)
	if err != nil {
		return nil, err
	}
	var errs []error
	var out []app.Opening
	for _, d := range doors {
		if ctx.Err() != nil {
			return out, errors.Join(append(errs, ctx.Err())...)
		}
		res, err := s.l.open(ctx, opening{door: d, actor: s.actor(), reason: "staff: inventory", allowOOS: true})
		if res.opening.ID != 0 {
			out = append(out, res.opening)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// SetOutOfService takes a door out of service (on) or back in. Rents behind
// it stop ageing while it is out.
func (s *Staff) SetOutOfService(ctx context.Context, doorID int64, on bool, reason string) error {
	err := s.l.db.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.SetOutOfService(doorID, on, reason); err != nil {
			return notFound(err)
		}
		kind := "door.in-service"
		if on {
			kind = "door.out-of-service"
		}
		_, err := tx.Append(storage.Event{Actor: s.actor(), Kind: kind, DoorID: doorID, Detail: reason})
		return err
	})
	if err != nil {
		return fmt.Errorf("core: door %d service: %w", doorID, err)
	}
	return nil
}

// Rents lists rents for the admin screen's search.
func (s *Staff) Rents(ctx context.Context, q app.RentQuery) ([]app.Rent, error) {
	rs, err := s.l.rents(ctx, rentFilter(q))
	return appRents(rs), err
}

// Events pages the audit log newest first: up to limit events older than
// seq before (0: from the newest).
func (s *Staff) Events(ctx context.Context, before int64, limit int) ([]app.Event, error) {
	return s.l.eventsBefore(ctx, before, limit, "")
}

// Alerts is Events for alert.* kinds only.
func (s *Staff) Alerts(ctx context.Context, before int64, limit int) ([]app.Event, error) {
	return s.l.eventsBefore(ctx, before, limit, "alert.")
}

// ClearDoor records that staff looked inside a door kept for them and
// settles it: the door may be assigned again.
func (s *Staff) ClearDoor(ctx context.Context, doorID int64, note string) error {
	return s.l.clearDoor(ctx, s.actor(), doorID, note)
}

// CheckDoor records what staff found inside a door kept for them and
// settles it (app.StaffSession; see checkDoor).
func (s *Staff) CheckDoor(ctx context.Context, doorID int64, inside bool, note string) error {
	return s.l.checkDoor(ctx, s.actor(), doorID, inside, note)
}

// DoorStates lists every door with its rent, for the staff grid.
func (s *Staff) DoorStates(ctx context.Context) ([]app.DoorState, error) {
	return s.l.appDoorStates(ctx)
}

// Hardware is the lock bus's, the boards' and the code readers' health.
func (s *Staff) Hardware(ctx context.Context) (app.Hardware, error) { return s.l.hardware(ctx) }

// CameraFrame is the newest camera picture for the live preview; nil
// without a camera.
func (s *Staff) CameraFrame() image.Image {
	if r := s.l.readerSet(); r != nil {
		return r.LastFrame()
	}
	return nil
}

// ScanBus asks every address of the bus for its status (commissioning).
func (s *Staff) ScanBus(ctx context.Context) ([]app.BoardFound, error) {
	bus, ok := s.l.locks.(Bus)
	if !ok {
		return nil, nil
	}
	found, err := bus.Scan(ctx)
	return appFound(found), err
}

// ReconnectBus reopens the lock bus now, after staff fixed a permission
// problem. It does not wait.
func (s *Staff) ReconnectBus() {
	if bus, ok := s.l.locks.(Bus); ok {
		s.l.log.Info("staff asked the lock bus to reconnect", "staff", s.name)
		bus.Reconnect()
	}
}

// SelfTest runs the self-test now, opening no door.
func (s *Staff) SelfTest(ctx context.Context) (app.SelfTestReport, error) { return s.l.SelfTest(ctx) }

// CancelRent cancels a reserved rent even if its door was opened (staff
// looked inside and found it empty), freeing the door.
func (s *Staff) CancelRent(ctx context.Context, rentID int64, reason string) error {
	return s.l.cancel(ctx, rentID, s.actor(), reason, true)
}
