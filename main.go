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
//	pudo fleet COMMAND [flags]                          the operator's tools, from central's database or the broker
//	pudo carrier keygen|pubkey|open [flags]             a carrier's seal key; open the walk-in codes sealed for it
//	pudo central serve|migrate|enrol|operator|shop [flags]  the operator's service: the fleet in PostgreSQL, the shop API, the dashboard
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
	"image"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"sync/atomic"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"pudo/app"
	"pudo/app/api"
	"pudo/app/carrier"
	"pudo/app/central"
	"pudo/app/central/fleetcli"
	"pudo/app/central/shopapi"
	"pudo/app/central/web"
	"pudo/app/config"
	"pudo/app/core"
	"pudo/app/cred"
	"pudo/app/doctor"
	"pudo/app/fleet"
	"pudo/app/limit"
	_ "pudo/app/localeenv" // before Fyne reads the locale: see its doc
	"pudo/app/sdnotify"
	"pudo/app/session"
	"pudo/app/voice"
	"pudo/assets"
	"pudo/lockio"
	"pudo/lockio/lockboardsim"
	"pudo/lockio/simbus"
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
	"backup":  doctor.BackupMain,
	"token":   cred.Main,
	"fleet":   fleetcli.Main,
	"carrier": carrier.Main,
	"central": central.MainWith(shopapi.Mount, web.Mount),
	"help":    helpMain, "--help": helpMain, "-help": helpMain, "-h": helpMain,
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
	db, secret, err := core.OpenData(ctx, dir, log.With("part", "core"))
	if err != nil {
		return err
	}
	parts := newGroup(ctx, log)
	sd := &shutdown{parts: parts, store: db.Close}
	signals := ctx // parts.ctx below ends with the parts, for every reason
	defer func() {
		sd.run()
		// The last line of a run: whoever stopped it (Ctrl-C, systemd,
		// staff) reads that it stopped cleanly.
		log.Info("kiosk stopped", "why", stopCause(signals))
	}()
	ctx = parts.ctx
	// The boot is counted before anything writes an event, so even the
	// reconciliation's events carry this run's boot number.
	var boot fleet.Boot
	if cfg.Fleet.Enabled {
		if boot, err = fleet.StartBoot(ctx, db, fleet.ClockSynced()); err != nil {
			return err
		}
	}
	lc := cfg.Lock
	if lc.Port == lockio.SimPort {
		// The demo locker: emulated boards on a pty, driven by the real
		// driver through go.bug.st/serial.
		sim, err := simbus.Start(lc)
		if err != nil {
			return err
		}
		sd.device(sim.Close)
		lc.Port = sim.Path()
	}
	locks, err := lockio.Open(ctx, lc, log.With("part", "lockio"))
	if err != nil {
		return err
	}
	sd.device(locks.Close)
	isDemo := cfg.Lock.Port == "sim" || cfg.Kiosk.Demo
	lopts := lockerOptions(cfg)
	var demoKey cred.PrivateKey
	if isDemo {
		if demoKey, err = demoOperator(dir, &lopts, log); err != nil {
			return err
		}
		demoCarrier(dir, &lopts, log)
	}
	locker, doors, err := startLocker(ctx, lopts, cfg, db, secret, locks, parts, log)
	if err != nil {
		return err
	}
	opens := remoteOpens(cfg)
	if err := serveAPI(ctx, cfg, locker, db, locks, opens, parts, log); err != nil {
		return err
	}
	// The link is one of the parts: it ends with the kiosk, before the
	// store closes.
	if err := runFleet(cfg, boot, lopts.OperatorKeys, locker, db, locks, opens, parts, log); err != nil {
		return err
	}
	readers, err := scanner.Start(ctx, cfg.Scanner, log.With("part", "scanner"))
	if err != nil {
		return err
	}
	sd.device(readers.Close)
	locker.SetReaders(hubReaders{readers})
	player, err := sound.Open(assets.Sounds, sound.PlayerOptions{Headphones: cfg.Speech.Headphones}, log.With("part", "sound"))
	if err != nil {
		return err
	}
	sd.device(player.Close)
	opts := screenOptions(ctx, cfg, locker, log)
	opts.Sounds = player
	// Speech after the player and closed before it; without espeak-ng or
	// a sound card it is silent and says so on the staff hardware screen.
	speech, err := openSpeech(ctx, cfg, player, doors, &opts, log)
	if err != nil {
		return err
	}
	sd.device(speech.Close)
	opts.PushScan = func(ctx context.Context, text string) {
		readers.Push(ctx, scanner.Read{Text: text, Source: scanner.SourceKeyboard})
	}
	if isDemo && cfg.Kiosk.DemoParcels > 0 {
		if err := demo(ctx, locker, cfg.Kiosk.DemoParcels, &opts, log); err != nil {
			return err
		}
	}
	if isDemo {
		demoBadges(demoKey, dir, cfg.Kiosk.ID, log)
	}
	a, w := newWindow(cfg)
	var k *ui.Kiosk
	opts.Quit = func() { k.End(); a.Quit() }
	k = ui.NewKiosk(w, locker, opts, log.With("part", "ui"))
	locker.SetPresence(k.Desk()) // the self-test never runs under a person's hands
	// A camera frame that looks like a code it has not read: in audio mode
	// the screen ticks, so that a person who cannot see the scanner finds it.
	readers.OnGlimpse(func(scanner.Glimpse) { k.Do(k.CodeInView) })
	// The screens follow the locker until the window closes; the group
	// waits for them before the store closes.
	parts.Go("screens", func(ctx context.Context) error { k.Run(ctx); return nil })
	parts.Go("scans", func(ctx context.Context) error { pumpScans(ctx, readers, k); return nil })
	// A signal ends the window; a window already closed (staff's exit,
	// or the window manager) is not asked again: past its loop, fyne.Do
	// would run Quit on this goroutine, and Fyne says so on stderr.
	var stopped atomic.Bool
	a.Lifecycle().SetOnStopped(func() { stopped.Store(true) })
	context.AfterFunc(ctx, func() {
		if !stopped.Load() {
			fyne.Do(func() { k.End(); a.Quit() })
		}
	})
	watchdog(ctx, a, log)
	log.Info("kiosk ready", "kiosk", cfg.Kiosk.ID, "data_dir", dir, "doors", len(doors),
		"lock_port", cfg.Lock.Port, "startup_ms", time.Since(start).Milliseconds())
	w.ShowAndRun()
	return nil
}

// stopCause says why the kiosk stopped: the signal that ended ctx, or the
// window closing (staff's exit, the window manager).
func stopCause(ctx context.Context) string {
	if err := context.Cause(ctx); err != nil {
		return err.Error()
	}
	return "window closed"
}

// lockerOptions are the locker rules of cfg for core.New: with them the
// holds of the readers of the event log that are switched on (the fleet
// link, the webhooks), so pruning keeps what they have not delivered from
// the start.
func lockerOptions(cfg config.Config) core.Options {
	o := core.Options{KioskID: cfg.Kiosk.ID, PickupWindow: cfg.Rents.PickupWindow, Retention: cfg.Rents.Retention,
		BookingHold: cfg.Rents.BookingHold, RemoteOpen: cfg.Rents.RemoteOpen, ReopenGrace: cfg.Screen.ReopenGrace,
		OperatorKeys: cfg.Operator.Keys(), DidNotOpen: cfg.Lock.DidNotOpenAfter.Std(), FlapLimit: cfg.Locker.FlapLimit,
		CarrierKeys: cfg.CarrierKeys(), TokenSkew: cfg.Operator.TokenSkew, BadgeRequired: !cfg.Staff.PINAlone}
	if cfg.Operator.SigningKey != "" {
		// Validate read it already; a token of this key counts only if
		// the locker issued it.
		if k, err := cred.ReadPrivateKey(cfg.Operator.SigningKey); err == nil {
			o.SiteKey = k.Public()
		}
	}
	if cfg.Fleet.Enabled {
		if cfg.Fleet.RetainUntilPUBACK {
			o.Holds = append(o.Holds, fleet.EventHoldAcked())
		} else {
			o.Holds = append(o.Holds, fleet.EventHold())
		}
	}
	if cfg.API.Enabled {
		o.Holds = append(o.Holds, api.EventHolds(cfg.API)...)
	}
	return o
}

// startLocker sets up the doors, settles what a crash left behind and
// starts the engine's parts: its event pump, housekeeping, the nightly
// self-test.
func startLocker(ctx context.Context, opts core.Options, cfg config.Config, db *storage.DB, secret []byte, locks *lockio.Controller,
	parts *group, log *slog.Logger) (*core.Locker, []storage.Door, error) {
	locker := core.New(db, locks, secret, opts, log.With("part", "core"))
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
	parts.Go("engine", func(ctx context.Context) error { return locker.Run(ctx, locks.Events()) })
	parts.Go("housekeeping", func(ctx context.Context) error { locker.Housekeep(ctx, time.Minute); return nil })
	if at, ok := cfg.SelfTestAt(); ok {
		parts.Go("self-test", func(ctx context.Context) error { return locker.RunSelfTests(ctx, at) })
	}
	return locker, doors, nil
}

// screenOptions are the screen's settings and flows; main adds the devices.
func screenOptions(ctx context.Context, cfg config.Config, locker *core.Locker, log *slog.Logger) ui.Options {
	kb := cfg.Scanner.Keyboard
	return ui.Options{KioskID: cfg.Kiosk.ID, Keyboard: session.KeyTiming{MaxGap: kb.MaxGap.D(), MinLength: kb.MinLength},
		Settings: restoreSettings(ctx, locker, screenSettings(cfg), log),
		SaveSettings: func(ctx context.Context, s ui.Settings) error {
			text, err := s.Save()
			if err != nil {
				return err
			}
			return locker.SaveScreenSettings(ctx, text)
		},
		MoreTimeFor: cfg.Screen.MoreTime, AdminIdle: cfg.Screen.AdminIdle,
		AdminTaps: cfg.Screen.AdminTaps, AdminWithin: cfg.Screen.AdminTapWindow, TapGuard: cfg.Screen.TapGuard,
		Support: ui.Support{Phone: cfg.Support.Phone, Web: cfg.Support.Web, Note: cfg.Support.Note},
		Cabinet: cfg.Locker.Wayfinding.Cabinet(cfg.Locker.ColumnSizes()), Sizes: cfg.Locker.Sizes}
}

// openSpeech starts the spoken guidance ([speech]) and sets the screens'
// audio mode up ([keypad], [locker.wayfinding], [support]): every spoken
// text of every door is rendered ahead, the locker's default language
// first, so that a screen speaks as it appears.
func openSpeech(ctx context.Context, cfg config.Config, player *sound.Player, doors []storage.Door, opts *ui.Options,
	log *slog.Logger) (*sound.Speech, error) {
	opts.Keys = cfg.Keypad
	opts.Voice = voice.Voice{Cabinet: cfg.Locker.Wayfinding.Cabinet(cfg.Locker.ColumnSizes()), Keys: cfg.Keypad,
		Locker: cfg.Kiosk.ID, Phone: cfg.Support.Phone}
	opts.AudioOnScan, opts.LongPress = cfg.Speech.StartOnScan, cfg.Speech.LongPress
	var spoken []app.Door
	for _, d := range doors {
		spoken = append(spoken, app.Door{ID: d.ID, Col: d.Col, Row: d.Row})
	}
	langs := []string{opts.Settings.Language}
	for _, l := range append(opts.Settings.Languages, "en") { // English is always offered
		if !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	sc := cfg.Speech
	speech, err := sound.OpenSpeech(ctx, player, sound.SpeechOptions{Program: sc.Program, Voices: sc.Voices, Rate: sc.Rate,
		Volume: float64(sc.Volume) / 100, NightVolume: float64(sc.NightVolume) / 100, CacheDir: cfg.SpeechCacheDir(),
		MemoryBytes: sc.MemoryMB << 20, Catalogue: assets.Translations, Languages: langs,
		Ahead: voice.SpokenAhead(opts.Voice, spoken)}, log.With("part", "speech"))
	if err != nil {
		return nil, err
	}
	opts.Speech = speech
	opts.CodesAloud = sc.CodesAloud
	return speech, nil
}

// newWindow is the kiosk's window: full screen unless asked otherwise.
func newWindow(cfg config.Config) (fyne.App, fyne.Window) {
	// No app ID: with one, Fyne loads, watches and rewrites
	// ~/.config/fyne/<id>/preferences.json, one file for every kiosk the
	// user runs (the demo beside a test, two on one machine), each reading
	// the file another had half written ("Preferences load error: EOF").
	// The kiosk keeps nothing there; without an ID Fyne neither reads nor
	// writes it.
	a := fyneapp.NewWithID("")
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
		// Not in the group: its probe waits on the UI goroutine, which is
		// gone at shutdown; the process ends it.
		go n.Keepalive(ctx, d/3, func() { fyne.DoAndWait(func() {}) },
			func(err error) { log.Warn("watchdog ping", "err", err) })
	}
}

// serveAPI starts the HTTP API when it is enabled; the kiosk keeps serving
// its screen whatever happens to the API.
func serveAPI(ctx context.Context, cfg config.Config, locker *core.Locker, db *storage.DB, locks *lockio.Controller,
	opens *limit.Bucket, parts *group, log *slog.Logger) error {
	if !cfg.API.Enabled {
		return nil
	}
	ac := cfg.API
	ac.KioskID = cfg.Kiosk.ID
	ac.TokenCaps = api.TokenCaps{Courier: cfg.Operator.CourierTokenMax, Staff: cfg.Operator.BadgeMax, Pickup: cfg.Operator.PickupTokenMax}
	if cfg.Operator.SigningKey != "" {
		k, err := cred.ReadPrivateKey(cfg.Operator.SigningKey)
		if err != nil {
			return err
		}
		ac.Signer = &k
	}
	srv, err := api.New(ac, locker.Office(), db, log.With("part", "api"))
	if err != nil {
		return err
	}
	srv.ShareRemoteOpens(opens)
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
	selfTestMetrics(m, locker)
	parts.Go("api", srv.Run)
	return nil
}

// remoteOpens is the kiosk's one cap on remote openings: the HTTP API and
// the fleet link draw from it together, at the stricter of their rates.
func remoteOpens(cfg config.Config) *limit.Bucket {
	n := cfg.API.RemoteOpenPerMinute
	if cfg.Fleet.Enabled && (n <= 0 || !cfg.API.Enabled || cfg.Fleet.RemoteOpenPerMinute < n) {
		n = cfg.Fleet.RemoteOpenPerMinute
	}
	return limit.New(max(n, 1), time.Minute, time.Now)
}

// runFleet starts the fleet link among the kiosk's parts when it is
// configured. It verifies signed commands against the keys the locker
// trusts for courier tokens, the demo locker's own among them.
func runFleet(cfg config.Config, boot fleet.Boot, keys []cred.PublicKey, locker *core.Locker, db *storage.DB,
	locks *lockio.Controller, opens *limit.Bucket, parts *group, log *slog.Logger) error {
	if !cfg.Fleet.Enabled {
		return nil
	}
	link, err := fleet.New(cfg.Fleet, cfg.Kiosk.ID, locker.Office(), db, fleet.Options{Version: version, Boot: boot, OperatorKeys: keys, RemoteOpens: opens,
		LockBus: func() bool { return locks.Health().Up() }}, log.With("part", "fleet"))
	if err != nil {
		return err
	}
	parts.Go("fleet", link.Run)
	return nil
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
			k.Do(func() { k.Scanned(r.Text) })
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
	rest, err := locker.DemoRest(ctx, true)
	if err != nil {
		return err
	}
	parcels = append(parcels, rest...)
	logDemo(log, parcels)
	opts.DemoParcels, opts.DemoWanted = screenParcels(parcels), n
	opts.Demo = func(ctx context.Context, missing int) ([]ui.DemoParcel, error) {
		got, err := locker.DropDemo(ctx, missing)
		if err == nil {
			var rest []core.DemoParcel
			rest, err = locker.DemoRest(ctx, false) // the return booked again once used
			got = append(got, rest...)
		}
		logDemo(log, got)
		return screenParcels(got), err
	}
	return nil
}

// logDemo logs the demo's codes: a pickup's, and a booked return's.
func logDemo(log *slog.Logger, parcels []core.DemoParcel) {
	for _, p := range parcels {
		if p.Return {
			log.Info("demo return", "code", app.FormatReturnCode(p.Code), "door", p.DoorID)
			continue
		}
		log.Info("demo parcel", "code", app.FormatCode(p.Code), "door", p.DoorID)
	}
}

// screenParcels are demo parcels as the home screen shows them.
func screenParcels(ps []core.DemoParcel) []ui.DemoParcel {
	out := make([]ui.DemoParcel, len(ps))
	for i, p := range ps {
		out[i] = ui.DemoParcel{Code: p.Code, DoorID: p.DoorID, Return: p.Return}
	}
	return out
}

// hubReaders is the scanner hub as the engine sees the code readers.
type hubReaders struct{ h *scanner.Hub }

func (r hubReaders) LastFrame() image.Image { return r.h.LastFrame() }

func (r hubReaders) Status() []app.ReaderStatus {
	ss := r.h.Status()
	out := make([]app.ReaderStatus, len(ss))
	for i, s := range ss {
		out[i] = app.ReaderStatus{Name: s.Source, Up: s.Up, Detail: s.Detail, Since: s.Since, LastRead: s.LastRead, Reads: s.Reads}
	}
	return out
}
