package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/cred"
	"pudo/app/testenv"
	"pudo/lockio"
	"pudo/lockio/emulator"
	"pudo/lockio/proto"
	"pudo/lockio/simbus"
	"pudo/storage"
)

// TestScenarios runs every testdata/scenarios/*.txt against the real
// driver on the project's own emulator, through go.bug.st/serial and a pty,
// with the store on a real SQLite file and the engine's clock stepped by
// the script ("wait"). Each file is one scenario; see its README.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "scenarios", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			steps, err := parseScenario(string(b))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			s := startScenario(t)
			for _, st := range steps {
				if err := s.do(st); err != nil {
					t.Fatalf("%s:%d: %s: %v", path, st.line, st, err)
				}
			}
		})
	}
}

// scenarioPatience bounds every await: reached only when something is
// broken, generous for a loaded 2-core machine under -race.
const scenarioPatience = testenv.Patience

// scenarioColumns: 8 doors on board 1, door N on channel N.
var scenarioColumns = []app.Column{{Board: 1, FirstChannel: 1, Sizes: "SSMM"}, {Board: 1, FirstChannel: 5, Sizes: "SMLL"}}

type scenario struct {
	t      *testing.T
	ctx    context.Context
	dir    string
	db     *storage.DB
	clock  *fakeClock
	bus    *simbus.Bus
	ctl    *lockio.Controller
	secret []byte
	opts   Options

	cur      atomic.Pointer[Locker] // the engine; replaced by "restart"
	pumpDone chan struct{}

	mu     sync.Mutex // protects frames
	frames map[uint8]int

	parcels map[string]*scParcel
	last    scResult
	opening app.Opening // the opening started last
	pickup  app.Pickup
	round   app.CourierRound
	drop    app.DropOff
	staff   app.StaffSession
}

type scParcel struct {
	code string
	rent int64
	door int64
}

type scResult struct {
	errs    []error
	opening app.Opening
	verdict *app.Verdict
}

func startScenario(t *testing.T) *scenario {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s := &scenario{t: t, ctx: ctx, dir: t.TempDir(), frames: map[uint8]int{}, parcels: map[string]*scParcel{},
		secret: []byte("scenario-secret-0123456789abcdef"), pumpDone: make(chan struct{}),
		opts: Options{KioskID: "SC", RemoteOpen: true, PINCost: cheapPIN, CodeCost: cheapCode, OperatorKeys: []cred.PublicKey{testOperator.Public()}}}
	db, err := storage.Open(ctx, filepath.Join(s.dir, "pudo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s.db, s.clock = db, withClock(db)
	cfg := lockio.DefaultConfig()
	cfg.Boards = []lockio.BoardConfig{{Address: 1, Channels: 8, Feedback: lockio.FeedbackClosedHigh}}
	cfg.PollInterval = lockio.Duration(25 * time.Millisecond)
	// Timeouts as generous as a real bus's: the scenarios run in parallel
	// under -race on a small machine, and a board taken for silent by a
	// slow test process would refuse openings the script expects.
	cfg.PollTimeout = lockio.Duration(250 * time.Millisecond)
	cfg.ReplyTimeout = lockio.Duration(500 * time.Millisecond)
	cfg.QuietTime = lockio.Duration(10 * time.Millisecond)
	cfg.MinUnlockGap = lockio.Duration(50 * time.Millisecond)
	cfg.ReconnectMax = lockio.Duration(200 * time.Millisecond)
	cfg.LeftOpenAfter = lockio.Duration(time.Hour)
	cfg.DidNotOpenAfter = lockio.Duration(time.Hour) // the engine's rule, on the stepped clock, is what counts
	cfg.SimAutoClose = 0
	bus, err := simbus.StartWith(cfg, func(c *emulator.Config) {
		c.OnRequest = func(r proto.Request, _ time.Time) {
			if r.Op == proto.OpUnlock {
				s.mu.Lock()
				s.frames[r.Channel]++
				s.mu.Unlock()
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	s.bus = bus
	cfg.Port = bus.Path()
	ctl, err := lockio.Open(ctx, cfg, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	s.ctl = ctl
	t.Cleanup(func() {
		ctl.Close()
		<-s.pumpDone
	})
	if err := ctl.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	s.boot()
	go s.pump()
	return s
}

// boot starts an engine over the store, as the kiosk does at start.
func (s *scenario) boot() {
	l := New(s.db, s.ctl, s.secret, s.opts, quietLogger())
	doors, err := Layout(scenarioColumns, 1)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := l.SetUp(s.ctx, doors); err != nil {
		s.t.Fatal(err)
	}
	if err := l.Reconcile(s.ctx); err != nil {
		s.t.Fatal(err)
	}
	s.cur.Store(l)
	l.checkAvailability(s.ctx)
}

func (s *scenario) l() *Locker { return s.cur.Load() }

// pump is the kiosk's event pump: every driver event to the engine.
func (s *scenario) pump() {
	defer close(s.pumpDone)
	for ev := range s.ctl.Events() {
		s.l().handleDoorEvent(s.ctx, ev)
	}
}

func (s *scenario) emu() *emulator.Emulator { return s.bus.Emu }

// do runs one step; the opening it started, if any, becomes the one
// "expect opening" and "await settled" look at.
func (s *scenario) do(st step) error {
	err := s.run(st)
	if s.last.opening.ID != 0 {
		s.opening = s.last.opening
	}
	return err
}

func (s *scenario) run(st step) error {
	a := st.args
	switch st.verb {
	case "option":
		return s.option(a[0], a[1])
	case "parcel":
		return s.addParcel(a[0], door(a[2]), a[3:])
	case "jam", "unjam":
		s.emu().Jam(1, uint8(door(a[0])), st.verb == "jam")
	case "stick", "unstick":
		s.emu().StickLatch(1, uint8(door(a[0])), st.verb == "stick")
	case "break", "fix":
		s.emu().BreakSensor(1, uint8(door(a[0])), st.verb == "break")
	case "force":
		s.emu().ForceOpen(1, uint8(door(a[0])))
	case "close":
		s.emu().CloseDoor(1, uint8(door(a[0])))
	case "flap":
		return s.flap(door(a[0]), int(door(a[1])))
	case "silence", "resume":
		s.emu().Silence(1, st.verb == "silence")
	case "fault":
		return s.fault(a)
	case "unplug":
		d, _ := time.ParseDuration(a[0])
		s.emu().Inject(emulator.Fault{Kind: emulator.FaultUnplug, Board: 1, Op: proto.OpUnlock, Delay: d})
	case "pickup", "scan", "keyboard", "remote":
		s.last = scResult{}
		s.entry(st.verb, a[0])
	case "concurrent":
		return s.concurrent(a)
	case "didnotopen":
		return s.pickupReport()
	case "answer", "leave":
		return s.pickupAnswer(st.verb, a)
	case "next", "reopen", "report":
		return s.pickupStep(st.verb, a)
	case "courier", "dropnew", "larger", "drop-didnotopen", "done", "abandon", "drop-answer", "hold":
		return s.courierStep(st.verb, a)
	case "staff":
		return s.staffStep(a[0], door(a[1]), a[2:])
	case "power":
		d, _ := time.ParseDuration(a[0])
		s.bus.PTY.PowerLoss(d)
	case "hiccup":
		d, _ := time.ParseDuration(a[0])
		s.emu().Silence(1, true)
		time.Sleep(d) // the board is silent this long, in real time
		s.emu().Silence(1, false)
	case "wait":
		d, _ := time.ParseDuration(a[0])
		s.sync()
		s.clock.Add(d)
		s.l().tick(s.ctx)
	case "intent":
		return s.intent(a[0])
	case "restart":
		s.boot()
	case "await":
		return s.await(a)
	case "expect":
		return s.expect(a)
	}
	return nil
}

func (s *scenario) option(k, v string) error {
	switch k {
	case "did_not_open":
		d, err := time.ParseDuration(v)
		s.opts.DidNotOpen = d
		if err == nil {
			s.boot()
		}
		return err
	case "flap_limit":
		n, err := strconv.Atoi(v)
		s.opts.FlapLimit = n
		if err == nil {
			s.boot()
		}
		return err
	}
	return fmt.Errorf("unknown option %q", k)
}

// addParcel stores a parcel named name in door, with a fresh code or
// ("code OTHER") the code of parcel OTHER.
func (s *scenario) addParcel(name string, d int64, rest []string) error {
	code := NewCode()
	if len(rest) == 2 && rest[0] == "code" {
		other, ok := s.parcels[rest[1]]
		if !ok {
			return fmt.Errorf("no parcel %q", rest[1])
		}
		code = other.code
	} else if len(rest) != 0 {
		return fmt.Errorf("want [code PARCEL], got %v", rest)
	}
	var r storage.Rent
	err := s.db.Update(s.ctx, func(tx *storage.Tx) (err error) {
		r, err = tx.CreateRent(storage.NewRent{DoorID: d, State: storage.RentStored, ParcelRef: name,
			PickupMAC: codeMAC(s.secret, code), ExpiresAt: tx.Now().Add(72 * time.Hour)})
		return err
	})
	s.parcels[name] = &scParcel{code: code, rent: r.ID, door: d}
	return err
}

// flap opens and shuts door n times, each seen by the sensor.
func (s *scenario) flap(d int64, n int) error {
	for range n {
		s.emu().ForceOpen(1, uint8(d))
		if err := s.awaitCond(fmt.Sprintf("door %d read open", d), func() bool { return s.ctl.Sensor(addr(d)) == lockio.SensorOpen }); err != nil {
			return err
		}
		s.emu().CloseDoor(1, uint8(d))
		if err := s.awaitCond(fmt.Sprintf("door %d read closed", d), func() bool { return s.ctl.Sensor(addr(d)) == lockio.SensorClosed }); err != nil {
			return err
		}
	}
	return nil
}

func addr(d int64) lockio.Door { return lockio.Door{Board: 1, Channel: uint8(d)} }

// fault spoils the next unlock reply: "fault KIND [DELAY]", or the next
// status polls: "fault poll KIND COUNT".
func (s *scenario) fault(a []string) error {
	op, rest := proto.OpUnlock, a
	count := 1
	if a[0] == "poll" {
		if len(a) != 3 {
			return fmt.Errorf("want fault poll KIND COUNT")
		}
		op, rest = proto.OpStatus, a[1:2]
		count, _ = strconv.Atoi(a[2])
	}
	k, ok := emulator.ParseFaultKind(rest[0])
	if !ok {
		return fmt.Errorf("unknown fault %q", rest[0])
	}
	f := emulator.Fault{Kind: k, Board: 1, Op: op, Count: count}
	if op == proto.OpUnlock && len(rest) > 1 {
		d, err := time.ParseDuration(rest[1])
		if err != nil {
			return err
		}
		f.Delay = d
	}
	s.emu().Inject(f)
	return nil
}

// entry is a shopper (or the back office) asking for a parcel's door
// through one of the entry points.
func (s *scenario) entry(how, name string) {
	p, ok := s.parcels[name]
	if !ok {
		s.last.errs = append(s.last.errs, fmt.Errorf("no parcel %q", name))
		return
	}
	var pk app.Pickup
	var err error
	switch how {
	case "pickup":
		pk, err = s.l().PickupByCode(s.ctx, app.FormatCode(p.code))
	case "scan":
		pk, err = s.l().PickupByScan(s.ctx, p.code)
	case "keyboard": // a keyboard-mode scanner: the burst arrives as a scan
		pk, err = s.l().PickupByScan(s.ctx, strings.ToLower(p.code))
	case "remote":
		_, err = s.l().Office().RemoteOpen(s.ctx, p.rent)
	}
	if pk != nil {
		s.pickup = pk
		s.last.opening = pk.Opening()
	}
	s.last.errs = append(s.last.errs, err)
}

// concurrent runs two entries at once: "concurrent pickup A remote A".
func (s *scenario) concurrent(a []string) error {
	s.last = scResult{}
	var wg sync.WaitGroup
	res := make([]scResult, 2)
	for i := range 2 {
		how, name := a[2*i], a[2*i+1]
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := scResult{}
			p := s.parcels[name]
			if p == nil {
				r.errs = []error{fmt.Errorf("no parcel %q", name)}
				res[i] = r
				return
			}
			var err error
			switch how {
			case "pickup":
				_, err = s.l().PickupByCode(s.ctx, p.code)
			case "remote":
				_, err = s.l().Office().RemoteOpen(s.ctx, p.rent)
			default:
				err = fmt.Errorf("concurrent %q: want pickup or remote", how)
			}
			r.errs = []error{err}
			res[i] = r
		}()
	}
	wg.Wait()
	s.last.errs = append(res[0].errs, res[1].errs...)
	return nil
}

func (s *scenario) pickupReport() error {
	if s.pickup == nil {
		return errors.New("no pickup to report on")
	}
	v, err := s.pickup.DidNotOpen(s.ctx)
	s.last = scResult{errs: []error{err}, verdict: &v, opening: v.Opening}
	return nil
}

func (s *scenario) pickupStep(verb string, a []string) error {
	if s.pickup == nil {
		return errors.New("no pickup")
	}
	var o app.Opening
	var err error
	switch verb {
	case "next":
		o, err = s.pickup.Next(s.ctx)
	case "reopen":
		o, err = s.pickup.Reopen(s.ctx)
	case "report":
		err = s.pickup.Report(s.ctx, app.Problem(a[0]))
	}
	s.last = scResult{errs: []error{err}, opening: o}
	return nil
}

func (s *scenario) courierStep(verb string, a []string) error {
	var err error
	var o app.Opening
	var v *app.Verdict
	switch verb {
	case "courier":
		s.round, err = s.l().LoginCourier(s.ctx, courierToken(s.l(), "c-1", time.Hour))
		if err != nil {
			return err
		}
	case "dropnew":
		if s.round == nil {
			return errors.New("no courier")
		}
		var d app.DropOff
		d, err = s.round.DropNew(s.ctx, app.Size(a[0]), "SC-"+a[0], false)
		if d != nil {
			s.drop, o = d, d.Opening()
			s.parcels["walkin"] = &scParcel{code: d.Code(), rent: d.Rent().ID, door: d.Rent().DoorID}
		}
	default:
		if s.drop == nil {
			return errors.New("no drop-off")
		}
		switch verb {
		case "larger":
			o, err = s.drop.Larger(s.ctx)
		case "drop-didnotopen":
			var vv app.Verdict
			vv, err = s.drop.DidNotOpen(s.ctx)
			v, o = &vv, vv.Opening
		case "done":
			_, err = s.drop.Done(s.ctx)
		case "abandon":
			err = s.drop.Abandon(s.ctx)
		case "drop-answer":
			_, err = s.drop.Answer(s.ctx, a[0] == "yes")
			o = s.drop.Opening()
		case "hold":
			s.drop.Hold(s.ctx)
		}
		if p := s.parcels["walkin"]; p != nil {
			p.door = s.drop.Rent().DoorID
		}
	}
	s.last = scResult{errs: []error{err}, opening: o, verdict: v}
	return nil
}

// sync waits until the driver has read the doors a few more times (or a
// board that does not answer has had the time to), so that the engine's
// stepped clock never runs ahead of what the sensor could have seen.
func (s *scenario) sync() {
	d := addr(1)
	base, gaps := s.ctl.Reads(d), s.ctl.Gaps(d)
	deadline := time.Now().Add(time.Second)
	for s.ctl.Reads(d) < base+minReads+1 && time.Now().Before(deadline) {
		s.l().tick(s.ctx)
		if g := s.ctl.Gaps(d); g != gaps {
			base, gaps = s.ctl.Reads(d), g // readings since the last gap only
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.l().tick(s.ctx)
}

// pickupAnswer is the shopper's "answer yes|no" to "did door N open?",
// or leaving without an answer.
func (s *scenario) pickupAnswer(verb string, a []string) error {
	if s.pickup == nil {
		return errors.New("no pickup")
	}
	if verb == "leave" {
		s.pickup.Leave(s.ctx)
		s.last = scResult{}
		return nil
	}
	v, err := s.pickup.Answer(s.ctx, a[0] == "yes")
	s.last = scResult{errs: []error{err}, verdict: &v, opening: v.Opening}
	return nil
}

func (s *scenario) staffStep(what string, d int64, rest []string) error {
	if s.staff == nil {
		loginStaff(s.t, s.l())
		st, err := s.l().LoginStaff(s.ctx, DemoStaffPIN)
		if err != nil {
			return err
		}
		s.staff = st
	}
	var o app.Opening
	var err error
	switch what {
	case "open":
		o, err = s.staff.OpenDoor(s.ctx, d, DemoStaffPIN, "scenario")
	case "clear":
		err = s.staff.ClearDoor(s.ctx, d, "looked inside")
	case "check":
		if len(rest) != 1 || (rest[0] != "inside" && rest[0] != "empty") {
			return errors.New("want staff check N inside|empty")
		}
		err = s.staff.CheckDoor(s.ctx, d, rest[0] == "inside", "scenario")
	default:
		return fmt.Errorf("staff %q: want open, clear or check", what)
	}
	s.last = scResult{errs: []error{err}, opening: o}
	return nil
}

// intent leaves what a crash between intent and outcome leaves: the
// intent of a pickup of parcel name, the board never told.
func (s *scenario) intent(name string) error {
	p, ok := s.parcels[name]
	if !ok {
		return fmt.Errorf("no parcel %q", name)
	}
	return s.db.Update(s.ctx, func(tx *storage.Tx) error {
		_, err := tx.OpenIntent(p.door, p.rent, string(app.PurposePickup))
		return err
	})
}

func (s *scenario) awaitCond(what string, cond func() bool) error {
	deadline := time.Now().Add(scenarioPatience)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("still waiting after %v for %s", scenarioPatience, what)
		}
		s.l().tick(s.ctx)
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

// await waits (real time, bounded) for the engine to see something:
// "await settled", "await sensor N open|closed|unknown", "await rent P
// STATE", "await down N", "await up N", "await out-of-order", "await
// in-order".
func (s *scenario) await(a []string) error {
	switch a[0] {
	case "settled":
		id := s.opening.ID
		return s.awaitCond("the opening settled", func() bool {
			o, err := s.l().openingNow(s.ctx, id)
			return err == nil && !o.Pending()
		})
	case "sensor":
		if len(a) != 3 {
			return errors.New("want await sensor N STATE")
		}
		d := door(a[1])
		return s.awaitCond(fmt.Sprintf("door %d %s", d, a[2]), func() bool {
			dd, err := s.engineDoor(d)
			return err == nil && dd.Sensor.String() == a[2]
		})
	case "rent":
		if len(a) != 3 {
			return errors.New("want await rent PARCEL STATE")
		}
		return s.awaitCond(fmt.Sprintf("rent %s %s", a[1], a[2]), func() bool { return s.rentState(a[1]) == a[2] })
	case "down", "up":
		if len(a) != 2 {
			return errors.New("want await down|up N")
		}
		d := door(a[1])
		return s.awaitCond(a[0]+" "+a[1], func() bool { return s.l().Availability().DoorDown(d) == (a[0] == "down") })
	case "events":
		if len(a) != 3 {
			return errors.New("want await events KIND COUNT")
		}
		want, err := strconv.Atoi(a[2])
		if err != nil {
			return err
		}
		return s.awaitCond(fmt.Sprintf("%d %s events", want, a[1]), func() bool { return len(eventsOfKind(s.t, s.l(), a[1])) >= want })
	case "out-of-order", "in-order":
		return s.awaitCond(a[0], func() bool { return s.l().Availability().OutOfOrder == (a[0] == "out-of-order") })
	}
	return fmt.Errorf("unknown await %q", a[0])
}

func (s *scenario) engineDoor(d int64) (app.Door, error) {
	ds, err := s.l().DoorMap(s.ctx)
	if err != nil {
		return app.Door{}, err
	}
	for _, x := range ds {
		if x.ID == d {
			return x, nil
		}
	}
	return app.Door{}, fmt.Errorf("no door %d", d)
}

func (s *scenario) rentState(name string) string {
	p, ok := s.parcels[name]
	if !ok {
		return "no such parcel"
	}
	r, err := s.l().Office().Rent(s.ctx, p.rent)
	if err != nil {
		return err.Error()
	}
	return string(r.State)
}

// errorNames are the errors a scenario expects by name.
var errorNames = map[string]error{
	"wrong-code": app.ErrWrongCode, "being-opened": app.ErrBeingOpened, "out-of-order": app.ErrOutOfOrder,
	"did-not-open": app.ErrDoorDidNotOpen, "out-of-service": app.ErrOutOfService,
	"already-collected": app.ErrAlreadyCollected, "reopen-closed": app.ErrReopenClosed,
	"no-free-door": app.ErrNoFreeDoor, "door-still-open": app.ErrDoorStillOpen, "already-stored": app.ErrAlreadyStored,
	"for-staff": app.ErrForStaff, "ask-first": app.ErrAskFirst, "no-question": app.ErrNoQuestion,
	"parcel-without-rent": app.ErrParcelWithoutRent,
}

func errorMatches(name string, err error) bool {
	switch name {
	case "none":
		return err == nil
	case "any":
		return err != nil
	}
	want, ok := errorNames[name]
	return ok && errors.Is(err, want)
}

// expect checks what the last step gave or how things stand:
//
//	expect error NAME[|NAME]...        the last step's error (each of a concurrent pair in turn)
//	expect opening OUTCOME [CAUSE]     the last opening as the engine knows it now
//	expect verdict KIND                the last did-not-open verdict
//	expect rent PARCEL STATE
//	expect door N STATE...             free, occupied, faulty, sound, unsettled, settled, assignable, kept
//	expect frames N COUNT              unlock frames door N's board read, in all
//	expect pulses N COUNT              unlock pulses door N's lock got
//	expect events KIND COUNT           audit events of a kind
//	expect open N | shut N             the door as it physically is
func (s *scenario) expect(a []string) error {
	switch a[0] {
	case "error":
		return s.expectErrors(a[1:])
	case "opening":
		return s.expectOpening(a[1:])
	case "verdict":
		if len(a) != 2 || s.last.verdict == nil {
			return fmt.Errorf("no verdict (last %+v)", s.last)
		}
		if got := s.last.verdict.Kind.String(); got != a[1] {
			return fmt.Errorf("verdict %s, want %s", got, a[1])
		}
	case "rent":
		if len(a) != 3 {
			return errors.New("want expect rent PARCEL STATE")
		}
		if got := s.rentState(a[1]); got != a[2] {
			return fmt.Errorf("rent %s is %s, want %s", a[1], got, a[2])
		}
	case "door":
		if len(a) < 3 {
			return errors.New("want expect door N STATE...")
		}
		return s.expectDoor(door(a[1]), a[2:])
	case "frames", "pulses":
		if len(a) != 3 {
			return fmt.Errorf("want expect %s N COUNT", a[0])
		}
		d, want := door(a[1]), door(a[2])
		if a[2] == "0" {
			want = 0
		}
		got := int64(s.emu().Unlocks(1, uint8(d)))
		if a[0] == "frames" {
			s.mu.Lock()
			got = int64(s.frames[uint8(d)])
			s.mu.Unlock()
		}
		if got != want {
			return fmt.Errorf("door %d: %d unlock %s, want %d", d, got, a[0], want)
		}
	case "events":
		if len(a) != 3 {
			return errors.New("want expect events KIND COUNT")
		}
		want, _ := strconv.Atoi(a[2])
		if got := len(eventsOfKind(s.t, s.l(), a[1])); got != want {
			return fmt.Errorf("%d %s events, want %d", got, a[1], want)
		}
	case "open", "shut":
		if len(a) != 2 {
			return fmt.Errorf("want expect %s N", a[0])
		}
		if open := s.emu().IsOpen(1, uint8(door(a[1]))); open != (a[0] == "open") {
			return fmt.Errorf("door %s physically open %v", a[1], open)
		}
	default:
		return fmt.Errorf("unknown expectation %q", a[0])
	}
	return nil
}

func (s *scenario) expectErrors(alts []string) error {
	if len(alts) != len(s.last.errs) {
		return fmt.Errorf("%d results (%v), want %d", len(s.last.errs), s.last.errs, len(alts))
	}
	for i, alt := range alts {
		ok := false
		for _, name := range strings.Split(alt, "|") {
			if _, known := errorNames[name]; !known && name != "none" && name != "any" {
				return fmt.Errorf("unknown error name %q", name)
			}
			ok = ok || errorMatches(name, s.last.errs[i])
		}
		if !ok {
			return fmt.Errorf("result %d: %v, want %s", i+1, s.last.errs[i], alt)
		}
	}
	return nil
}

func (s *scenario) expectOpening(a []string) error {
	if len(a) == 0 || len(a) > 2 {
		return errors.New("want expect opening OUTCOME [CAUSE]")
	}
	o := s.opening
	if o.ID == 0 {
		return fmt.Errorf("no opening (last %v)", s.last.errs)
	}
	o, err := s.l().openingNow(s.ctx, o.ID)
	if err != nil {
		return err
	}
	oneOf := func(alts, got string) bool { return slices.Contains(strings.Split(alts, "|"), got) }
	if !oneOf(a[0], o.Outcome.String()) || (len(a) == 2 && !oneOf(a[1], o.Cause.String())) {
		return fmt.Errorf("opening %d: %s (%s), want %s", o.ID, o.Outcome, o.Cause, strings.Join(a, " "))
	}
	return nil
}

func (s *scenario) expectDoor(d int64, states []string) error {
	dd, err := s.engineDoor(d)
	if err != nil {
		return err
	}
	for _, st := range states {
		var ok bool
		switch st {
		case "free":
			ok = !dd.Occupied
		case "occupied":
			ok = dd.Occupied
		case "faulty":
			ok = dd.Fault != ""
		case "sound":
			ok = dd.Fault == ""
		case "unsettled":
			ok = dd.Unsettled != 0
		case "settled":
			ok = dd.Unsettled == 0
		case "assignable":
			ok = dd.Assignable() && s.freeForParcels(d)
		case "kept":
			ok = !dd.Assignable() && !s.freeForParcels(d)
		default:
			return fmt.Errorf("unknown door state %q", st)
		}
		if !ok {
			return fmt.Errorf("door %d is not %s: %+v", d, st, dd)
		}
	}
	return nil
}

// freeForParcels asks the store, as a drop-off does, whether door d would
// be given to a new parcel.
func (s *scenario) freeForParcels(d int64) bool {
	var free bool
	err := s.db.View(s.ctx, func(tx *storage.Tx) error {
		ds, err := tx.FreeDoors(false, s.l().downDoors())
		free = slices.ContainsFunc(ds, func(x storage.Door) bool { return x.ID == d })
		return err
	})
	return err == nil && free
}

func quietLogger() *slog.Logger {
	if os.Getenv("SCENARIO_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}
