package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// pinScreen follows the hidden gesture: staff type their PIN.
type pinScreen struct {
	v      *app.PINView
	c      pinEntry
	now    func() time.Time // for how long entry is paused
	keypad *keypad
}

// pinEntry is what the PIN screens draw with: a PIN keypad, the way back,
// and the PIN's way to the sessions (the busy screen showing meanwhile).
type pinEntry interface {
	button(label string, icon fyne.Resource, f func()) *button
	send(app.Intent)
	sendWaiting(app.Intent)
	pinKeypad(submit func(pin string)) *keypad
}

// pinKeypad is the staff's PIN keypad.
func (k *Kiosk) pinKeypad(submit func(pin string)) *keypad { return newPINKeypad(k, submit) }

// pinRefusals are what the PIN screen says after a refused PIN.
var pinRefusals = map[app.PINRefusal]string{
	app.PINWrong: "admin.badpin", app.PINLocked: "admin.locked", app.PINFailed: "problem.title",
	app.PINBadgeRefused: "admin.badge.refused", app.PINBadgeNeeded: "admin.badge.needed",
}

func (s *pinScreen) idle() app.Idle { return s.v.Idle() }

func (s *pinScreen) draw() fyne.CanvasObject {
	c := s.c
	back := c.button(tr("common.back"), theme.NavigateBackIcon(), func() { c.send(app.Back{}) })
	s.keypad = c.pinKeypad(func(pin string) { c.sendWaiting(app.EnterPIN{PIN: pin}) }).withBack(back)
	msg := ""
	if key, ok := pinRefusals[s.v.Refusal]; ok {
		msg = tr(key)
	}
	head := tr("admin.pin")
	if s.v.Badge != "" {
		head = trf("admin.badge.pin", "Name", s.v.Badge) // the badge's holder: their own PIN
	}
	if s.v.Refusal == app.PINPaused {
		msg = trf("admin.pinpaused", "Time", clock(s.v.Until.Sub(s.now())))
		if s.v.Badge == "" {
			// The shared pad: whoever comes next with a badge need not wait.
			msg = trf("admin.pinpaused.shared", "Time", clock(s.v.Until.Sub(s.now())))
		}
	}
	top := container.NewVBox(title(head), newMessage(msg))
	return pinLayout(top, s.keypad)
}

func (s *pinScreen) pad() *keypad         { return s.keypad }
func (s *pinScreen) key(kp keyPress) bool { return s.keypad.key(kp) }
func (s *pinScreen) enter()               { s.keypad.submit() }
func (s *pinScreen) typingOnly()          {}

// adminTabs are the sections of the staff screens, in the order shown.
var adminTabs = []struct {
	section app.Section
	key     string
	icon    func() fyne.Resource
}{
	{app.SectionDoors, "admin.doors", theme.GridIcon},
	{app.SectionRents, "admin.rents", theme.ListIcon},
	{app.SectionLog, "admin.events", theme.HistoryIcon},
	{app.SectionHardware, "admin.hardware", theme.ComputerIcon},
	{app.SectionSettings, "admin.settings", theme.SettingsIcon},
}

// noSection marks no section tab as the one on show: the alerts at login
// are none of them.
const noSection app.Section = 255

// adminSlots is how many action buttons a staff screen has above the
// section tabs. Every staff screen has all of them, empty or not, and each
// action keeps its slot, so no button moves as the content grows: a tap
// meant for the log's paging never lands on another screen's action.
const adminSlots = 4

// slots are a staff screen's actions by slot; nil leaves a slot empty.
type slots [adminSlots]fyne.CanvasObject

// staffDesk is what a staff screen draws with: its controls, the intents
// it sends and the staff's frame around it.
type staffDesk interface {
	controls
	send(app.Intent)
	adminFrame(at app.Section, head string, content fyne.CanvasObject, note staffNote, acts slots) fyne.CanvasObject
}

// adminFrame frames a staff screen: the heading, the content, a line for
// how the last action went, the action slots, and the sections and log
// out along the bottom; the section on show is marked. Only the content's
// own area changes with what it holds.
func (k *Kiosk) adminFrame(at app.Section, head string, content fyne.CanvasObject, note staffNote, acts slots) fyne.CanvasObject {
	var tabs []fyne.CanvasObject
	for _, t := range adminTabs {
		b := k.button(tr(t.key), t.icon(), func() { k.send(app.ShowSection{Section: t.section}) })
		if t.section == at {
			b.Importance = widget.HighImportance // where you are
		}
		tabs = append(tabs, b)
	}
	tabs = append(tabs, k.button(tr("admin.logout"), theme.LogoutIcon(), func() { k.send(app.Logout{}) }))
	tabCols, slotCols := len(tabs), adminSlots
	if k.portrait() {
		tabCols, slotCols = 3, 2
	}
	bar := container.NewGridWithColumns(slotCols)
	for _, a := range acts {
		if a == nil {
			a = emptySlot{}.object()
		}
		bar.Add(a)
	}
	line := widget.NewLabel(note.text) // always there, so the slots below never move
	line.Truncation = fyne.TextTruncateEllipsis
	line.Importance = widget.HighImportance
	if note.bad {
		line.Importance = widget.DangerImportance // not in the colour of a success
	}
	head2 := title(head)
	head2.SizeName = theme.SizeNameSubHeadingText
	bottom := container.NewVBox(container.New(fixedHeight(noteHeight), line), bar, container.NewGridWithColumns(tabCols, tabs...))
	// No padding of its own: the kiosk pads every screen; the compact
	// theme is the app's while a staff screen shows (staffLook).
	return container.NewBorder(head2, bottom, nil, nil, content)
}

// noteHeight is the height of the staff screens' note line: fixed, so the
// slots and tabs under it stand where they stood on the last screen
// whatever the line holds (a label's own height follows its theme).
const noteHeight = 44

// fixedHeight is a layout exactly this tall, its objects stretched to it.
type fixedHeight float32

func (h fixedHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, float32(h))
}

func (fixedHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

// emptySlot holds an action slot's place: a button's height, nothing drawn.
type emptySlot struct{}

func (emptySlot) object() fyne.CanvasObject {
	b := widget.NewButton(" ", nil)
	b.Hide()
	return container.New(keepSize{b}, b)
}

// keepSize is a layout the size of obj even while obj is hidden.
type keepSize struct{ obj fyne.CanvasObject }

func (l keepSize) MinSize([]fyne.CanvasObject) fyne.Size {
	return l.obj.MinSize()
}

func (keepSize) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
	}
}

// pinAgainScreen asks the staff member's PIN again before a door opens
// by force, every door opens at once (an inventory check) or the empty
// doors are tested: a walked-away session must not empty the locker.
type pinAgainScreen struct {
	v      *app.PINAgainView
	c      pinEntry
	keypad *keypad
}

func (s *pinAgainScreen) idle() app.Idle { return s.v.Idle() }

func (s *pinAgainScreen) draw() fyne.CanvasObject {
	c := s.c
	s.keypad = c.pinKeypad(func(pin string) { c.sendWaiting(app.EnterPIN{PIN: pin}) })
	back := tr("common.back")
	if s.v.For == app.ConfirmExit {
		back = tr("admin.exit.stay") // the confirmation: leave only with the PIN, stay by this
	}
	s.keypad.withBack(c.button(back, theme.NavigateBackIcon(), func() { c.send(app.Back{}) }))
	head, what := tr("admin.openall.pin"), tr("admin.openall.what")
	switch s.v.For {
	case app.ConfirmOpenDoor:
		head, what = trf("admin.open.pin", "Door", s.v.Door), tr("admin.open.what")
	case app.ConfirmDoorTest:
		head, what = tr("admin.doortest.pin"), tr("admin.doortest.what")
	case app.ConfirmExit:
		head, what = tr("admin.exit.pin"), tr("admin.exit.what")
	case app.ConfirmRevoke:
		head, what = tr("admin.tokens.revoke.pin"), trf("admin.tokens.revoke.what", "Token", tokenName(*s.v.Token))
	}
	return pinLayout(container.NewVBox(title(head), warn(what)), s.keypad)
}

func (s *pinAgainScreen) pad() *keypad         { return s.keypad }
func (s *pinAgainScreen) key(kp keyPress) bool { return s.keypad.key(kp) }
func (s *pinAgainScreen) enter()               { s.keypad.submit() }
func (s *pinAgainScreen) typingOnly()          {}

// pinLayout puts the PIN keypad in the lower middle of the screen.
func pinLayout(top fyne.CanvasObject, kp *keypad) fyne.CanvasObject {
	pad := container.NewGridWrap(fyne.NewSize(640, kp.content.MinSize().Height), kp.content)
	return container.NewPadded(container.NewBorder(top, container.NewCenter(pad), nil, nil))
}

// staffNote is the line under a staff screen's content; bad is a refusal
// or a failure.
type staffNote struct {
	text string
	bad  bool
}

// noteOf is how the last staff action went, for under the door grid.
func noteOf(n app.StaffNote) staffNote {
	bad := n.Kind == app.NoteWrongPIN || n.Kind == app.NoteFailed
	return staffNote{text: noteText(n), bad: bad}
}

func noteText(n app.StaffNote) string {
	switch n.Kind {
	case app.NoteOpened:
		return trf("admin.opened", "Door", n.Door)
	case app.NoteOpenedAll:
		return tr("admin.openall.done")
	case app.NoteWrongPIN:
		return tr("admin.badpin")
	case app.NoteOutOfService:
		return trf("admin.oos.set", "Door", n.Door)
	case app.NoteInService:
		return trf("admin.oos.cleared", "Door", n.Door)
	case app.NoteCleared:
		return trf("admin.cleared", "Door", n.Door)
	case app.NoteBeingOpened:
		return trf("admin.being", "Door", n.Door)
	case app.NoteRevoked:
		return tr("admin.tokens.revoked")
	case app.NoteFailed:
		return failureText(n.Trouble)
	}
	return ""
}
