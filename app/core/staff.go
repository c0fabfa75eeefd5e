package core

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// staffLockAfter wrong PIN re-entries lock an account (app/RULES.md).
const staffLockAfter = 5

// Staff is a signed-in staff member. The screen ends the session after two
// minutes idle by dropping the value; force-open and open-all ask the PIN
// again.
type Staff struct {
	l    *Locker
	id   int64
	Name string
}

func (s *Staff) actor() string { return "staff:" + s.Name }

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
		if pinMatches(pin, m.PINHash) { // the PIN names the person at login
			return fmt.Errorf("core: add staff: %w: PIN in use", app.ErrNameTaken)
		}
	}
	hash := hashPIN(pin, l.opts.PINCost)
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

// StaffLogin signs staff in by PIN alone (one PIN per person). Wrong PINs
// at the pad share one guessing limit (5 at once, then one per 3 minutes:
// no pause longer than that, and an alert when it is reached); a staff
// member with a badge is never held up by it (StaffBadgeLogin). Errors:
// *LockedOutError, ErrBadPIN, ErrStaffLocked.
func (l *Locker) StaffLogin(ctx context.Context, pin string) (*Staff, error) {
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
	if checkPINFormat(pin) == nil {
		for i := range members { // every hash is checked: the time says nothing
			if pinMatches(pin, members[i].PINHash) && found == nil {
				found = &members[i]
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
	return &Staff{l: l, id: found.ID, Name: found.Name}, nil
}

// recheck asks the PIN again before a sweeping action. Five wrong
// re-entries lock the account until another staff member unlocks it.
func (s *Staff) recheck(ctx context.Context, pin string) error {
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
	ok := pinMatches(pin, m.PINHash)
	var refused error // returned after the commit, so the count sticks
	err = s.l.db.Update(ctx, func(tx *storage.Tx) error {
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
	if name == s.Name {
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
// untouched.
func (s *Staff) OpenDoor(ctx context.Context, doorID int64, pin, reason string) error {
	_, err := s.openDoor(ctx, doorID, pin, reason)
	return err
}

func (s *Staff) openDoor(ctx context.Context, doorID int64, pin, reason string) (app.Opening, error) {
	if err := s.recheck(ctx, pin); err != nil {
		return app.Opening{}, err
	}
	res, err := s.l.open(ctx, opening{door: storage.Door{ID: doorID}, actor: s.actor(),
		reason: "staff: " + reason, allowOOS: true})
	return res.opening, notFound(err)
}

// OpenAll opens every door one after another for an inventory check, after
// asking the PIN again. Doors that did not open are reported together.
func (s *Staff) OpenAll(ctx context.Context, pin string) error {
	_, err := s.openAll(ctx, pin)
	return err
}

func (s *Staff) openAll(ctx context.Context, pin string) ([]app.Opening, error) {
	if err := s.recheck(ctx, pin); err != nil {
		return nil, err
	}
	doors, err := s.l.Doors(ctx)
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
func (s *Staff) Rents(ctx context.Context, f RentFilter) ([]Rent, error) { return s.l.Rents(ctx, f) }

// Events lists up to limit audit events after seq after, oldest first.
func (s *Staff) Events(ctx context.Context, after int64, limit int) ([]storage.Event, error) {
	var out []storage.Event
	err := s.l.db.View(ctx, func(tx *storage.Tx) (err error) {
		out, err = tx.Events(after, limit)
		return err
	})
	return out, err
}

// CancelRent cancels a reserved rent even if its door was opened (staff
// looked inside and found it empty), freeing the door.
func (s *Staff) CancelRent(ctx context.Context, rentID int64, reason string) error {
	return s.l.cancel(ctx, rentID, s.actor(), reason, true)
}

// SetSetting changes a setting (see the Setting* keys); "" restores the
// configured value.
func (s *Staff) SetSetting(ctx context.Context, key, value string) error {
	return s.l.setSetting(ctx, s.actor(), key, value)
}

// Flagged lists door openings left unfinished by a crash, for staff to check.
func (s *Staff) Flagged(ctx context.Context) ([]storage.DoorOpen, error) {
	var out []storage.DoorOpen
	err := s.l.db.View(ctx, func(tx *storage.Tx) (err error) {
		out, err = tx.OpensInState("flagged")
		return err
	})
	return out, err
}

// Resolve records that staff checked a flagged opening.
func (s *Staff) Resolve(ctx context.Context, openID int64, note string) error {
	return s.l.db.Update(ctx, func(tx *storage.Tx) error {
		o, err := tx.OpensInState("flagged")
		if err != nil {
			return err
		}
		for _, x := range o {
			if x.ID == openID {
				if err := tx.ResolveOpen(openID); err != nil {
					return err
				}
				_, err := tx.Append(storage.Event{Actor: s.actor(), Kind: "door.open.resolved", DoorID: x.DoorID, RentID: x.RentID, Detail: note})
				return err
			}
		}
		return fmt.Errorf("flagged opening %d: %w", openID, app.ErrNotFound)
	})
}

// DoorState is a door with what is behind it and what its sensor says.
type DoorState struct {
	Door
	Active *Rent         // nil: free
	Sensor lockio.Sensor // as last polled
	Fault  bool          // did not open last time, or out of service
}

// DoorStates lists every door for the admin grid.
func (l *Locker) DoorStates(ctx context.Context) ([]DoorState, error) {
	var out []DoorState
	err := l.db.View(ctx, func(tx *storage.Tx) error {
		doors, err := tx.Doors()
		if err != nil {
			return err
		}
		for _, d := range doors {
			st := DoorState{Door: d, Sensor: l.locks.Sensor(address(d)), Fault: d.Fault != "" || d.OutOfService}
			r, err := tx.ActiveRent(d.ID)
			switch {
			case err == nil:
				st.Active = &r
			case !errors.Is(err, storage.ErrNotFound):
				return err
			}
			out = append(out, st)
		}
		return nil
	})
	return out, err
}
