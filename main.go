// Command pudo runs the touchscreen kiosk of a smart parcel locker.
//
//	pudo [--config FILE] [--data-dir DIR] [--windowed]   run the kiosk
//	pudo version                                        print the version
//	pudo decode [--json] FILE...                        decode codes in image files
//	pudo lockboard-sim [flags]                          emulate lock boards on a pty
//	pudo doctor [--json] [--skip CHECKS]                check this locker, one line per check
//	pudo backup FILE                                    consistent copy of the database, online
//	pudo api-key new --name N --scope S                 make an API key
//	pudo token keygen|pubkey|new|show [flags]           the operator's keys and QR tokens (courier, staff badge)
//	pudo fleet COMMAND [flags]                          the operator's view of the fleet over MQTT
//	pudo help                                           every command and flag (also --help)
//
// With no configuration it runs the demo locker: a simulated lock board of
// 24 doors and a few demo parcels whose codes the home screen shows.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"pudo/app/api"
	"pudo/app/config"
	"pudo/app/core"
	"pudo/app/cred"
	"pudo/app/doctor"
	"pudo/app/fleet"
	_ "pudo/app/localeenv" // before Fyne reads the locale: see its doc
	"pudo/app/sdnotify"
	"pudo/assets"
	"pudo/lockio"
	"pudo/lockio/lockboardsim"
	"pudo/scanner"
	"pudo/storage"
	"pudo/ui"
	"pudo/ui/sound"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// commands are the subcommands besides running the kiosk.
var commands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) int{
	"version": func(_ context.Context, _ []string, stdout, _ io.Writer) int {
		fmt.Fprintln(stdout, "pudo", version)
		return 0
	},
	"decode":        scanner.DecodeMain,
	"lockboard-sim": lockboardsim.Main,
	"api-key":       api.KeyMain,
	"doctor": func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return doctor.Main(ctx, args, stdout, stderr, version)
	},
	"backup": doctor.BackupMain,
	"token":  cred.Main,
	"fleet":  fleet.Main,
	"help":   helpMain, "--help": helpMain, "-help": helpMain, "-h": helpMain,
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if cmd, ok := commands[args[0]]; ok {
			return cmd(ctx, args[1:], stdout, stderr)
		}
	}
	cfg, err := loadConfig(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0 // asked for, and printed
	}
	if err != nil {
		fmt.Fprintln(stderr, "pudo:", err)
		return 2
	}
	log := newLogger(cfg.Kiosk.LogFormat, stderr)
	if err := kiosk(ctx, cfg, log); err != nil {
		var de *core.DataError
		if errors.As(err, &de) {
			// One line, what is wrong and how to restore: not a log record.
			fmt.Fprintln(stderr, "pudo:", de)
			return 2
		}
		log.Error("kiosk stopped", "err", err)
		return 1
	}
	return 0
}

// loadConfig reads the config file and lets flags override it.
func loadConfig(args []string, stderr io.Writer) (config.Config, error) {
	fs := flag.NewFlagSet("pudo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(fs) }
	path := fs.String("config", "", "TOML config `file` (default: the built-in demo locker)")
	dataDir := fs.String("data-dir", "", "`dir` for the database and the code secret (overrides kiosk.data_dir)")
	windowed := fs.Bool("windowed", false, "run in a window instead of full screen (overrides kiosk.windowed)")
	lockPort := fs.String("lock-port", "", "lock board serial `port` (overrides lock.port)")
	lockProto := fs.String("lock-protocol", "", "lock board `protocol`: 8a80, modbus or kerong (overrides lock.protocol)")
	demoFlag := fs.Bool("demo", false, "stock demo parcels and the demo staff PIN even on a real lock port (for trying a board; never in service)")
	if err := fs.Parse(args); err != nil {
		return config.Config{}, err
	}
	if fs.NArg() > 0 {
		return config.Config{}, fmt.Errorf("unknown command %q (pudo help lists them)", fs.Arg(0))
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return cfg, err
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "data-dir":
			cfg.Kiosk.DataDir = *dataDir
		case "windowed":
			cfg.Kiosk.Windowed = *windowed
		case "lock-port":
			cfg.Lock.Port = *lockPort
		case "lock-protocol":
			cfg.Lock.Protocol = *lockProto
		case "demo":
			cfg.Kiosk.Demo = *demoFlag
		}
	})
	return cfg, cfg.Validate()
}

// newLogger logs JSON to journald under systemd and text in a terminal.
func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" || (format == "auto" && os.Getenv("JOURNAL_STREAM") != "") {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// kiosk wires the store, the lock boards, the flows and the screen, and runs
// until the window closes or ctx ends.
func kiosk(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	start := time.Now()
	dir, err := cfg.DataDir()
	if err != nil {
		return err
	}
	db, secret, err := core.OpenData(ctx, dir, log.With("part", "app"))
	if err != nil {
		return err
	}
	defer db.Close()
	// The boot is counted before anything writes an event, so even the
	// reconciliation's events carry this run's boot number.
	var boot fleet.Boot
	if cfg.Fleet.Enabled {
		if boot, err = fleet.StartBoot(ctx, db, fleet.ClockSynced()); err != nil {
			return err
		}
	}
	locks, err := lockio.Open(ctx, cfg.Lock, log.With("part", "lockio"))
	if err != nil {
		return err
	}
	defer locks.Close()
	isDemo := cfg.Lock.Port == "sim" || cfg.Kiosk.Demo
	lopts := cfg.Options()
	var demoKey cred.PrivateKey
	if isDemo {
		if demoKey, err = demoOperator(dir, &lopts, log); err != nil {
			return err
		}
	}
	locker, doors, err := startLocker(ctx, lopts, cfg, db, secret, locks, log)
	if err != nil {
		return err
	}
	if err := serveAPI(ctx, cfg, locker, db, locks, log); err != nil {
		return err
	}
	// The link ends with the kiosk, before the store closes: the window
	// closing ends it as well as a signal does.
	linkCtx, stopLink := context.WithCancel(ctx)
	linkDone, err := runFleet(linkCtx, cfg, boot, lopts.OperatorKeys, locker, db, locks, log)
	if err != nil {
		stopLink()
		return err
	}
	defer func() {
		stopLink()
		<-linkDone
	}()
	readers, err := scanner.Start(ctx, cfg.Scanner, log.With("part", "scanner"))
	if err != nil {
		return err
	}
	defer readers.Close()
	player, err := sound.Open(assets.Sounds, log.With("part", "sound"))
	if err != nil {
		return err
	}
	defer player.Close()
	opts := screenOptions(ctx, cfg, locker, log)
	opts.Board, opts.Scanners, opts.Sounds = locks, readers, player
	if isDemo && cfg.Kiosk.DemoParcels > 0 {
		if err := demo(ctx, locker, cfg.Kiosk.DemoParcels, &opts, log); err != nil {
			return err
		}
	}
	if isDemo {
		demoBadges(demoKey, dir, cfg.Kiosk.ID, log)
	}
	a, w := newWindow(cfg)
	opts.Quit = a.Quit
	k := ui.NewKiosk(w, locker, opts, log.With("part", "ui"))
	go pumpScans(ctx, readers, k)
	context.AfterFunc(ctx, func() { fyne.Do(a.Quit) })
	watchdog(ctx, a, log)
	log.Info("kiosk ready", "kiosk", cfg.Kiosk.ID, "data_dir", dir, "doors", len(doors),
		"lock_port", cfg.Lock.Port, "startup_ms", time.Since(start).Milliseconds())
	w.ShowAndRun()
	return nil
}

// startLocker sets up the doors, settles what a crash left behind and
// starts the goroutines that feed the flows.
func startLocker(ctx context.Context, opts core.Options, cfg config.Config, db *storage.DB, secret []byte, locks *lockio.Controller,
	log *slog.Logger) (*core.Locker, []core.Door, error) {
	locker := core.New(db, locks, secret, opts, log.With("part", "app"))
	doors, err := core.Layout(cfg.Locker.Columns, cfg.Locker.LowRows)
	if err != nil {
		return nil, nil, err
	}
	if err := locker.SetUp(ctx, doors); err != nil {
		return nil, nil, err
	}
	// Openings cut short by a crash are compared with fresh sensor readings
	// and flagged for staff before any door opens again; never replayed.
	if err := locks.Refresh(ctx); err != nil {
		log.Warn("lock boards not read before reconciling", "err", err)
	}
	if err := locker.Reconcile(ctx); err != nil {
		return nil, nil, err
	}
	go pumpDoorEvents(ctx, locks, locker)
	go locker.Housekeep(ctx, time.Minute)
	return locker, doors, nil
}

// screenOptions are the screen's settings and flows; main adds the devices.
func screenOptions(ctx context.Context, cfg config.Config, locker *core.Locker, log *slog.Logger) ui.Options {
	return ui.Options{KioskID: cfg.Kiosk.ID, Flows: ui.AppFlows(locker), Keyboard: cfg.Scanner.Keyboard,
		Settings: restoreSettings(ctx, locker, screenSettings(cfg), log),
		SaveSettings: func(ctx context.Context, s ui.Settings) error {
			text, err := s.Save()
			if err != nil {
				return err
			}
			return locker.SaveScreenSettings(ctx, text)
		},
		MoreTimeFor: cfg.Screen.MoreTime, ReopenGrace: cfg.Screen.ReopenGrace, AdminIdle: cfg.Screen.AdminIdle,
		AdminTaps: cfg.Screen.AdminTaps, AdminWithin: cfg.Screen.AdminTapWindow,
		Support: ui.Support{Phone: cfg.Support.Phone, Web: cfg.Support.Web, Note: cfg.Support.Note}}
}

// newWindow is the kiosk's window: full screen unless asked otherwise.
func newWindow(cfg config.Config) (fyne.App, fyne.Window) {
	a := fyneapp.NewWithID("eu.pudo.kiosk")
	a.Settings().SetTheme(ui.Theme(ui.Style{}))
	w := ui.PanelWindow(a.NewWindow("Pudo")) // no screen resizes it, in --windowed either
	w.SetPadded(false)
	if cfg.Kiosk.Windowed {
		w.Resize(fyne.NewSize(1280, 800))
	} else {
		w.SetFullScreen(true)
	}
	return a, w
}

// watchdog tells systemd when the window is up (Type=notify) and, under
// WatchdogSec=, pings it only after a round trip through the UI goroutine,
// so a hung screen stops the pings and systemd restarts the kiosk.
func watchdog(ctx context.Context, a fyne.App, log *slog.Logger) {
	n := sdnotify.FromEnv()
	if n == nil {
		return
	}
	a.Lifecycle().SetOnStarted(func() {
		if err := n.Notify("READY=1"); err != nil {
			log.Warn("systemd notify", "err", err)
		}
	})
	if d, ok := sdnotify.WatchdogTimeout(); ok {
		go n.Keepalive(ctx, d/3, func() { fyne.DoAndWait(func() {}) },
			func(err error) { log.Warn("watchdog ping", "err", err) })
	}
}

// serveAPI starts the HTTP API when it is enabled; the kiosk keeps serving
// its screen whatever happens to the API.
func serveAPI(ctx context.Context, cfg config.Config, locker *core.Locker, db *storage.DB, locks *lockio.Controller, log *slog.Logger) error {
	if !cfg.API.Enabled {
		return nil
	}
	ac := cfg.API
	ac.KioskID = cfg.Kiosk.ID
	if cfg.Operator.SigningKey != "" {
		k, err := cred.ReadPrivateKey(cfg.Operator.SigningKey)
		if err != nil {
			return err
		}
		ac.Signer = &k
	}
	srv, err := api.New(ac, locker, db, log.With("part", "api"))
	if err != nil {
		return err
	}
	m := srv.Metrics()
	m.GaugeFunc("pudo_lockbus_up", "1 while the lock-board port is open and a board answers.", func() float64 {
		if locks.Health().Up() {
			return 1
		}
		return 0
	})
	m.CounterFunc("pudo_lockbus_timeouts_total", "Lock-board polls with no reply.", func() float64 {
		n := 0
		for _, b := range locks.Health().Boards {
			n += b.Timeouts
		}
		return float64(n)
	})
	m.CounterFunc("pudo_lockbus_reconnects_total", "Reopens of the lock-board port.", func() float64 {
		return float64(locks.Health().Reconnects)
	})
	go func() {
		if err := srv.Run(ctx); err != nil {
			log.Error("api stopped", "err", err)
		}
	}()
	return nil
}

// runFleet starts the fleet link when it is configured; the returned
// channel closes when its goroutine has ended (at once when there is none).
// It verifies signed commands against the keys the locker trusts for
// courier tokens, the demo locker's own among them.
func runFleet(ctx context.Context, cfg config.Config, boot fleet.Boot, keys []cred.PublicKey, locker *core.Locker, db *storage.DB,
	locks *lockio.Controller, log *slog.Logger) (<-chan struct{}, error) {
	done := make(chan struct{})
	if !cfg.Fleet.Enabled {
		close(done)
		return done, nil
	}
	link, err := fleet.New(cfg.Fleet, cfg.Kiosk.ID, locker, db, fleet.Options{Version: version, Boot: boot, OperatorKeys: keys,
		LockBus: func() bool { return locks.Health().Up() }}, log.With("part", "fleet"))
	if err != nil {
		return nil, err
	}
	go func() {
		defer close(done)
		if err := link.Run(ctx); err != nil {
			log.Error("fleet link stopped", "err", err)
		}
	}()
	return done, nil
}

// screenSettings are the settings staff may change on the kiosk, as
// configured; Validate has checked the clock times.
func screenSettings(cfg config.Config) ui.Settings {
	from, _ := config.ClockTime(cfg.Screen.NightFrom)
	to, _ := config.ClockTime(cfg.Screen.NightTo)
	return ui.Settings{IdleTimeout: cfg.Kiosk.IdleTimeout, Language: cfg.Kiosk.Language, Languages: cfg.Screen.Languages,
		Night: ui.NightMode(cfg.Screen.Night), NightFrom: from, NightTo: to, Volume: cfg.Screen.Volume}
}

// restoreSettings lays what staff last saved on the settings screen over
// the configured screen settings: a restart must not undo their changes.
func restoreSettings(ctx context.Context, locker *core.Locker, configured ui.Settings, log *slog.Logger) ui.Settings {
	saved, err := locker.ScreenSettings(ctx)
	if err != nil || saved == "" {
		return configured
	}
	s, err := configured.Restore(saved)
	if err != nil {
		log.Warn("saved screen settings ignored", "err", err)
	}
	return s
}

// pumpDoorEvents hands every lock-board event to the flows until ctx ends.
func pumpDoorEvents(ctx context.Context, locks *lockio.Controller, locker *core.Locker) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-locks.Events():
			if !ok {
				return
			}
			locker.HandleDoorEvent(ctx, ev)
		}
	}
}

// pumpScans hands every code read by a camera or scanner to the screen.
func pumpScans(ctx context.Context, readers *scanner.Hub, k *ui.Kiosk) {
	for {
		select {
		case <-ctx.Done():
			return
		case r, ok := <-readers.Reads():
			if !ok {
				return
			}
			fyne.Do(func() { k.Scanned(r.Text) })
		}
	}
}

// demo stocks the demo locker and logs its codes: they are made up, and a
// newcomer needs them to try the kiosk.
func demo(ctx context.Context, locker *core.Locker, n int, opts *ui.Options, log *slog.Logger) error {
	parcels, err := locker.SeedDemo(ctx, n)
	if err != nil {
		return err
	}
	if err := locker.SeedDemoStaff(ctx); err != nil {
		return err
	}
	for _, p := range parcels {
		log.Info("demo parcel", "code", core.FormatCode(p.Code), "door", p.DoorID)
	}
	opts.DemoParcels, opts.DemoWanted = parcels, n
	opts.Demo = func(ctx context.Context, missing int) ([]core.DemoParcel, error) {
		got, err := locker.DropDemo(ctx, missing)
		for _, p := range got {
			log.Info("demo parcel", "code", core.FormatCode(p.Code), "door", p.DoorID)
		}
		return got, err
	}
	return nil
}
