package shopapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"pudo/app/central/store"
	"pudo/app/httpapi"
)

// deliver runs the endpoints this instance holds a lease on, one
// goroutine each, renewing the leases a few times per lease; an endpoint
// whose lease another instance took, or that was deleted, stops. Each
// endpoint's events go out in feed order, one at a time, at least once.
func (s *Server) deliver(ctx context.Context) {
	client := s.webhookClient()
	running := map[int64]context.CancelFunc{}
	wakes := map[int64]chan struct{}{}
	var wg sync.WaitGroup
	defer func() {
		for _, stop := range running {
			stop()
		}
		wg.Wait()
	}()
	renew := time.NewTicker(s.cfg.Webhooks.Lease / 3)
	defer renew.Stop()
	for {
		held, err := s.st.LeaseWebhooks(ctx, s.cfg.Owner, s.now().Add(s.cfg.Webhooks.Lease), 1000)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("shopapi: webhook leases not renewed", "err", err)
		}
		if err == nil {
			keep := map[int64]bool{}
			for _, h := range held {
				keep[h.ID] = true
				if running[h.ID] != nil {
					continue
				}
				hctx, stop := context.WithCancel(ctx)
				running[h.ID], wakes[h.ID] = stop, make(chan struct{}, 1)
				d := &delivery{s: s, hook: h, client: client, wake: wakes[h.ID]}
				wg.Go(func() { d.run(hctx) })
			}
			for id, stop := range running {
				if !keep[id] {
					stop()
					delete(running, id)
					delete(wakes, id)
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-renew.C:
		case <-s.wake:
			for _, ch := range wakes {
				select {
				case ch <- struct{}{}:
				default:
				}
			}
		}
	}
}

// delivery sends one endpoint's events.
type delivery struct {
	s      *Server
	hook   store.Webhook
	client *http.Client
	wake   chan struct{}
}

// pollEvery is how often an idle endpoint looks at the feed: another
// instance's sequencer may have placed events without a nudge here.
const pollEvery = time.Second

const batchSize = 100

func (d *delivery) run(ctx context.Context) {
	log := d.s.log.With("webhook", d.hook.ID)
	for ctx.Err() == nil {
		n, err := d.step(ctx)
		if errors.Is(err, store.ErrLeaseLost) {
			return
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("shopapi: webhook delivery stalled", "err", err)
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

// step deals with the events past the cursor and reports how many.
func (d *delivery) step(ctx context.Context) (int, error) {
	evs, end, err := d.s.st.ShopEvents(ctx, d.hook.Shop, d.hook.Cursor, batchSize)
	if err != nil {
		return 0, err
	}
	for _, e := range evs {
		if len(d.hook.Kinds) == 0 || slices.Contains(d.hook.Kinds, e.Kind) {
			if err := d.handle(ctx, e); err != nil {
				return 0, err
			}
		}
		// After each, so a restart redelivers at most the one in flight.
		if err := d.setCursor(ctx, e.Pos); err != nil {
			return 0, err
		}
	}
	if len(evs) < batchSize && end > d.hook.Cursor {
		// Nothing more of the shop's up to end: skip others' places.
		return len(evs), d.setCursor(ctx, end)
	}
	return len(evs), nil
}

func (d *delivery) setCursor(ctx context.Context, pos int64) error {
	if err := d.s.st.SetWebhookCursor(context.WithoutCancel(ctx), d.hook.ID, d.s.cfg.Owner, pos); err != nil {
		return err
	}
	d.hook.Cursor = max(d.hook.Cursor, pos)
	return nil
}

// handle delivers one event with retries, or parks it; it returns an
// error only when ctx ended or the store failed: then the event stays
// undone. An event of a booking with an earlier one parked is parked at
// once behind it.
func (d *delivery) handle(ctx context.Context, e store.ShopEvent) error {
	body, _ := json.Marshal(eventOut(e))
	p := store.Parked{Webhook: d.hook.ID, EventPos: e.Pos, BookingID: e.BookingID, Kind: e.Kind, Payload: body}
	if held, err := d.s.st.HoldIfBehind(ctx, p); err != nil || held {
		return err
	}
	cfg := d.s.cfg.Webhooks
	for attempt := 1; ; attempt++ {
		err := httpapi.PostWebhook(ctx, d.client, httpapi.Delivery{URL: d.hook.URL, Secret: d.hook.Secret,
			EventID: strconv.FormatInt(e.Pos, 10), Kind: e.Kind, Body: body, At: d.s.now()})
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if attempt >= cfg.MaxAttempts {
			d.s.log.Error("shopapi: webhook delivery parked", "webhook", d.hook.ID, "event", e.Pos, "kind", e.Kind, "attempts", attempt, "err", err)
			p.Attempts, p.LastError = attempt, err.Error()
			return d.s.st.Park(context.WithoutCancel(ctx), p)
		}
		if attempt == 1 {
			d.s.log.Warn("shopapi: webhook delivery failed; retrying", "webhook", d.hook.ID, "event", e.Pos, "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(httpapi.Backoff(attempt, cfg.BackoffMin, cfg.BackoffMax)):
		}
	}
}
