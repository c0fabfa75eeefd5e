// Package sim is a light simulated locker for central's fault tests and
// benchmarks: one MQTT connection speaking the real topics and payloads
// (birth and Will, health, events one in flight from the oldest
// unacknowledged, resend, confirm), with its event log in memory, so
// thousands fit in one process where the real kiosk's link needs a store
// each.
package sim

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"pudo/app/cred"
	"pudo/app/fleet"
)

// Config is one simulated locker.
type Config struct {
	Broker *url.URL
	Fleet  string
	ID     string
	TLS    *tls.Config
	// Spread is the largest random wait before reconnecting after a lost
	// connection (the kiosk's reconnect_spread).
	Spread time.Duration
	// Keys verify the operator's confirmations and resends; nil: trusted
	// unchecked (benchmarks).
	Keys []cred.PublicKey
	// OnUp hears each connection (the reconnect curve).
	OnUp func(id string, at time.Time)
}

// Locker is one simulated locker. Commit adds events; Run connects.
type Locker struct {
	cfg  Config
	wake chan struct{}
	up   atomic.Bool

	mu        sync.Mutex // protects following
	last      int64      // events committed
	acked     int64      // every event through this has its PUBACK
	confirmed int64      // the operator's confirmation
	times     map[int64]time.Time
	birth     int64
	lie       bool
	resends   int
	// fixFrom..fixTo is a hole the operator asked for again, sent before
	// the log goes on (fixTo zero or below fixFrom: none).
	fixFrom, fixTo int64
}

// New makes a locker with no events.
func New(cfg Config) *Locker {
	return &Locker{cfg: cfg, wake: make(chan struct{}, 1), times: map[int64]time.Time{}}
}

// ID is the locker's id.
func (l *Locker) ID() string { return l.cfg.ID }

// Commit adds n events to the log, as the kiosk's store would.
func (l *Locker) Commit(n int) {
	now := time.Now()
	l.mu.Lock()
	for range n {
		l.last++
		l.times[l.last] = now
	}
	l.mu.Unlock()
	l.nudge()
}

// Lie makes the next events name another locker in their body.
func (l *Locker) Lie(on bool) {
	l.mu.Lock()
	l.lie = on
	l.mu.Unlock()
}

// Counts are the log's cursors.
func (l *Locker) Counts() (last, acked, confirmed int64, resends int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last, l.acked, l.confirmed, l.resends
}

// CommittedAt is when seq was committed (zero once confirmed).
func (l *Locker) CommittedAt(seq int64) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.times[seq]
}

// Up says whether the locker is connected.
func (l *Locker) Up() bool { return l.up.Load() }

func (l *Locker) nudge() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *Locker) topics() fleet.Topics { return fleet.Topics{Fleet: l.cfg.Fleet, Locker: l.cfg.ID} }

// Run keeps the locker connected and publishing until ctx ends.
func (l *Locker) Run(ctx context.Context) error {
	t := l.topics()
	var everUp atomic.Bool
	ac := autopaho.ClientConfig{
		ServerUrls: []*url.URL{l.cfg.Broker}, TlsCfg: l.cfg.TLS, KeepAlive: 60,
		CleanStartOnInitialConnection: false, SessionExpiryInterval: 3600,
		ConnectTimeout: 30 * time.Second,
		ReconnectBackoff: func(n int) time.Duration {
			if n == 0 {
				if !everUp.Load() || l.cfg.Spread <= 0 {
					return 0
				}
				return rand.N(l.cfg.Spread)
			}
			b := min(time.Second<<min(n, 5), 20*time.Second)
			return b/2 + rand.N(b/2+1)
		},
		WillMessage: &paho.WillMessage{Topic: t.Online(), QoS: 1, Retain: true},
		ConnectPacketBuilder: func(cp *paho.Connect, _ *url.URL) (*paho.Connect, error) {
			l.mu.Lock()
			l.birth++
			b := l.birth
			l.mu.Unlock()
			cp.WillMessage.Payload, _ = json.Marshal(fleet.Online{Locker: l.cfg.ID, Online: false, Birth: b, Boot: 1})
			return cp, nil
		},
		OnConnectionUp: func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
			everUp.Store(true)
			l.up.Store(true)
			if l.cfg.OnUp != nil {
				l.cfg.OnUp(l.cfg.ID, time.Now())
			}
			go l.session(ctx, cm)
		},
		OnConnectionDown: func() bool { l.up.Store(false); return true },
		ClientConfig: paho.ClientConfig{
			ClientID:          l.cfg.ID,
			OnPublishReceived: []func(paho.PublishReceived) (bool, error){l.route},
		},
	}
	cctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	cm, err := autopaho.NewConnection(cctx, ac)
	if err != nil {
		return err
	}
	l.outbox(ctx, cm)
	dctx, cancel := context.WithTimeout(context.Background(), time.Second)
	cm.Disconnect(dctx)
	cancel()
	stop()
	<-cm.Done()
	return nil
}

// session subscribes and says the birth and health on each connection.
func (l *Locker) session(ctx context.Context, cm *autopaho.ConnectionManager) {
	t := l.topics()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cm.Subscribe(sctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{
		{Topic: t.Cmd("+"), QoS: 1}, {Topic: t.Confirm(), QoS: 1}}})
	l.mu.Lock()
	b := l.birth
	l.mu.Unlock()
	body, _ := json.Marshal(fleet.Online{Locker: l.cfg.ID, Online: true, Birth: b, Boot: 1, At: time.Now().UTC()})
	cm.Publish(sctx, &paho.Publish{QoS: 1, Retain: true, Topic: t.Online(), Payload: body})
	l.PublishHealth(sctx, cm)
	l.nudge()
}

// PublishHealth publishes state/health with the log's cursors.
func (l *Locker) PublishHealth(ctx context.Context, cm *autopaho.ConnectionManager) {
	l.mu.Lock()
	h := fleet.Health{Locker: l.cfg.ID, At: time.Now().UTC(), Boot: 1, LockBus: "up", Store: "ok", ClockSynced: true,
		LastSeq: l.last, AckedSeq: l.acked, ConfirmedSeq: l.confirmed}
	l.mu.Unlock()
	body, _ := json.Marshal(h)
	cm.Publish(ctx, &paho.Publish{QoS: 1, Retain: true, Topic: l.topics().Health(), Payload: body})
}

// outbox publishes the log one event in flight, from the oldest without
// PUBACK, as the kiosk's outbox does.
func (l *Locker) outbox(ctx context.Context, cm *autopaho.ConnectionManager) {
	t := l.topics()
	for ctx.Err() == nil {
		if err := cm.AwaitConnection(ctx); err != nil {
			return
		}
		l.mu.Lock()
		seq, have, lie := l.acked+1, l.acked < l.last, l.lie
		fix := l.fixTo > 0 && l.fixFrom <= l.fixTo
		if fix {
			seq, have = l.fixFrom, true
		}
		at := l.times[seq]
		l.mu.Unlock()
		if !have {
			select {
			case <-ctx.Done():
				return
			case <-l.wake:
			case <-time.After(5 * time.Second):
			}
			continue
		}
		who := l.cfg.ID
		if lie {
			who = "SOMEONE-ELSE"
		}
		body, _ := json.Marshal(fleet.Event{Fleet: l.cfg.Fleet, Locker: who, Seq: seq, Boot: 1, At: at.UTC(), ClockSynced: true,
			Kind: kinds[seq%int64(len(kinds))], Actor: "system", DoorID: seq%24 + 1})
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err := cm.Publish(pctx, &paho.Publish{QoS: 1, Topic: t.Evt(), Payload: body,
			Properties: &paho.PublishProperties{User: paho.UserProperties{{Key: "seq", Value: strconv.FormatInt(seq, 10)}}}})
		cancel()
		if err != nil {
			continue // after the reconnect, from the oldest without PUBACK
		}
		l.mu.Lock()
		switch {
		case fix:
			if l.fixFrom == seq {
				l.fixFrom++
			}
		case l.acked == seq-1: // a resend may have moved the cursor back meanwhile
			l.acked = seq
		}
		l.mu.Unlock()
	}
}

var kinds = []string{"door.opened", "door.closed", "courier.login", "door.open.intent", "door.open"}

// route takes the operator's confirmations and resend commands.
func (l *Locker) route(pr paho.PublishReceived) (bool, error) {
	p := pr.Packet
	t := l.topics()
	switch p.Topic {
	case t.Confirm():
		var c fleet.Confirm
		if json.Unmarshal(p.Payload, &c) != nil || (l.cfg.Keys != nil && !fleet.VerifyConfirm(l.cfg.Keys, l.cfg.Fleet, l.cfg.ID, c)) {
			return true, nil
		}
		l.mu.Lock()
		if c.Through > l.confirmed && c.Through <= l.last {
			for q := l.confirmed + 1; q <= c.Through; q++ {
				delete(l.times, q)
			}
			l.confirmed = c.Through
		}
		l.mu.Unlock()
	default:
		name, ok := strings.CutPrefix(p.Topic, t.Cmd(""))
		if !ok {
			return true, nil
		}
		var c fleet.Command
		if json.Unmarshal(p.Payload, &c) != nil {
			return true, nil
		}
		if name == "resend" && c.FromSeq >= 1 {
			l.mu.Lock()
			// Only what the operator has not confirmed can be sent again:
			// the rest is gone from the log.
			from := max(c.FromSeq, l.confirmed+1)
			switch {
			case c.ToSeq > 0 && c.ToSeq < l.acked:
				// A hole: sent again, then the log goes on where it was.
				l.fixFrom, l.fixTo = from, c.ToSeq
			case from-1 < l.acked:
				l.acked = from - 1
				l.fixFrom, l.fixTo = 0, 0
			}
			l.resends++
			l.mu.Unlock()
			l.nudge()
		}
		// The answer goes where the command asked, within this locker's
		// tree, as the kiosk's link does.
		resTopic := t.Res()
		if p.Properties != nil && strings.HasPrefix(p.Properties.ResponseTopic, t.Res()) {
			resTopic = p.Properties.ResponseTopic
		}
		res, _ := json.Marshal(fleet.Result{CommandID: c.CommandID, Name: name, Locker: l.cfg.ID, Status: fleet.StatusOK, At: time.Now().UTC()})
		go pr.Client.Publish(context.Background(), &paho.Publish{QoS: 1, Topic: resTopic, Payload: res})
	}
	return true, nil
}

// String names the locker in a test's message.
func (l *Locker) String() string {
	last, acked, confirmed, resends := l.Counts()
	return fmt.Sprintf("%s(last %d, acked %d, confirmed %d, resends %d)", l.cfg.ID, last, acked, confirmed, resends)
}
