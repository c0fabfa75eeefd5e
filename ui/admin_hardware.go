package ui

import (
	"fmt"
	"image"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// adminHardwareScreen tests the devices: the lock-board bus, the code
// readers with a live camera picture and the last code read, the sounds,
// and the self-test with its last report; "test empty doors" starts here.
type adminHardwareScreen struct {
	v *app.StaffHardwareView
	c interface {
		staffDesk
		portrait() bool
		play(name string)                // a sound tried
		refresh(s screen)                // a bus scan said at once
		later(d time.Duration, f func()) // the camera's next picture, unless the screen changes first
		speechStatus() string
	}
	camera   func() image.Image // the newest camera frame, nil: none
	scanning bool               // a bus scan is under way: say so until its result comes
}

func (s *adminHardwareScreen) idle() app.Idle { return s.v.Idle() }
func (*adminHardwareScreen) staffLook()       {}

func (s *adminHardwareScreen) draw() fyne.CanvasObject {
	c, v := s.c, s.v
	left := container.NewVBox(title(tr("hw.board")), busStatus(v.Hardware.Bus))
	if text := busScanText(v); s.scanning || text != "" {
		if s.scanning {
			text = tr("hw.scanning")
		}
		left.Add(line(text))
	}
	for _, l := range busCollisions(v) {
		left.Add(l)
	}
	for _, l := range selfTestLines(v) {
		left.Add(l)
	}
	left.Add(line(c.speechStatus()))
	right := container.NewVBox(title(tr("hw.scanner")))
	right.Add(readerStatus(v.Hardware.Readers))
	right.Add(say(trf("hw.lastread", "Text", orDash(v.LastRead))))
	preview := canvas.NewImageFromImage(nil)
	preview.FillMode = canvas.ImageFillContain
	preview.SetMinSize(fyne.NewSize(320, 200))
	if c.portrait() {
		preview.SetMinSize(fyne.NewSize(240, 150)) // the devices stack: less height to spare
	}
	right.Add(preview)
	sounds := c.row(
		c.button(tr("hw.sound.scan"), theme.VolumeUpIcon(), func() { c.play(SoundScan) }),
		c.button(tr("hw.sound.wrong"), theme.VolumeUpIcon(), func() { c.play(SoundWrong) }),
		c.button(tr("hw.sound.open"), theme.VolumeUpIcon(), func() { c.play(SoundOpen) }),
		c.button(tr("hw.sound.leftopen"), theme.VolumeUpIcon(), func() { c.play(SoundLeftOpen) }))
	acts := slots{
		c.button(tr("hw.busscan"), theme.SearchIcon(), func() {
			s.scanning = true
			c.refresh(s)
			c.send(app.ScanBus{})
		}),
		c.button(tr("hw.selftest"), theme.ConfirmIcon(), func() { c.send(app.RunSelfTest{}) }),
		c.button(tr("hw.doortest"), theme.LoginIcon(), func() { c.send(app.TestEmptyDoors{}) }),
	}
	if v.Hardware.Bus.State != app.BusUp {
		// The driver retries a vanished adapter by itself but not a
		// permission error: staff fix the cause, then say "try again".
		acts[3] = c.button(tr("hw.reconnect"), theme.ViewRefreshIcon(), func() { c.send(app.Reconnect{}) })
	}
	s.livePreview(preview)
	var devices fyne.CanvasObject = container.NewGridWithColumns(2, left, right)
	if c.portrait() {
		devices = container.NewVBox(left, right)
	}
	devices = dense(devices)
	return c.adminFrame(app.SectionHardware, tr("admin.hardware.title"), container.NewBorder(nil, sounds, nil, nil, devices),
		noteOf(v.Note), acts)
}

// livePreview shows the newest camera frame twice a second; the frame is
// a snapshot under a mutex, not I/O.
func (s *adminHardwareScreen) livePreview(img *canvas.Image) {
	if f := s.camera(); f != nil {
		img.Image = f
		img.Refresh()
	}
	s.c.later(500*time.Millisecond, func() { s.livePreview(img) })
}

func busStatus(h app.BusHealth) fyne.CanvasObject {
	if h.State == "" {
		return say(tr("hw.none"))
	}
	// The port whole, over two lines if need be: a path cut short
	// (/dev/serial/by-id/usb-FTDI_…) does not say which adapter it is.
	bus := say(trf("hw.bus", "Protocol", h.Protocol, "Port", h.Port, "State", tr("bus."+string(h.State))))
	bus.Wrapping, bus.Alignment = fyne.TextWrapWord, fyne.TextAlignLeading // a word longer than the line breaks
	box := container.NewVBox(bus)
	for _, b := range h.Boards {
		state := tr("hw.board.silent")
		if b.Answering {
			state = tr("hw.board.ok")
		}
		// Two lines that each end in an ellipsis rather than one that
		// wraps: a wrapped line in a dense list runs into the next.
		box.Add(line(trf("hw.board.line", "Board", b.Address, "State", state) + " · " + trf("hw.timeouts", "N", b.Timeouts)))
		box.Add(line("    " + inputsOn(b.Raw)))
	}
	// A relay whose OFF was never confirmed may hold a lock coil energised:
	// staff must know which door to check.
	for _, d := range h.RelaysOn {
		box.Add(warn(trf("hw.relayon", "Door", d)))
	}
	return box
}

// inputsOn names a board's input lines that are on, as ranges: "inputs
// on: 1–8, 17–24", never the raw bits.
func inputsOn(raw uint64) string {
	var spans []string
	for i := 0; i < 64; i++ {
		if raw&(1<<i) == 0 {
			continue
		}
		j := i
		for j+1 < 64 && raw&(1<<(j+1)) != 0 {
			j++
		}
		if i == j {
			spans = append(spans, fmt.Sprint(i+1))
		} else {
			spans = append(spans, fmt.Sprintf("%d–%d", i+1, j+1))
		}
		i = j
	}
	if len(spans) == 0 {
		return tr("hw.inputs.none")
	}
	return trf("hw.inputs", "Lines", strings.Join(spans, ", "))
}

func busScanText(v *app.StaffHardwareView) string {
	switch {
	case !v.BusScanned:
		return ""
	case v.BusScanFail:
		return tr("hw.scan.failed")
	case len(v.BusScan) == 0:
		return tr("hw.scan.none")
	}
	var at []string
	for _, f := range v.BusScan {
		at = append(at, fmt.Sprint(f.Address))
	}
	return tr("hw.scan.found") + " " + strings.Join(at, ", ")
}

// busCollisions warns of each address more than one board answers at.
func busCollisions(v *app.StaffHardwareView) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, f := range v.BusScan {
		if f.Collision {
			l := line(trf("hw.scan.collision", "Board", f.Address))
			l.Importance = widget.DangerImportance
			out = append(out, l)
		}
	}
	return out
}

// maxChecksShown is how many failed self-test checks the screen lists;
// the rest are in the log.
const maxChecksShown = 4

// selfTestLines are the last self-test's outcome and its failed checks.
func selfTestLines(v *app.StaffHardwareView) []fyne.CanvasObject {
	r := v.Hardware.SelfTest
	switch {
	case v.SelfTestFailed:
		return []fyne.CanvasObject{warn(tr("hw.selftest.error"))}
	case r == nil:
		return []fyne.CanvasObject{line(tr("hw.selftest.none"))}
	}
	at := r.Started.Local().Format("02.01 15:04")
	switch {
	case r.Skipped:
		return []fyne.CanvasObject{line(trf("hw.selftest.skipped", "Time", at))}
	case r.OK():
		return []fyne.CanvasObject{line(trf("hw.selftest.ok", "Time", at))}
	}
	var failed []app.Check
	for _, c := range r.Checks {
		if !c.OK {
			failed = append(failed, c)
		}
	}
	head := line(trf("hw.selftest.failed", "Time", at, "N", len(failed)))
	head.Importance = widget.DangerImportance
	out := []fyne.CanvasObject{head}
	for _, c := range failed[:min(len(failed), maxChecksShown)] {
		out = append(out, line(checkText(c)))
	}
	return out
}

// checkText is a failed self-test check in plain words: "check." + its
// kind, with its door, or the device's own name for a code reader. The
// check's Detail is the core's English for the log and is not shown.
func checkText(c app.Check) string {
	key := "check." + string(c.Kind)
	if c.DoorID == 0 && hasText(key+".any") {
		key += ".any" // a relay found on the bus, not tied to a door
	}
	if !hasText(key) {
		return tr("check.other")
	}
	return trf(key, "Door", c.DoorID, "Name", readerName(c.Name))
}

// readerName is a code reader's name in words when it is one the kiosk
// knows (the camera, a serial scanner), else its name from config.
func readerName(name string) string {
	if hasText("reader." + name) {
		return tr("reader." + name)
	}
	return name
}

// checkKinds are every kind of self-test check, for the translation test.
var checkKinds = []app.CheckKind{app.CheckBoard, app.CheckDoor, app.CheckSensor, app.CheckRelay, app.CheckReader,
	app.CheckDatabase, app.CheckEvents, app.CheckDisk, app.CheckClock}

func readerStatus(rs []app.ReaderStatus) fyne.CanvasObject {
	if len(rs) == 0 {
		return say(tr("hw.none"))
	}
	box := container.NewVBox()
	for _, r := range rs {
		state := tr("hw.down")
		if r.Up {
			state = tr("hw.up")
		}
		box.Add(line(fmt.Sprintf("%s: %s (%d)", readerName(r.Name), state, r.Reads)))
	}
	return box
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// doorTestStatus names a tested door's outcome.
var doorTestStatus = map[app.DoorTestOutcome]string{
	app.DoorUntested: "doortest.untested", app.DoorTesting: "doortest.testing",
	app.DoorGood: "doortest.good", app.DoorFaulty: "doortest.faulty",
}

// doorTestScreen is "test empty doors": the door open now, what to do at
// it, and every door's outcome so far.
type doorTestScreen struct {
	v *app.DoorTestView
	c staffList
}

func (s *doorTestScreen) idle() app.Idle { return s.v.Idle() }
func (*doorTestScreen) staffLook()       {}

func (s *doorTestScreen) draw() fyne.CanvasObject {
	c, v := s.c, s.v
	var head fyne.CanvasObject
	switch {
	case v.Failed:
		head = warn(failureText(v.Trouble))
	case v.Done:
		head = say(tr("doortest.done"))
	case v.Door != 0 && v.Opening.Outcome == app.OutcomeOpened:
		head = say(trf("doortest.open", "Door", v.Door))
	case v.Door != 0:
		head = say(trf("doortest.opening", "Door", v.Door))
	default:
		head = say(tr("doortest.wait"))
	}
	var rows []fyne.CanvasObject
	for _, r := range v.Results {
		l := line(fmt.Sprintf("%s   %s", trf("door.number", "Door", r.DoorID), tr(doorTestStatus[r.Outcome])))
		rows = append(rows, l)
	}
	pg := c.newFillingPager(rows, rowsPerPage(c, 6, 12))
	stop := c.button(tr("doortest.stop"), theme.CancelIcon(), func() { c.send(app.StopDoorTest{}) })
	if v.Done || v.Failed {
		stop = c.button(tr("admin.hardware"), theme.ComputerIcon(), func() { c.send(app.StopDoorTest{}) })
	}
	return c.adminFrame(app.SectionHardware, tr("doortest.title"), container.NewBorder(head, nil, nil, nil, pg.content), staffNote{}, slots{stop})
}

// denseInset is the room a dense line leaves around its text (dense).
const denseInset = 6

// dense gives each label in o, a list of status lines, less room around
// its text than the staff theme gives a label (denseInset), so a whole
// locker's state fits one screen; nothing in it is tapped. Not a theme
// override around the list: each override, made at every drawing, was a
// new scope of Fyne's font cache, which parsed the fonts again for it and
// kept them (button_render.go), about 12 MB a drawing of this screen.
func dense(o fyne.CanvasObject) fyne.CanvasObject {
	switch o := o.(type) {
	case *widget.Label:
		return container.New(denseLayout{}, o)
	case *fyne.Container:
		for i, c := range o.Objects {
			o.Objects[i] = dense(c)
		}
	}
	return o
}

// denseLayout lays a label out larger than its place by the room it
// gives up on each side, its text where a label with denseInset would
// draw it: the text wraps or ends in an ellipsis at the same width.
type denseLayout struct{}

// trim is the room a dense label gives up on each side.
func (denseLayout) trim() float32 { return max(theme.InnerPadding()-denseInset, 0) }

func (l denseLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m, d := objs[0].MinSize(), 2*l.trim()
	return fyne.NewSize(m.Width-d, m.Height-d)
}

func (l denseLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	d := l.trim()
	objs[0].Move(fyne.NewPos(-d, -d))
	objs[0].Resize(fyne.NewSize(size.Width+2*d, size.Height+2*d))
}
