package link

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"pudo/app/central/store"
	"pudo/app/fleet"
)

// topicRoot is the first two levels of every topic of the link.
const topicRoot = "pudo/v1"

// maxPacket is the largest message the broker may send an instance, the
// link's own bound: the broker drops a larger one for this client instead
// of sending it, so one locker flooding its retained state costs nothing
// here.
const maxPacket = fleet.MaxPacket

// Stats are an instance's counts since it started.
type Stats struct {
	Events, Duplicates, Refused, Malformed, Batches atomic.Int64
	States, Results, Syncs, Confirms, Resends       atomic.Int64
	// Lag is the nanoseconds from the locker's event time to its commit,
	// of the last batch's newest event (the locker's clock: a guide only).
	Lag atomic.Int64
}

// Ingest is one central instance's consumer. Make it with New and Run it.
type Ingest struct {
	cfg Config
	st  *store.Store
	log *slog.Logger
	q   queue
	// reply opens the sealed secrets of the answers to central's bookings.
	reply fleet.ReplyKey
	// Stats counts what this instance did.
	Stats Stats
	// OnBatch, when set, hears every committed batch (benchmarks).
	OnBatch func(store.Batch)

	mu      sync.Mutex // protects dirty, cm and waiters
	dirty   map[string]bool
	waiters map[string]chan fleet.Result
	cm      *autopaho.ConnectionManager
	up      atomic.Bool
	ready   atomic.Bool // connected and subscribed
}

// New builds an instance; nothing connects yet.
func New(cfg Config, st *store.Store, log *slog.Logger) (*Ingest, error) {
	cfg = cfg.withDefaults()
	if _, err := brokerURL(cfg.Broker); err != nil {
		return nil, err
	}
	if !idRE(cfg.Fleet) {
		return nil, fmt.Errorf("fleet %q is not a fleet name (A-Z a-z 0-9 _ . -)", cfg.Fleet)
	}
	in := &Ingest{cfg: cfg, st: st, log: log, q: newQueue(), dirty: map[string]bool{}, waiters: map[string]chan fleet.Result{}}
	if !cfg.Key.Public().IsZero() {
		in.reply = fleet.NewReplyKey(cfg.Key)
	}
	return in, nil
}

func idRE(s string) bool {
	if s == "" || len(s) > 64 || s == store.AllLockers {
		return false
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || (i > 0 && (r == '_' || r == '.' || r == '-'))
		if !ok {
			return false
		}
	}
	return true
}

// Connected says whether the broker connection is up.
func (in *Ingest) Connected() bool { return in.up.Load() }

// Ready says whether the instance is connected and subscribed.
func (in *Ingest) Ready() bool { return in.ready.Load() && in.up.Load() }

// filters are the shared subscriptions: the instances of a group split
// every locker's messages among them.
func (in *Ingest) filters() []string {
	base := "$share/" + in.cfg.Group + "/" + topicRoot + "/" + in.cfg.Fleet + "/+/"
	fs := []string{base + "evt", base + "state/#", base + "res", base + "sync/req",
		// Answers to this instance's own commands come to it alone.
		topicRoot + "/" + in.cfg.Fleet + "/+/res/" + in.cfg.ClientID()}
	if in.cfg.CA != nil {
		fs = append(fs, base+sufCertReq)
	}
	return fs
}

// Run connects and ingests until ctx ends; it waits for its goroutines.
func (in *Ingest) Run(ctx context.Context) error {
	u, _ := brokerURL(in.cfg.Broker)
	tc, err := TLSConfig(in.cfg.CAFile, in.cfg.CertFile, in.cfg.KeyFile, u.Hostname())
	if err != nil {
		return err
	}
	rm, mp := in.cfg.ReceiveMaximum, uint32(maxPacket)
	ac := autopaho.ClientConfig{
		ServerUrls: []*url.URL{u}, TlsCfg: tc, KeepAlive: 30,
		CleanStartOnInitialConnection: false,
		SessionExpiryInterval:         uint32(in.cfg.SessionExpiry / time.Second),
		ConnectTimeout:                15 * time.Second,
		ReconnectBackoff:              autopaho.NewExponentialBackoff(200*time.Millisecond, 10*time.Second, 500*time.Millisecond, 2),
		ConnectUsername:               in.cfg.Username,
		ConnectPassword:               []byte(in.cfg.Password),
		ConnectPacketBuilder: func(cp *paho.Connect, _ *url.URL) (*paho.Connect, error) {
			cp.Properties.ReceiveMaximum = &rm
			cp.Properties.MaximumPacketSize = &mp
			return cp, nil
		},
		OnConnectionUp: func(cm *autopaho.ConnectionManager, ca *paho.Connack) {
			in.up.Store(true)
			in.log.Info("central: broker connection up", "client_id", in.cfg.ClientID(), "session_present", ca.SessionPresent)
			go in.subscribe(ctx, cm)
		},
		OnConnectionDown: func() bool {
			in.up.Store(false)
			in.ready.Store(false)
			in.log.Warn("central: broker connection down; reconnecting")
			return true
		},
		OnConnectError: func(err error) {
			in.log.Warn("central: cannot connect to the broker", "broker", in.cfg.Broker, "err", Explain(err))
		},
		ClientConfig: paho.ClientConfig{
			ClientID:                   in.cfg.ClientID(),
			OnPublishReceived:          []func(paho.PublishReceived) (bool, error){in.route},
			EnableManualAcknowledgment: true,
			SendAcksInterval:           5 * time.Millisecond,
			OnClientError:              func(err error) { in.log.Debug("central: client error", "err", err) },
		},
	}
	cctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	cm, err := autopaho.NewConnection(cctx, ac)
	if err != nil {
		return err
	}
	in.mu.Lock()
	in.cm = cm
	in.mu.Unlock()
	var wg sync.WaitGroup
	wg.Go(func() { in.work(ctx) })
	wg.Go(func() { in.confirmLoop(ctx, cm) })
	wg.Go(func() { in.gapLoop(ctx, cm) })
	wg.Wait()
	dctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	cm.Disconnect(dctx)
	cancel()
	stop()
	<-cm.Done()
	return nil
}

func (in *Ingest) subscribe(ctx context.Context, cm *autopaho.ConnectionManager) {
	var subs []paho.SubscribeOptions
	for _, f := range in.filters() {
		subs = append(subs, paho.SubscribeOptions{Topic: f, QoS: 1})
	}
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	sa, err := cm.Subscribe(sctx, &paho.Subscribe{Subscriptions: subs})
	if err != nil {
		in.log.Warn("central: subscribe failed", "err", err)
		return
	}
	ok := true
	for i, rc := range sa.Reasons {
		if rc >= 0x80 {
			ok = false
			in.log.Error("central: the broker refused a subscription: its ACL does not give this identity the fleet", "topic", subs[i].Topic, "reason", rc)
		}
	}
	in.ready.Store(ok)
}

// msg is one message as it came, with its acknowledgement.
type msg struct {
	locker, rest string
	payload      []byte
	ack          func()
}

// route takes every message on paho's goroutine and only queues it: the
// worker acknowledges it once what it carries is committed.
func (in *Ingest) route(pr paho.PublishReceived) (bool, error) {
	p, c := pr.Packet, pr.Client
	ack := func() {
		select {
		case <-c.Done():
			// That connection is gone: the broker sends the message again
			// on the next, and the store drops it as a duplicate.
		default:
			c.Ack(p)
		}
	}
	locker, rest, ok := splitTopic(in.cfg.Fleet, p.Topic)
	if !ok {
		in.Stats.Malformed.Add(1)
		ack()
		return true, nil
	}
	in.q.push(msg{locker: locker, rest: rest, payload: p.Payload, ack: ack})
	return true, nil
}

// splitTopic returns the locker level of a topic under pudo/v1/{fleet}/.
func splitTopic(fleetName, topic string) (locker, rest string, ok bool) {
	r, ok := strings.CutPrefix(topic, topicRoot+"/"+fleetName+"/")
	if !ok {
		return "", "", false
	}
	locker, rest, ok = strings.Cut(r, "/")
	return locker, rest, ok && idRE(locker)
}

// work stores batches until ctx ends. A batch the store cannot take is
// kept and tried again (its messages stay unacknowledged), so a database
// restart loses nothing.
func (in *Ingest) work(ctx context.Context) {
	wait := 100 * time.Millisecond
	for {
		batch, ok := in.q.take(ctx, in.cfg.BatchMax, in.cfg.BatchWait)
		if !ok {
			return
		}
		for {
			after, err := in.process(ctx, batch)
			if err == nil {
				for _, m := range batch {
					m.ack()
				}
				after()
				wait = 100 * time.Millisecond
				break
			}
			if ctx.Err() != nil {
				return
			}
			if in.st.Ping(ctx) == nil {
				// The database answers, so the batch holds a message it
				// refuses: each goes alone, and one refused alone is set
				// aside (logged, counted, acknowledged), never left to
				// stop the locker's others behind it.
				in.oneByOne(ctx, batch)
				break
			}
			in.log.Warn("central: batch not stored; trying again", "messages", len(batch), "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, 5*time.Second)
		}
	}
}

// oneByOne stores a batch a message at a time after the batch failed.
func (in *Ingest) oneByOne(ctx context.Context, batch []msg) {
	for _, m := range batch {
		for {
			after, err := in.process(ctx, []msg{m})
			if err == nil {
				m.ack()
				after()
				break
			}
			if ctx.Err() != nil {
				return
			}
			if in.st.Ping(ctx) == nil {
				in.Stats.Malformed.Add(1)
				in.log.Error("central: a message the database refuses is set aside", "locker", m.locker, "topic", m.rest, "err", err)
				m.ack()
				break
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}
}

// process stores one batch and returns what to do once it is
// acknowledged (answer sync requests).
func (in *Ingest) process(ctx context.Context, batch []msg) (func(), error) {
	var evs []store.Event
	var refused = map[string]int{}
	var syncs []fleet.SyncRequest
	var renewals []msg
	var others []msg
	var answers []fleet.Result
	for _, m := range batch {
		switch m.rest {
		case "evt":
			e, err := decodeEvent(m)
			switch {
			case err == errOtherLocker:
				refused[m.locker]++
			case err != nil:
				in.Stats.Malformed.Add(1)
				in.log.Warn("central: event refused", "locker", m.locker, "err", err)
			default:
				evs = append(evs, e)
			}
		case "sync/req":
			var r fleet.SyncRequest
			if json.Unmarshal(m.payload, &r) != nil {
				in.Stats.Malformed.Add(1)
				continue
			}
			if r.Locker != m.locker {
				refused[m.locker]++
				continue
			}
			syncs = append(syncs, r)
		case sufCertReq:
			if in.cfg.CA != nil {
				renewals = append(renewals, m)
			}
		case "res/" + in.cfg.ClientID():
			var r fleet.Result
			if json.Unmarshal(m.payload, &r) == nil && r.Locker == m.locker {
				if err := in.reply.Open(&r); err != nil {
					in.log.Warn("central: a booking's sealed answer does not open with the operator's key", "locker", m.locker, "command", r.CommandID)
				}
				answers = append(answers, r)
			}
			m.rest = "res"
			others = append(others, m)
		default:
			others = append(others, m)
		}
	}
	b, err := in.st.StoreEvents(ctx, evs)
	if err != nil {
		return nil, err
	}
	for _, m := range others {
		if err := in.other(ctx, m, refused); err != nil {
			return nil, err
		}
	}
	for l, n := range refused {
		if err := in.st.CountRefused(ctx, l, n); err != nil {
			return nil, err
		}
		in.log.Warn("central: message naming another locker refused", "topic_locker", l, "count", n)
	}
	if b.FarAhead > 0 {
		in.Stats.Refused.Add(int64(b.FarAhead))
		in.log.Warn("central: events far ahead of what is stored refused (conflict alert raised)", "count", b.FarAhead)
	}
	in.Stats.Events.Add(int64(b.Stored))
	in.Stats.Duplicates.Add(int64(b.Duplicates))
	for _, n := range refused {
		in.Stats.Refused.Add(int64(n))
	}
	in.Stats.Batches.Add(1)
	if len(evs) > 0 {
		in.Stats.Lag.Store(int64(in.cfg.Now().Sub(evs[len(evs)-1].At)))
	}
	in.mu.Lock()
	for _, c := range b.Cursors {
		in.dirty[c.Locker] = true
	}
	in.mu.Unlock()
	if in.OnBatch != nil {
		in.OnBatch(b)
	}
	return func() {
		for _, r := range syncs {
			in.answerSync(ctx, r)
		}
		for _, m := range renewals {
			in.renew(ctx, m.locker, m.payload)
		}
		for _, r := range answers {
			in.hand(r)
		}
	}, nil
}

// errOtherLocker is a body that names another locker than its topic, or
// none.
var errOtherLocker = fmt.Errorf("the body names another locker than the topic")

func decodeEvent(m msg) (store.Event, error) {
	var e fleet.Event
	if err := json.Unmarshal(m.payload, &e); err != nil {
		return store.Event{}, fmt.Errorf("not an event: %w", err)
	}
	// A body naming no locker is refused like one naming another: central
	// keeps the body as it came, and whoever reads it later (a carrier
	// opening a sealed code, the shop feed) would take the locker from
	// elsewhere, such as the sealed box a forger made for another locker.
	if e.Locker != m.locker {
		return store.Event{}, errOtherLocker
	}
	if e.Seq < 1 || e.Kind == "" || len(e.Kind) > 64 || e.At.IsZero() {
		return store.Event{}, fmt.Errorf("event without seq, kind or at")
	}
	return store.Event{Locker: m.locker, Seq: e.Seq, At: e.At, Boot: e.Boot, ClockSynced: e.ClockSynced, Kind: e.Kind,
		Actor: e.Actor, RentID: e.RentID, DoorID: e.DoorID, Detail: e.Detail, Body: m.payload}, nil
}

// other stores a state message or a result.
func (in *Ingest) other(ctx context.Context, m msg, refused map[string]int) error {
	var who struct {
		Locker string `json:"locker"`
	}
	if json.Unmarshal(m.payload, &who) != nil {
		in.Stats.Malformed.Add(1)
		return nil
	}
	if who.Locker != m.locker {
		refused[m.locker]++
		return nil
	}
	switch m.rest {
	case "state/online":
		var o fleet.Online
		if json.Unmarshal(m.payload, &o) != nil {
			in.Stats.Malformed.Add(1)
			return nil
		}
		in.Stats.States.Add(1)
		_, err := in.st.SetOnline(ctx, m.locker, store.Online{Online: o.Online, Birth: o.Birth, Boot: o.Boot, Version: o.Version, At: o.At, Body: m.payload})
		return err
	case "state/health", "state/doors", "state/capacity":
		in.Stats.States.Add(1)
		return in.st.SetState(ctx, m.locker, strings.TrimPrefix(m.rest, "state/"), m.payload)
	case "res":
		var r fleet.Result
		if json.Unmarshal(m.payload, &r) != nil {
			in.Stats.Malformed.Add(1)
			return nil
		}
		in.Stats.Results.Add(1)
		return in.st.SetResult(ctx, resultRow(m.locker, r))
	}
	return nil
}

// resultRow keeps a result without its pickup code or QR, even sealed:
// the code is shown once to whoever booked, never stored.
func resultRow(locker string, r fleet.Result) store.Result {
	r.PickupCode, r.QR, r.Sealed = "", "", ""
	body, _ := json.Marshal(r)
	return store.Result{CommandID: r.CommandID, Locker: locker, Name: r.Name, Status: r.Status, Error: r.Error,
		BookingID: r.BookingID, RentID: r.RentID, DoorID: r.DoorID, Body: body}
}
