package lockboardsim

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"pudo/lockio/emulator"
	"pudo/lockio/proto"
)

const help = `commands:
  close B C        the shopper shuts door C of board B
  force B C        door opens without a command (break-in)
  jam B C | unjam B C   the latch jams; the board answers "failed"
  stick B C | unstick B C   the latch sticks; the board answers "opened"
  break B C | fix B C   sensor cable cut: reads open
  silence B | resume B  board stops / resumes answering
  fault KIND[:BOARD[:COUNT[:DELAY]]][@OP]   e.g. fault late:1:1:2s@unlock
  unplug DUR       pull the adapter for DUR (e.g. 3s)
  power DUR        cut the boards' power for DUR: silent, then every door reads closed
  put B C NAME     put a parcel into open door C of board B
  take B C         take everything out of open door C of board B
  contents B C     what door C of board B holds
  clear            drop queued faults
  state B C        is the door open?
`

// commands reads one command per line until stdin ends or ctx does.
func commands(ctx context.Context, emu *emulator.Emulator, p *emulator.PTY, stdin io.Reader, out io.Writer) {
	sc := bufio.NewScanner(stdin)
	for sc.Scan() && ctx.Err() == nil {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if err := command(emu, p, f, out); err != nil {
			fmt.Fprintln(out, "error:", err)
		} else {
			fmt.Fprintln(out, "ok")
		}
	}
}

func command(emu *emulator.Emulator, p *emulator.PTY, f []string, out io.Writer) error {
	doorCmds := map[string]func(b, c uint8){
		"close": emu.CloseDoor, "force": emu.ForceOpen,
		"jam": func(b, c uint8) { emu.Jam(b, c, true) }, "unjam": func(b, c uint8) { emu.Jam(b, c, false) },
		"stick": func(b, c uint8) { emu.StickLatch(b, c, true) }, "unstick": func(b, c uint8) { emu.StickLatch(b, c, false) },
		"break": func(b, c uint8) { emu.BreakSensor(b, c, true) }, "fix": func(b, c uint8) { emu.BreakSensor(b, c, false) },
		"state": func(b, c uint8) { fmt.Fprintf(out, "%d/%02d open=%v\n", b, c, emu.IsOpen(b, c)) },
	}
	if fn, ok := doorCmds[f[0]]; ok {
		b, c, err := door(f[1:])
		if err != nil {
			return err
		}
		fn(b, c)
		return nil
	}
	switch f[0] {
	case "silence", "resume":
		if len(f) != 2 {
			return fmt.Errorf("%s BOARD", f[0])
		}
		b, err := strconv.ParseUint(f[1], 0, 8)
		if err != nil {
			return err
		}
		emu.Silence(uint8(b), f[0] == "silence")
	case "fault":
		if len(f) != 2 {
			return fmt.Errorf("fault KIND[:BOARD[:COUNT[:DELAY]]][@OP]")
		}
		ft, err := parseFault(f[1])
		if err != nil {
			return err
		}
		emu.Inject(ft)
	case "unplug":
		d := 3 * time.Second
		if len(f) == 2 {
			var err error
			if d, err = time.ParseDuration(f[1]); err != nil {
				return err
			}
		}
		p.UnplugFor(d)
	case "power":
		if len(f) != 2 {
			return fmt.Errorf("power DURATION")
		}
		d, err := time.ParseDuration(f[1])
		if err != nil {
			return err
		}
		p.PowerLoss(d)
	case "put", "take", "contents":
		return contentsCommand(emu, f, out)
	case "clear":
		emu.ClearFaults()
	case "help":
		fmt.Fprint(out, help)
	default:
		return fmt.Errorf("unknown command %q; try help", f[0])
	}
	return nil
}

// contentsCommand puts a parcel in, takes what is inside, or lists it.
func contentsCommand(emu *emulator.Emulator, f []string, out io.Writer) error {
	want := 3
	if f[0] == "put" {
		want = 4
	}
	if len(f) != want {
		return fmt.Errorf("%s BOARD CHANNEL%s", f[0], map[bool]string{true: " NAME"}[f[0] == "put"])
	}
	b, c, err := door(f[1:3])
	if err != nil {
		return err
	}
	switch f[0] {
	case "put":
		return emu.Put(b, c, f[3])
	case "take":
		got, err := emu.Take(b, c)
		if err == nil {
			fmt.Fprintf(out, "%d/%02d took %s\n", b, c, strings.Join(got, " "))
		}
		return err
	}
	fmt.Fprintf(out, "%d/%02d holds %s\n", b, c, strings.Join(emu.Contents(b, c), " "))
	return nil
}

func door(f []string) (uint8, uint8, error) {
	if len(f) != 2 {
		return 0, 0, fmt.Errorf("want BOARD CHANNEL")
	}
	b, err := strconv.ParseUint(f[0], 0, 8)
	if err != nil {
		return 0, 0, err
	}
	c, err := strconv.ParseUint(f[1], 0, 8)
	if err != nil {
		return 0, 0, err
	}
	return uint8(b), uint8(c), nil
}

// faultFlags is the repeatable -fault flag.
type faultFlags []emulator.Fault

func (ff *faultFlags) String() string { return fmt.Sprint(len(*ff)) }

func (ff *faultFlags) Set(s string) error {
	f, err := parseFault(s)
	if err != nil {
		return err
	}
	*ff = append(*ff, f)
	return nil
}

// parseFault reads KIND[:BOARD[:COUNT[:DELAY]]][@OP]; BOARD "*" or
// absent = any; OP (unlock, status, ...) limits the fault to one kind of
// request, so "fault silence:1:1@unlock" loses the next unlock's reply and
// no poll's.
func parseFault(s string) (emulator.Fault, error) {
	var op proto.Op
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		name := s[at+1:]
		s = s[:at]
		var names []string
		for o := proto.OpUnlock; o <= proto.OpRelayOff; o++ {
			if o.String() == name {
				op = o
			}
			names = append(names, o.String())
		}
		if op == 0 {
			return emulator.Fault{}, fmt.Errorf("fault request %q: want one of %s", name, strings.Join(names, ", "))
		}
	}
	parts := strings.Split(s, ":")
	k, ok := emulator.ParseFaultKind(parts[0])
	if !ok {
		return emulator.Fault{}, fmt.Errorf("fault kind %q: want one of %s", parts[0], faultKinds())
	}
	f := emulator.Fault{Kind: k, Board: emulator.AnyBoard, Op: op}
	if len(parts) > 1 && parts[1] != "*" && parts[1] != "" {
		b, err := strconv.ParseUint(parts[1], 0, 8)
		if err != nil {
			return f, fmt.Errorf("fault board %q: %v", parts[1], err)
		}
		f.Board = int(b)
	}
	if len(parts) > 2 {
		n, err := strconv.Atoi(parts[2])
		if err != nil {
			return f, fmt.Errorf("fault count %q: %v", parts[2], err)
		}
		f.Count = n
	}
	if len(parts) > 3 {
		d, err := time.ParseDuration(parts[3])
		if err != nil {
			return f, fmt.Errorf("fault delay %q: %v", parts[3], err)
		}
		f.Delay = d
	}
	return f, nil
}

func faultKinds() string {
	var names []string
	for k := emulator.FaultSilence; k <= emulator.LastFault; k++ {
		names = append(names, k.String())
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
