package session

import (
	"context"
	"errors"
	"time"

	"pudo/app"
)

// logPage is how many audit events one page of the staff log holds.
const logPage = 60

// rentsLimit is how many rents one staff list shows.
const rentsLimit = 200

// AdminSession is a staff member's session at the kiosk, after the hidden
// gesture and their PIN: the door grid, rents, the audit log, hardware
// (with the self-test and "test empty doors"), settings. Force-opening,
// opening every door and testing the doors ask the PIN again. The engine's
// side of it is the StaffSession; this is what the screen shows of it.
type AdminSession struct {
	sessionBase
	st   app.StaffSession
	view app.View

	doors         *app.StaffDoorsView // the grid as last read
	refreshAt     time.Time           // when the grid is read again
	lastRead      string              // the last code any reader read
	hw            *app.StaffHardwareView
	confirm       *app.PINAgainView // the action waiting for the PIN again
	confirmedFrom app.View          // where the PIN screen came from
	test          *SelfTestSession
}

func newAdminSession(ctx context.Context, f *Front, st app.StaffSession) *AdminSession {
	return &AdminSession{sessionBase: newBase(ctx, f), st: st}
}

// alertsShown is how many open alerts the login list shows.
const alertsShown = 6

// first lists the open alerts, if any, before the door grid.
func (s *AdminSession) first() app.View {
	alerts, more, err := s.st.OpenAlerts(s.ctx, alertsShown)
	if err != nil {
		s.f.log.Error("open alerts", "err", err)
		return s.show(&app.StaffAlertsView{Failed: true})
	}
	if len(alerts) == 0 {
		return s.doorGrid(app.StaffNote{})
	}
	return s.show(&app.StaffAlertsView{Alerts: alerts, More: more})
}

func (s *AdminSession) show(v app.View) app.View {
	s.view = v
	return v
}

// doorGrid reads the door states again and shows the grid with note.
func (s *AdminSession) doorGrid(note app.StaffNote) app.View {
	states, err := s.st.DoorStates(s.ctx)
	if err != nil {
		s.f.log.Error("door states", "err", err)
		if s.doors != nil {
			states = s.doors.States // keep the last known grid rather than an empty one
		}
	}
	s.doors = &app.StaffDoorsView{States: states, Note: note}
	s.refreshAt = s.now().Add(s.f.opts.StaffRefresh)
	return s.show(s.doors)
}

func (s *AdminSession) tap(in app.Intent) app.View {
	if s.test != nil {
		if v, ok := s.test.tap(in); ok {
			return s.show(v)
		}
		if _, stop := in.(app.StopDoorTest); stop {
			s.test.stop()
			s.test = nil
			return s.hardware()
		}
	}
	switch in := in.(type) {
	case app.ShowSection:
		return s.section(in.Section)
	case app.OpenDoor:
		return s.ask(&app.PINAgainView{For: app.ConfirmOpenDoor, Door: in.Door})
	case app.OpenAll:
		return s.ask(&app.PINAgainView{For: app.ConfirmOpenAll})
	case app.TestEmptyDoors:
		return s.ask(&app.PINAgainView{For: app.ConfirmDoorTest})
	case app.ExitKiosk:
		if _, ok := s.view.(*app.StaffSettingsView); ok {
			return s.ask(&app.PINAgainView{For: app.ConfirmExit})
		}
	case app.AckAlerts:
		if _, ok := s.view.(*app.StaffAlertsView); ok {
			if err := s.st.AckAlerts(s.ctx); err != nil {
				return s.doorGrid(s.failed(err, 0))
			}
			s.f.log.Info("staff acknowledged the open alerts", "staff", s.st.Name())
			return s.doorGrid(app.StaffNote{})
		}
	case app.EnterPIN:
		if s.confirm != nil && s.view == s.confirm {
			return s.confirmed(in.PIN)
		}
	case app.Back:
		if s.confirm != nil && s.view == s.confirm {
			s.confirm = nil
			return s.show(s.confirmedFrom)
		}
	case app.SetOutOfService:
		return s.setOutOfService(in.Door, in.On)
	case app.RevokeToken:
		return s.askRevoke(in.Ref)
	case app.ClearDoor:
		note := app.StaffNote{Kind: app.NoteCleared, Door: in.Door}
		if err := s.st.ClearDoor(s.ctx, in.Door, "staff looked inside"); err != nil {
			note = s.failed(err, in.Door)
		}
		return s.doorGrid(note)
	case app.FilterRents:
		return s.rents(in.Query)
	case app.LogPage:
		return s.log(in.Before)
	case app.ScanBus:
		return s.scanBus()
	case app.Reconnect:
		s.f.log.Info("staff asked the lock bus to reconnect", "staff", s.st.Name())
		s.st.ReconnectBus()
		return s.hardware()
	case app.RunSelfTest:
		return s.selfTest()
	case app.Logout:
		return nil // the Front ends the session: see leave
	}
	return s.view
}

func (s *AdminSession) section(sec app.Section) app.View {
	switch sec {
	case app.SectionRents:
		return s.rents(app.RentQuery{})
	case app.SectionLog:
		return s.log(0)
	case app.SectionHardware:
		return s.hardware()
	case app.SectionSettings:
		return s.show(&app.StaffSettingsView{})
	case app.SectionTokens:
		return s.tokens(app.StaffNote{})
	}
	return s.doorGrid(app.StaffNote{})
}

// ask shows the PIN screen for v's action; Back returns to where it was.
func (s *AdminSession) ask(v *app.PINAgainView) app.View {
	s.confirm, s.confirmedFrom = v, s.view
	return s.show(v)
}

// confirmed runs the action the PIN was asked again for.
func (s *AdminSession) confirmed(pin string) app.View {
	c := s.confirm
	s.confirm = nil
	switch c.For {
	case app.ConfirmOpenDoor:
		note := app.StaffNote{Kind: app.NoteOpened, Door: c.Door}
		if _, err := s.st.OpenDoor(s.ctx, c.Door, pin, "staff"); err != nil {
			note = s.failed(err, c.Door)
		}
		return s.doorGrid(note)
	case app.ConfirmOpenAll:
		note := app.StaffNote{Kind: app.NoteOpenedAll}
		if _, err := s.st.OpenAll(s.ctx, pin); err != nil {
			note = s.failed(err, 0)
		}
		return s.doorGrid(note)
	case app.ConfirmRevoke:
		return s.revoke(c.Token, pin)
	case app.ConfirmExit:
		if err := s.st.ConfirmPIN(s.ctx, pin); err != nil {
			return s.show(&app.StaffSettingsView{Note: s.failed(err, 0)})
		}
		s.f.log.Info("staff leave the kiosk for the desktop", "staff", s.st.Name())
		return s.show(&app.ExitView{})
	}
	t, err := s.st.TestEmptyDoors(s.ctx, pin)
	if err != nil {
		hw := s.hardwareView()
		hw.Note = s.failed(err, 0)
		return s.show(hw)
	}
	s.f.log.Info("staff started the door test", "staff", s.st.Name())
	s.test = newSelfTestSession(s.ctx, s.f, t)
	return s.show(s.test.first())
}

// failed is the note for a staff action that failed.
func (s *AdminSession) failed(err error, door int64) app.StaffNote {
	s.f.log.Warn("staff action failed", "err", err, "door", door)
	switch {
	case errors.Is(err, app.ErrBadPIN):
		return app.StaffNote{Kind: app.NoteWrongPIN, Door: door}
	case errors.Is(err, app.ErrBeingOpened):
		return app.StaffNote{Kind: app.NoteBeingOpened, Door: door}
	}
	return app.StaffNote{Kind: app.NoteFailed, Door: door, Trouble: TroubleOf(err)}
}

func (s *AdminSession) setOutOfService(door int64, on bool) app.View {
	note := app.StaffNote{Kind: app.NoteOutOfService, Door: door}
	if !on {
		note.Kind = app.NoteInService
	}
	if err := s.st.SetOutOfService(s.ctx, door, on, "staff"); err != nil {
		note = s.failed(err, door)
	}
	return s.doorGrid(note)
}

func (s *AdminSession) rents(q app.RentQuery) app.View {
	q.Limit = rentsLimit
	rents, err := s.st.Rents(s.ctx, q)
	if err != nil {
		s.f.log.Error("rents", "err", err)
	}
	return s.show(&app.StaffRentsView{Query: q, Rents: rents, Failed: err != nil})
}

// log pages the audit log newest first; one event more than a page says
// whether an older page follows.
func (s *AdminSession) log(before int64) app.View {
	events, err := s.st.Events(s.ctx, before, logPage+1)
	if err != nil {
		s.f.log.Error("events", "err", err)
	}
	v := &app.StaffLogView{Before: before, Events: events, Failed: err != nil}
	if len(events) > logPage {
		v.Events, v.Older = events[:logPage], true
	}
	return s.show(v)
}

// hardwareView reads the devices' state afresh.
func (s *AdminSession) hardwareView() *app.StaffHardwareView {
	hw, err := s.st.Hardware(s.ctx)
	if err != nil {
		s.f.log.Error("hardware state", "err", err)
	}
	v := &app.StaffHardwareView{Hardware: hw, Failed: err != nil, LastRead: s.lastRead}
	if s.hw != nil {
		v.BusScan, v.BusScanned, v.BusScanFail = s.hw.BusScan, s.hw.BusScanned, s.hw.BusScanFail
	}
	s.hw = v
	return v
}

func (s *AdminSession) hardware() app.View { return s.show(s.hardwareView()) }

// scanBus asks every address of the bus who is there (commissioning).
func (s *AdminSession) scanBus() app.View {
	found, err := s.st.ScanBus(s.ctx)
	if err != nil {
		s.f.log.Warn("bus scan", "err", err)
	}
	v := s.hardwareView()
	v.BusScan, v.BusScanned, v.BusScanFail = found, true, err != nil
	return s.show(v)
}

// selfTest runs the self-test now; its report shows on the hardware screen.
func (s *AdminSession) selfTest() app.View {
	rep, err := s.st.SelfTest(s.ctx)
	if err != nil {
		s.f.log.Warn("self-test", "err", err)
	}
	v := s.hardwareView()
	if err != nil {
		v.SelfTestFailed = true
	} else if v.Hardware.SelfTest == nil || v.Hardware.SelfTest.Started.Before(rep.Started) {
		v.Hardware.SelfTest = &rep
	}
	return s.show(v)
}

// scan: any code read is shown as the last one, so staff can test the
// readers; it starts nothing while staff are in.
func (s *AdminSession) scan(text string) (app.View, bool) {
	s.lastRead = text
	if _, ok := s.view.(*app.StaffHardwareView); ok {
		return s.hardware(), true
	}
	return s.view, true
}

func (s *AdminSession) notice(n app.Notice) app.View {
	if s.test != nil && s.view == s.test.view {
		return s.show(s.test.notice(n))
	}
	switch s.view.(type) {
	case *app.StaffDoorsView:
		switch n.Kind {
		case app.NoticeOpened, app.NoticeClosed, app.NoticeLeftOpen, app.NoticeForcedOpen, app.NoticeFlapping,
			app.NoticeSensorUnknown, app.NoticeSensorKnown, app.NoticeSettled, app.NoticeRent, app.NoticeDoor, app.NoticeAvailability:
			return s.doorGrid(s.doors.Note)
		}
	case *app.StaffHardwareView:
		if n.Kind == app.NoticeAvailability {
			return s.hardware()
		}
	}
	return s.view
}

// tick reads the grid again every few seconds: sensors change without
// notices when a board falls silent and comes back.
func (s *AdminSession) tick(now time.Time) app.View {
	if _, ok := s.view.(*app.StaffDoorsView); ok && !now.Before(s.refreshAt) {
		return s.doorGrid(s.doors.Note)
	}
	return s.view
}

func (s *AdminSession) wake() time.Time {
	if _, ok := s.view.(*app.StaffDoorsView); ok {
		return s.refreshAt
	}
	return time.Time{}
}

// leave stops a door test under way and ends the session's context.
func (s *AdminSession) leave() {
	if s.test != nil {
		s.test.stop()
		s.test = nil
	}
	s.f.log.Info("staff logged out", "staff", s.st.Name())
	s.cancel()
}

// done: staff leave by logging out or walking away.
func (s *AdminSession) done() bool { return false }
