package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// courierTasks is what a courier's screens draw with: their controls and
// the intents they send, the busy screen showing while a door opens.
type courierTasks interface {
	controls
	send(app.Intent)
	sendWaiting(app.Intent)
}

// courierMenuScreen is where a courier chooses the next task; they stay in
// it until they log out or walk away.
type courierMenuScreen struct {
	v *app.CourierMenuView
	c interface {
		courierTasks
		logo() fyne.CanvasObject // staff's way in, as on every waiting screen
	}
}

func (s *courierMenuScreen) idle() app.Idle { return s.v.Idle() }

func (s *courierMenuScreen) draw() fyne.CanvasObject {
	c := s.c
	// The token names a courier by an id, not a name to greet: the
	// screen says who is signed in.
	top := container.NewVBox(c.logo(), title(trf("courier.signedin", "Name", s.v.Courier)), say(tr("courier.what")))
	return arrange(top,
		c.mainButton(tr("courier.drop"), theme.DownloadIcon(), func() { c.send(app.StartDrop{}) }),
		c.row(c.button(withCount("courier.expired", s.v.Expired), theme.HistoryIcon(), func() { c.sendWaiting(app.StartBatch{Kind: app.BatchExpired}) }),
			c.button(withCount("courier.returns", s.v.Returns), theme.UploadIcon(), func() { c.sendWaiting(app.StartBatch{Kind: app.BatchReturns}) })),
		c.button(tr("courier.logout"), theme.LogoutIcon(), func() { c.send(app.Logout{}) }))
}

// withCount is a list's button with how many it holds, when that is known.
func withCount(key string, n int) string {
	if n < 0 {
		return tr(key)
	}
	return fmt.Sprintf("%s (%d)", tr(key), n)
}

// dropScreen asks for a parcel label, or a size for a parcel without one:
// each size with the inside of its doors and how many are free.
type dropScreen struct {
	v     *app.DropView
	c     courierTasks
	sizes app.InnerSizes // the insides of the doors, on the size buttons
}

func (s *dropScreen) idle() app.Idle { return s.v.Idle() }
func (s *dropScreen) readsLabels()   {}

func (s *dropScreen) draw() fyne.CanvasObject {
	c, v := s.c, s.v
	lines := []fyne.CanvasObject{title(tr("drop.title"))}
	if v.Unbooked == "" {
		// The warning about an unbooked label says to choose a size too,
		// and big text needs the room.
		lines = append(lines, say(tr("drop.hint")))
	}
	if v.Stored != 0 {
		lines = append(lines, say(trf("drop.stored", "Door", v.Stored)))
	}
	if v.TookBack != 0 {
		lines = append(lines, say(trf("drop.tookback", "Door", v.TookBack)))
	}
	for _, d := range v.CloseFirst {
		lines = append(lines, warn(trf("leftopen.title", "Door", d.ID)))
	}
	if v.Unbooked != "" {
		lines = append(lines, warn(trf("drop.unknown", "Ref", v.Unbooked)))
	}
	low := tr("drop.low.off")
	if v.PreferLow {
		low = tr("drop.low.on")
	}
	lowB := c.button(low, theme.MoveDownIcon(), func() { c.send(app.TogglePreferLow{}) })
	if v.PreferLow {
		lowB.Importance = widget.HighImportance
	}
	var sizes []fyne.CanvasObject
	for _, z := range app.Sizes {
		sizes = append(sizes, s.sizeChoice(z))
	}
	// The sizes are the choice; the low-door switch and the way back share
	// the row under them.
	return arrange(container.NewVBox(lines...), c.row(sizes...),
		c.row(lowB, c.button(tr("courier.menu"), theme.MenuIcon(), func() { c.send(app.Back{}) })))
}

// sizeChoice is one size's button with the inside of its doors and how
// many are free; with none free, a larger door opens instead, and with
// none at all of this size or larger the button is off.
func (s *dropScreen) sizeChoice(z app.Size) fyne.CanvasObject {
	v := s.v
	b := s.c.mainButton(tr("size."+string(z)), nil, func() { s.c.sendWaiting(app.ChooseSize{Size: z}) })
	in := s.sizes.Of(z)
	box := container.NewVBox(b, say(trf("size.inner", "W", in.Width, "H", in.Height, "D", in.Depth)))
	if v.Free == nil {
		return box // not counted: the door map could not be read
	}
	larger := 0
	for _, y := range app.Sizes[z.Rank()+1:] {
		larger += v.Free[y]
	}
	switch {
	case v.Free[z] > 0:
		box.Add(say(trf("size.free", "N", v.Free[z])))
	case larger > 0:
		box.Add(say(tr("size.free.larger")))
	default:
		box.Add(warn(tr("size.free.none")))
		b.Disable()
	}
	return box
}

// tooSmallScreen: the parcel does not fit and no larger door is free (or
// this is the largest size). The courier chooses before closing the door:
// another door of its size, back to the door, or take the parcel back;
// staff are reached through the support contact.
type tooSmallScreen struct {
	v    *app.TooSmallView
	c    courierTasks
	help contact
}

func (s *tooSmallScreen) idle() app.Idle { return s.v.Idle() }

func (s *tooSmallScreen) draw() fyne.CanvasObject {
	c, v := s.c, s.v
	head := trf("toosmall.nolarger", "Door", v.Door.ID)
	if v.Largest {
		head = trf("toosmall.largest", "Door", v.Door.ID)
	}
	t := title(head)
	t.Importance = widget.DangerImportance
	// Three buttons go under it: the title a size down and what to do in
	// the contact's text leave big text the room.
	t.SizeName = theme.SizeNameSubHeadingText
	top := container.NewVBox(t, newSupportAfter(trf("toosmall.what", "Door", v.Door.ID), s.help.support, s.help.ref(v.Door.ID)))
	var controls []fyne.CanvasObject
	if v.Free > 0 {
		controls = append(controls, c.mainButton(trf("toosmall.another", "Size", tr("size."+string(v.Door.Size)), "N", v.Free),
			theme.ViewRefreshIcon(), func() { c.sendWaiting(app.AnotherDoor{}) }))
	}
	controls = append(controls, c.row(
		c.button(trf("toosmall.fits", "Door", v.Door.ID), theme.NavigateBackIcon(), func() { c.send(app.Back{}) }),
		c.button(tr("toosmall.takeback"), theme.CancelIcon(), func() { c.sendWaiting(app.Withdraw{}) })))
	return arrange(top, controls...)
}

// recipientCodeScreen shows a walk-in's pickup code large until the
// courier says it was noted: the locker cannot show it again.
type recipientCodeScreen struct {
	v *app.RecipientCodeView
	c interface {
		controls
		send(app.Intent)
	}
}

func (s *recipientCodeScreen) idle() app.Idle { return s.v.Idle() }

func (s *recipientCodeScreen) draw() fyne.CanvasObject {
	c := s.c
	top := container.NewVBox(title(trf("drop.stored.title", "Door", s.v.Door)), recipientCode(s.v.Code),
		say(tr("drop.code.what")))
	return arrange(top, c.mainButton(tr("drop.code.noted"), theme.ConfirmIcon(), func() { c.send(app.CodeNoted{}) }))
}
