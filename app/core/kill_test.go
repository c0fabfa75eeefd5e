package core

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// The crash test: a child process (this test binary, re-executed) does
// drop-offs and pickups against a real SQLite file and a fake lock board,
// and is killed with SIGKILL at random points. After every kill the parent
// checks what must survive any crash.
//
// The child prints a line after each step it has committed; the parent
// believes only those lines. PUDO_KILLS sets the number of kills.
const (
	killChildEnv = "PUDO_KILL_CHILD" // the database path: run as the child
	killCodesEnv = "PUDO_KILL_CODES" // file of "rentID code S|P" lines: stored or pending
	killChainEnv = "PUDO_KILL_CHAIN" // set: the child verifies the event chain too
)

func TestKillChild(t *testing.T) {
	path := os.Getenv(killChildEnv)
	if path == "" {
		t.Skip("runs only as the crash test's child process")
	}
	if err := killChild(path, os.Getenv(killCodesEnv), os.Getenv(killChainEnv) != ""); err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
}

func killChild(path, codesFile string, chain bool) error {
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		return err
	}
	codes, stored, err := readKillCodes(codesFile)
	if err != nil {
		return err
	}
	// First, before anything moves: is everything the last child's death
	// must not touch still there?
	if err := checkKilled(ctx, db, stored, chain); err != nil {
		return err
	}
	fmt.Println("checked")
	locks := &fakeLocks{fail: map[lockio.Door]error{}}
	l := New(db, locks, []byte("kill-test-secret-0123456789abcdef"),
		Options{KioskID: "K", CodeCost: cheapCode}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	doors, _ := Layout(killColumns, 2)
	if err := l.SetUp(ctx, doors); err != nil {
		return err
	}
	if err := l.Reconcile(ctx); err != nil {
		return err
	}
	// Staff's part after a crash: bookings left reserved by an interrupted
	// drop-off are checked (the fake doors are empty) and cancelled, and
	// the doors kept for them cleared.
	reserved, err := l.rents(ctx, storage.RentFilter{State: string(storage.RentReserved), Limit: 1000})
	if err != nil {
		return err
	}
	for _, r := range reserved {
		if err := l.cancel(ctx, r.ID, "staff:kill-test", "interrupted drop-off", true); err != nil {
			return err
		}
	}
	ds, err := l.allDoors(ctx)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Fault != "" {
			if err := l.clearDoor(ctx, "staff:kill-test", d.ID, "checked after a crash"); err != nil {
				return err
			}
		}
	}
	fmt.Println("ready")
	c := &Courier{l: l, id: "kill"}
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
	for {
		if err := killStep(ctx, l, locks, c, rng, codes); err != nil {
			return err
		}
	}
}

func killStep(ctx context.Context, l *Locker, locks *fakeLocks, c *Courier, rng *rand.Rand, codes map[int64]string) error {
	if len(codes) > 0 && rng.IntN(2) == 0 {
		for id, code := range codes { // map order is random enough
			delete(codes, id)
			r, err := l.rent(ctx, id)
			if err != nil {
				return err
			}
			if r.State != storage.RentStored {
				fmt.Println("gone", id) // collected by a child killed before it said so
				return nil
			}
			p, err := l.PickupByCode(ctx, code)
			if err != nil {
				return fmt.Errorf("pickup of stored rent %d: %w", id, err)
			}
			locks.shut(address(openedDoor(p))) // the shopper takes it and closes the door
			fmt.Println("collected", id)
			return nil
		}
	}
	d, err := c.DropNew(ctx, app.Size(storage.Sizes[rng.IntN(3)]), "K-"+strconv.Itoa(rng.IntN(1e6)), rng.IntN(4) == 0)
	if errors.Is(err, app.ErrNoFreeDoor) {
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Println("pending", d.Rent().ID, d.Code())
	locks.shut(address(openedDoor(d)))
	if _, err := d.Done(ctx); err != nil {
		return err
	}
	fmt.Println("stored", d.Rent().ID)
	codes[d.Rent().ID] = d.Code()
	return nil
}

// killColumns: 30 doors, so that drop-offs and pickups both keep going.
var killColumns = []app.Column{
	{Board: 1, FirstChannel: 1, Sizes: "SSSSSMML"},
	{Board: 1, FirstChannel: 9, Sizes: "SSSSMMLL"},
	{Board: 1, FirstChannel: 17, Sizes: "SSSMMMLL"},
	{Board: 1, FirstChannel: 25, Sizes: "SSMMLL"},
}

func readKillCodes(path string) (codes map[int64]string, stored []int64, err error) {
	codes = map[int64]string{}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return codes, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var id int64
		var code, state string
		if _, err := fmt.Sscan(line, &id, &code, &state); err == nil {
			codes[id] = code
			if state == "S" {
				stored = append(stored, id)
			}
		}
	}
	return codes, stored, nil
}

// killLedger is what the parent learned from the children's lines.
type killLedger struct {
	pending   map[int64]string // printed before Done: may or may not be stored
	stored    map[int64]string // Done committed: must never be lost
	collected int
	ops       int
}

func (k *killLedger) read(line string) error {
	f := strings.Fields(line)
	if len(f) < 2 {
		return nil
	}
	if f[0] == "error" {
		return errors.New(line)
	}
	id, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return nil // a line cut by the kill
	}
	switch f[0] {
	case "pending":
		if len(f) == 3 {
			k.pending[id] = f[2]
		}
	case "stored":
		k.stored[id] = k.pending[id]
		delete(k.pending, id)
		k.ops++
	case "collected", "gone":
		delete(k.stored, id)
		delete(k.pending, id)
		k.collected++
		k.ops++
	}
	return nil
}

func TestKillDuringFlows(t *testing.T) {
	if os.Getenv(killChildEnv) != "" {
		t.Skip("this is the child")
	}
	kills := 1000
	if testing.Short() {
		kills = 60
	}
	if s := os.Getenv("PUDO_KILLS"); s != "" {
		kills, _ = strconv.Atoi(s)
	}
	dir := t.TempDir()
	path, codes := filepath.Join(dir, "kill.db"), filepath.Join(dir, "codes.txt")
	k := &killLedger{pending: map[int64]string{}, stored: map[int64]string{}}
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	child := childBinary(t, dir)
	start := time.Now()
	for i := range kills {
		// Each child first checks what the kill before it left.
		if err := killOnce(child, path, codes, k, rng, i%50 == 0); err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		if err := writeKillCodes(codes, k); err != nil {
			t.Fatal(err)
		}
	}
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := checkKilled(context.Background(), db, slices.Collect(maps.Keys(k.stored)), true); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d kills, %d drop-offs and pickups committed (%d collected), %s", kills, k.ops, k.collected, time.Since(start).Round(time.Second))
}

// childBinary is this test binary, or under -race a build of it without
// the race detector: a race-instrumented child starts and runs about seven
// times slower, and the child's concurrency is not what this test is about
// (the race detector still watches the parent and every other test).
func childBinary(t *testing.T, dir string) string {
	if !raceEnabled {
		return os.Args[0]
	}
	bin := filepath.Join(dir, "child.test")
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Logf("no go tool on PATH, using the race binary: %v", err)
		return os.Args[0]
	}
	out, err := exec.Command(gotool, "test", "-c", "-o", bin, "pudo/app/core").CombinedOutput()
	if err != nil {
		t.Logf("building a child without -race failed, using the race binary: %v\n%s", err, out)
		return os.Args[0]
	}
	return bin
}

// killOnce runs one child and kills it after a random number of its lines
// (none, for one kill in ten: during start-up and reconciliation).
func killOnce(child, path, codes string, k *killLedger, rng *rand.Rand, chain bool) error {
	cmd := exec.Command(child, "-test.run=^TestKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path, killCodesEnv+"="+codes)
	if chain {
		cmd.Env = append(cmd.Env, killChainEnv+"=1")
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	sc := bufio.NewScanner(out)
	after := -1 // one kill in ten comes during start-up and reconciliation
	if rng.IntN(10) > 0 {
		after = rng.IntN(12) // lines after "ready"
	}
	var rerr error
	checked := false
	for sc.Scan() {
		line := sc.Text()
		if err := k.read(line); err != nil && rerr == nil {
			rerr = err
		}
		switch {
		case line == "checked":
			checked = true
		case line == "ready" || strings.HasPrefix(line, "error"):
		default:
			after--
		}
		if checked && after < 0 {
			break
		}
	}
	cmd.Process.Kill()
	for sc.Scan() { // lines written before death
		if err := k.read(sc.Text()); err != nil && rerr == nil {
			rerr = err
		}
	}
	cmd.Wait()
	if !checked && rerr == nil {
		rerr = errors.New("the child died before checking the last one's leftovers")
	}
	return rerr
}

// checkKilled checks the invariants: no door with two active rents, no
// rent collected without its door opening on record, every parcel reported
// stored still stored or collected, and (when chain) the event chain.
func checkKilled(ctx context.Context, db *storage.DB, stored []int64, chain bool) error {
	return db.View(ctx, func(tx *storage.Tx) error {
		if err := tx.CheckInvariants(); err != nil {
			return err
		}
		for _, id := range stored {
			r, err := tx.Rent(id)
			if err != nil {
				return fmt.Errorf("stored rent %d lost: %w", id, err)
			}
			if r.State != storage.RentStored && r.State != storage.RentCollected {
				return fmt.Errorf("stored rent %d is %s", id, r.State)
			}
		}
		if chain {
			if _, err := tx.VerifyChain(); err != nil {
				return err
			}
		}
		return nil
	})
}

func writeKillCodes(path string, k *killLedger) error {
	var b strings.Builder
	for id, code := range k.stored {
		fmt.Fprintln(&b, id, code, "S")
	}
	for id, code := range k.pending { // may have been stored unseen
		fmt.Fprintln(&b, id, code, "P")
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}
