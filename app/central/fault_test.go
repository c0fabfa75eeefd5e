package central_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"pudo/app/central"
	"pudo/app/central/mqtttest"
	"pudo/app/central/pgtest"
	"pudo/app/central/sim"
	"pudo/app/central/store"
	"pudo/app/cred"
)

// The fault tests run `pudo central serve` as child processes: this test
// binary, started again with PUDO_CENTRAL_CHILD set, is central's Main.
func TestMain(m *testing.M) {
	if os.Getenv("PUDO_CENTRAL_CHILD") != "" {
		os.Exit(central.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	code := m.Run()
	closeBench()
	os.Exit(code)
}

const testFleet = "test"

// child is one `pudo central serve` process, started again after each
// kill with the same instance name (and so the same MQTT session).
type child struct {
	args []string
	log  string
	cmd  *exec.Cmd
	done chan struct{}
}

func (c *child) start(t testing.TB) {
	t.Helper()
	f, err := os.OpenFile(c.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c.cmd = exec.Command(os.Args[0], c.args...)
	c.cmd.Env = append(os.Environ(), "PUDO_CENTRAL_CHILD=1")
	c.cmd.Stdout, c.cmd.Stderr = f, f
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { cmd.Wait(); close(done) }(c.cmd, c.done)
}

func (c *child) kill() {
	c.cmd.Process.Kill()
	<-c.done
}

func (c *child) stop() {
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		c.kill()
	}
}

// Central instances are SIGKILLed at random, over and over, while lockers
// publish; the broker is killed (losing what it had not saved) and
// restarted; PostgreSQL is killed and restarted; one locker is away for a
// long while and comes back with its backlog. At the end every event is
// stored exactly once and in seq order per locker, and every hole was
// repaired by a resend.
func TestFaultsLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault run takes minutes")
	}
	kills := 100
	if os.Getenv("PUDO_CENTRAL_KILLS") != "" {
		fmt.Sscan(os.Getenv("PUDO_CENTRAL_KILLS"), &kills)
	}
	broker := mqtttest.Start(t)
	pg := pgtest.Start(t)
	dbURL := pg.NewDB(t)
	dir := t.TempDir()
	key := cred.GenerateKey()
	keyFile := filepath.Join(dir, "operator.key")
	if err := cred.WritePrivateKey(keyFile, key); err != nil {
		t.Fatal(err)
	}
	op := broker.OperatorIdentity()
	children := make([]*child, 2)
	for i := range children {
		children[i] = &child{log: filepath.Join(dir, fmt.Sprintf("central-%d.log", i+1)), args: []string{"serve",
			"--db", dbURL, "--broker", broker.TLSURL(), "--fleet", testFleet, "--ca", op.CAFile, "--cert", op.CertFile,
			"--cert-key", op.KeyFile, "--key", keyFile, "--instance", fmt.Sprint(i + 1), "--listen", "",
			"--confirm-every", "200ms", "--hole-wait", "1s", "--alert-every", "1s", "--offline-after", "2s"}}
		children[i].start(t)
	}
	defer func() {
		for _, c := range children {
			c.stop()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	u, _ := url.Parse(broker.TLSURL())
	const n = 12
	lockers := make([]*sim.Locker, n)
	lockerStop := make([]context.CancelFunc, n)
	runLocker := func(i int) {
		lctx, lcancel := context.WithCancel(ctx)
		lockerStop[i] = lcancel
		l := lockers[i]
		wg.Go(func() { l.Run(lctx) })
	}
	for i := range lockers {
		id := fmt.Sprintf("SIM-%02d", i)
		lockers[i] = sim.New(sim.Config{Broker: u, Fleet: testFleet, ID: id, TLS: broker.PKI.ClientTLS(t, id),
			Spread: 300 * time.Millisecond, Keys: []cred.PublicKey{key.Public()}})
		runLocker(i)
	}
	// The lockers' life: a few events every 20 ms each, until told to stop.
	commitCtx, stopCommits := context.WithCancel(ctx)
	wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-commitCtx.Done():
				return
			case <-tick.C:
			}
			for _, l := range lockers {
				l.Commit(rand.IntN(3))
			}
		}
	})
	// The faults, each at its point of the kill sequence.
	away := lockers[n-1]
	for k := range kills {
		time.Sleep(time.Duration(150+rand.IntN(350)) * time.Millisecond)
		c := children[rand.IntN(len(children))]
		c.kill()
		c.start(t)
		switch k {
		case kills / 5:
			t.Logf("kill %d: the broker is killed and started again", k)
			broker.Kill()
			time.Sleep(500 * time.Millisecond)
			broker.Start()
		case 2 * kills / 5:
			t.Logf("kill %d: PostgreSQL is killed and started again", k)
			pg.Kill()
			time.Sleep(time.Second)
			pg.Start()
		case 3 * kills / 5:
			t.Logf("kill %d: %s goes away", k, away.ID())
			lockerStop[n-1]()
		case 4 * kills / 5:
			t.Logf("kill %d: the broker stops and starts", k)
			broker.Restart()
		}
	}
	// The locker that was away has a backlog when it comes back.
	away.Commit(3000)
	runLocker(n - 1)
	stopCommits()
	st, err := store.Open(context.Background(), dbURL, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		done := true
		for _, l := range lockers {
			last, _, confirmed, _ := l.Counts()
			if confirmed != last {
				done = false
			}
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			for _, l := range lockers {
				t.Log(l)
			}
			t.Fatalf("after 5 minutes not every event is confirmed (logs in %s)", dir)
		}
		time.Sleep(100 * time.Millisecond)
	}
	total, resends := int64(0), 0
	for _, l := range lockers {
		last, _, _, r := l.Counts()
		total += last
		resends += r
		evs, err := st.Events(context.Background(), l.ID(), 0, int(last)+100)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(evs)) != last {
			t.Fatalf("%s: %d events stored, want %d", l, len(evs), last)
		}
		for i, e := range evs {
			if e.Seq != int64(i+1) {
				t.Fatalf("%s: stored event %d has seq %d", l, i, e.Seq)
			}
		}
	}
	var dups int64
	ls, _ := st.Lockers(context.Background(), "", 100)
	for _, l := range ls {
		dups += l.Duplicates
	}
	t.Logf("%d central instances killed; %d events from %d lockers stored once each, in order; %d duplicates dropped; %d resends answered",
		kills, total, n, dups, resends)
}
