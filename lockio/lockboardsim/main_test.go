package lockboardsim

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"pudo/app/testenv"
	"pudo/lockio"
	"pudo/lockio/emulator"
	"pudo/lockio/proto"
)

func TestRunServesTheKiosk(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	inR, inW := io.Pipe()
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"-protocol", "kerong", "-boards", "0,1", "-channels", "16", "-auto-close", "0"}, inR, outW, io.Discard)
	}()
	lines := bufio.NewScanner(outR)
	if !lines.Scan() {
		t.Fatal("no path printed")
	}
	path := lines.Text()
	go func() { // drain command acknowledgements
		for lines.Scan() {
		}
	}()

	cfg := lockio.DefaultConfig()
	cfg.Protocol, cfg.Port, cfg.PollInterval = "kerong", path, lockio.Duration(30*time.Millisecond)
	cfg.Boards = []lockio.BoardConfig{{Address: 0, Channels: 16}, {Address: 1, Channels: 16}}
	c, err := lockio.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	d := lockio.Door{Board: 1, Channel: 16}
	if err := c.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Unlock(ctx, d); err != nil {
		t.Fatal(err)
	}
	expect(t, c, d, lockio.EventOpened)
	io.WriteString(inW, "close 1 16\n")
	expect(t, c, d, lockio.EventClosed)

	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

func expect(t *testing.T, c *lockio.Controller, d lockio.Door, k lockio.EventKind) {
	t.Helper()
	timeout := time.After(testenv.Patience)
	for {
		select {
		case e := <-c.Events():
			if e.Door == d && e.Kind == k {
				return
			}
		case <-timeout:
			t.Fatalf("still waiting after %v for %v of door %v", testenv.Patience, k, d)
		}
	}
}

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"-protocol", "nope"}, 2},
		{[]string{"-boards", "x"}, 2},
		{[]string{"-fault", "sparks"}, 2},
		{[]string{"-feedback", "sideways"}, 2},
		{[]string{"extra"}, 2},
		{[]string{"-h"}, 0},
	} {
		var errOut strings.Builder
		if got := Run(context.Background(), tc.args, nil, io.Discard, &errOut); got != tc.code {
			t.Errorf("%v: exit %d, want %d (%s)", tc.args, got, tc.code, errOut.String())
		}
	}
}

func TestParseFault(t *testing.T) {
	f, err := parseFault("late:2:3:1500ms")
	if err != nil || f.Board != 2 || f.Count != 3 || f.Delay != 1500*time.Millisecond || f.Kind.String() != "late" {
		t.Fatalf("%+v %v", f, err)
	}
	if f, _ := parseFault("silence"); f.Board != -1 || f.Op != 0 {
		t.Fatalf("default board %d, op %v", f.Board, f.Op)
	}
	if f, err := parseFault("silence:1:1@unlock"); err != nil || f.Op != proto.OpUnlock || f.Board != 1 {
		t.Fatalf("@unlock: %+v %v", f, err)
	}
	if _, err := parseFault("silence@nothing"); err == nil {
		t.Fatal("an unknown request kind was accepted")
	}
}

// The door contents and the new faults are there from the command line.
func TestContentsCommands(t *testing.T) {
	emu, err := emulator.New(emulator.Config{Protocol: "8a80", Boards: []emulator.Board{{Address: 1, Channels: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	run := func(line string) error { return command(emu, nil, strings.Fields(line), &out) }
	if err := run("put 1 2 P1"); !errors.Is(err, emulator.ErrDoorShut) {
		t.Fatalf("put into a shut door: %v", err)
	}
	for _, line := range []string{"force 1 2", "put 1 2 P1", "contents 1 2", "take 1 2", "contents 1 2"} {
		if err := run(line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	if got := out.String(); !strings.Contains(got, "1/02 holds P1") || !strings.Contains(got, "1/02 took P1") {
		t.Fatalf("output %q", got)
	}
	for _, kind := range []string{"busy:1:1:2s@unlock", "power-loss:1:1:3s@unlock", "crash:*:1:1s@unlock"} {
		if _, err := parseFault(kind); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
}
