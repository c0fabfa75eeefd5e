package fleet

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/autopaho"

	"pudo/app"
	"pudo/app/core"
	"pudo/app/cred"
	"pudo/app/limit"
	"pudo/storage"
)

// Core is what the link needs from the locker's rules; *core.Office is
// one. These are the calls the HTTP API makes, so the two never disagree;
// the link never moves a rent or opens a door by itself.
type Core interface {
	Book(ctx context.Context, b core.Booking) (core.Booked, error)
	Rent(ctx context.Context, id int64) (app.Rent, error)
	Cancel(ctx context.Context, id int64) error
	DoorStates(ctx context.Context) ([]app.DoorState, error)
	Settings(ctx context.Context) (map[string]string, error)
	Operator(name string) *core.Operator
	SetRevocations(ctx context.Context, list cred.Revocations) error
	Revocations(ctx context.Context) (cred.Revocations, error)
}

var _ Core = (*core.Office)(nil)

// Options are what main (or a test) adds to the configuration.
type Options struct {
	Version string
	// OperatorKeys are the operator's public keys ([operator] public_keys,
	// and the demo locker's own): the keys that sign courier tokens sign
	// every command the link takes. Without them it takes none.
	OperatorKeys []cred.PublicKey
	// Boot is this run, from StartBoot; zero: Run starts one itself.
	Boot Boot
	// LockBus reports whether the lock boards answer; nil: unknown.
	LockBus func() bool
	// ClockSynced reports the clock's state; nil: the kernel's (ClockSynced).
	ClockSynced func() bool
	// OnSent hears each event's PUBACK (benchmarks measure with it).
	OnSent func(seq int64)
	Now    func() time.Time
	// RemoteOpens, when set, is the kiosk's one cap on remote openings,
	// shared with the HTTP API; nil: the link's own, from its config.
	RemoteOpens *limit.Bucket
}

// Link is one locker's connection to the operator's broker. Make it with
// New and Run it until ctx ends.
type Link struct {
	cfg    Config
	id     string
	topics Topics
	core   Core
	db     *storage.DB
	opts   Options
	log    *slog.Logger
	keys   []cred.PublicKey
	now    func() time.Time
	start  time.Time

	outbox *outbox
	cmds   *queue
	// dirty says the store changed (state may have); force asks for every
	// state message again, birth too when it carries true.
	dirty chan struct{}
	force chan bool
	up    chan struct{}
	// healthNow asks for state/health at once (the backlog went out).
	healthNow chan struct{}
	// confirms hands the operator's newest confirmation to confirmLoop.
	confirms *latest
	// certs is the client certificate (nil: none, a password); certAnswers
	// hands the operator's answers on cert/res to renewLoop, and renewWake
	// wakes it when the link is ready.
	certs       *certStore
	certAnswers *latest
	renewWake   chan struct{}
	// lastHealth is when state/health went out; the state goroutine's own.
	lastHealth time.Time
	opens      *limit.Bucket

	birth     atomic.Int64
	connected atomic.Bool
	synced    atomic.Bool  // the central side answered the last sync request
	syncID    atomic.Value // string: the id of the last sync request sent
	ready     atomic.Bool  // connected and subscribed to the commands
	sent      atomic.Int64
	boot      Boot
	// refused counts the commands refused for their signature since start.
	refused    atomic.Int64
	refusedLog *limit.Bucket

	mu      sync.Mutex // protects following
	cm      *autopaho.ConnectionManager
	lastErr error
}

// New checks cfg and builds the link for locker id; nothing connects yet.
func New(cfg Config, id string, c Core, db *storage.DB, opts Options, log *slog.Logger) (*Link, error) {
	cfg.Enabled = true
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if err := CheckLockerID(id); err != nil {
		return nil, &ConfigError{"locker", err.Error()}
	}
	if cfg.RemoteOpen && len(opts.OperatorKeys) == 0 {
		return nil, &ConfigError{"remote_open", "needs the operator's keys in [operator] public_keys (pudo token keygen prints one): an open command must be signed by the operator"}
	}
	keys := slices.Clone(opts.OperatorKeys)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClockSynced == nil {
		opts.ClockSynced = ClockSynced
	}
	l := &Link{cfg: cfg, id: id, topics: Topics{Fleet: cfg.Fleet, Locker: id}, core: c, db: db, opts: opts, log: log,
		keys: keys, now: opts.Now, cmds: newQueue(), dirty: make(chan struct{}, 1), force: make(chan bool, 1),
		up: make(chan struct{}, 1), healthNow: make(chan struct{}, 1), boot: opts.Boot, confirms: newLatest(),
		certAnswers: newLatest(), renewWake: make(chan struct{}, 1)}
	l.start = l.now()
	l.outbox = newOutbox(l)
	l.refusedLog = limit.New(refusedLogsPerMinute, time.Minute, l.now)
	l.opens = opts.RemoteOpens
	if l.opens == nil {
		l.opens = limit.New(cfg.RemoteOpenPerMinute, time.Minute, l.now)
	}
	db.OnCommit(l.outbox.nudge)
	return l, nil
}

// CheckLockerID says whether id can be a locker's id on the link: it is the
// MQTT client id, the certificate's common name and a topic level.
func CheckLockerID(id string) error {
	if !idRE.MatchString(id) || id == allLockers {
		return fmt.Errorf("the locker id %q must be 1..64 of A-Z a-z 0-9 _ . - (the MQTT client id, the certificate's common name and a topic level)", id)
	}
	return nil
}

// Topics are this locker's topic names.
func (l *Link) Topics() Topics { return l.topics }

// Connected reports whether the broker connection is up now.
func (l *Link) Connected() bool { return l.connected.Load() }

// Ready reports whether the link is up and subscribed to its commands.
func (l *Link) Ready() bool { return l.ready.Load() && l.connected.Load() }

// lastError is the last connection error, nil once connected.
func (l *Link) lastError() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastErr
}

// Acked is the newest seq through which every event has its PUBACK.
func (l *Link) Acked() int64 { return l.outbox.acked.Load() }

func signal[T any](ch chan T, v ...T) {
	var x T
	if len(v) > 0 {
		x = v[0]
	}
	select {
	case ch <- x:
	default:
	}
}

// Run connects and keeps the link up until ctx ends: the outbox, the
// commands and the state messages each have a goroutine, and Run waits for
// all of them. On the way out it says offline and disconnects cleanly.
func (l *Link) Run(ctx context.Context) error {
	if l.boot.N == 0 {
		b, err := StartBoot(ctx, l.db, l.opts.ClockSynced())
		if err != nil {
			return err
		}
		l.boot = b
	}
	if err := l.outbox.load(ctx); err != nil {
		return fmt.Errorf("fleet: %w", err)
	}
	ccfg, err := l.clientConfig()
	if err != nil {
		return err
	}
	// The connection outlives ctx by the goodbye below.
	connCtx, stopConn := context.WithCancel(context.WithoutCancel(ctx))
	defer stopConn()
	cm, err := autopaho.NewConnection(connCtx, ccfg)
	if err != nil {
		return fmt.Errorf("fleet: %w", err)
	}
	l.mu.Lock()
	l.cm = cm
	l.mu.Unlock()
	l.log.Info("fleet link starting", "broker", l.cfg.Broker, "fleet", l.cfg.Fleet, "locker", l.id, "boot", l.boot.N,
		"tls_client_cert", l.cfg.CertFile != "", "reconnect_window", l.cfg.SpreadWindow(), "operator_keys", len(l.keys))
	if len(l.keys) == 0 {
		l.log.Warn("fleet: no operator keys ([operator] public_keys): every command will be refused as unsigned")
	}
	var wg sync.WaitGroup
	wg.Go(func() { l.outbox.run(ctx, cm) })
	wg.Go(func() { l.commandLoop(ctx, cm) })
	wg.Go(func() { l.stateLoop(ctx, cm) })
	wg.Go(func() { l.clockLoop(ctx) })
	wg.Go(func() { l.confirmLoop(ctx) })
	wg.Go(func() { l.renewLoop(ctx) })
	wg.Wait()
	l.goodbye(cm)
	stopConn()
	<-cm.Done()
	return nil
}

// goodbye marks the locker offline before a clean disconnect, which the
// broker does not answer with the Will.
func (l *Link) goodbye(cm *autopaho.ConnectionManager) {
	if !l.connected.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := l.publishJSON(ctx, cm, l.topics.Online(), true, l.online(false), nil); err != nil {
		l.log.Warn("fleet: offline state not published", "err", err)
	}
}

func (l *Link) online(on bool) Online {
	return Online{Locker: l.id, Online: on, Birth: l.birth.Load(), Boot: l.boot.N, At: l.now().UTC(), Version: l.opts.Version}
}

// clockLoop starts a new clock epoch when the clock's synchronisation
// changes, so every later event says so.
func (l *Link) clockLoop(ctx context.Context) {
	synced := l.boot.Synced
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := l.opts.ClockSynced()
		if now == synced {
			continue
		}
		var e storage.ClockEpoch
		err := l.db.Update(ctx, func(tx *storage.Tx) (err error) {
			e, err = tx.AddClockEpoch(l.boot.N, now)
			return err
		})
		if err != nil {
			l.log.Warn("fleet: clock epoch not recorded", "err", err)
			continue
		}
		l.outbox.addEpoch(e)
		l.log.Info("clock synchronisation changed", "synced", now)
		synced = now
	}
}

func (l *Link) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
