package session_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/apptest"
	"pudo/app/session"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/sessions")

// TestSessionScripts plays every script in testdata/sessions against the
// Front over the fake engine and compares the transcript (each line, the
// view it led to, the notices it caused; at the end every rent's state and
// the unlocks sent to each door) with the script's .golden file. Run with
// -update to rewrite them after an intended change, and read the diff.
func TestSessionScripts(t *testing.T) {
	scripts, err := filepath.Glob("testdata/sessions/*.txt")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, path := range scripts {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, strings.TrimSuffix(path, ".txt")+".golden", play(t, string(src)))
		})
	}
}

// checkGolden compares a transcript with its golden file, or writes the
// file with -update.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("transcript differs from %s:\n%s", golden, diff(string(want), got))
	}
}

// harness is a Front over a fake engine with a fake clock.
type harness struct {
	t   *testing.T
	ctx context.Context
	eng *apptest.Engine
	f   *session.Front
	now time.Time
	out strings.Builder
	// late are notices held back (bus-down-late), for deliver-late.
	late []app.Notice
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, ctx: context.Background(), now: time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)}
	h.eng = apptest.New(func() time.Time { return h.now })
	h.f = session.NewFront(h.eng, session.FrontOptions{Now: func() time.Time { return h.now }}, quiet)
	return h
}

// play runs a script: one command a line, # starts a comment.
func play(t *testing.T, src string) string {
	h := newHarness(t)
	h.f.Start(h.ctx)
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "#"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		fields := strings.Fields(line)
		v, ok := h.run(fields[0], fields[1:])
		if !ok {
			t.Fatalf("line %d: cannot read %q", n+1, line)
		}
		if v == nil {
			continue // set-up: no transcript line
		}
		fmt.Fprintf(&h.out, "%-34s -> %s\n", line, describe(v))
		h.pump()
	}
	h.summary()
	return h.out.String()
}

// pump hands the engine's notices to the Front, as the screens' notice
// loop does, and notes each that changed the view.
func (h *harness) pump() {
	for {
		ns := h.eng.Drain()
		if len(ns) == 0 {
			return
		}
		for _, n := range ns {
			before := h.f.View()
			v := h.f.Notice(h.ctx, n)
			if v != before {
				fmt.Fprintf(&h.out, "  notice %-25s -> %s\n", noticeName(n), describe(v))
			}
		}
	}
}

func (h *harness) summary() {
	var rents, unlocks []string
	for id := int64(1); ; id++ {
		r, ok := h.rent(id)
		if !ok {
			break
		}
		rents = append(rents, fmt.Sprintf("%d@%d=%s", id, r.DoorID, r.State))
	}
	for _, d := range apptest.DemoDoors() {
		if n := h.eng.Unlocks(d.ID); n > 0 {
			unlocks = append(unlocks, fmt.Sprintf("%d:%d", d.ID, n))
		}
	}
	fmt.Fprintf(&h.out, "rents: %s\nunlocks: %s\n", strings.Join(rents, " "), strings.Join(unlocks, " "))
	for _, d := range apptest.DemoDoors() {
		if dd := h.eng.Door(d.ID); dd.Fault != "" || dd.OutOfService {
			fmt.Fprintf(&h.out, "door %d: fault=%q out-of-service=%v\n", d.ID, dd.Fault, dd.OutOfService)
		}
	}
}

func (h *harness) rent(id int64) (r app.Rent, ok bool) {
	defer func() { ok = recover() == nil }()
	return h.eng.Rent(id), true
}

// run does one command; a nil view is a set-up step.
func (h *harness) run(cmd string, args []string) (app.View, bool) {
	num := func(i int) int64 {
		if i >= len(args) {
			return 0
		}
		n, _ := strconv.ParseInt(args[i], 10, 64)
		return n
	}
	nums := func(from int) []int64 {
		var out []int64
		for i := from; i < len(args); i++ {
			out = append(out, num(i))
		}
		return out
	}
	switch cmd {
	// Set-up.
	case "stock": // stock CODE door...
		h.eng.Stock(args[0], nums(1)...)
	case "book": // book LABEL door
		h.eng.Book(args[0], num(1))
	case "book-return": // book-return CODE door
		h.eng.BookReturn(args[0], num(1))
	case "expire": // expire rent
		h.eng.Expire(num(0))
	case "courier": // courier TOKEN id
		h.eng.AddCourier(args[0], args[1])
	case "staff": // staff PIN name
		h.eng.AddStaff(args[0], args[1])
	case "board": // board door settles|opens|refuses|silent
		b := map[string]apptest.Board{"settles": apptest.Settles, "opens": apptest.Opens,
			"refuses": apptest.Refuses, "silent": apptest.Silent}[args[1]]
		h.eng.SetBoard(num(0), b)
	case "out-of-service": // out-of-service door: staff took it out
		h.eng.SetDoor(num(0), func(d *app.Door) { d.OutOfService = true })
	case "lock-after": // lock-after N wrong codes
		h.eng.LockAt = int(num(0))
	case "alert": // alert KIND door: an alert event in the log
		h.eng.Log(app.Event{At: h.now, Actor: "system", Kind: app.EventKind(args[0]), DoorID: num(1)})
	case "guess-limit": // guess-limit WRONG: typed codes reached their limit
		h.eng.Guess = []app.GuessLimit{{Wrong: num(0), Trips: 1}}
	case "fill": // fill SIZE: every free door of that size gets a parcel
		for _, d := range apptest.DemoDoors() {
			if string(d.Size) == args[0] && !h.eng.Door(d.ID).Occupied {
				h.eng.Stock(fmt.Sprintf("FILL%04d", d.ID), d.ID)
			}
		}
	// The person.
	case "tap":
		in, ok := intent(args)
		if !ok {
			return nil, false
		}
		return h.f.Tap(h.ctx, in), true
	case "scan":
		return h.f.Scan(h.ctx, strings.Join(args, " ")), true
	case "leave":
		return h.f.Leave(h.ctx), true
	// The doors.
	case "open":
		h.eng.Open(num(0))
		return h.f.View(), true
	case "not-opened":
		h.eng.NotOpened(num(0))
		return h.f.View(), true
	case "unseen": // unseen door: its opening settles unknown (a gap in the readings)
		h.eng.Unseen(num(0))
		return h.f.View(), true
	case "close":
		h.eng.Close(num(0))
		return h.f.View(), true
	case "left-open":
		h.eng.LeftOpen(num(0))
		return h.f.View(), true
	case "sensor-lost":
		h.eng.SensorLost(num(0))
		return h.f.View(), true
	case "sensor-closed":
		h.eng.SensorBack(num(0), app.SensorClosed)
		return h.f.View(), true
	case "bus-down":
		h.eng.SetOutOfOrder(true, "lock bus down")
		return h.f.View(), true
	case "bus-up":
		h.eng.SetOutOfOrder(false, "")
		return h.f.View(), true
	case "bus-down-late": // the bus goes down; its notice is held back
		h.eng.SetOutOfOrder(true, "lock bus down")
		h.late = append(h.late, h.eng.Drain()...)
		return h.f.View(), true
	case "deliver-late":
		for _, n := range h.late {
			h.f.Notice(h.ctx, n)
		}
		h.late = nil
		return h.f.View(), true
	// Time.
	case "wait": // wait DURATION: the clock moves on, due ticks fire
		d, err := time.ParseDuration(args[0])
		if err != nil {
			return nil, false
		}
		end := h.now.Add(d)
		for w := h.f.Wake(); !w.IsZero() && !w.After(end); w = h.f.Wake() {
			h.now = w
			h.f.Tick(h.ctx)
		}
		h.now = end
		return h.f.Tick(h.ctx), true
	default:
		return nil, false
	}
	return nil, true
}

// intent reads "Name args" as an app.Intent.
func intent(args []string) (app.Intent, bool) {
	if len(args) == 0 {
		return nil, false
	}
	arg := func(i int) string {
		if i < len(args) {
			return args[i]
		}
		return ""
	}
	n, _ := strconv.ParseInt(arg(1), 10, 64)
	switch args[0] {
	case "Collect":
		return app.Collect{}, true
	case "SendReturn":
		return app.SendReturn{}, true
	case "EnterCode":
		return app.EnterCode{Code: arg(1)}, true
	case "StaffGesture":
		return app.StaffGesture{}, true
	case "EnterPIN":
		return app.EnterPIN{PIN: arg(1)}, true
	case "Back":
		return app.Back{}, true
	case "Escape":
		return app.Escape{}, true
	case "DidNotOpen":
		return app.DidNotOpen{}, true
	case "Larger":
		return app.Larger{}, true
	case "Answer": // Answer yes|no
		return app.Answer{Yes: arg(1) == "yes"}, true
	case "GotIt":
		return app.GotIt{}, true
	case "Reopen":
		return app.Reopen{}, true
	case "Report":
		return app.Report{What: app.Problem(arg(1))}, true
	case "StartDrop":
		return app.StartDrop{}, true
	case "StartBatch":
		k := app.BatchExpired
		if arg(1) == "returns" {
			k = app.BatchReturns
		}
		return app.StartBatch{Kind: k}, true
	case "ChooseSize":
		return app.ChooseSize{Size: app.Size(arg(1))}, true
	case "TogglePreferLow":
		return app.TogglePreferLow{}, true
	case "OpenNext":
		return app.OpenNext{}, true
	case "Logout":
		return app.Logout{}, true
	case "Section":
		s := map[string]app.Section{"doors": app.SectionDoors, "rents": app.SectionRents, "log": app.SectionLog,
			"hardware": app.SectionHardware, "settings": app.SectionSettings}[arg(1)]
		return app.ShowSection{Section: s}, true
	case "OpenDoor":
		return app.OpenDoor{Door: n}, true
	case "OpenAll":
		return app.OpenAll{}, true
	case "OutOfService":
		return app.SetOutOfService{Door: n, On: arg(2) != "off"}, true
	case "ClearDoor":
		return app.ClearDoor{Door: n}, true
	case "TestEmptyDoors":
		return app.TestEmptyDoors{}, true
	case "StopDoorTest":
		return app.StopDoorTest{}, true
	case "ScanBus":
		return app.ScanBus{}, true
	case "RunSelfTest":
		return app.RunSelfTest{}, true
	case "ShowHelp":
		return app.ShowHelp{}, true
	case "AnotherDoor":
		return app.AnotherDoor{}, true
	case "Withdraw":
		return app.Withdraw{}, true
	case "CodeNoted":
		return app.CodeNoted{}, true
	case "ExitKiosk":
		return app.ExitKiosk{}, true
	case "AckAlerts":
		return app.AckAlerts{}, true
	}
	return nil, false
}

func noticeName(n app.Notice) string {
	switch {
	case n.Opening != nil:
		return fmt.Sprintf("%s door %d %s", n.Kind, n.Opening.DoorID, n.Opening.Outcome)
	case n.Rent != nil:
		return fmt.Sprintf("%s %d %s", n.Kind, n.Rent.ID, n.Rent.State)
	case n.Door.ID != 0:
		return fmt.Sprintf("%s door %d", n.Kind, n.Door.ID)
	}
	return n.Kind.String()
}

// describe is a view in one line, for transcripts.
func describe(v app.View) string {
	switch v := v.(type) {
	case *app.HomeView:
		switch {
		case v.Audio:
			return "Home audio"
		case v.Fresh:
			return "Home fresh"
		}
		return "Home"
	case *app.HelpView:
		return "Help"
	case *app.TooSmallView:
		return fmt.Sprintf("TooSmall door=%d largest=%v free=%d", v.Door.ID, v.Largest, v.Free)
	case *app.RecipientCodeView:
		return fmt.Sprintf("RecipientCode door=%d code=%s", v.Door, v.Code)
	case *app.StaffAlertsView:
		var as []string
		for _, a := range v.Alerts {
			s := string(a.Kind)
			if a.DoorID != 0 {
				s += fmt.Sprintf("@%d", a.DoorID)
			}
			if a.Guess != nil {
				s += fmt.Sprintf("(%d wrong)", a.Guess.Wrong)
			}
			as = append(as, s)
		}
		return fmt.Sprintf("StaffAlerts [%s] more=%d", strings.Join(as, " "), v.More)
	case *app.ExitView:
		return "Exit"
	case *app.OutOfOrderView:
		return "OutOfOrder " + v.Reason
	case *app.CodeView:
		s := fmt.Sprintf("Code for=%s", [...]string{"pickup", "return"}[v.For])
		if v.Refusal != app.RefusalNone {
			s += fmt.Sprintf(" refusal=%s", [...]string{"", "wrong-code", "expired", "collected", "not-a-return", "return-done", "out-of-order"}[v.Refusal])
		}
		if !v.PausedUntil.IsZero() {
			s += " paused-until=" + v.PausedUntil.Format("15:04:05")
		}
		return s
	case *app.ProblemView:
		return fmt.Sprintf("Problem %s door=%d", troubleName(v.Trouble), v.Door)
	case *app.DoorView:
		s := fmt.Sprintf("Door %s door=%d %s", taskName(v.Task), v.Door.ID, v.Opening.Outcome)
		if v.LookAgain {
			s += " look-again"
		}
		if v.Unconfirmed {
			s += " unconfirmed"
		}
		if v.More > 0 {
			s += fmt.Sprintf(" more=%d", v.More)
		}
		if v.Code != "" {
			s += " code=" + v.Code
		}
		return s + closeFirst(v.CloseFirst)
	case *app.NotOpenedView:
		return fmt.Sprintf("NotOpened %s door=%d", taskName(v.Task), v.Door.ID)
	case *app.AskOpenedView:
		return fmt.Sprintf("AskOpened %s door=%d", taskName(v.Task), v.Door.ID)
	case *app.AskInDoorView:
		return fmt.Sprintf("AskInDoor %s door=%d", taskName(v.Task), v.Door.ID)
	case *app.LeftOpenView:
		return fmt.Sprintf("LeftOpen door=%d", v.Door.ID)
	case *app.GotItView:
		return "GotIt reopen-until=" + v.ReopenUntil.Format("15:04:05")
	case *app.ThanksView:
		return "Thanks " + [...]string{"pickup", "return"}[v.For]
	case *app.CourierMenuView:
		return "CourierMenu " + v.Courier
	case *app.DropView:
		s := fmt.Sprintf("Drop low=%v stored=%d unbooked=%q free=S%d/M%d/L%d", v.PreferLow, v.Stored, v.Unbooked,
			v.Free[app.SizeS], v.Free[app.SizeM], v.Free[app.SizeL])
		if v.TookBack != 0 {
			s += fmt.Sprintf(" took-back=%d", v.TookBack)
		}
		return s + closeFirst(v.CloseFirst)
	case *app.BatchView:
		var items []string
		for _, it := range v.Items {
			items = append(items, fmt.Sprintf("%d:%s", it.Rent.DoorID, [...]string{"wait", "opening", "open", "done", "failed"}[it.Status]))
		}
		s := fmt.Sprintf("Batch at=%d [%s]", v.At, strings.Join(items, " "))
		if v.LookAgain {
			s += " look-again"
		}
		return s
	case *app.PINView:
		return "PIN " + [...]string{"", "wrong", "locked", "paused", "failed"}[v.Refusal]
	case *app.PINAgainView:
		return fmt.Sprintf("PINAgain %s door=%d", [...]string{"open-door", "open-all", "door-test", "exit"}[v.For], v.Door)
	case *app.StaffDoorsView:
		return fmt.Sprintf("StaffDoors doors=%d%s", len(v.States), noteName(v.Note))
	case *app.StaffRentsView:
		return fmt.Sprintf("StaffRents %d", len(v.Rents))
	case *app.StaffLogView:
		return fmt.Sprintf("StaffLog before=%d events=%d older=%v", v.Before, len(v.Events), v.Older)
	case *app.StaffHardwareView:
		s := fmt.Sprintf("StaffHardware last-read=%q", v.LastRead)
		if v.Hardware.SelfTest != nil {
			s += fmt.Sprintf(" self-test-ok=%v", v.Hardware.SelfTest.OK())
		}
		return s + noteName(v.Note)
	case *app.StaffSettingsView:
		return "StaffSettings" + noteName(v.Note)
	case *app.DoorTestView:
		var rs []string
		for _, r := range v.Results {
			rs = append(rs, fmt.Sprintf("%d:%s", r.DoorID, r.Outcome))
		}
		return fmt.Sprintf("DoorTest door=%d %s done=%v [%s]", v.Door, v.Opening.Outcome, v.Done, strings.Join(rs, " "))
	}
	return fmt.Sprintf("%T", v)
}

func closeFirst(doors []app.Door) string {
	if len(doors) == 0 {
		return ""
	}
	var ids []string
	for _, d := range doors {
		ids = append(ids, strconv.FormatInt(d.ID, 10))
	}
	return " close-first=" + strings.Join(ids, ",")
}

func noteName(n app.StaffNote) string {
	if n.Kind == app.NoteNone {
		return ""
	}
	s := fmt.Sprintf(" note=%s door=%d", [...]string{"", "opened", "opened-all", "wrong-pin", "out-of-service",
		"in-service", "cleared", "failed", "being-opened"}[n.Kind], n.Door)
	if n.Kind == app.NoteFailed {
		s += " " + troubleName(n.Trouble)
	}
	return s
}

func taskName(t app.DoorTask) string { return [...]string{"pickup", "drop", "return", "put-back"}[t] }

func troubleName(t app.Trouble) string {
	return [...]string{"other", "did-not-open", "out-of-service", "no-free-door", "still-open", "reopen-closed",
		"reported", "courier-code", "courier-expired", "being-opened", "door-out-of-order", "cannot-confirm",
		"wrong-parcel", "wrong-parcel-kept", "courier-revoked"}[t]
}

// diff shows the first lines where two transcripts part.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		wl, gl := "", ""
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\nwant %s\ngot  %s\n\nwhole transcript:\n%s", i+1, wl, gl, got)
		}
	}
	return ""
}
