package core

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/carrier"
	"pudo/app/cred"
	"pudo/lockio"
	"pudo/storage"
)

// The kiosk of the simulation of locker life runs in a process of its own
// (this test binary, run again), so that the simulation can kill it as a
// power cut or a crash would: the engine, the lock-board driver on the
// emulator's pty and the SQLite file, with the engine's clock stepped by
// the simulation. It reads one command a line on stdin and answers each
// with one line on stdout (JSON); see lifeCmd and lifeReply.

const (
	lifeChildEnv = "PUDO_LIFE_CHILD" // the data directory: run as the kiosk
	lifePortEnv  = "PUDO_LIFE_PORT"  // the emulator's pty
)

// lifeCmd is one command to the kiosk.
type lifeCmd struct {
	Op   string `json:"op"`
	Now  int64  `json:"now"` // the engine's clock, Unix ns; set before the command
	Sid  int    `json:"sid,omitempty"`
	Code string `json:"code,omitempty"`
	Size string `json:"size,omitempty"`
	Ref  string `json:"ref,omitempty"`
	Door int64  `json:"door,omitempty"`
	Yes  bool   `json:"yes,omitempty"`
	Who  string `json:"who,omitempty"`
}

// lifeReply is the kiosk's answer: what the person's screen would say.
type lifeReply struct {
	Err      string      `json:"err,omitempty"`  // the error's name (lifeErrName), "" for none
	Text     string      `json:"text,omitempty"` // the error's text, for the log
	Sid      int         `json:"sid,omitempty"`  // the session started
	Opening  lifeOpening `json:"opening"`
	Verdict  string      `json:"verdict,omitempty"`
	Code     string      `json:"code,omitempty"` // a walk-in's code
	Rent     int64       `json:"rent,omitempty"`
	State    string      `json:"state,omitempty"` // the rent's state
	More     int         `json:"more,omitempty"`
	Question string      `json:"question,omitempty"` // a question the screen asks
}

type lifeOpening struct {
	ID      int64  `json:"id,omitempty"`
	Door    int64  `json:"door,omitempty"`
	Rent    int64  `json:"rent,omitempty"`
	Outcome string `json:"outcome,omitempty"`
	Cause   string `json:"cause,omitempty"`
}

func lifeOpeningOf(o app.Opening) lifeOpening {
	if o.ID == 0 {
		return lifeOpening{}
	}
	return lifeOpening{ID: o.ID, Door: o.DoorID, Rent: o.RentID, Outcome: o.Outcome.String(), Cause: o.Cause.String()}
}

// lifeErrNames names the errors the people of the simulation tell apart.
var lifeErrNames = []struct {
	name string
	err  error
}{
	{"being-opened", app.ErrBeingOpened}, {"out-of-order", app.ErrOutOfOrder}, {"did-not-open", app.ErrDoorDidNotOpen},
	{"wrong-code", app.ErrWrongCode}, {"already-collected", app.ErrAlreadyCollected}, {"expired", app.ErrExpired},
	{"no-free-door", app.ErrNoFreeDoor}, {"out-of-service", app.ErrOutOfService},
	{"door-still-open", app.ErrDoorStillOpen}, {"already-stored", app.ErrAlreadyStored}, {"reopen-closed", app.ErrReopenClosed},
	{"for-staff", app.ErrForStaff}, {"ask-first", app.ErrAskFirst}, {"no-question", app.ErrNoQuestion},
	{"parcel-without-rent", app.ErrParcelWithoutRent},
}

func lifeErrName(err error) string {
	if err == nil {
		return ""
	}
	var lo *app.LockedOutError
	if errors.As(err, &lo) {
		return "locked-out"
	}
	for _, e := range lifeErrNames {
		if errors.Is(err, e.err) {
			return e.name
		}
	}
	return "other"
}

func TestLifeChild(t *testing.T) {
	dir := os.Getenv(lifeChildEnv)
	if dir == "" {
		t.Skip("runs only as the simulation's kiosk process")
	}
	if err := lifeKiosk(dir, os.Getenv(lifePortEnv), os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "life kiosk:", err)
		os.Exit(3)
	}
	os.Exit(0)
}

// lifeKioskConfig is the driver's configuration in the simulation: fast
// polls, and real-time thresholds scaled down with the faults.
func lifeKioskConfig(port string) lockio.Config {
	cfg := lockio.DefaultConfig()
	cfg.Port = port
	cfg.Boards = []lockio.BoardConfig{{Address: 1, Channels: lifeDoors, Feedback: lockio.FeedbackClosedHigh}}
	cfg.PollInterval = lockio.Duration(15 * time.Millisecond)
	cfg.PollTimeout = lockio.Duration(80 * time.Millisecond)
	cfg.ReplyTimeout = lockio.Duration(150 * time.Millisecond)
	cfg.QuietTime = lockio.Duration(5 * time.Millisecond)
	cfg.MinUnlockGap = lockio.Duration(20 * time.Millisecond)
	cfg.ReconnectMax = lockio.Duration(50 * time.Millisecond)
	cfg.DownAfter = lockio.Duration(lifeDownAfter)
	cfg.UpAfter = lockio.Duration(100 * time.Millisecond)
	cfg.LeftOpenAfter = lockio.Duration(time.Hour)
	cfg.DidNotOpenAfter = lockio.Duration(time.Hour) // the engine's rule, on the stepped clock, is what counts
	cfg.SimAutoClose = 0
	return cfg
}

// lifeDownAfter is the ride-through of the simulation's bus, in real time:
// the hiccups it injects are shorter, the outages longer.
const lifeDownAfter = 400 * time.Millisecond

type lifeKioskState struct {
	l        *Locker
	key      cred.PrivateKey
	clock    atomic.Int64
	mu       sync.Mutex // protects following
	next     int
	pickups  map[int]app.Pickup
	couriers map[int]app.CourierRound
	drops    map[int]app.DropOff
	staff    app.StaffSession
}

func lifeKiosk(dir, port string, in io.Reader, out io.Writer) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	secret, err := os.ReadFile(filepath.Join(dir, "secret"))
	if err != nil {
		return err
	}
	key, err := cred.ReadPrivateKey(filepath.Join(dir, "operator.key"))
	if err != nil {
		return err
	}
	now, err := strconv.ParseInt(os.Getenv("PUDO_LIFE_NOW"), 10, 64)
	if err != nil {
		return fmt.Errorf("PUDO_LIFE_NOW: %w", err)
	}
	db, err := storage.Open(ctx, filepath.Join(dir, "pudo.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	st := &lifeKioskState{key: key, pickups: map[int]app.Pickup{}, couriers: map[int]app.CourierRound{}, drops: map[int]app.DropOff{}}
	st.clock.Store(now)
	db.Now = func() time.Time { return time.Unix(0, st.clock.Load()).UTC() }
	log := slog.New(slog.DiscardHandler)
	if path := os.Getenv("PUDO_LIFE_LOG"); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err == nil {
			defer f.Close()
			log = slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
	}
	ctl, err := lockio.Open(ctx, lifeKioskConfig(port), log.With("part", "lockio"))
	if err != nil {
		return err
	}
	defer ctl.Close()
	seal, err := carrier.ReadPrivateKey(filepath.Join(dir, "carrier.key"))
	if err != nil {
		return err
	}
	l := New(db, ctl, secret, Options{KioskID: "LIFE", RemoteOpen: true, PINCost: cheapPIN, CodeCost: cheapCode,
		OperatorKeys: []cred.PublicKey{key.Public()}, CarrierKeys: map[string]carrier.PublicKey{"TEST": seal.Public()}},
		log.With("part", "core"))
	doors, err := Layout(lifeColumns, 1)
	if err != nil {
		return err
	}
	if err := l.SetUp(ctx, doors); err != nil {
		return err
	}
	if err := l.SeedDemoStaff(ctx); err != nil {
		return err
	}
	if err := ctl.Refresh(ctx); err != nil {
		return err
	}
	if err := l.Reconcile(ctx); err != nil {
		return err
	}
	st.l = l
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Add(2)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-ctl.Events():
				if !ok {
					return
				}
				l.handleDoorEvent(ctx, ev)
			}
		}
	}()
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				l.tick(ctx)
			}
		}
	}()
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	if err := enc.Encode(lifeReply{State: "ready"}); err != nil {
		return err
	}
	w.Flush()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var c lifeCmd
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return fmt.Errorf("command %q: %w", sc.Text(), err)
		}
		if c.Now > st.clock.Load() {
			st.clock.Store(c.Now)
		}
		r := st.do(ctx, c)
		if err := enc.Encode(r); err != nil {
			return err
		}
		w.Flush()
	}
	return sc.Err()
}

func (st *lifeKioskState) add(m any, v any) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.next++
	switch m := m.(type) {
	case map[int]app.Pickup:
		m[st.next] = v.(app.Pickup)
	case map[int]app.CourierRound:
		m[st.next] = v.(app.CourierRound)
	case map[int]app.DropOff:
		m[st.next] = v.(app.DropOff)
	}
	return st.next
}

func fail(err error) lifeReply {
	return lifeReply{Err: lifeErrName(err), Text: fmt.Sprint(err)}
}

func (st *lifeKioskState) do(ctx context.Context, c lifeCmd) lifeReply {
	l := st.l
	switch c.Op {
	case "tick":
		l.tick(ctx)
		return lifeReply{}
	case "pickup":
		p, err := l.PickupByCode(ctx, c.Code)
		r := fail(err)
		if p != nil {
			r.Sid = st.add(st.pickups, p)
			r.Opening, r.More = lifeOpeningOf(p.Opening()), p.Remaining()
		}
		return r
	case "pickup-opening", "pickup-next", "pickup-didnotopen", "pickup-report", "pickup-answer", "pickup-leave":
		return st.pickupStep(ctx, c)
	case "courier":
		round, err := l.LoginCourier(ctx, st.courierToken(c.Who))
		r := fail(err)
		if round != nil {
			r.Sid = st.add(st.couriers, round)
		}
		return r
	case "drop":
		st.mu.Lock()
		round := st.couriers[c.Sid]
		st.mu.Unlock()
		if round == nil {
			return lifeReply{Err: "no-session"}
		}
		d, err := round.DropNew(ctx, app.Size(c.Size), c.Ref, false)
		r := fail(err)
		if d != nil {
			r.Sid = st.add(st.drops, d)
			r.Opening, r.Code, r.Rent = lifeOpeningOf(d.Opening()), d.Code(), d.Rent().ID
		}
		return r
	case "drop-opening", "drop-done", "drop-didnotopen", "drop-abandon", "drop-larger", "drop-answer", "drop-hold":
		return st.dropStep(ctx, c)
	case "staff-clear", "staff-open", "staff-check":
		return st.staffStep(ctx, c)
	}
	return lifeReply{Err: "unknown-op", Text: c.Op}
}

func (st *lifeKioskState) courierToken(who string) string {
	now := time.Unix(0, st.clock.Load())
	text, err := cred.Sign(st.key, cred.Claims{Kind: cred.Courier, Subject: who, Carrier: "TEST",
		IssuedAt: now.Add(-time.Hour), Expires: now.Add(12 * time.Hour), Lockers: []string{"LIFE"}})
	if err != nil {
		panic(err)
	}
	return text
}

func (st *lifeKioskState) pickupStep(ctx context.Context, c lifeCmd) lifeReply {
	st.mu.Lock()
	p := st.pickups[c.Sid]
	st.mu.Unlock()
	if p == nil {
		return lifeReply{Err: "no-session"}
	}
	var r lifeReply
	switch c.Op {
	case "pickup-opening":
	case "pickup-next":
		_, err := p.Next(ctx)
		r = fail(err)
	case "pickup-didnotopen":
		v, err := p.DidNotOpen(ctx)
		r = fail(err)
		r.Verdict = v.Kind.String()
	case "pickup-report":
		r = fail(p.Report(ctx, app.Problem(c.Code)))
	case "pickup-answer":
		v, err := p.Answer(ctx, c.Yes)
		r = fail(err)
		r.Verdict = v.Kind.String()
	case "pickup-leave":
		p.Leave(ctx)
	}
	r.Opening, r.More = lifeOpeningOf(p.Opening()), p.Remaining()
	return r
}

func (st *lifeKioskState) dropStep(ctx context.Context, c lifeCmd) lifeReply {
	st.mu.Lock()
	d := st.drops[c.Sid]
	st.mu.Unlock()
	if d == nil {
		return lifeReply{Err: "no-session"}
	}
	var r lifeReply
	switch c.Op {
	case "drop-opening":
	case "drop-done":
		rent, err := d.Done(ctx)
		r = fail(err)
		r.State = string(rent.State)
	case "drop-didnotopen":
		v, err := d.DidNotOpen(ctx)
		r = fail(err)
		r.Verdict = v.Kind.String()
	case "drop-abandon":
		r = fail(d.Abandon(ctx))
	case "drop-larger":
		_, err := d.Larger(ctx)
		r = fail(err)
	case "drop-answer":
		rent, err := d.Answer(ctx, c.Yes)
		r = fail(err)
		r.State = string(rent.State)
	case "drop-hold":
		d.Hold(ctx)
	}
	r.Opening, r.Rent = lifeOpeningOf(d.Opening()), d.Rent().ID
	return r
}

func (st *lifeKioskState) staffStep(ctx context.Context, c lifeCmd) lifeReply {
	st.staff = nil // a new visit: staff sign in again (a session ends when idle)
	if st.staff == nil {
		s, err := st.l.LoginStaff(ctx, DemoStaffPIN)
		if err != nil {
			return fail(err)
		}
		st.staff = s
	}
	switch c.Op {
	case "staff-open":
		o, err := st.staff.OpenDoor(ctx, c.Door, DemoStaffPIN, "life: check")
		r := fail(err)
		r.Opening = lifeOpeningOf(o)
		return r
	case "staff-clear":
		return fail(st.staff.ClearDoor(ctx, c.Door, "life: looked inside"))
	case "staff-check":
		return fail(st.staff.CheckDoor(ctx, c.Door, c.Yes, "life: looked inside"))
	}
	return lifeReply{Err: "unknown-op"}
}
