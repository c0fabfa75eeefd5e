package fleet

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"pudo/app/cred"
	"pudo/storage"
)

// How often a locker asks to be synced: again after syncRetryMin while
// unanswered (doubling up to syncRetryMax), and every resyncEvery anyway.
var (
	syncRetryMin = 5 * time.Second
	syncRetryMax = 5 * time.Minute
	resyncEvery  = 15 * time.Minute
)

// maxVersionsAhead bounds the versions a sync request lists above its
// gap-free one.
const maxVersionsAhead = 500

// stateDebounce lets a burst of changes (a drop-off writes several events)
// go out as one state message.
const stateDebounce = 300 * time.Millisecond

// stateLoop owns the session: on every connection it subscribes, says the
// birth, publishes the state and asks to be synced; between connections it
// republishes the doors and capacity when they change, and health on a
// timer.
func (l *Link) stateLoop(ctx context.Context, cm *autopaho.ConnectionManager) {
	health := time.NewTicker(l.cfg.HealthEvery)
	defer health.Stop()
	// The central side may miss a sync request (it was reconnecting
	// itself): ask again until answered, and now and then anyway.
	resync := time.NewTicker(resyncEvery)
	defer resync.Stop()
	var syncRetry <-chan time.Time
	retryIn := syncRetryMin
	var debounce <-chan time.Time
	// healthLater is a caught-up health held back by the 10s limit: it
	// goes when the limit allows, so status does not show a stale backlog
	// until the next health_every.
	var healthLater <-chan time.Time
	var last struct{ doors, capacity []byte }
	publish := func(all bool) {
		if !l.connected.Load() {
			return
		}
		doors, capacity, err := l.doorState(ctx)
		if err != nil {
			l.log.Warn("fleet: door state not read", "err", err)
			return
		}
		if all || !sameState(last.doors, doors) {
			if l.publishRaw(ctx, cm, l.topics.Doors(), doors) == nil {
				last.doors = doors
			}
		}
		if all || !sameState(last.capacity, capacity) {
			if l.publishRaw(ctx, cm, l.topics.Capacity(), capacity) == nil {
				last.capacity = capacity
			}
		}
		if all {
			l.publishHealth(ctx, cm)
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.up:
			l.sessionUp(ctx, cm)
			publish(true)
			l.synced.Store(false)
			l.requestSync(ctx, cm)
			retryIn = syncRetryMin
			syncRetry = time.After(retryIn)
		case <-syncRetry:
			syncRetry = nil
			if !l.synced.Load() && l.connected.Load() {
				l.requestSync(ctx, cm)
				retryIn = min(2*retryIn, syncRetryMax)
				syncRetry = time.After(retryIn)
			}
		case <-resync.C:
			if l.connected.Load() {
				l.requestSync(ctx, cm)
			}
		case birth := <-l.force:
			if birth {
				l.sayBirth(ctx, cm)
			}
			publish(true)
		case <-l.dirty:
			if debounce == nil {
				debounce = time.After(stateDebounce)
			}
		case <-debounce:
			debounce = nil
			publish(false)
		case <-health.C:
			if l.connected.Load() {
				l.publishHealth(ctx, cm)
			}
		case <-l.healthNow:
			// At most every 10s: a busy locker catches up after each event.
			wait := 10*time.Second - l.now().Sub(l.lastHealth)
			switch {
			case !l.connected.Load():
			case wait < 0:
				l.publishHealth(ctx, cm)
			case healthLater == nil:
				healthLater = time.After(wait)
			}
		case <-healthLater:
			healthLater = nil
			if l.connected.Load() {
				l.publishHealth(ctx, cm)
			}
		}
	}
}

// sameState compares two state messages but for their "at".
func sameState(a, b []byte) bool {
	strip := func(x []byte) []byte {
		var m map[string]json.RawMessage
		if json.Unmarshal(x, &m) != nil {
			return x
		}
		delete(m, "at")
		y, _ := json.Marshal(m)
		return y
	}
	return a != nil && bytes.Equal(strip(a), strip(b))
}

// sessionUp subscribes (again: the broker may have lost the session) and
// says the birth.
func (l *Link) sessionUp(ctx context.Context, cm *autopaho.ConnectionManager) {
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	subs := []paho.SubscribeOptions{
		{Topic: l.topics.base() + sufCmd + "+", QoS: 1},
		{Topic: l.topics.all() + sufCmd + "+", QoS: 1},
		{Topic: l.topics.SyncRes(), QoS: 1},
		{Topic: l.topics.Online(), QoS: 1},
		// The operator's confirmation, retained: the newest comes at once.
		{Topic: l.topics.Confirm(), QoS: 1},
	}
	if l.certs != nil {
		subs = append(subs, paho.SubscribeOptions{Topic: l.topics.CertRes(), QoS: 1})
	}
	sa, err := cm.Subscribe(sctx, &paho.Subscribe{Subscriptions: subs})
	var refused []string
	if sa != nil {
		for i, rc := range sa.Reasons {
			if rc >= 0x80 && i < len(subs) {
				refused = append(refused, fmt.Sprintf("%s (reason %#x)", subs[i].Topic, rc))
			}
		}
	}
	switch {
	case len(refused) > 0:
		l.log.Error("fleet: the broker refused subscriptions; check its ACL (app/central/OPERATING.md gives it)", "topics", refused)
	case err != nil:
		l.log.Warn("fleet: subscribe failed; commands wait for the next connection", "err", err)
	default:
		l.ready.Store(true)
		signal(l.renewWake)
	}
	l.sayBirth(ctx, cm)
}

func (l *Link) sayBirth(ctx context.Context, cm *autopaho.ConnectionManager) {
	if err := l.publishJSON(ctx, cm, l.topics.Online(), true, l.online(true), nil); err != nil {
		l.log.Warn("fleet: birth not published", "err", err)
	}
}

func (l *Link) publishRaw(ctx context.Context, cm *autopaho.ConnectionManager, topic string, body []byte) error {
	if err := l.checkCap(topic, body); err != nil {
		l.log.Error("fleet: state not published", "topic", topic, "err", err)
		return err
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := cm.Publish(pctx, &paho.Publish{QoS: 1, Retain: true, Topic: topic, Payload: body,
		Properties: &paho.PublishProperties{ContentType: "application/json"}})
	if err != nil && ctx.Err() == nil {
		l.log.Debug("fleet: state not published", "topic", topic, "err", err)
	}
	return err
}

// doorState reads the doors once for both state/doors and state/capacity.
func (l *Link) doorState(ctx context.Context) (doors, capacity []byte, err error) {
	ds, err := l.core.DoorStates(ctx)
	if err != nil {
		return nil, nil, err
	}
	at := l.now().UTC()
	d := Doors{Locker: l.id, At: at, Doors: make([]Door, 0, len(ds))}
	c := Capacity{Locker: l.id, At: at, Free: map[string]int{}, Total: map[string]int{}}
	for _, s := range storage.Sizes {
		c.Free[s], c.Total[s] = 0, 0
	}
	for _, x := range ds {
		door := Door{ID: x.Door.ID, Size: string(x.Door.Size), Column: x.Door.Col, Row: x.Door.Row, Low: x.Door.Low,
			State: "free", Sensor: x.Sensor.String(), Fault: x.Faulty()}
		if x.Rent != nil {
			door.State, door.RentID = string(x.Rent.State), x.Rent.ID
		}
		if x.Door.OutOfService {
			door.State = "out_of_service"
		}
		c.Total[door.Size]++
		if door.State == "free" && !x.Faulty() {
			c.Free[door.Size]++
		}
		d.Doors = append(d.Doors, door)
	}
	doors = fitDoors(d)
	capacity, _ = json.Marshal(c)
	return doors, capacity, nil
}

// fitDoors encodes d within the cap of state/doors: a locker with more
// doors than fit lists the first ones and says how many it left out.
func fitDoors(d Doors) []byte {
	b, _ := json.Marshal(d)
	all := len(d.Doors)
	for len(b) > payloadCap[sufDoors] && len(d.Doors) > 0 {
		over := len(b) - payloadCap[sufDoors]
		d.Doors = d.Doors[:max(len(d.Doors)-over/doorBytes-1, 0)]
		d.Omitted = all - len(d.Doors)
		b, _ = json.Marshal(d)
	}
	return b
}

func (l *Link) health(ctx context.Context) Health {
	h := Health{Locker: l.id, At: l.now().UTC(), Boot: l.boot.N, UptimeS: int64(l.now().Sub(l.start) / time.Second),
		Version: l.opts.Version, LockBus: "unknown", Store: "ok", ClockSynced: l.opts.ClockSynced(), AckedSeq: l.outbox.acked.Load(),
		UnauthorizedCommands: l.refused.Load()}
	if l.opts.LockBus != nil {
		h.LockBus = map[bool]string{true: "up", false: "down"}[l.opts.LockBus()]
	}
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		if h.LastSeq, err = tx.LastSeq(); err != nil {
			return err
		}
		h.ConfirmedSeq, err = tx.FleetValue(keyConfirmed)
		return err
	})
	if err != nil {
		h.Store = "failing"
	}
	if ds, err := l.core.DoorStates(ctx); err == nil {
		for _, d := range ds {
			if d.Faulty() {
				h.Faults++
			}
		}
	}
	if list, err := l.core.Revocations(ctx); err == nil {
		h.RevocationVersion = list.Version
	} else {
		h.Store = "failing"
	}
	return h
}

func (l *Link) publishHealth(ctx context.Context, cm *autopaho.ConnectionManager) {
	l.lastHealth = l.now()
	if err := l.publishJSON(ctx, cm, l.topics.Health(), true, l.health(ctx), nil); err != nil && ctx.Err() == nil {
		l.log.Debug("fleet: health not published", "err", err)
	}
}

// requestSync tells the central side how far this locker got, so it can
// resend what the broker may have dropped while the locker was away.
func (l *Link) requestSync(ctx context.Context, cm *autopaho.ConnectionManager) {
	req := SyncRequest{RequestID: newID(), Locker: l.id, Boot: l.boot.N, Birth: l.birth.Load()}
	err := l.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if req.BookingVersion, err = tx.FleetValue("booking_through"); err != nil {
			return err
		}
		if req.VersionsAhead, err = tx.VersionsAhead(); err != nil {
			return err
		}
		// Within the topic's cap: a version left out is only resent, and
		// a duplicate is answered, not applied.
		req.VersionsAhead = req.VersionsAhead[:min(len(req.VersionsAhead), maxVersionsAhead)]
		ms, err := tx.FleetValue(keyCursor)
		if ms > 0 {
			req.CommandCursor = time.UnixMilli(ms).UTC()
		}
		if err != nil {
			return err
		}
		req.LastSeq, err = tx.LastSeq()
		return err
	})
	if err == nil {
		var list cred.Revocations
		list, err = l.core.Revocations(ctx)
		req.RevocationVersion = list.Version
	}
	if err != nil {
		l.log.Warn("fleet: sync request not made", "err", err)
		return
	}
	l.syncID.Store(req.RequestID)
	if err := l.publishJSON(ctx, cm, l.topics.SyncReq(), false, req, nil); err != nil && ctx.Err() == nil {
		l.log.Warn("fleet: sync request not sent", "err", err)
	}
}

// takeSync queues the commands the central side resent; each goes the way
// of any command, so a duplicate is answered, not applied. Only the answer
// to the last request ends the asking: an older one (queued at the broker
// across a reconnect, or sent late by a busy central side) may predate
// what this connection needs resent. ack acknowledges the sync answer: it
// is called once the last of its commands is answered (at once when it
// holds none or is not JSON).
func (l *Link) takeSync(payload []byte, ack func()) {
	var res SyncResponse
	if err := json.Unmarshal(payload, &res); err != nil {
		l.log.Warn("fleet: sync answer is not JSON", "err", err)
		ack()
		return
	}
	if id, _ := l.syncID.Load().(string); id != "" && res.RequestID == id {
		l.synced.Store(true)
	} else {
		l.log.Debug("fleet: sync answer to an earlier request", "request", res.RequestID)
	}
	if len(res.Commands) == 0 {
		ack()
		return
	}
	var left atomic.Int64
	left.Store(int64(len(res.Commands)))
	answered := func() {
		if left.Add(-1) == 0 {
			ack()
		}
	}
	for _, c := range res.Commands {
		l.cmds.push(inbound{name: c.Name, payload: c.Command, size: len(c.Command), ack: answered, fromSync: true, fleetWide: c.FleetWide})
	}
	l.log.Info("fleet: commands resent by the central side", "count", len(res.Commands))
}

// newID is a random 128-bit id in hex.
func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
