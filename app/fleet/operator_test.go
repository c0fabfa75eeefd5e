package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"pudo/app/cred"
)

// OperatorConfig is how the operator's side (pudo fleet, the sync server,
// tests) reaches the broker.
type OperatorConfig struct {
	Broker   string
	Fleet    string
	CAFile   string
	CertFile string
	KeyFile  string
	Username string
	Password string
	// ClientID defaults to pudo-fleet-<random>.
	ClientID string
	// SessionExpiry above zero keeps a session while away (the sync server).
	SessionExpiry time.Duration
	// SigningKey, when set, signs every command Command and CommandAll
	// send that is not signed yet: a locker takes no other.
	SigningKey *cred.PrivateKey
}

// Operator is a connection of the operator's side: it sends commands and
// waits for their results, and hears events and state.
type Operator struct {
	cfg  OperatorConfig
	cm   *autopaho.ConnectionManager
	log  *slog.Logger
	stop context.CancelFunc

	mu      sync.Mutex // protects following
	waiters map[string]chan Result
	// collectors hear every locker's result of a fleet-wide command.
	collectors map[string]func(Result)
	handlers   []func(*paho.Publish)
	subbed     map[string]bool
}

// ErrBroker is a connection failure, said in terms of what to fix.
var ErrBroker = errors.New("fleet: broker")

// Dial connects to the broker, failing at the first refused attempt so a
// wrong address, certificate or password is said at once. ctx bounds the
// wait; the connection lasts until Close.
func Dial(ctx context.Context, cfg OperatorConfig, log *slog.Logger) (*Operator, error) {
	u, err := brokerURL(cfg.Broker)
	if err != nil {
		return nil, fmt.Errorf("%w: --broker %v", ErrBroker, err)
	}
	if cfg.Fleet == "" {
		cfg.Fleet = DefaultConfig().Fleet
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "pudo-fleet-" + newID()[:12]
	}
	tc, err := tlsConfig(cfg.CAFile, cfg.CertFile, cfg.KeyFile, u.Hostname())
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrBroker, strings.TrimPrefix(err.Error(), "fleet: "))
	}
	o := &Operator{cfg: cfg, log: log, waiters: map[string]chan Result{}, collectors: map[string]func(Result){}, subbed: map[string]bool{}}
	failed := make(chan error, 1)
	ac := autopaho.ClientConfig{
		ServerUrls: []*url.URL{u}, TlsCfg: tc, KeepAlive: 30,
		CleanStartOnInitialConnection: cfg.SessionExpiry == 0,
		SessionExpiryInterval:         uint32(cfg.SessionExpiry / time.Second),
		ConnectTimeout:                10 * time.Second,
		ReconnectBackoff:              autopaho.NewConstantBackoff(time.Second),
		ConnectUsername:               cfg.Username,
		ConnectPassword:               []byte(cfg.Password),
		OnConnectError: func(err error) {
			select {
			case failed <- err:
			default:
			}
		},
		OnConnectionUp: func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
			go o.resubscribe(cm)
		},
		ClientConfig: paho.ClientConfig{ClientID: cfg.ClientID, OnPublishReceived: []func(paho.PublishReceived) (bool, error){o.route}},
		// One locker's oversized message must not cost the operator's side
		// its memory: the broker drops it for this client instead.
		ConnectPacketBuilder: func(cp *paho.Connect, _ *url.URL) (*paho.Connect, error) {
			mp := uint32(MaxPacket)
			if cp.Properties == nil {
				cp.Properties = &paho.ConnectProperties{}
			}
			cp.Properties.MaximumPacketSize = &mp
			return cp, nil
		},
	}
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	cm, err := autopaho.NewConnection(cctx, ac)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%w: %v", ErrBroker, err)
	}
	o.cm = cm
	up := make(chan error, 1)
	go func() { up <- cm.AwaitConnection(ctx) }()
	select {
	case err := <-up:
		if err == nil {
			o.stop = cancel
			return o, nil
		}
		cancel()
		return nil, err
	case err := <-failed:
		cancel()
		<-cm.Done()
		return nil, fmt.Errorf("%w %s: %s", ErrBroker, cfg.Broker, explain(err))
	}
}

// Close disconnects.
func (o *Operator) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	o.cm.Disconnect(ctx)
	o.stop()
}

// Fleet is the fleet this connection speaks for.
func (o *Operator) Fleet() string { return o.cfg.Fleet }

// OnMessage adds fn to hear every message of the subscriptions. fn runs on
// paho's goroutine and must not block.
func (o *Operator) OnMessage(fn func(*paho.Publish)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.handlers = append(o.handlers, fn)
}

func (o *Operator) route(pr paho.PublishReceived) (bool, error) {
	p := pr.Packet
	if _, rest, ok := lockerOf(o.cfg.Fleet, p.Topic); ok && rest == sufRes {
		var r Result
		if json.Unmarshal(p.Payload, &r) == nil {
			id := r.CommandID
			if id == "" && p.Properties != nil {
				// A command the locker could not read (too large, not
				// JSON) is answered without its id: the correlation data
				// says which.
				id = string(p.Properties.CorrelationData)
			}
			o.mu.Lock()
			ch, collect := o.waiters[id], o.collectors[id]
			o.mu.Unlock()
			if collect != nil {
				collect(r)
			}
			if ch != nil {
				select {
				case ch <- r:
				default:
				}
			}
		}
	}
	o.mu.Lock()
	hs := append([]func(*paho.Publish){}, o.handlers...)
	o.mu.Unlock()
	for _, h := range hs {
		h(p)
	}
	return true, nil
}

// Subscribe adds topic filters (QoS 1); they are renewed on reconnect.
func (o *Operator) Subscribe(ctx context.Context, filters ...string) error {
	var subs []paho.SubscribeOptions
	o.mu.Lock()
	for _, f := range filters {
		if !o.subbed[f] {
			o.subbed[f] = true
			subs = append(subs, paho.SubscribeOptions{Topic: f, QoS: 1})
		}
	}
	o.mu.Unlock()
	if len(subs) == 0 {
		return nil
	}
	sa, err := o.cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: subs})
	if err != nil {
		return fmt.Errorf("%w: subscribe: %v", ErrBroker, err)
	}
	for i, rc := range sa.Reasons {
		if rc >= 0x80 {
			return fmt.Errorf("%w: subscribing to %s refused (reason %#x): the broker's ACL does not let this identity read it", ErrBroker, subs[i].Topic, rc)
		}
	}
	return nil
}

func (o *Operator) resubscribe(cm *autopaho.ConnectionManager) {
	o.mu.Lock()
	var subs []paho.SubscribeOptions
	for f := range o.subbed {
		subs = append(subs, paho.SubscribeOptions{Topic: f, QoS: 1})
	}
	o.mu.Unlock()
	if len(subs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: subs}); err != nil && o.log != nil {
		o.log.Warn("fleet: resubscribe failed", "err", err)
	}
}

// sign signs a prepared command for target with the configured key,
// unless it is signed already.
func (o *Operator) sign(target, name string, c *Command) {
	if c.Signature == "" && o.cfg.SigningKey != nil {
		if name == CmdBook && c.ReplyKey == "" {
			c.ReplyKey = NewReplyKey(*o.cfg.SigningKey).Public()
		}
		Sign(*o.cfg.SigningKey, o.cfg.Fleet, target, name, c)
	}
}

// Send publishes a prepared command to one locker (or "_all") and returns
// its payload, for the journal.
func (o *Operator) Send(ctx context.Context, locker, name string, c Command) ([]byte, error) {
	o.sign(locker, name, &c)
	payload, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return payload, o.SendRaw(ctx, locker, name, c.CommandID, payload)
}

// SendRaw publishes a command's exact bytes, asking for the result on the
// locker's res topic.
func (o *Operator) SendRaw(ctx context.Context, locker, name, commandID string, payload []byte) error {
	t := Topics{Fleet: o.cfg.Fleet, Locker: locker}
	if err := o.Subscribe(ctx, t.Res()); err != nil {
		return err
	}
	_, err := o.cm.Publish(ctx, publishCmd(t.Cmd(name), payload, t.Res(), commandID))
	if err != nil {
		return fmt.Errorf("%w: publish %s: %v", ErrBroker, name, err)
	}
	return nil
}

// Await waits for the result of a command sent before (its res topic must
// be subscribed: Send does it).
func (o *Operator) Await(ctx context.Context, commandID string) (Result, error) {
	ch := o.waiter(commandID)
	defer o.drop(commandID)
	select {
	case r := <-ch:
		if o.cfg.SigningKey != nil {
			err := NewReplyKey(*o.cfg.SigningKey).Open(&r)
			return r, err
		}
		return r, nil
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

func (o *Operator) waiter(id string) chan Result {
	o.mu.Lock()
	defer o.mu.Unlock()
	ch := o.waiters[id]
	if ch == nil {
		ch = make(chan Result, 1)
		o.waiters[id] = ch
	}
	return ch
}

func (o *Operator) drop(id string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.waiters, id)
}

// Command prepares, journals (when j is set), sends and awaits one command.
func (o *Operator) Command(ctx context.Context, j *Journal, locker, name string, c Command, ttl time.Duration) (Result, error) {
	Prepare(&c, ttl)
	o.sign(locker, name, &c)
	o.waiter(c.CommandID) // before sending: the answer may be quick
	payload, err := json.Marshal(c)
	if err != nil {
		return Result{}, err
	}
	if j != nil {
		if err := j.Add(ctx, locker, name, c, payload); err != nil {
			return Result{}, err
		}
	}
	if err := o.SendRaw(ctx, locker, name, c.CommandID, payload); err != nil {
		o.drop(c.CommandID)
		return Result{}, err
	}
	return o.Await(ctx, c.CommandID)
}

// CommandAll prepares, journals (when j is set) and sends one command to
// every locker of the fleet (under _all), and hands each locker's first
// result to each, on paho's goroutine, until ctx ends or every locker of
// expect answered (at once when expect is empty). Lockers away get the command when they return, from the
// broker's queue or, failing that, from the journal (ServeSync).
func (o *Operator) CommandAll(ctx context.Context, j *Journal, name string, c Command, ttl time.Duration, expect []string, each func(Result)) error {
	Prepare(&c, ttl)
	o.sign(allLockers, name, &c)
	payload, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := o.Subscribe(ctx, topicRoot+"/"+o.cfg.Fleet+"/+/"+sufRes); err != nil {
		return err
	}
	var mu sync.Mutex
	heard := map[string]bool{}
	left := len(expect)
	done := make(chan struct{})
	waiting := map[string]bool{}
	for _, l := range expect {
		waiting[l] = true
	}
	o.mu.Lock()
	o.collectors[c.CommandID] = func(r Result) {
		mu.Lock()
		defer mu.Unlock()
		if heard[r.Locker] {
			return
		}
		heard[r.Locker] = true
		each(r)
		if waiting[r.Locker] {
			if left--; left == 0 {
				close(done)
			}
		}
	}
	o.mu.Unlock()
	defer func() {
		o.mu.Lock()
		delete(o.collectors, c.CommandID)
		o.mu.Unlock()
	}()
	if j != nil {
		if err := j.Add(ctx, allLockers, name, c, payload); err != nil {
			return err
		}
	}
	t := Topics{Fleet: o.cfg.Fleet, Locker: allLockers}
	// No response topic: a locker may not write under _all, and answers on
	// its own res.
	if _, err := o.cm.Publish(ctx, publishCmd(t.Cmd(name), payload, "", c.CommandID)); err != nil {
		return fmt.Errorf("%w: publish %s: %v", ErrBroker, name, err)
	}
	if len(expect) == 0 {
		return nil // nobody online to wait for: each gets it on return
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ServeSync answers every locker's sync request from the journal until ctx
// ends: the central side's half of "nothing depends on the broker's queue".
func (o *Operator) ServeSync(ctx context.Context, j *Journal) error {
	reqs := make(chan SyncRequest, 64)
	o.OnMessage(func(p *paho.Publish) {
		locker, rest, ok := lockerOf(o.cfg.Fleet, p.Topic)
		if !ok || rest != sufSyncReq {
			return
		}
		var r SyncRequest
		if json.Unmarshal(p.Payload, &r) != nil || r.Locker != locker {
			return // a locker speaks only for itself
		}
		select {
		case reqs <- r:
		default:
		}
	})
	if err := o.Subscribe(ctx, topicRoot+"/"+o.cfg.Fleet+"/+/"+sufSyncReq); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case r := <-reqs:
			missing, err := j.Missing(ctx, r, time.Now())
			if err != nil {
				return err
			}
			t := Topics{Fleet: o.cfg.Fleet, Locker: r.Locker}
			for _, body := range SyncPages(r.RequestID, missing) {
				if _, err := o.cm.Publish(ctx, &paho.Publish{QoS: 1, Topic: t.SyncRes(), Payload: body,
					Properties: &paho.PublishProperties{ContentType: "application/json", CorrelationData: []byte(r.RequestID)}}); err != nil && o.log != nil {
					o.log.Warn("fleet: sync answer not sent", "locker", r.Locker, "err", err)
				}
			}
			if o.log != nil {
				o.log.Info("fleet: synced", "locker", r.Locker, "resent", len(missing), "booking_version", r.BookingVersion)
			}
		}
	}
}

func publishCmd(topic string, payload []byte, resp, corr string) *paho.Publish {
	return &paho.Publish{QoS: 1, Topic: topic, Payload: payload,
		Properties: &paho.PublishProperties{ContentType: "application/json", ResponseTopic: resp, CorrelationData: []byte(corr)}}
}
