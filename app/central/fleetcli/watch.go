package fleetcli

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"pudo/app/central/store"
	"pudo/app/fleet"
)

// watchEvery is how often watch looks for newly stored events.
const watchEvery = 500 * time.Millisecond

func (c *cli) watch() error {
	c.arg()
	db, err := c.useDB()
	if err != nil {
		return err
	}
	if db {
		return c.watchDB()
	}
	return c.watchDirect()
}

// watchDB prints each locker's events as central stores them, in seq
// order per locker, from when it starts (what came before is in central's
// events table), a page of lockers and of events at a time. Once it is
// watching, a database that stops answering (restarted, a network blip)
// is said once and tried again: the operator's watch goes on where it
// was, nothing skipped, nothing printed twice.
func (c *cli) watchDB() error {
	printed := map[string]int64{}
	if err := c.watchRound(printed, true); err != nil {
		return err // nothing watched yet: the address or the schema is wrong
	}
	down := false
	for {
		wait := watchEvery
		if down {
			wait = watchRetry
		}
		select {
		case <-c.ctx.Done():
			return nil
		case <-time.After(wait):
		}
		err := c.watchRound(printed, false)
		switch {
		case c.ctx.Err() != nil:
			return nil
		case err != nil && !down:
			fmt.Fprintf(c.errw, "pudo fleet watch: central's database: %v; trying again every %s\n", err, watchRetry)
			down = true
		case err == nil && down:
			fmt.Fprintln(c.errw, "pudo fleet watch: central's database answers again; watching on from where it was")
			down = false
		}
	}
}

// watchRetry is how often watch tries a database that stopped answering.
const watchRetry = 2 * time.Second

// watchRound prints what every locker stored since printed, which it
// keeps up to date event by event; the first round only notes where each
// locker is.
func (c *cli) watchRound(printed map[string]int64, first bool) error {
	after := ""
	for {
		page, err := c.st.Lockers(c.ctx, after, 500)
		if err != nil {
			return err
		}
		for _, l := range page {
			if c.locker != "" && l.ID != c.locker {
				continue
			}
			p, seen := printed[l.ID]
			if first || !seen {
				printed[l.ID] = l.StoredThrough
				if first {
					continue
				}
			}
			for p < l.StoredThrough {
				evs, err := c.st.Events(c.ctx, l.ID, p, 500)
				if err != nil {
					return err
				}
				for _, e := range evs {
					if e.Seq > l.StoredThrough {
						break
					}
					c.printEvent(e)
					p = e.Seq
					printed[l.ID] = max(p, printed[l.ID])
				}
				if len(evs) < 500 {
					break
				}
			}
		}
		if len(page) < 500 {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

func (c *cli) printEvent(e store.Event) {
	if c.jsonOut {
		var v map[string]any
		if json.Unmarshal(e.Body, &v) != nil {
			return
		}
		v["locker"] = e.Locker // the topic's: central never takes it from the body
		json.NewEncoder(c.out).Encode(v)
		return
	}
	fmt.Fprintf(c.out, "%s  %-12s %6d  %-22s door=%-3d rent=%-5d %s %s\n", e.At.Local().Format("15:04:05.000"),
		e.Locker, e.Seq, e.Kind, e.DoorID, e.RentID, e.Actor, e.Detail)
}

// watchDirect follows the broker's evt topics: the locker from the topic,
// a body naming another refused and counted, duplicates dropped per
// (topic locker, seq). It sees only what comes while it runs.
func (c *cli) watchDirect() error {
	d, err := c.dialDirect()
	if err != nil {
		return err
	}
	defer d.close()
	who := "+"
	if c.locker != "" {
		who = c.locker
	}
	fmt.Fprintln(c.errw, "pudo fleet watch --direct: events as they come from now; those before, and those while watch is not running, are central's (--db)")
	var mu sync.Mutex
	seen := map[string]int64{}
	refused := 0
	d.mu.Lock()
	d.handler = func(topic string, payload []byte) {
		locker, rest, ok := splitLocker(c.fleetName, topic)
		if !ok || rest != "evt" {
			return
		}
		var e fleet.Event
		if json.Unmarshal(payload, &e) != nil || e.Seq < 1 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if e.Locker != "" && e.Locker != locker {
			refused++
			fmt.Fprintf(c.errw, "pudo fleet watch: an event on %s's topic names %q: refused (%d so far)\n", locker, e.Locker, refused)
			return
		}
		last := seen[locker]
		if e.Seq <= last {
			return
		}
		if last > 0 && e.Seq != last+1 {
			fmt.Fprintf(c.errw, "pudo fleet watch: %s: events %d..%d not seen here\n", locker, last+1, e.Seq-1)
		}
		seen[locker] = e.Seq
		c.printEvent(store.Event{Locker: locker, Seq: e.Seq, At: e.At, Kind: e.Kind, Actor: e.Actor, RentID: e.RentID,
			DoorID: e.DoorID, Detail: e.Detail, Body: payload})
	}
	d.mu.Unlock()
	if err := d.subscribe(c.ctx, "pudo/v1/"+c.fleetName+"/"+who+"/evt"); err != nil {
		return err
	}
	select {
	case <-c.ctx.Done():
		return nil
	case <-d.lost.Done():
		return context.Cause(d.lost)
	}
}
