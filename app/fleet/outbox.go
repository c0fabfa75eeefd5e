package fleet

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app/carrier"
	"pudo/app/limit"
	"pudo/storage"
)

// publisher is what the link needs of the broker connection;
// *autopaho.ConnectionManager is one.
type publisher interface {
	Publish(ctx context.Context, p *paho.Publish) (*paho.PublishResponse, error)
	AwaitConnection(ctx context.Context) error
}

// outbox sends the event log, oldest unacknowledged first, one event in
// flight at a time: an event counts as sent only on its PUBACK, and after a
// reconnect it starts again from the oldest unacknowledged, so nothing new
// overtakes it. Its cursor lives in the store beside the log; it is saved
// in batches, so a crash resends at most a few acknowledged events, which
// consumers drop by (locker, seq).
type outbox struct {
	l     *Link
	wake  chan struct{}
	acked atomic.Int64 // every event through this seq has its PUBACK
	// gen counts rewinds (resend): a batch read before one stops there.
	gen atomic.Int64
	cur sync.Mutex // orders a rewind and the cursor's moves
	// jumpAt and resume (under cur): a repair's last seq, and where the
	// cursor goes back to once it is sent (zero: no repair).
	jumpAt, resume int64
	saved          int64     // the cursor as last written to the store
	last           time.Time // when it was written
	// reported is the sent count when the outbox last caught up.
	reported int64
	rate     *limit.Bucket

	mu  sync.Mutex // protects eps
	eps epochs     // every clock epoch; they change only at boot and when the clock's sync flips
}

const (
	outboxBatch = 64
	saveEvery   = 500 * time.Millisecond
	// idlePoll is a backstop only: every commit nudges the outbox.
	idlePoll = 30 * time.Second
)

func newOutbox(l *Link) *outbox {
	return &outbox{l: l, wake: make(chan struct{}, 1), rate: limit.New(l.cfg.PublishRate, time.Second, l.now)}
}

// nudge says the log may have grown; the store calls it after each commit.
func (o *outbox) nudge() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *outbox) load(ctx context.Context) error {
	return o.l.db.View(ctx, func(tx *storage.Tx) error {
		v, err := tx.FleetValue(keyAcked)
		o.acked.Store(v)
		o.saved = v
		if err != nil {
			return err
		}
		eps, err := tx.ClockEpochs(0)
		o.mu.Lock()
		o.eps = eps
		o.mu.Unlock()
		return err
	})
}

// addEpoch keeps a new epoch the link itself just recorded.
func (o *outbox) addEpoch(e storage.ClockEpoch) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.eps = append(o.eps, e)
}

func (o *outbox) epochs() epochs {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.eps
}

// run sends until ctx ends, then saves the cursor.
func (o *outbox) run(ctx context.Context, pub publisher) {
	defer o.save(context.WithoutCancel(ctx), true)
	for ctx.Err() == nil {
		if err := pub.AwaitConnection(ctx); err != nil {
			return
		}
		sent, err := o.step(ctx, pub)
		o.save(ctx, sent == 0)
		if sent == 0 && o.l.sent.Load() != o.reported {
			// Caught up: health tells the backlog is gone.
			o.reported = o.l.sent.Load()
			signal(o.l.healthNow)
		}
		if err != nil {
			if ctx.Err() == nil {
				o.l.log.Debug("event not sent; retrying after reconnect", "err", err)
				o.l.sleep(ctx, time.Second)
			}
			continue
		}
		if sent > 0 {
			continue
		}
		select {
		case <-ctx.Done():
		case <-o.wake:
		case <-time.After(idlePoll):
		}
	}
}

// step sends the next batch; it stops at the first event without PUBACK.
func (o *outbox) step(ctx context.Context, pub publisher) (int, error) {
	gen := o.gen.Load()
	evs, eps, err := o.batch(ctx)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	for i, e := range evs {
		if !o.rate.Wait(ctx) {
			return i, ctx.Err()
		}
		body := o.l.eventJSON(e, eps)
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err := pub.Publish(pctx, &paho.Publish{QoS: 1, Topic: o.l.topics.Evt(), Payload: body,
			Properties: &paho.PublishProperties{ContentType: "application/json",
				User: paho.UserProperties{{Key: "seq", Value: strconv.FormatInt(e.Seq, 10)}}}})
		cancel()
		if err != nil {
			return i, err
		}
		if !o.advance(gen, e.Seq) {
			return i + 1, nil // rewound meanwhile: start again from the cursor
		}
		o.l.sent.Add(1)
		if changesDoors(e.Kind) {
			signal(o.l.dirty)
		}
		if o.l.opts.OnSent != nil {
			o.l.opts.OnSent(e.Seq)
		}
		o.save(ctx, false)
	}
	return len(evs), nil
}

func (o *outbox) batch(ctx context.Context) (evs []storage.Event, eps epochs, err error) {
	after := o.acked.Load()
	err = o.l.db.View(ctx, func(tx *storage.Tx) (err error) {
		evs, err = tx.Events(after, outboxBatch)
		return err
	})
	return evs, o.epochs(), err
}

// save writes the cursor when it moved and enough time passed, or at once
// when now is set (idle, or shutting down).
func (o *outbox) save(ctx context.Context, now bool) {
	a := o.acked.Load()
	if a == o.saved || (!now && o.l.now().Sub(o.last) < saveEvery) {
		return
	}
	err := o.l.db.Update(ctx, func(tx *storage.Tx) error { return tx.RaiseFleetValue(keyAcked, a) })
	if err != nil {
		if ctx.Err() == nil {
			o.l.log.Warn("fleet outbox cursor not saved", "seq", a, "err", err)
		}
		return
	}
	o.saved, o.last = a, o.l.now()
}

// changesDoors says whether an event may change state/doors or
// state/capacity; the door state is read again only then.
func changesDoors(kind string) bool {
	for _, p := range []string{"rent.", "door.", "alert.door"} {
		if strings.HasPrefix(kind, p) {
			return true
		}
	}
	return false
}

func (l *Link) eventJSON(e storage.Event, eps epochs) []byte {
	boot, synced := eps.of(e.Seq)
	ev := Event{Fleet: l.cfg.Fleet, Locker: l.id, Seq: e.Seq, Boot: boot, At: e.At, ClockSynced: synced,
		Kind: e.Kind, Actor: e.Actor, RentID: e.RentID, DoorID: e.DoorID, Detail: e.Detail}
	if e.CodeFor != "" {
		sealed := e.CodeSealed != nil
		ev.Carrier, ev.CodeSealed = e.CodeFor, &sealed
		if sealed {
			ev.SealedCode = carrier.Field(e.CodeSealed)
		}
	}
	b, _ := json.Marshal(ev)
	// An event must go out, in its place, within the topic's cap: what
	// does not fit is cut from its free text, never the event left out.
	// Each byte cut takes at least one byte of JSON with it.
	for _, f := range []*string{&ev.Detail, &ev.Actor} {
		if over := len(b) - payloadCap[sufEvt]; over > 0 && *f != "" {
			*f = clipBytes(*f, len(*f)-over-16)
			b, _ = json.Marshal(ev)
		}
	}
	return b
}

// clipBytes cuts s to at most n bytes (a whole rune last) and marks the cut.
func clipBytes(s string, n int) string {
	const mark = "…"
	if len(s) <= n {
		return s
	}
	n = max(n-len(mark), 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + mark
}
