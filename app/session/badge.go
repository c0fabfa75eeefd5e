package session

import (
	"context"
	"errors"

	"pudo/app"
)

// A staff badge (the operator's staff token) scanned on home, on the PIN
// pad or anywhere a scan ends what runs opens the PIN pad for its holder.
// Its wrong PINs count against that badge alone, so whoever guesses at the
// shared pad never keeps a badge holder out, and a badge guessed at pauses
// only itself.

// badgeScanned asks the PIN of the badge's holder.
func (f *Front) badgeScanned(ctx context.Context, badge string) app.View {
	name, err := f.eng.BadgeHolder(ctx, badge)
	var lo *app.LockedOutError
	switch {
	case err == nil:
		f.log.Info("staff badge scanned", "staff", name)
		v := &app.PINView{Badge: name}
		f.badge = badge
		return v
	case errors.As(err, &lo):
		f.badge = badge
		return &app.PINView{Badge: name, Refusal: app.PINPaused, Until: lo.Until}
	}
	f.log.Warn("staff badge refused", "err", err)
	f.badge = ""
	return &app.PINView{Refusal: app.PINBadgeRefused}
}

// badgeLogin signs the badge's holder in with their PIN.
func (f *Front) badgeLogin(ctx context.Context, pin string) app.View {
	badge, name := f.badge, ""
	if pv, ok := f.view.(*app.PINView); ok {
		name = pv.Badge
	}
	st, err := f.eng.LoginStaffBadge(ctx, badge, pin)
	var lo *app.LockedOutError
	var v *app.PINView
	switch {
	case err == nil:
		return f.startStaff(ctx, st)
	case errors.As(err, &lo):
		v = &app.PINView{Badge: name, Refusal: app.PINPaused, Until: lo.Until}
	case errors.Is(err, app.ErrStaffLocked):
		v = &app.PINView{Badge: name, Refusal: app.PINLocked}
	case errors.Is(err, app.ErrBadPIN), errors.Is(err, app.ErrPINFormat):
		v = &app.PINView{Badge: name, Refusal: app.PINWrong}
	case errors.Is(err, app.ErrBadToken), errors.Is(err, app.ErrTokenExpired), errors.Is(err, app.ErrNotFound):
		// revoked or expired between the scan and the PIN
		f.log.Warn("staff badge refused", "err", err)
		f.badge = ""
		return &app.PINView{Refusal: app.PINBadgeRefused}
	default:
		f.log.Error("staff badge login failed", "err", err)
		v = &app.PINView{Badge: name, Refusal: app.PINFailed}
	}
	f.badge = badge // the same pad, for the same person
	return v
}

// startStaff starts the staff session of st, signed in.
func (f *Front) startStaff(ctx context.Context, st app.StaffSession) app.View {
	f.log.Info("staff logged in", "staff", st.Name())
	s := newAdminSession(ctx, f, st)
	f.sess = s
	fn := st.CameraFrame
	f.frame.Store(&fn)
	return s.first()
}
