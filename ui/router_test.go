package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"image"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"pudo/app"
	"pudo/app/voice"
)

// screenContext stands in for the kiosk in a screen's context: it records
// the intents a screen sends, so a screen is drawn and used with no kiosk
// behind it.
type screenContext struct {
	sent   []app.Intent
	waited []app.Intent // sent with the busy screen up
	typed  []keyPress
	played []string
	saved  int // settingsChanged calls
	quits  int
	timers []func() // armed by later; a test fires them
	drawn  int      // refresh calls: the screen drawn again
	tried  []string // codes sent by the code screen
	early  []rune   // typed before the code screen came up
}

// newButton is a key of a keypad.
func (c *screenContext) newButton(label string, icon fyne.Resource, f func()) *button {
	return c.button(label, icon, f)
}

func (c *screenContext) touch() {}
func (c *screenContext) codeKeypad(ok string, onOK func(string)) *keypad {
	return newCodeKeypad(c, ok, onOK)
}
func (c *screenContext) tryCode(code string) { c.tried = append(c.tried, code) }
func (c *screenContext) takeTried() string   { return "" }
func (c *screenContext) takeEarly() ([]rune, bool) {
	early := c.early
	c.early = nil
	return early, true
}
func (c *screenContext) audioOn() bool { return false }

func (c *screenContext) chooseLanguage(screen, string) {}
func (c *screenContext) freshAfterIdle(screen)         {}
func (c *screenContext) demoBanner() fyne.CanvasObject { return container.NewVBox() }
func (c *screenContext) mainActions(bs ...*button) fyne.CanvasObject {
	return c.smallRow(bs...)
}
func (c *screenContext) smallRow(bs ...*button) fyne.CanvasObject {
	box := container.NewHBox()
	for _, b := range bs {
		box.Add(b)
	}
	return box
}

func (c *screenContext) button(label string, icon fyne.Resource, f func()) *button {
	b := &button{}
	b.Text, b.Icon, b.OnTapped = label, icon, f
	b.ExtendBaseWidget(b)
	return b
}

func (c *screenContext) mainButton(label string, icon fyne.Resource, f func()) *button {
	return c.button(label, icon, f)
}

func (c *screenContext) row(objs ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewHBox(objs...)
}

func (c *screenContext) send(in app.Intent)        { c.sent = append(c.sent, in) }
func (c *screenContext) sendWaiting(in app.Intent) { c.waited = append(c.waited, in) }
func (c *screenContext) startTyping(kp keyPress) bool {
	c.typed = append(c.typed, kp)
	return true
}
func (c *screenContext) logo() fyne.CanvasObject         { return container.NewVBox() }
func (c *screenContext) applyNight() time.Time           { return time.Time{} }
func (c *screenContext) nightTimer(screen, time.Time)    {}
func (c *screenContext) play(name string)                { c.played = append(c.played, name) }
func (c *screenContext) settingsChanged()                { c.saved++ }
func (c *screenContext) quit()                           { c.quits++ }
func (c *screenContext) later(_ time.Duration, f func()) { c.timers = append(c.timers, f) }

// newFillingPager is every item on one page.
func (c *screenContext) newFillingPager(items []fyne.CanvasObject, perPage int) *pager {
	return &pager{items: items, perPage: perPage, content: container.NewVBox(items...)}
}

func (c *screenContext) portrait() bool         { return false }
func (c *screenContext) room() float32          { return 1248 }
func (c *screenContext) refresh(screen)         { c.drawn++ }
func (c *screenContext) speechStatus() string   { return "no speech" }
func (c *screenContext) tapped(f func()) func() { return f }

// withMap is the text, the map and the controls one above the other.
func (c *screenContext) withMap(head, top, doorMap fyne.CanvasObject, controls ...fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox(top, doorMap)
	if head != nil {
		box.Add(head)
	}
	for _, o := range controls {
		box.Add(o)
	}
	return box
}

// adminFrame is the content and the actions, without the tabs.
func (c *screenContext) adminFrame(_ app.Section, head string, content fyne.CanvasObject, _ staffNote, acts slots) fyne.CanvasObject {
	box := container.NewVBox(title(head), content)
	for _, a := range acts {
		if a != nil {
			box.Add(a)
		}
	}
	return box
}

// testLocker is two doors side by side, placed as on the demo locker.
func testLocker() lockerFront {
	doors := []app.Door{{ID: 1, Col: 0, Row: 1, Size: app.SizeM}, {ID: 3, Col: 1, Row: 1, Size: app.SizeM}}
	return lockerFront{cab: voice.DemoWayfinding().Cabinet(voice.ColumnSizes(doors)), doors: doors}
}

func testContact() contact {
	return contact{support: Support{Phone: "+44 20 7946 0000"}, locker: "T1",
		now: func() time.Time { return time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC) }}
}

// TestScreensDrawFromTheirContext: a screen the router gives a context
// draws from that alone, and its buttons send the intents the screen means
// through it; no kiosk is behind it.
func TestScreensDrawFromTheirContext(t *testing.T) {
	// The kiosk's theme: the test theme has neither its colours nor a
	// bold monospace font (the code keypad's display).
	fyne.CurrentApp().Settings().SetTheme(Theme(Style{}))
	door := app.Door{ID: 3, Size: app.SizeM}
	set := Settings{Night: NightOff, Volume: 80} // the settings screen's
	pick := doorPick{selected: 3}                // the door grid's
	big := false                                 // home's big text switch
	cases := []struct {
		name   string
		screen func(c *screenContext) screen
		tap    string // the button's text
		sent   app.Intent
		waited app.Intent
		check  func(t *testing.T, c *screenContext) // more to hold, if any
	}{
		{"ask-opened yes", func(c *screenContext) screen {
			return &askOpenedScreen{v: &app.AskOpenedView{Door: door}, c: c}
		}, tr("ask.opened.yes"), app.Answer{Yes: true}, nil, nil},
		{"ask-opened no", func(c *screenContext) screen {
			return &askOpenedScreen{v: &app.AskOpenedView{Door: door}, c: c}
		}, tr("ask.opened.no"), app.Answer{Yes: false}, nil, nil},
		{"ask-in-door yes", func(c *screenContext) screen {
			return &askInDoorScreen{v: &app.AskInDoorView{Door: door}, c: c}
		}, tr("ask.indoor.yes"), app.Answer{Yes: true}, nil, nil},
		{"problem", func(c *screenContext) screen {
			return &problemScreen{v: &app.ProblemView{Trouble: app.TroubleDidNotOpen, Door: 3}, c: c, help: testContact()}
		}, tr("common.home"), app.Back{}, nil, nil},
		{"problem courier", func(c *screenContext) screen {
			return &problemScreen{v: &app.ProblemView{Trouble: app.TroubleCourierCode, Courier: true}, c: c, help: testContact()}
		}, tr("courier.menu"), app.Back{}, nil, nil},
		{"courier menu", func(c *screenContext) screen {
			return &courierMenuScreen{v: &app.CourierMenuView{Courier: "anna"}, c: c}
		}, tr("courier.drop"), app.StartDrop{}, nil, nil},
		{"drop size", func(c *screenContext) screen {
			return &dropScreen{v: &app.DropView{}, c: c, sizes: app.DefaultInnerSizes()}
		}, tr("size.L"), nil, app.ChooseSize{Size: app.SizeL}, nil},
		{"too small", func(c *screenContext) screen {
			return &tooSmallScreen{v: &app.TooSmallView{Door: door, Free: 1}, c: c, help: testContact()}
		}, tr("toosmall.takeback"), nil, app.Withdraw{}, nil},
		{"recipient code", func(c *screenContext) screen {
			return &recipientCodeScreen{v: &app.RecipientCodeView{Door: 3, Code: "7K3MN5QX"}, c: c}
		}, tr("drop.code.noted"), app.CodeNoted{}, nil, nil},
		{"staff alerts", func(c *screenContext) screen {
			return &adminAlertsScreen{v: &app.StaffAlertsView{Alerts: []app.Alert{{Event: app.Event{Kind: "door.forced"}}}}, c: c}
		}, tr("alerts.ack"), app.AckAlerts{}, nil, nil},
		{"settings", func(c *screenContext) screen {
			return &adminSettingsScreen{v: &app.StaffSettingsView{}, c: c, set: &set}
		}, tr("set.night.on"), nil, nil, func(t *testing.T, c *screenContext) {
			if set.Night != NightOn || c.saved != 1 {
				t.Errorf("night mode %q, changes kept %d times; want %q, once", set.Night, c.saved, NightOn)
			}
		}},
		{"home", func(c *screenContext) screen {
			return &homeScreen{v: &app.HomeView{}, c: c, languages: Languages, bigText: new(bool)}
		}, tr("home.collect"), app.Collect{}, nil, nil},
		{"home big text", func(c *screenContext) screen {
			return &homeScreen{v: &app.HomeView{}, c: c, languages: Languages, bigText: &big}
		}, tr("home.bigtext.on"), nil, nil, func(t *testing.T, c *screenContext) {
			if !big || c.drawn != 1 {
				t.Errorf("big text %v, drawn again %d times; want on, drawn once", big, c.drawn)
			}
		}},
		{"help", func(c *screenContext) screen {
			return &helpScreen{v: &app.HelpView{}, c: c, locker: testLocker(), bigText: true}
		}, tr("common.home"), app.Back{}, nil, nil},
		{"code", func(c *screenContext) screen {
			c.early = []rune("7k3mn5qx") // typed on home: an Enter after them tries them
			return &codeScreen{v: &app.CodeView{}, c: c, help: testContact(), now: testContact().now}
		}, "", nil, nil, func(t *testing.T, c *screenContext) {
			if len(c.timers) != 1 {
				t.Fatalf("%d timers armed, want the Enter typed early", len(c.timers))
			}
			c.timers[0]()
			if want := []string{"7K3MN5QX"}; !reflect.DeepEqual(c.tried, want) {
				t.Errorf("tried %q, want %q", c.tried, want)
			}
		}},
		{"code gone", func(c *screenContext) screen {
			return &codeScreen{v: &app.CodeView{Refusal: app.RefusalCollected, Door: 3}, c: c, help: testContact(), now: testContact().now}
		}, tr("code.another"), nil, nil, func(t *testing.T, c *screenContext) {
			if c.drawn != 1 {
				t.Errorf("drawn again %d times for another code, want once", c.drawn)
			}
		}},
		{"door", func(c *screenContext) screen {
			return &doorScreen{v: &app.DoorView{Door: door, Task: app.TaskPickup}, c: c, help: testContact(), locker: testLocker()}
		}, tr("door.notopen"), nil, app.DidNotOpen{}, nil},
		{"door unconfirmed", func(c *screenContext) screen {
			return &doorScreen{v: &app.DoorView{Door: door, Task: app.TaskDrop, Unconfirmed: true}, c: c, help: testContact(), locker: testLocker()}
		}, tr("courier.menu"), app.Back{}, nil, nil},
		{"not opened", func(c *screenContext) screen {
			return &notOpenedScreen{v: &app.NotOpenedView{Door: door, Task: app.TaskPickup}, c: c, help: testContact()}
		}, tr("drop.retry"), nil, app.DidNotOpen{}, nil},
		{"left open", func(c *screenContext) screen {
			return &leftOpenScreen{v: &app.LeftOpenView{Door: door}, c: c, locker: testLocker(), every: time.Second}
		}, "", nil, nil, func(t *testing.T, c *screenContext) {
			if len(c.timers) != 1 {
				t.Fatalf("%d timers armed as the screen came up, want the reminder's", len(c.timers))
			}
			c.timers[0]()
			if want := []string{SoundLeftOpen, SoundLeftOpen}; !reflect.DeepEqual(c.played, want) {
				t.Errorf("played %v as the screen came up and its reminder came, want %v", c.played, want)
			}
		}},
		{"got it", func(c *screenContext) screen {
			return &gotItScreen{v: &app.GotItView{Door: door, ReopenUntil: testContact().now().Add(time.Minute)}, c: c, now: testContact().now}
		}, tr("got.reopen"), nil, app.Reopen{}, func(t *testing.T, c *screenContext) {
			if len(c.timers) != 1 {
				t.Errorf("%d timers armed, want one for the end of the reopen grace", len(c.timers))
			}
		}},
		{"thanks", func(c *screenContext) screen {
			return &thanksScreen{v: &app.ThanksView{}, c: c}
		}, tr("thanks.another"), app.Collect{}, nil, nil},
		{"staff doors", func(c *screenContext) screen {
			return &adminDoorsScreen{v: &app.StaffDoorsView{States: []app.DoorState{{Door: door}}}, c: c, pick: &doorPick{selected: 3}}
		}, trf("admin.open", "Door", 3), app.OpenDoor{Door: 3}, nil, nil},
		{"staff doors out of service", func(c *screenContext) screen {
			full := door
			full.Occupied = true
			return &adminDoorsScreen{v: &app.StaffDoorsView{States: []app.DoorState{{Door: full}}}, c: c, pick: &pick}
		}, tr("admin.oos.on"), nil, nil, func(t *testing.T, c *screenContext) {
			if pick.askOOS != 3 || c.drawn != 1 {
				t.Errorf("asked to take door %d out of service, drawn again %d times; want door 3 asked first, drawn once", pick.askOOS, c.drawn)
			}
		}},
		{"staff hardware", func(c *screenContext) screen {
			return &adminHardwareScreen{v: &app.StaffHardwareView{}, c: c, camera: func() image.Image { return nil }}
		}, tr("hw.sound.open"), nil, nil, func(t *testing.T, c *screenContext) {
			if !reflect.DeepEqual(c.played, []string{SoundOpen}) || len(c.timers) != 1 {
				t.Errorf("played %v with %d timers armed, want the door's sound and the camera's next picture", c.played, len(c.timers))
			}
		}},
		{"staff rents", func(c *screenContext) screen {
			return &adminRentsScreen{v: &app.StaffRentsView{}, c: c}
		}, tr("rent.state.stored"), app.FilterRents{Query: app.RentQuery{State: app.RentStored}}, nil, nil},
		{"staff log", func(c *screenContext) screen {
			return &adminEventsScreen{v: &app.StaffLogView{Events: []app.Event{{Seq: 42, Kind: "door.forced"}}, Older: true}, c: c}
		}, tr("admin.older"), app.LogPage{Before: 42}, nil, nil},
		{"staff tokens", func(c *screenContext) screen {
			return &adminTokensScreen{v: &app.StaffTokensView{Tokens: []app.Token{{Ref: "ab12", Kind: "staff", Subject: "anna"}}}, c: c}
		}, tr("admin.tokens.revoke"), app.RevokeToken{Ref: "ab12"}, nil, nil},
		{"door test", func(c *screenContext) screen {
			return &doorTestScreen{v: &app.DoorTestView{Door: 3}, c: c}
		}, tr("doortest.stop"), app.StopDoorTest{}, nil, nil},
		{"exit", func(c *screenContext) screen {
			return &exitScreen{v: &app.ExitView{}, c: c}
		}, "", nil, nil, func(t *testing.T, c *screenContext) {
			if len(c.timers) != 1 || c.quits != 0 {
				t.Fatalf("%d timers armed and %d quits as the screen came up, want one timer and no quit", len(c.timers), c.quits)
			}
			c.timers[0]()
			if c.quits != 1 {
				t.Errorf("%d quits after the screen came up, want 1", c.quits)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &screenContext{}
			w := test.NewWindow(tc.screen(c).draw())
			defer w.Close()
			if tc.tap != "" {
				var b *button
				for _, o := range test.LaidOutObjects(w.Content()) {
					if x, ok := o.(*button); ok && x.Text == tc.tap {
						b = x
					}
				}
				if b == nil {
					t.Fatalf("no button %q", tc.tap)
				}
				test.Tap(b)
			}
			if want := want(tc.sent); !reflect.DeepEqual(c.sent, want) {
				t.Errorf("sent %v, want %v", c.sent, want)
			}
			if want := want(tc.waited); !reflect.DeepEqual(c.waited, want) {
				t.Errorf("sent with the busy screen %v, want %v", c.waited, want)
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

func want(in app.Intent) []app.Intent {
	if in == nil {
		return nil
	}
	return []app.Intent{in}
}

// TestScreensLeaveTheKiosk: every screen draws from the context the
// router gives it, never from the whole kiosk. No screen holds the kiosk,
// and none is handed it: neither its methods (the old draw(k *Kiosk) and
// key(k *Kiosk, …), read from the source, since reflection shows no
// unexported method of a struct) nor the methods and functions of its
// context take one.
func TestScreensLeaveTheKiosk(t *testing.T) {
	views := []app.View{&app.HomeView{}, &app.HelpView{}, &app.TooSmallView{}, &app.RecipientCodeView{},
		&app.StaffAlertsView{}, &app.ExitView{}, &app.OutOfOrderView{}, &app.CodeView{}, &app.ProblemView{},
		&app.DoorView{}, &app.NotOpenedView{}, &app.LeftOpenView{}, &app.GotItView{}, &app.AskOpenedView{},
		&app.AskInDoorView{}, &app.ThanksView{}, &app.CourierMenuView{}, &app.DropView{}, &app.BatchView{},
		&app.PINView{}, &app.PINAgainView{}, &app.StaffDoorsView{}, &app.StaffRentsView{}, &app.StaffLogView{},
		&app.StaffHardwareView{}, &app.StaffSettingsView{}, &app.StaffTokensView{}, &app.DoorTestView{}}
	k := &Kiosk{}
	screens := []screen{&openingScreen{}}
	for _, v := range views {
		screens = append(screens, k.screenFor(v))
	}
	kiosk := reflect.TypeOf(k)
	// handed reports whether a function of type f takes or returns the kiosk.
	handed := func(f reflect.Type) bool {
		for i := range f.NumIn() {
			if in := f.In(i); in == kiosk || in == kiosk.Elem() {
				return true
			}
		}
		for i := range f.NumOut() {
			if out := f.Out(i); out == kiosk || out == kiosk.Elem() {
				return true
			}
		}
		return false
	}
	types := map[string]bool{} // the screens' type names
	for _, s := range screens {
		st := reflect.TypeOf(s).Elem()
		types[st.Name()] = true
		for i := range st.NumField() {
			f := st.Field(i)
			switch ft := f.Type; {
			case ft == kiosk || ft == kiosk.Elem():
				t.Errorf("%s.%s is the kiosk: give the screen what it draws with (see screen)", st.Name(), f.Name)
			case ft.Kind() == reflect.Func && handed(ft):
				t.Errorf("%s.%s (%v) is handed the kiosk", st.Name(), f.Name, ft)
			case ft.Kind() == reflect.Interface:
				for j := range ft.NumMethod() { // unexported ones too, for an interface
					if m := ft.Method(j); handed(m.Type) {
						t.Errorf("%s.%s's %s (%v) is handed the kiosk", st.Name(), f.Name, m.Name, m.Type)
					}
				}
			}
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	methods := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil {
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if id, ok := recv.(*ast.Ident); !ok || !types[id.Name] {
				continue
			}
			methods++
			for _, p := range fn.Type.Params.List {
				typ := p.Type
				if star, ok := typ.(*ast.StarExpr); ok {
					typ = star.X
				}
				if id, ok := typ.(*ast.Ident); ok && id.Name == "Kiosk" {
					t.Errorf("%s: %s.%s takes the kiosk: give the screen what it draws with (see screen)",
						fset.Position(fn.Pos()), recv.(*ast.Ident).Name, fn.Name.Name)
				}
			}
		}
	}
	if methods < 2*len(screens) { // idle and draw at least: the source was read
		t.Errorf("read %d methods of the %d screens from the source, want at least %d", methods, len(screens), 2*len(screens))
	}
}
