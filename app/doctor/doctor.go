// Package doctor checks an installed locker in one go, for `pudo doctor`:
// the screen, the lock boards, the code readers, sound and speech, the
// database, the disk, the clock and the configuration. Each check gives one line, OK, WARN
// or FAIL with a detail; FAIL is kept for what a shopper would notice (no
// screen, doors that cannot open, a broken database, a full disk, a clock
// far off, a bad config), WARN for what degrades the kiosk but leaves the
// keypad and the doors working.
package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"pudo/app/config"
)

// Status is a check's verdict.
type Status string

const (
	OK   Status = "OK"
	Warn Status = "WARN"
	Fail Status = "FAIL"
	Skip Status = "SKIP" // could not run: something it needs failed first
)

// Result is one line of the report.
type Result struct {
	Check  string `json:"check"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
}

// Report is every check's result, in a fixed order.
type Report struct {
	Version string   `json:"version"`
	Config  string   `json:"config"` // the file read, "" for the built-in defaults
	User    string   `json:"user"`   // who ran the checks
	Results []Result `json:"results"`
}

// Failed reports whether any check failed.
func (r Report) Failed() bool { return r.count(Fail) > 0 }

func (r Report) count(s Status) int {
	n := 0
	for _, c := range r.Results {
		if c.Status == s {
			n++
		}
	}
	return n
}

// WriteText prints one aligned line per check and a verdict.
func (r Report) WriteText(w io.Writer) error {
	cfg := r.Config
	if cfg == "" {
		cfg = "built-in defaults (the demo locker)"
	}
	fmt.Fprintf(w, "pudo doctor %s: config %s, as user %s\n", r.Version, cfg, r.User)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range r.Results {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Status, c.Check, c.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fails, warns := r.count(Fail), r.count(Warn)
	switch {
	case fails > 0:
		_, err := fmt.Fprintf(w, "%d failed, %d warnings: a shopper would notice.\n", fails, warns)
		return err
	case warns > 0:
		_, err := fmt.Fprintf(w, "no failures, %d warnings.\n", warns)
		return err
	}
	_, err := fmt.Fprintln(w, "all checks passed.")
	return err
}

// WriteJSON prints the report as one JSON object, with "ok" false when a
// check failed.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Report
		OK bool `json:"ok"`
	}{r, !r.Failed()})
}

// Options say what to check and how long to wait.
type Options struct {
	// ConfigPath is the TOML file; "" checks the built-in defaults.
	ConfigPath string
	// DataDir overrides kiosk.data_dir, as the kiosk's --data-dir does.
	DataDir string
	// Display is the X display the kiosk draws on; "" takes $DISPLAY, else ":0".
	Display string
	// Skip names checks not to run (reported as SKIP), such as "display"
	// over SSH before the kiosk runs, or "lock-bus" while it does.
	Skip map[string]bool
	// Wait bounds how long a device may take to come up (default 3s).
	Wait time.Duration
	// Now is the clock checked; nil means time.Now.
	Now func() time.Time
	// Log receives the drivers' own logging; nil discards it.
	Log *slog.Logger

	// x11Dir is where X sockets live; tests point it elsewhere.
	x11Dir string
}

// The checks, in report order.
var checkNames = []string{
	"config", "display", "lock-port", "lock-bus", "scanner", "camera", "sound", "speech",
	"database", "event-chain", "locker-key", "data-dir", "disk", "clock",
}

// Run runs every check and returns the report. The device checks run side
// by side, so the whole takes about as long as the bus scan.
func Run(ctx context.Context, opts Options) Report {
	if opts.Wait <= 0 {
		opts.Wait = 3 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.x11Dir == "" {
		opts.x11Dir = "/tmp/.X11-unix"
	}
	r := Report{Config: opts.ConfigPath}
	cfgRes, cfg, cfgOK := checkConfig(opts)
	results := map[string]Result{"config": cfgRes}
	var mu sync.Mutex // protects results
	set := func(rs ...Result) {
		mu.Lock()
		defer mu.Unlock()
		for _, res := range rs {
			results[res.Check] = res
		}
	}
	var wg sync.WaitGroup
	run := func(names []string, f func() []Result) {
		var todo bool
		for _, n := range names {
			switch {
			case opts.Skip[n]:
				set(Result{n, Skip, "skipped by --skip"})
			case !cfgOK && n != "display" && n != "sound" && n != "clock":
				set(Result{n, Skip, "needs a valid config"})
			default:
				todo = true
			}
		}
		if !todo {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, res := range f() {
				if !opts.Skip[res.Check] {
					set(res)
				}
			}
		}()
	}
	var db dbFacts
	run([]string{"display"}, func() []Result { return []Result{checkDisplay(ctx, opts)} })
	run([]string{"lock-port", "lock-bus"}, func() []Result { return checkLock(ctx, cfg, opts) })
	run([]string{"scanner"}, func() []Result { return []Result{checkScanner(ctx, cfg, opts)} })
	run([]string{"camera"}, func() []Result { return []Result{checkCamera(ctx, cfg, opts)} })
	run([]string{"sound"}, func() []Result { return []Result{checkSound()} })
	run([]string{"speech"}, func() []Result { return []Result{checkSpeech(ctx, cfg)} })
	run([]string{"database", "event-chain", "locker-key", "data-dir", "disk"}, func() []Result {
		var rs []Result
		rs, db = checkData(ctx, cfg, opts)
		return rs
	})
	wg.Wait()
	if opts.Skip["clock"] {
		set(Result{"clock", Skip, "skipped by --skip"})
	} else {
		set(checkClock(opts.Now(), db.lastEvent))
	}
	for _, n := range checkNames {
		if res, ok := results[n]; ok {
			r.Results = append(r.Results, res)
		}
	}
	return r
}

func checkConfig(opts Options) (Result, config.Config, bool) {
	cfg, err := config.Load(opts.ConfigPath)
	if err != nil {
		return Result{"config", Fail, strings.TrimPrefix(err.Error(), "config ")}, cfg, false
	}
	if opts.DataDir != "" {
		cfg.Kiosk.DataDir = opts.DataDir
	}
	doors := 0
	for _, c := range cfg.Locker.Columns {
		doors += len(c.Sizes)
	}
	where := opts.ConfigPath
	if where == "" {
		where = "built-in defaults"
	}
	detail := fmt.Sprintf("%s: kiosk %s, %d doors on %d board(s), protocol %s",
		where, cfg.Kiosk.ID, doors, len(cfg.Lock.Boards), cfg.Lock.Protocol)
	if cfg.Kiosk.Windowed {
		return Result{"config", Warn, detail + "; kiosk.windowed is on: not full screen"}, cfg, true
	}
	return Result{"config", OK, detail}, cfg, true
}

// unstableName reports whether a serial path may name another device after
// a replug or a reboot.
func unstableName(path string) bool {
	for _, p := range []string{"/dev/ttyUSB", "/dev/ttyACM"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}
