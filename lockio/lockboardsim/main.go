// Package lockboardsim is `pudo lockboard-sim`: emulated lock boards on a
// pseudo-terminal, for running the kiosk or a serial tool without hardware.
package lockboardsim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"pudo/lockio/emulator"
	"pudo/lockio/proto"
)

const usage = `usage: pudo lockboard-sim [flags]

Creates a pseudo-terminal, prints its path and answers on it like real lock
boards. Point the kiosk at it: pudo --lock-port PATH --lock-protocol 8a80.
Commands on stdin drive the doors and faults; type "help".

`

// Main runs the simulator until ctx ends, reading commands from os.Stdin.
// It returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return Run(ctx, args, os.Stdin, stdout, stderr)
}

type options struct {
	protocol    string
	boards      string
	channels    int
	feedback    string
	autoClose   time.Duration
	unlockDelay time.Duration
	link        string
	pace        bool
	faults      faultFlags
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("lockboard-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&o.protocol, "protocol", "8a80", "board family: "+strings.Join(proto.Names(), ", "))
	fs.StringVar(&o.boards, "boards", "1", "comma-separated board addresses; repeat one to emulate an address collision")
	fs.IntVar(&o.channels, "channels", 24, "locks per board")
	fs.StringVar(&o.feedback, "feedback", "closed-high", "input polarity: closed-high or open-high")
	fs.DurationVar(&o.autoClose, "auto-close", 4*time.Second, "a popped door shuts by itself after this; 0 = only by command")
	fs.DurationVar(&o.unlockDelay, "unlock-delay", 0, "time a board takes to answer an unlock (real 8A/80: ~500ms)")
	fs.StringVar(&o.link, "link", "", "also keep a symlink at this path to the pty (like /dev/serial/by-id)")
	fs.BoolVar(&o.pace, "pace", true, "hold replies for their wire time at the protocol's baud rate")
	fs.Var(&o.faults, "fault", "inject KIND[:BOARD[:COUNT[:DELAY]]] (repeatable); kinds: "+faultKinds())
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return o, nil
}

// Run is Main with stdin injected, for tests.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "lockboard-sim:", err)
		return 2
	}
	emu, err := build(o)
	if err != nil {
		fmt.Fprintln(stderr, "lockboard-sim:", err)
		return 2
	}
	p, err := emu.ServePTY(o.link)
	if err != nil {
		fmt.Fprintln(stderr, "lockboard-sim:", err)
		return 1
	}
	defer p.Close()
	fmt.Fprintln(stdout, p.Path())
	fmt.Fprintf(stderr, "lockboard-sim: %s boards %s, %d channels, on %s\n", o.protocol, o.boards, o.channels, p.Path())
	if stdin != nil {
		go commands(ctx, emu, p, stdin, stdout)
	}
	<-ctx.Done()
	return 0
}

func build(o options) (*emulator.Emulator, error) {
	if o.feedback != "closed-high" && o.feedback != "open-high" {
		return nil, fmt.Errorf("-feedback %q: want closed-high or open-high", o.feedback)
	}
	if o.channels < 1 || o.channels > 64 {
		return nil, fmt.Errorf("-channels %d: want 1..64", o.channels)
	}
	var boards []emulator.Board
	for _, s := range strings.Split(o.boards, ",") {
		a, err := strconv.ParseUint(strings.TrimSpace(s), 0, 8)
		if err != nil {
			return nil, fmt.Errorf("-boards %q: %v", o.boards, err)
		}
		boards = append(boards, emulator.Board{Address: uint8(a), Channels: o.channels, Feedback: o.feedback})
	}
	emu, err := emulator.New(emulator.Config{Protocol: o.protocol, Boards: boards, AutoClose: o.autoClose,
		UnlockDelay: o.unlockDelay, Pace: o.pace})
	if err != nil {
		return nil, err
	}
	for _, f := range o.faults {
		emu.Inject(f)
	}
	return emu, nil
}
