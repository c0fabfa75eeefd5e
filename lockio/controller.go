package lockio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"pudo/lockio/proto"
)

// Controller drives the lock boards on one serial port. One goroutine owns
// the port; the methods hand it requests. Safe for concurrent use.
type Controller struct {
	cfg   Config
	codec proto.Codec
	log   *slog.Logger
	open  opener

	unlocks chan *call    // served before anything else
	control chan *call    // scans, refreshes
	kick    chan struct{} // Reconnect
	events  chan Event
	stop    context.CancelFunc
	done    chan struct{}

	mu      sync.Mutex // protects following
	sensors map[Door]Sensor
	gaps    map[Door]uint64
	reads   map[Door]uint64
	health  Health
	dropped int // events dropped because the consumer lagged
}

// callState moves queued -> taken (by the port goroutine) or queued ->
// abandoned (by a caller whose ctx ended first), never both.
const (
	callQueued uint32 = iota
	callTaken
	callAbandoned
)

type call struct {
	ctx  context.Context
	op   proto.Op // OpUnlock, OpUnlockAll, or opScan / opRefresh
	door Door
	// opScan: the address range
	scanLo, scanHi uint8
	state          atomic.Uint32
	done           chan callResult
}

type callResult struct {
	err   error
	found []BoardFound
}

const (
	opScan proto.Op = 100 + iota
	opRefresh
)

// eventBuffer is generous: a whole 8x24 locker going unknown at once fits.
const eventBuffer = 512

// ErrSimPort: Port "sim" names the demo's emulated boards, which the
// caller starts (package lockio/simbus) before handing Open their pty.
var ErrSimPort = errors.New(`lockio: port "sim" is wired by the caller: start lockio/simbus and pass its path`)

// Open validates cfg and starts the port goroutine on cfg.Port, the
// device path its caller chose. It returns at once: an absent adapter is
// reopened in the background and shows in Health.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Controller, error) {
	if cfg.Port == SimPort {
		return nil, ErrSimPort
	}
	return open(ctx, cfg, log, openSerial)
}

func open(ctx context.Context, cfg Config, log *slog.Logger, op opener) (*Controller, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	codec, _ := proto.ByName(cfg.Protocol)
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Controller{
		cfg: cfg, codec: codec, log: log.With("lock_port", cfg.Port), open: op,
		unlocks: make(chan *call, 64), control: make(chan *call, 8), kick: make(chan struct{}, 1),
		events: make(chan Event, eventBuffer), done: make(chan struct{}),
		sensors: map[Door]Sensor{}, gaps: map[Door]uint64{}, reads: map[Door]uint64{},
		health: Health{Protocol: cfg.Protocol, Port: cfg.Port, State: BusStarting, Since: time.Now()},
	}
	for _, d := range cfg.Doors() {
		c.sensors[d] = SensorUnknown
	}
	for _, b := range cfg.Boards {
		c.health.Boards = append(c.health.Boards, BoardHealth{Address: b.Address})
	}
	// The goroutine outlives Open's ctx: it ends with Close.
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	c.stop = stop
	go c.run(runCtx)
	return c, nil
}

// Close stops the port goroutine, waits for it and closes the port.
func (c *Controller) Close() error {
	c.stop()
	<-c.done
	return nil
}

// Events delivers door events; read it from one goroutine. When the reader
// lags by eventBuffer events the oldest are dropped and logged: the port
// goroutine never waits on the UI. It is closed when Close has stopped
// the goroutine.
func (c *Controller) Events() <-chan Event { return c.events }

// Sensor is the door's debounced state as last polled.
func (c *Controller) Sensor(d Door) Sensor {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sensors[d]
}

// Gaps counts the interruptions of a door's readings since Open: a poll
// or unlock of its board left unanswered, the port lost. The sensor may
// keep its last state through a hiccup; a door that reads closed now,
// but whose Gaps changed since an unlock, may have opened and closed
// unseen meanwhile.
func (c *Controller) Gaps(d Door) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gaps[d]
}

func (c *Controller) gapped(d Door) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gaps[d]++
}

// Reads counts the readings of a door's sensor since Open, one a poll
// its board answered: how often the sensor could have seen the door.
func (c *Controller) Reads(d Door) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads[d]
}

func (c *Controller) read(d Door) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads[d]++
}

// Sensors is a snapshot of every door.
func (c *Controller) Sensors() map[Door]Sensor {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := make(map[Door]Sensor, len(c.sensors))
	for d, s := range c.sensors {
		m[d] = s
	}
	return m
}

// Doors lists the configured doors.
func (c *Controller) Doors() []Door { return c.cfg.Doors() }

// Unlock pulses one door's lock and waits for the board's reply. Errors
// are *Error: errors.Is(err, ErrNotSent) means nothing left the port and a
// retry is safe; errors.Is(err, ErrOutcomeUnknown) means the door may have
// opened and must not be unlocked again without a person deciding so.
// Unlocks go ahead of status polls. Whether the door then opened arrives
// as EventOpened or EventDidNotOpen.
func (c *Controller) Unlock(ctx context.Context, d Door) error {
	b, ok := c.cfg.board(d.Board)
	if !ok || d.Channel < 1 || int(d.Channel) > b.Channels {
		return &Error{Op: "unlock", Door: d, Kind: ErrNotSent, Err: ErrUnknownDoor}
	}
	return c.submit(ctx, c.unlocks, &call{op: proto.OpUnlock, door: d}).err
}

// OpenAll pulses every lock of one board, for emergencies and staff. Not
// every protocol has it (Modbus relay boards do not).
func (c *Controller) OpenAll(ctx context.Context, board uint8) error {
	if _, ok := c.cfg.board(board); !ok {
		return &Error{Op: "unlock-all", Door: Door{Board: board}, Board: true, Kind: ErrNotSent, Err: ErrUnknownDoor}
	}
	if !c.codec.Supports(proto.OpUnlockAll) {
		return &Error{Op: "unlock-all", Door: Door{Board: board}, Board: true, Kind: ErrNotSent, Err: ErrUnsupported}
	}
	return c.submit(ctx, c.unlocks, &call{op: proto.OpUnlockAll, door: Door{Board: board}}).err
}

// Refresh polls every board now and returns when done; Sensor then holds
// fresh readings.
func (c *Controller) Refresh(ctx context.Context) error {
	return c.submit(ctx, c.control, &call{op: opRefresh}).err
}

// Reconnect asks the port goroutine to reopen the port now, e.g. after a
// permission problem was fixed. It does not wait.
func (c *Controller) Reconnect() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *Controller) submit(ctx context.Context, q chan *call, cl *call) callResult {
	cl.ctx, cl.done = ctx, make(chan callResult, 1)
	if err := ctx.Err(); err != nil {
		return callResult{err: c.notSent(cl, err)}
	}
	select {
	case q <- cl:
	case <-ctx.Done():
		return callResult{err: c.notSent(cl, ctx.Err())}
	case <-c.done:
		return callResult{err: c.notSent(cl, ErrClosed)}
	}
	select {
	case r := <-cl.done:
		return r
	case <-ctx.Done():
		if cl.state.CompareAndSwap(callQueued, callAbandoned) {
			return callResult{err: c.notSent(cl, ctx.Err())}
		}
	case <-c.done:
		if cl.state.CompareAndSwap(callQueued, callAbandoned) {
			return callResult{err: c.notSent(cl, ErrClosed)}
		}
	}
	// The port goroutine has it; an exchange is bounded by ReplyTimeout
	// and it answers every call it takes, even when closing.
	return <-cl.done
}

func (c *Controller) notSent(cl *call, err error) error {
	return &Error{Op: opName(cl.op), Door: cl.door, Board: cl.op != proto.OpUnlock, Kind: ErrNotSent, Err: err}
}

func opName(op proto.Op) string {
	switch op {
	case opScan:
		return "scan"
	case opRefresh:
		return "refresh"
	}
	return op.String()
}

func (c *Controller) publish(d Door, s Sensor) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sensors[d] = s
}

// emit never blocks: with the buffer full the oldest event goes.
func (c *Controller) emit(e Event) {
	for {
		select {
		case c.events <- e:
			return
		default:
		}
		select {
		case old := <-c.events:
			c.mu.Lock()
			c.dropped++
			n := c.dropped
			c.mu.Unlock()
			c.log.Warn("lockio: event consumer lagging, dropped oldest event",
				"door", old.Door.String(), "kind", old.Kind.String(), "dropped_total", n)
		default:
		}
	}
}

func (c *Controller) String() string {
	return fmt.Sprintf("lockio(%s on %s)", c.cfg.Protocol, c.cfg.Port)
}
