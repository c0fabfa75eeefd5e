package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// rawWords are what a log or hardware line must never show staff: an
// event kind or other dotted identifier, a hex number.
var rawWords = regexp.MustCompile(`\b[a-z]+\.[a-z][a-z.-]*\b|0x[0-9A-Fa-f]+`)

// TestStaffWordsPlain: every event kind, with every reason an opening is
// logged with and every kind of actor, and every failed self-test check
// read in plain words of each language, never as the names the code uses.
func TestStaffWordsPlain(t *testing.T) {
	details := []string{"", "did not open"}
	for _, p := range purposes {
		details = append(details, string(p))
	}
	for _, l := range Languages {
		SetLanguage(l.Code)
		for _, k := range app.EventKinds {
			if _, ok := texts[l.Code]["event."+string(k)]; !ok {
				t.Errorf("%s: no words for event %s", l.Code, k)
			}
			for _, d := range details {
				e := app.Event{At: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), Kind: k, DoorID: 7, Detail: d, Actor: "staff:staff"}
				text := eventRow(e).(*widget.Label).Text // as staff see it
				if strings.Contains(text, string(k)) || rawWords.MatchString(text) || strings.Contains(text, "staff: staff") {
					t.Errorf("%s: event %s (%q) reads %q", l.Code, k, d, text)
				}
			}
		}
		for _, a := range actors {
			if text := actorText(a + ":anna"); strings.Contains(text, ":") || strings.Contains(text, "?") {
				t.Errorf("%s: actor %s reads %q", l.Code, a, text)
			}
		}
		if text := actorText("staff:?"); strings.Contains(text, "?") {
			t.Errorf("%s: an unknown staff member reads %q", l.Code, text)
		}
		for _, c := range checkKinds {
			if !hasText("check."+string(c)) || texts[l.Code]["check."+string(c)] == "" {
				t.Errorf("%s: no words for check %s", l.Code, c)
			}
			name := "door 7" // the core's English name for the log
			if c == app.CheckReader {
				name = "camera" // a reader is named by its device
			}
			text := checkText(app.Check{Kind: c, Name: name, DoorID: 7, Detail: "reads open"})
			if strings.Contains(text, "door 7") || strings.Contains(text, "reads open") || rawWords.MatchString(text) {
				t.Errorf("%s: check %s reads %q", l.Code, c, text)
			}
		}
	}
	SetLanguage("en")
}

// TestHardwareScreenPlain: the hardware screen names input lines as
// ranges and failed checks in words, in every language.
func TestHardwareScreenPlain(t *testing.T) {
	for _, l := range Languages {
		f := newFixture(t)
		SetLanguage(l.Code)
		sceneNamed(t, "admin-hardware").setup(t, f)
		for _, s := range f.texts() {
			if rawWords.MatchString(s) || strings.Contains(s, "reads open") || strings.Contains(s, "door 7") {
				t.Errorf("%s: the hardware screen shows %q", l.Code, s)
			}
		}
		if !f.shows(trf("check.door", "Door", 7)) {
			t.Errorf("%s: the failed check is not in words; texts %q", l.Code, f.texts())
		}
	}
}

// rect is where an object is drawn on the window.
type rect struct{ pos, size fyne.Size }

// rectOf walks from the window's content down to o, adding up positions.
func (f *fixture) rectOf(o fyne.CanvasObject) rect {
	var walk func(at fyne.Position, n fyne.CanvasObject) (fyne.Position, bool)
	walk = func(at fyne.Position, n fyne.CanvasObject) (fyne.Position, bool) {
		at = at.Add(n.Position())
		if n == o {
			return at, true
		}
		var kids []fyne.CanvasObject
		switch c := n.(type) {
		case *fyne.Container:
			kids = c.Objects
		case *container.ThemeOverride:
			kids = []fyne.CanvasObject{c.Content}
		} // no way into other widgets: their renderers would lay them out again, outside the theme

		for _, k := range kids {
			if p, ok := walk(at, k); ok {
				return p, true
			}
		}
		return at, false
	}
	p, ok := walk(fyne.Position{}, f.w.Content())
	if !ok {
		panic("not on the window")
	}
	return rect{fyne.NewSize(p.X, p.Y), o.Size()}
}

func (r rect) overlaps(o rect) bool {
	return r.pos.Width < o.pos.Width+o.size.Width && o.pos.Width < r.pos.Width+r.size.Width &&
		r.pos.Height < o.pos.Height+o.size.Height && o.pos.Height < r.pos.Height+r.size.Height
}

// TestAdminButtonsKeepTheirPlaces: on both panels, the section tabs sit
// in the same place on every staff screen, each action in one of the same
// four slots whatever the screen holds, and exit to desktop shares no spot
// with any paging button.
func TestAdminButtonsKeepTheirPlaces(t *testing.T) {
	for _, panel := range []fyne.Size{landscape, portrait} {
		t.Run(fmt.Sprintf("%vx%v", panel.Width, panel.Height), func(t *testing.T) {
			f := newFixtureAt(t, panel)
			adminStates(f)
			for i := range 200 {
				f.eng.Log(app.Event{At: f.clock.now.Add(-time.Duration(i) * time.Minute), Actor: "system", Kind: app.EvDoorClosed, DoorID: int64(i%24 + 1)})
			}
			f.eng.Log(app.Event{At: f.clock.now, Actor: "system", Kind: app.EvAlertForcedOpen, DoorID: 7})
			at := func(label string) rect {
				t.Helper()
				b := f.button(label)
				if b == nil {
					t.Fatalf("no button %q on %s; texts %q", label, screenName(f.k.shown), f.texts())
				}
				return f.rectOf(b)
			}
			var tabLabels []string
			for _, tb := range adminTabs {
				tabLabels = append(tabLabels, tr(tb.key))
			}
			tabLabels = append(tabLabels, tr("admin.logout"))
			tabs := func() map[string]rect {
				m := map[string]rect{}
				for _, l := range tabLabels {
					m[l] = at(l)
				}
				return m
			}
			f.tapLogo(5)
			f.typeOnKeypad(t, staffPIN)
			f.tap(t, tr("keypad.enter"))
			shown[*adminAlertsScreen](t, f)
			want := tabs()
			ack, toDoors := at(tr("alerts.ack")), at(tr("alerts.doors"))
			f.tap(t, tr("alerts.ack"))
			shown[*adminDoorsScreen](t, f)
			openAll := at(tr("admin.openall"))
			test.Tap(f.doorCell(t, 9)) // a faulty door: every slot filled
			slot := [adminSlots]rect{at(trf("admin.open", "Door", 9)), at(tr("admin.oos.on")), at(tr("admin.check.inside")), at(tr("admin.check.empty"))}
			check := func(where string, got rect, i int) {
				t.Helper()
				if got != slot[i] {
					t.Errorf("%s sits at %v, slot %d is at %v", where, got, i, slot[i])
				}
			}
			check("open all, nothing selected", openAll, 3)
			check("acknowledge", ack, 0)
			check("to the doors", toDoors, 1)
			sameTabs := func(where string) {
				t.Helper()
				for l, r := range tabs() {
					if r != want[l] {
						t.Errorf("on %s, tab %q sits at %v, at login at %v", where, l, r, want[l])
					}
				}
			}
			sameTabs("the door grid")
			test.Tap(f.doorCell(t, 12))
			f.tap(t, tr("admin.oos.on")) // a note appears under the grid
			check("open all under a note", at(tr("admin.openall")), 3)
			check("back in service", at(tr("admin.oos.off")), 1)
			sameTabs("the door grid with a note")

			f.tap(t, tr("admin.events"))
			older := at(tr("admin.older"))
			check("older", older, 0)
			paging := []rect{older, at(tr("page.next")), at(tr("page.prev"))}
			f.tap(t, tr("admin.older"))
			check("older, a page back", at(tr("admin.older")), 0)
			check("newest", at(tr("admin.newest")), 1)
			paging = append(paging, at(tr("admin.newest")), at(tr("page.next")), at(tr("page.prev")))
			sameTabs("the log")

			f.tap(t, tr("admin.rents"))
			sameTabs("the rents")
			f.tap(t, tr("admin.hardware"))
			check("bus scan", at(tr("hw.busscan")), 0)
			check("self-test", at(tr("hw.selftest")), 1)
			check("door test", at(tr("hw.doortest")), 2)
			sameTabs("the hardware")

			f.tap(t, tr("admin.settings"))
			exit := at(tr("admin.exit"))
			check("exit", exit, 3)
			for _, p := range paging {
				if exit.overlaps(p) {
					t.Errorf("exit at %v shares its spot with a log paging button at %v", exit, p)
				}
			}
			sameTabs("the settings")
			if s := f.w.Canvas().Size(); s != panel {
				t.Errorf("the window grew to %v", s)
			}
		})
	}
}

// gridStates puts every door state on the grid at once, several on one
// door: 14 holds a parcel and is out of service, open and faulty.
func gridStates(f *fixture) {
	adminStates(f)
	f.eng.SetDoor(14, func(d *app.Door) { d.OutOfService, d.Sensor, d.Fault = true, app.SensorOpen, "did not open" })
	f.eng.SetDoor(12, func(d *app.Door) { d.Unsettled = 99 })
	f.eng.SetDoor(17, func(d *app.Door) { d.OutOfService = true })
}

// TestAdminGridLikeTheLocker: on both panels the grid is the locker's
// front: a column per column of the locker, doors down it in order, each
// as tall as its size; every state shows at once, a door's parcel too.
func TestAdminGridLikeTheLocker(t *testing.T) {
	for _, panel := range []fyne.Size{landscape, portrait} {
		t.Run(fmt.Sprintf("%vx%v", panel.Width, panel.Height), func(t *testing.T) {
			f := newFixtureAt(t, panel)
			gridStates(f)
			f.staffLogin(t)
			g := shown[*adminDoorsScreen](t, f)
			colX := map[int]float32{}
			unitH := map[int]float32{}
			var last app.Door
			var lastR rect
			for _, st := range g.v.States {
				r := f.rectOf(f.doorCell(t, st.ID))
				u := (r.size.Height + gridGap) / sizeUnits[st.Size]
				if x, ok := colX[st.Col]; ok && x != r.pos.Width {
					t.Errorf("door %d at x %v, its column %d at %v", st.ID, r.pos.Width, st.Col, x)
				}
				colX[st.Col] = r.pos.Width
				if h, ok := unitH[st.Col]; ok && (u-h > 1 || h-u > 1) {
					t.Errorf("door %d (%s) is %v tall: %v a size unit, its column %v", st.ID, st.Size, r.size.Height, u, h)
				}
				unitH[st.Col] = u
				switch {
				case last.Col == st.Col && r.pos.Height <= lastR.pos.Height:
					t.Errorf("door %d (row %d) is not below door %d", st.ID, st.Row, last.ID)
				case last.Col != 0 && last.Col < st.Col && r.pos.Width <= lastR.pos.Width:
					t.Errorf("column %d is not right of column %d", st.Col, last.Col)
				}
				if r.pos.Width+r.size.Width > panel.Width || r.pos.Height+r.size.Height > panel.Height {
					t.Errorf("door %d at %v runs off the panel", st.ID, r)
				}
				last, lastR = st.Door, r
			}
			fill, label, badges := cellParts(t, f, 14)
			if fill != stateColour("occupied") || !label.Visible() || !strings.Contains(label.Text, "#3") {
				t.Errorf("door 14 with its parcel: fill %v, label %q (shown %v)", fill, label.Text, label.Visible())
			}
			if badges != 3 {
				t.Errorf("door 14 out of service, open and faulty shows %d badges, want 3", badges)
			}
			seen := map[string]bool{}
			for _, st := range g.v.States {
				for _, s := range doorStatesOf(st) {
					seen[s] = true
				}
			}
			for _, s := range doorStates {
				if !seen[s] {
					t.Errorf("no door is %s", s)
				}
				if !f.shows(tr("door.state." + s)) {
					t.Errorf("the legend lacks %s", s)
				}
			}
		})
	}
}

// cellParts are what door id's cell draws: its fill, its size-and-parcel
// label, how many state badges.
func cellParts(t *testing.T, f *fixture, id int64) (fill any, label *canvas.Text, badges int) {
	t.Helper()
	objs := f.doorCell(t, id).content.(*fyne.Container).Objects
	inner := objs[1].(*fyne.Container).Objects
	return objs[0].(*canvas.Rectangle).FillColor, inner[1].(*canvas.Text), len(inner[2].(*fyne.Container).Objects)
}

// TestAdminOutOfServiceWithParcel: taking a door with a parcel out of
// service warns first and names the parcel; kept in service nothing
// changes; taken out anyway, the grid still shows the parcel in it.
func TestAdminOutOfServiceWithParcel(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	test.Tap(f.doorCell(t, 14))
	f.tap(t, tr("admin.oos.on"))
	warning := trf("admin.oos.warn", "Door", 14, "Ref", "#3")
	if f.called("staff out-of-service") || !f.shows(warning) {
		t.Fatalf("no warning before taking a door with a parcel out; calls %q texts %q", f.eng.Calls(), f.texts())
	}
	f.tap(t, tr("admin.oos.no"))
	if f.called("staff out-of-service") || f.shows(warning) || f.eng.Door(14).OutOfService {
		t.Fatalf("kept in service: calls %q", f.eng.Calls())
	}
	f.tap(t, tr("admin.oos.on"))
	f.tap(t, tr("admin.oos.yes"))
	if !f.called("staff out-of-service 14 true") || !f.eng.Door(14).OutOfService {
		t.Fatalf("calls %q", f.eng.Calls())
	}
	fill, label, badges := cellParts(t, f, 14)
	if fill != stateColour("occupied") || !label.Visible() || !strings.Contains(label.Text, "#3") || badges != 1 {
		t.Fatalf("door 14 out of service hides its parcel: fill %v, label %q, %d badges", fill, label.Text, badges)
	}
	if !f.shows(trf("admin.oos.set", "Door", 14)) || !f.shows(trf("admin.door.rent", "Ref", "#3", "State", tr("rent.state.stored"))) {
		t.Fatalf("texts %q", f.texts())
	}
	// A free door goes out of service at once.
	test.Tap(f.doorCell(t, 2))
	f.tap(t, tr("admin.oos.on"))
	if !f.eng.Door(2).OutOfService {
		t.Fatal("a free door asked first")
	}
}

// TestAdminAlertsFirstAtLogin: open alerts are the first staff screen,
// in words; acknowledging them goes to the locker, and the next login
// starts at the doors.
func TestAdminAlertsFirstAtLogin(t *testing.T) {
	f := newFixture(t)
	f.eng.Log(app.Event{At: f.clock.now, Actor: "system", Kind: app.EvAlertForcedOpen, DoorID: 7})
	f.eng.Log(app.Event{At: f.clock.now, Actor: "system", Kind: app.EvAlertDidNot, DoorID: 3})
	f.eng.Guess = []app.GuessLimit{{Wrong: 12, Trips: 2, PausedUntil: f.clock.now.Add(3 * time.Minute)}}
	f.tapLogo(5)
	f.typeOnKeypad(t, staffPIN)
	f.tap(t, tr("keypad.enter"))
	shown[*adminAlertsScreen](t, f)
	for _, want := range []string{trf("event.alert.door.forced-open", "Door", 7), trf("event.alert.door.did-not-open", "Door", 3),
		trf("alerts.guess.codes", "N", 12), trf("alerts.title", "N", 3)} {
		if !f.shows(want) {
			t.Errorf("the alerts do not say %q; texts %q", want, f.texts())
		}
	}
	f.tap(t, tr("alerts.ack"))
	if !f.called("ack alerts") {
		t.Fatalf("acknowledged without the locker; calls %q", f.eng.Calls())
	}
	shown[*adminDoorsScreen](t, f)
	f.tap(t, tr("admin.logout"))
	f.staffLogin(t) // no alerts open: straight to the doors
}

// TestAdminExitAsksConfirmAndPIN: exit says what it does and asks the
// PIN, checked by the locker; "stay" keeps the kiosk running.
func TestAdminExitAsksConfirmAndPIN(t *testing.T) {
	f := newFixture(t)
	f.staffLogin(t)
	f.tap(t, tr("admin.settings"))
	f.tap(t, tr("admin.exit"))
	f.want(t, &pinAgainScreen{})
	if !f.shows(tr("admin.exit.what")) {
		t.Fatalf("exit does not say what it does; texts %q", f.texts())
	}
	f.tap(t, tr("admin.exit.stay"))
	f.want(t, &adminSettingsScreen{})
	f.tap(t, tr("admin.exit"))
	f.typeOnKeypad(t, staffPIN)
	f.tap(t, tr("keypad.enter"))
	f.want(t, &exitScreen{})
	if !f.called("confirm pin") {
		t.Fatalf("the PIN was not checked by the locker; calls %q", f.eng.Calls())
	}
	f.clock.advance(time.Millisecond)
	if f.quit != 1 {
		t.Fatalf("quit %d times", f.quit)
	}
}

// toStaffAlerts logs in with open alerts of every sort: a guessing limit,
// a door forced open, one that did not open, more than the list holds.
func toStaffAlerts(t *testing.T, f *fixture) {
	t.Helper()
	for i, k := range []app.EventKind{app.EvAlertFlapping, app.EvSelfTestFailed, app.EvAlertUnfinish, app.EvAlertStaffLock,
		app.EvAlertOutOfOrder, app.EvAlertDidNot, app.EvAlertForcedOpen} {
		f.eng.Log(app.Event{At: f.clock.now.Add(time.Duration(i-10) * time.Minute), Actor: "system", Kind: k, DoorID: int64(3 + i)})
	}
	f.eng.Guess = []app.GuessLimit{{Wrong: 12, Trips: 2, PausedUntil: f.clock.now.Add(3 * time.Minute)}}
	f.tapLogo(5)
	f.typeOnKeypad(t, staffPIN)
	f.tap(t, tr("keypad.enter"))
	shown[*adminAlertsScreen](t, f)
}

// TestAlertRowSaysRepeats: an alert raised three times is one row that
// says so.
func TestAlertRowSaysRepeats(t *testing.T) {
	newFixture(t)
	row := alertRow(app.Alert{Event: app.Event{Kind: app.EvAlertDidNot, DoorID: 20}, Repeats: 2})
	l, ok := row.(*widget.Label)
	if !ok || !strings.HasSuffix(l.Text, trf("alerts.repeats", "N", 3)) {
		t.Fatalf("alert row %v, want it to end with %q", row, trf("alerts.repeats", "N", 3))
	}
}
