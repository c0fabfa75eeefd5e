package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"pudo/app/config"
	"pudo/lockio"
	"pudo/lockio/simbus"
	"pudo/scanner"
)

// scanTimeout bounds the bus scan: 31 silent addresses cost about 5 s.
const scanTimeout = 60 * time.Second

// checkLock opens the lock-board port as the kiosk does and scans the bus
// for boards. A configured board that does not answer fails: its doors
// cannot open.
func checkLock(ctx context.Context, cfg config.Config, opts Options) []Result {
	lc := cfg.Lock
	port := Result{"lock-port", OK, ""}
	if lc.Port == "sim" {
		port = Result{"lock-port", Warn, "sim: the built-in simulated board (the demo locker); no real door opens; set lock.port"}
	} else if res, ok := checkDevice("lock-port", lc.Port, "the lock board's USB adapter"); !ok {
		return []Result{res, {"lock-bus", Skip, "no port"}}
	}
	if lc.Port == lockio.SimPort {
		sim, err := simbus.Start(lc)
		if err != nil {
			return []Result{{"lock-port", Fail, err.Error()}, {"lock-bus", Skip, "no port"}}
		}
		defer sim.Close()
		lc.Port = sim.Path()
	}
	c, err := lockio.Open(ctx, lc, opts.Log.With("part", "lockio"))
	if err != nil {
		return []Result{{"lock-port", Fail, err.Error()}, {"lock-bus", Skip, "no port"}}
	}
	defer c.Close()
	h := awaitBus(ctx, c, opts.Wait)
	switch h.State {
	case lockio.BusUp:
	case lockio.BusPermission:
		return []Result{{"lock-port", Fail, fmt.Sprintf("%s: %s: the kiosk user needs the dialout group", lc.Port, h.Err)},
			{"lock-bus", Skip, "no port"}}
	case lockio.BusDown, lockio.BusReconnecting:
		if strings.Contains(strings.ToLower(h.Err), "busy") {
			return []Result{{"lock-port", Warn, lc.Port + ": in use by another process, most likely the running kiosk"},
				{"lock-bus", Skip, "port in use: stop pudo-kiosk.service to scan the bus"}}
		}
		return []Result{{"lock-port", Fail, fmt.Sprintf("%s: %s", lc.Port, h.Err)}, {"lock-bus", Skip, "no port"}}
	default:
		return []Result{{"lock-port", Fail, fmt.Sprintf("%s: did not open within %v", lc.Port, opts.Wait)},
			{"lock-bus", Skip, "no port"}}
	}
	if port.Detail == "" {
		port.Detail = describePort(lc.Port) + fmt.Sprintf(": open, protocol %s", lc.Protocol)
		if unstableName(lc.Port) {
			port.Status = Warn
			port.Detail += "; this name can change after a replug: use /dev/pudo-lock (udev rule) or /dev/serial/by-id/…"
		}
	}
	scanCtx, cancel := context.WithTimeout(ctx, scanTimeout)
	defer cancel()
	found, err := c.Scan(scanCtx)
	if err != nil {
		return []Result{port, {"lock-bus", Fail, "scan: " + err.Error()}}
	}
	return []Result{port, judgeScan(lc.Boards, found)}
}

// awaitBus waits until the port goroutine has tried the port once.
func awaitBus(ctx context.Context, c *lockio.Controller, wait time.Duration) lockio.Health {
	deadline := time.Now().Add(wait)
	for {
		h := c.Health()
		if h.State != lockio.BusStarting || time.Now().After(deadline) || ctx.Err() != nil {
			return h
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// judgeScan compares the boards that answered with the configured ones.
func judgeScan(want []lockio.BoardConfig, found []lockio.BoardFound) Result {
	got := map[uint8]lockio.BoardFound{}
	for _, f := range found {
		got[f.Address] = f
	}
	var ok, missing, clash, extra []string
	for _, b := range want {
		f, answered := got[b.Address]
		switch {
		case !answered:
			missing = append(missing, fmt.Sprint(b.Address))
		case f.Collision:
			clash = append(clash, fmt.Sprint(b.Address))
		default:
			ok = append(ok, fmt.Sprintf("board %d (%d inputs, %d/%d answers)", f.Address, f.Inputs, f.Answers, f.Probes))
		}
		delete(got, b.Address)
	}
	for a := range got {
		extra = append(extra, fmt.Sprint(a))
	}
	slices.Sort(extra)
	var parts []string
	if len(ok) > 0 {
		parts = append(parts, "answering: "+strings.Join(ok, ", "))
	}
	st := OK
	if len(extra) > 0 {
		st = Warn
		parts = append(parts, "unconfigured board(s) "+strings.Join(extra, ", ")+" answer too: add them to lock.boards or fix their DIP switches")
	}
	if len(clash) > 0 {
		st = Fail
		parts = append(parts, "board(s) "+strings.Join(clash, ", ")+" garbled: two boards share the address")
	}
	if len(missing) > 0 {
		st = Fail
		parts = append(parts, "board(s) "+strings.Join(missing, ", ")+" do not answer: check power, the A/B wires and the DIP address")
	}
	if len(parts) == 0 {
		return Result{"lock-bus", Fail, "no boards configured"}
	}
	return Result{"lock-bus", st, strings.Join(parts, "; ")}
}

// checkDevice checks that a device node exists and that this user may read
// and write it; ok is false with the failing Result otherwise.
func checkDevice(check, path, what string) (Result, bool) {
	_, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		hint := "is " + what + " plugged in?"
		if strings.HasPrefix(path, "/dev/pudo-") {
			hint += " Does the udev rule in /etc/udev/rules.d/70-pudo.rules match its USB ids (udevadm info)?"
		}
		return Result{check, Fail, path + ": missing: " + hint}, false
	case err != nil:
		return Result{check, Fail, err.Error()}, false
	}
	if err := syscall.Access(path, 6 /* R_OK|W_OK */); err != nil {
		return Result{check, Fail, fmt.Sprintf("%s: %v: the kiosk user needs the device's group (dialout for serial, video for cameras)", describePort(path), err)}, false
	}
	return Result{check, OK, describePort(path)}, true
}

// describePort names a path and, for a symlink, the node it leads to.
func describePort(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil && real != path {
		return path + " → " + real
	}
	return path
}

// checkScanner opens the serial barcode scanner as the kiosk does.
func checkScanner(ctx context.Context, cfg config.Config, opts Options) Result {
	sc := cfg.Scanner.Serial
	if !sc.Enabled {
		return Result{"scanner", OK, "serial scanner disabled (scanner.serial.enabled); keyboard-mode scanners need no check"}
	}
	if res, ok := checkDevice("scanner", sc.Port, "the barcode scanner"); !ok {
		res.Status = Warn // the keypad still works
		return res
	}
	st := awaitSource(ctx, scanner.NewSerial(sc, cfg.Scanner.Retry.D(), opts.Log), opts)
	return sourceResult("scanner", sc.Port, st, "/dev/pudo-scanner")
}

// checkCamera starts the camera and waits for its first frames.
func checkCamera(ctx context.Context, cfg config.Config, opts Options) Result {
	cc := cfg.Scanner.Camera
	if !cc.Enabled {
		return Result{"camera", OK, "camera disabled (scanner.camera.enabled)"}
	}
	if res, ok := checkDevice("camera", cc.Device, "the camera"); !ok {
		res.Status = Warn
		return res
	}
	st := awaitSource(ctx, scanner.NewCamera(cc, cfg.Scanner.Formats, cfg.Scanner.Retry.D(), opts.Log), opts)
	return sourceResult("camera", cc.Device, st, "")
}

func sourceResult(check, path string, st scanner.Status, stable string) Result {
	if !st.Up {
		detail := st.Detail
		if strings.Contains(strings.ToLower(detail), "busy") {
			detail += " (in use, most likely by the running kiosk)"
		}
		return Result{check, Warn, fmt.Sprintf("%s: %s: shoppers can still type their code", path, detail)}
	}
	res := Result{check, OK, st.Detail}
	if stable != "" && unstableName(path) {
		res.Status = Warn
		res.Detail += "; this name can change after a replug: use " + stable + " (udev rule)"
	}
	return res
}

// awaitSource runs one source until it reports up or down, or opts.Wait ends.
func awaitSource(ctx context.Context, src scanner.Source, opts Options) scanner.Status {
	ctx, cancel := context.WithTimeout(ctx, opts.Wait)
	defer cancel()
	h := scanner.StartSources(ctx, opts.Log, time.Second, src)
	defer h.Close()
	t := time.NewTicker(25 * time.Millisecond)
	defer t.Stop()
	for {
		st := h.Status()[0]
		if st.Up || st.Detail != "starting" {
			return st
		}
		select {
		case <-ctx.Done():
			st.Detail = fmt.Sprintf("no answer within %v", opts.Wait)
			return st
		case <-t.C:
		}
	}
}
