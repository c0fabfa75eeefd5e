package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"pudo/app/httpapi"
	"pudo/storage"
)

// deliverer sends one endpoint's events, in log order, one at a time. Its
// cursor lives in the same database as the log, so a restart resumes where
// it stopped; an event is done once delivered or parked.
type deliverer struct {
	s      *Server
	hook   Webhook
	secret []byte
	client *http.Client
	wake   chan struct{}
	// sleep waits between attempts; false means ctx ended.
	sleep func(ctx context.Context, d time.Duration) bool

	// mu is held while deciding to hold an event behind a parked one of its
	// rent, and while staff retry parked deliveries, so neither overtakes.
	mu sync.Mutex
}

func (s *Server) newDeliverer(w Webhook) (*deliverer, error) {
	secret, err := w.secret()
	if err != nil {
		return nil, err
	}
	return &deliverer{s: s, hook: w, secret: secret, wake: make(chan struct{}, 1), sleep: sleepCtx,
		client: httpapi.WebhookClient(w.Timeout, nil)}, nil
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// pollEvery is how often an idle deliverer looks at the log: events from
// the kiosk's screen arrive without a nudge.
var pollEvery = time.Second

// nudge wakes every deliverer; the API calls it after its own changes.
func (s *Server) nudge() {
	for _, d := range s.hooks {
		select {
		case d.wake <- struct{}{}:
		default:
		}
	}
}

func (d *deliverer) run(ctx context.Context) {
	log := d.s.log.With("webhook", d.hook.Name)
	for ctx.Err() == nil {
		n, err := d.step(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn("webhook delivery stalled", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-d.wake:
		case <-time.After(pollEvery):
		}
	}
}

const batchSize = 100

// step deals with the events past the cursor and reports how many.
func (d *deliverer) step(ctx context.Context) (int, error) {
	cur, err := d.cursor(ctx)
	if err != nil {
		return 0, err
	}
	evs, last, err := d.batch(ctx, cur)
	if err != nil {
		return 0, err
	}
	done := cur
	for _, e := range evs {
		done = e.Seq
		if !d.hook.wants(e.Kind) {
			continue
		}
		if err := d.handle(ctx, e); err != nil {
			return 0, err
		}
		// After each delivery, so a restart redelivers at most the one in
		// flight; skipped events need no write of their own.
		if err := d.setCursor(ctx, e.Seq); err != nil {
			return 0, err
		}
	}
	if done = max(done, last); done > cur {
		return len(evs), d.setCursor(ctx, done)
	}
	return len(evs), nil
}

// initCursor starts a new endpoint at the end of the log: a shop wants
// what happens from now on, not years of history (GET /v1/events has
// that). A known endpoint keeps its cursor.
func (d *deliverer) initCursor(tx *storage.Tx) error {
	if _, ok, err := tx.WebhookCursor(d.hook.Name); err != nil || ok {
		return err
	}
	seq, err := tx.LastSeq()
	if err != nil {
		return err
	}
	return tx.SetWebhookCursor(d.hook.Name, seq)
}

func (d *deliverer) cursor(ctx context.Context) (int64, error) {
	var seq int64
	err := d.s.db.View(ctx, func(tx *storage.Tx) (err error) {
		seq, _, err = tx.WebhookCursor(d.hook.Name)
		return err
	})
	return seq, err
}

func (d *deliverer) setCursor(ctx context.Context, seq int64) error {
	return d.s.db.Update(context.WithoutCancel(ctx), func(tx *storage.Tx) error {
		return tx.SetWebhookCursor(d.hook.Name, seq)
	})
}

// batch reads the next events. When the batch is short, last is the end of
// the log as seen in the same read, so events filtered out by owner are not
// read again on every poll.
func (d *deliverer) batch(ctx context.Context, after int64) (evs []storage.Event, last int64, err error) {
	if d.hook.Key != "" {
		d.s.gate.Lock()
		defer d.s.gate.Unlock()
	}
	err = d.s.db.View(ctx, func(tx *storage.Tx) (err error) {
		if evs, err = tx.EventsOf(d.hook.Key, after, batchSize); err != nil {
			return err
		}
		if len(evs) < batchSize {
			last, err = tx.LastSeq()
		}
		return err
	})
	return evs, last, err
}

// handle delivers one event with retries, or parks it. It returns an error
// only when ctx ended or the store failed: then the event stays undone.
func (d *deliverer) handle(ctx context.Context, e storage.Event) error {
	v, err := d.s.idsOwner(ctx, d.hook.Key)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(eventOut(e, d.s.cfg.KioskID, d.hook.Key == "", v))
	held, err := d.holdIfBehind(ctx, e, body)
	if err != nil || held {
		return err
	}
	for attempt := 1; ; attempt++ {
		err := d.post(ctx, e, body)
		if err == nil {
			d.count("delivered")
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		d.count("failed")
		if attempt >= d.hook.MaxAttempts {
			d.s.log.Error("webhook delivery parked", "webhook", d.hook.Name, "seq", e.Seq, "kind", e.Kind, "attempts", attempt, "err", err)
			d.count("parked")
			return d.park(ctx, e, body, attempt, err.Error())
		}
		if attempt == 1 {
			d.s.log.Warn("webhook delivery failed; retrying", "webhook", d.hook.Name, "seq", e.Seq, "err", err)
		}
		if !d.sleep(ctx, d.backoff(attempt)) {
			return ctx.Err()
		}
	}
}

// holdIfBehind parks an event at once when an earlier one of its rent is
// parked, so the receiver never sees a rent's events out of order.
func (d *deliverer) holdIfBehind(ctx context.Context, e storage.Event, body []byte) (bool, error) {
	if e.RentID == 0 {
		return false, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// Only this goroutine parks for this endpoint and retries unpark under
	// d.mu, so a read is enough to decide; most events are not held.
	var held bool
	err := d.s.db.View(ctx, func(tx *storage.Tx) (err error) {
		held, err = tx.HasParked(d.hook.Name, e.RentID)
		return err
	})
	if err != nil || !held {
		return false, err
	}
	err = d.s.db.Update(ctx, func(tx *storage.Tx) error {
		return tx.Park(storage.Parked{Endpoint: d.hook.Name, Seq: e.Seq, RentID: e.RentID, Kind: e.Kind, Payload: body,
			LastError: fmt.Sprintf("held behind an earlier parked event of rent %d", e.RentID)})
	})
	if err == nil {
		d.count("parked")
	}
	return err == nil, err
}

func (d *deliverer) park(ctx context.Context, e storage.Event, body []byte, attempts int, lastErr string) error {
	return d.s.db.Update(context.WithoutCancel(ctx), func(tx *storage.Tx) error {
		return tx.Park(storage.Parked{Endpoint: d.hook.Name, Seq: e.Seq, RentID: e.RentID, Kind: e.Kind, Payload: body,
			Attempts: attempts, LastError: lastErr})
	})
}

// backoff is the wait before attempt+1, as every Pudo API backs off.
func (d *deliverer) backoff(attempt int) time.Duration {
	return httpapi.Backoff(attempt, d.hook.BackoffMin, d.hook.BackoffMax)
}

// post makes one attempt; only a 2xx answer counts as delivered.
func (d *deliverer) post(ctx context.Context, e storage.Event, body []byte) error {
	v, err := d.s.idsOwner(ctx, d.hook.Key)
	if err != nil {
		return err
	}
	return httpapi.PostWebhook(ctx, d.client, httpapi.Delivery{URL: d.hook.URL, Secret: d.secret,
		EventID: strconv.FormatInt(v.seq(e.Seq), 10), Kind: e.Kind, Body: body, At: d.s.now()})
}

func (d *deliverer) count(outcome string) {
	d.s.metrics.Counter(`pudo_webhook_deliveries_total{endpoint="`+escapeLabel(d.hook.Name)+`",outcome="`+outcome+`"}`,
		"Webhook delivery attempts by endpoint and outcome.").Inc()
}
