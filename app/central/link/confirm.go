package link

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"pudo/app/central/store"
	"pudo/app/fleet"
)

// confirmWorkers bound the confirmations awaiting their PUBACK at once.
const confirmWorkers = 32

// sweepEvery is how many confirmation ticks pass between sweeps of the
// whole lockers table for confirmations owed (see Store.Unconfirmed).
const sweepEvery = 15

// confirmLoop tells lockers, now and then, how far central has stored
// their events: a retained, signed message on each locker's confirm
// topic. The value is read from the database when it goes out, so two
// instances confirming one locker never say less than was stored then;
// the locker keeps the highest it has seen. Which lockers to confirm
// comes from this instance's own ingest, and, on its first tick and every
// sweepEvery ticks, from the database: what an instance stored before it
// died, or a confirmation the broker lost, is owed by nobody's memory.
func (in *Ingest) confirmLoop(ctx context.Context, cm *autopaho.ConnectionManager) {
	if in.cfg.Key.Public().IsZero() {
		return
	}
	t := time.NewTicker(in.cfg.ConfirmEvery)
	defer t.Stop()
	for tick := 0; ; tick++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		in.mu.Lock()
		ids := make([]string, 0, len(in.dirty))
		for id := range in.dirty {
			ids = append(ids, id)
		}
		clear(in.dirty)
		in.mu.Unlock()
		if !in.up.Load() {
			in.requeue(ids)
			tick = -1 // sweep on the first tick the broker is back
			continue
		}
		if tick%sweepEvery == 0 {
			in.sweep(ctx, cm)
		}
		if len(ids) == 0 {
			continue
		}
		targets, err := in.st.ConfirmTargets(ctx, ids)
		if err != nil {
			in.log.Warn("central: confirmations not read", "err", err)
			in.requeue(ids)
			continue
		}
		in.confirm(ctx, cm, targets)
	}
}

// sweep confirms every locker the database says is owed a confirmation.
func (in *Ingest) sweep(ctx context.Context, cm *autopaho.ConnectionManager) {
	owed, err := in.st.Unconfirmed(ctx)
	if err != nil {
		in.log.Warn("central: confirmations owed not read", "err", err)
		return
	}
	if len(owed) > 0 {
		in.log.Debug("central: confirmations owed", "lockers", len(owed))
		in.confirm(ctx, cm, owed)
	}
}

func (in *Ingest) requeue(ids []string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, id := range ids {
		in.dirty[id] = true
	}
}

func (in *Ingest) confirm(ctx context.Context, cm *autopaho.ConnectionManager, targets []store.Cursor) {
	work := make(chan store.Cursor)
	var wg sync.WaitGroup
	for range min(confirmWorkers, len(targets)) {
		wg.Go(func() {
			for c := range work {
				if err := in.publishConfirm(ctx, cm, c.Locker, c.StoredThrough); err != nil {
					in.requeue([]string{c.Locker})
					continue
				}
				if err := in.st.Confirmed(ctx, c.Locker, c.StoredThrough); err != nil {
					in.log.Warn("central: confirmation not recorded", "locker", c.Locker, "err", err)
				}
				in.Stats.Confirms.Add(1)
			}
		})
	}
	for _, c := range targets {
		work <- c
	}
	close(work)
	wg.Wait()
}

func (in *Ingest) publishConfirm(ctx context.Context, cm *autopaho.ConnectionManager, locker string, through int64) error {
	c := fleet.Confirm{Locker: locker, Through: through, At: in.cfg.Now().UTC()}
	fleet.SignConfirm(in.cfg.Key, in.cfg.Fleet, &c)
	body, _ := json.Marshal(c)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	t := fleet.Topics{Fleet: in.cfg.Fleet, Locker: locker}
	_, err := cm.Publish(pctx, &paho.Publish{QoS: 1, Retain: true, Topic: t.Confirm(), Payload: body,
		Properties: &paho.PublishProperties{ContentType: "application/json"}})
	return err
}
