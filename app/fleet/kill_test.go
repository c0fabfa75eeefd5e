package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app/core"
	"pudo/app/cred"
	"pudo/app/testenv"
	"pudo/storage"
)

// The crash test: a child process (this test binary, run again) is the
// kiosk, writing events and applying the operator's commands over a real
// broker, and it is killed with SIGKILL at random points, at least 200
// times. The parent, as the operator, keeps sending bookings and
// cancellations and watches the events. At the end no event may be
// missing, out of order or held back, and no command may have been applied
// twice. PUDO_FLEET_KILLS sets the number of kills.
const killChildEnv = "PUDO_FLEET_KILL_CHILD" // JSON killSpec: run as the child

type killSpec struct {
	Dir    string `json:"dir"`
	Config Config `json:"config"`
	Churn  bool   `json:"churn"`
	// Operator is the parent's operator key: the child is another
	// process, whose own testOperator is another random key, and would
	// refuse every command as unauthorized.
	Operator string `json:"operator"`
	// Stop is a file the parent creates once it heard every answer: the
	// last child drains and exits only then, for a command still on its
	// way through the broker is not yet in its queue.
	Stop string `json:"stop"`
}

func TestFleetKillChild(t *testing.T) {
	spec := os.Getenv(killChildEnv)
	if spec == "" {
		t.Skip("runs only as the crash test's child process")
	}
	var s killSpec
	must(t, json.Unmarshal([]byte(spec), &s))
	operator, err := cred.ParsePublicKey(s.Operator)
	must(t, err)
	k := &kiosk{tb: t, id: "L-KILL", dir: s.Dir, cfg: s.Config, keys: []cred.PublicKey{operator}}
	k.start()
	fmt.Println("started")
	op := k.locker.Office().Operator("churn")
	for i := 0; ; i++ {
		if s.Churn {
			if err := op.SetSetting(context.Background(), core.SettingBookingHold, strconv.Itoa(2+i%50)+"h"); err != nil {
				fmt.Println("error", err)
				os.Exit(3)
			}
		}
		time.Sleep(3 * time.Millisecond)
		if !s.Churn && stopped(s.Stop) && k.link.Acked() >= k.lastSeq() && k.link.cmds.len() == 0 {
			fmt.Println("drained")
			k.stop()
			os.Exit(0)
		}
	}
}

func TestKillWhilePublishingAndApplying(t *testing.T) {
	if os.Getenv(killChildEnv) != "" {
		t.Skip("this is the child")
	}
	kills := 200
	if s := os.Getenv("PUDO_FLEET_KILLS"); s != "" {
		kills, _ = strconv.Atoi(s)
	}
	b := startBroker(t)
	w := newWatcher(t, b, "watch-kill")
	op := newOperator(t, b)
	j := newJournal(t)
	dir := t.TempDir()
	cfg := b.lockerConfig(t, "L-KILL")
	cfg.ReconnectWindow = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go op.ServeSync(ctx, j)
	results := newResults(op, testFleet, "L-KILL")
	must(t, op.Subscribe(ctx, Topics{Fleet: testFleet, Locker: "L-KILL"}.Res()))

	// The operator books and cancels all along, whether the kiosk is up
	// or not: the broker queues, the sync resends.
	var sent sentCommands
	var wg sync.WaitGroup
	sending, stopSending := context.WithCancel(ctx)
	wg.Go(func() { sent.run(sending, t, op, j, "L-KILL") })

	child, operator := childBinary(t), testOperator.Public().String()
	rng := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
	start := time.Now()
	for i := range kills {
		runChild(t, child, killSpec{Dir: dir, Config: cfg, Churn: true, Operator: operator}, time.Duration(10+rng.IntN(400))*time.Millisecond)
		if i%50 == 49 {
			t.Logf("%d kills, %d commands sent, %s", i+1, sent.count(), time.Since(start).Round(time.Second))
		}
	}
	stopSending()
	wg.Wait()
	// A last child runs until every command is answered (the sync still
	// serves it) and everything is out.
	stop := filepath.Join(dir, "stop")
	last := startChild(t, child, killSpec{Dir: dir, Config: cfg, Stop: stop, Operator: operator})
	testenv.AwaitOK(t, "an answer to every command sent", func() error {
		if n := results.missing(sent.all()); len(n) > 0 {
			log, _ := os.ReadFile(filepath.Join(dir, "child.log"))
			return fmt.Errorf("%d commands unanswered, e.g. %v; the children's output ends:\n%s", len(n), n[:min(5, len(n))], tail(string(log)))
		}
		return nil
	})
	must(t, os.WriteFile(stop, nil, 0o600))
	if err := testenv.Receive(t, "the last child to drain and exit", last); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "child.log"))
		t.Fatalf("last child: %v\n%s", err, tail(string(log)))
	}
	cancel()

	db, err := storage.Open(context.Background(), filepath.Join(dir, "pudo.db"))
	must(t, err)
	defer db.Close()
	var lastSeq int64
	must(t, db.View(context.Background(), func(tx *storage.Tx) (err error) {
		if err := tx.CheckInvariants(); err != nil {
			return err
		}
		if _, err := tx.VerifyChain(); err != nil {
			return err
		}
		lastSeq, err = tx.LastSeq()
		return err
	}))
	evs := w.waitFor("L-KILL", lastSeq)
	applied := checkAppliedOnce(t, db, sent.all())
	unanswered := results.missing(sent.all())
	if len(unanswered) > 0 {
		t.Fatalf("%d commands never answered, e.g. %v", len(unanswered), unanswered[:min(5, len(unanswered))])
	}
	// Commands must take effect for "at most once" to mean anything.
	if n := results.refused("unauthorized"); n > 0 {
		t.Fatalf("%d commands refused as unauthorized: the kiosk does not trust the key that signed them", n)
	}
	if applied == 0 {
		t.Fatal("no command took effect")
	}
	t.Logf("%d kills: %d events delivered in order with no gap (%d duplicates dropped by seq); %d commands sent, %d applied, "+
		"each at most once; %d bookings killed between booking and keeping the answer (booked once, code lost); %s",
		kills, len(evs), w.dups("L-KILL"), sent.count(), applied, results.codeLost(), time.Since(start).Round(time.Second))
}

// runChild runs one kiosk process and kills it after life.
func runChild(t *testing.T, bin string, s killSpec, life time.Duration) {
	t.Helper()
	cmd, out := childCommand(t, bin, s)
	defer out.Close()
	must(t, cmd.Start())
	time.Sleep(life)
	cmd.Process.Kill()
	cmd.Wait()
}

// startChild starts the last kiosk process, which exits by itself once
// s.Stop exists and it drained; its exit comes on the channel. The
// process is killed when the test ends, should it still run.
func startChild(t *testing.T, bin string, s killSpec) <-chan error {
	t.Helper()
	cmd, out := childCommand(t, bin, s)
	must(t, cmd.Start())
	done := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		out.Close()
		done <- err
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	return done
}

// childCommand is the child's command, its output going to child.log.
func childCommand(t *testing.T, bin string, s killSpec) (*exec.Cmd, *os.File) {
	t.Helper()
	spec, _ := json.Marshal(s)
	cmd := exec.Command(bin, "-test.run=^TestFleetKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+string(spec))
	out, err := os.OpenFile(filepath.Join(s.Dir, "child.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	must(t, err)
	cmd.Stdout, cmd.Stderr = out, out
	return cmd, out
}

// stopped reports whether the parent created the stop file.
func stopped(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func tail(s string) string {
	if len(s) > 4000 {
		return s[len(s)-4000:]
	}
	return s
}

// childBinary is this test binary, or under -race a build of it without
// the race detector (a race-instrumented child starts several times
// slower; the parent and the other tests still run under the detector).
func childBinary(t *testing.T) string {
	if !raceEnabled {
		return os.Args[0]
	}
	bin := filepath.Join(t.TempDir(), "child.test")
	out, err := exec.Command("go", "test", "-c", "-o", bin, "pudo/app/fleet").CombinedOutput()
	if err != nil {
		t.Logf("building a child without -race failed, using the race binary: %v\n%s", err, out)
		return os.Args[0]
	}
	return bin
}

// sentCommands are the operator's commands of the crash test.
type sentCommands struct {
	mu   sync.Mutex
	cmds []sentCommand
}

type sentCommand struct {
	ID, Name, Booking string
}

func (s *sentCommands) run(ctx context.Context, t *testing.T, op *Operator, j *Journal, locker string) {
	rng := rand.New(rand.NewPCG(11, uint64(time.Now().UnixNano())))
	var booked []string
	for n := 0; ctx.Err() == nil; n++ {
		time.Sleep(time.Duration(20+rng.IntN(60)) * time.Millisecond)
		name, booking := CmdBook, "K"+strconv.Itoa(n)
		if len(booked) > 0 && rng.IntN(3) == 0 {
			i := rng.IntN(len(booked))
			name, booking = CmdCancel, booked[i]
			booked = append(booked[:i], booked[i+1:]...)
		}
		v, err := j.NextVersion(ctx, locker)
		if err != nil {
			return
		}
		c := Command{BookingID: booking, Version: v}
		if name == CmdBook {
			c.Size, c.ParcelRef = []string{"S", "M", "L"}[rng.IntN(3)], "KP-"+strconv.Itoa(n)
			c.ReplyKey = NewReplyKey(testOperator).Public()
			booked = append(booked, booking)
		}
		Prepare(&c, time.Hour)
		Sign(testOperator, testFleet, locker, name, &c)
		payload, _ := json.Marshal(c)
		if err := j.Add(ctx, locker, name, c, payload); err != nil {
			return
		}
		s.mu.Lock()
		s.cmds = append(s.cmds, sentCommand{c.CommandID, name, booking})
		s.mu.Unlock()
		// Sent at most once here: a lost one must come back by sync.
		op.SendRaw(ctx, locker, name, c.CommandID, payload)
	}
}

func (s *sentCommands) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.cmds)
}

func (s *sentCommands) all() []sentCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sentCommand{}, s.cmds...)
}

// results hears every answer of one locker.
type results struct {
	mu  sync.Mutex
	got map[string]Result
}

func newResults(op *Operator, fleet, locker string) *results {
	r := &results{got: map[string]Result{}}
	res := Topics{Fleet: fleet, Locker: locker}.Res()
	op.OnMessage(func(p *paho.Publish) {
		if p.Topic != res {
			return
		}
		var x Result
		if json.Unmarshal(p.Payload, &x) == nil {
			r.mu.Lock()
			if _, ok := r.got[x.CommandID]; !ok || !x.Replayed {
				r.got[x.CommandID] = x
			}
			r.mu.Unlock()
		}
	})
	return r
}

// codeLost counts bookings a kill cut between the booking and its kept
// answer: settled from the store, booked once, without a code.
func (r *results) codeLost() (n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range r.got {
		if x.Error == "code_lost" {
			n++
		}
	}
	return n
}

// refused counts answers refused with code.
func (r *results) refused(code string) (n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range r.got {
		if x.Status == StatusRefused && x.Error == code {
			n++
		}
	}
	return n
}

func (r *results) missing(cmds []sentCommand) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range cmds {
		if _, ok := r.got[c.ID]; !ok {
			out = append(out, c.Name+" "+c.Booking)
		}
	}
	return out
}

// checkAppliedOnce checks the store: no booking has two rents, no rent
// was cancelled twice. It returns how many commands took effect.
func checkAppliedOnce(t *testing.T, db *storage.DB, cmds []sentCommand) int {
	t.Helper()
	applied := 0
	must(t, db.View(context.Background(), func(tx *storage.Tx) error {
		rs, err := tx.Rents(storage.RentFilter{Limit: 1 << 20})
		if err != nil {
			return err
		}
		perBooking := map[string]int{}
		for _, r := range rs {
			if o, err := tx.RentOwner(r.ID); err == nil {
				perBooking[o]++
				applied++
			}
		}
		for o, n := range perBooking {
			if n > 1 {
				t.Errorf("booking %s has %d rents: a command applied twice", o, n)
			}
		}
		evs, err := tx.Events(0, 1<<30)
		if err != nil {
			return err
		}
		cancels := map[int64]int{}
		for _, e := range evs {
			if e.Kind == "rent.cancelled" {
				cancels[e.RentID]++
				if cancels[e.RentID] == 1 {
					applied++
				}
			}
		}
		for id, n := range cancels {
			if n > 1 {
				t.Errorf("rent %d cancelled %d times", id, n)
			}
		}
		return nil
	}))
	return applied
}
