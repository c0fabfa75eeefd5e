package link

import (
	"context"
	"encoding/json"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"pudo/app/central/store"
	"pudo/app/fleet"
)

// answerSync answers a locker's sync request from the commands table: the
// commands it missed, in the order to apply them. Whichever instance took
// the request answers it, from the one table every instance writes.
func (in *Ingest) answerSync(ctx context.Context, r fleet.SyncRequest) {
	in.mu.Lock()
	cm := in.cm
	in.mu.Unlock()
	missing, err := in.st.Missing(ctx, store.SyncState{Locker: r.Locker, BookingVersion: r.BookingVersion, VersionsAhead: r.VersionsAhead,
		CommandCursor: r.CommandCursor, RevocationVersion: r.RevocationVersion}, in.cfg.Now())
	if err != nil {
		in.log.Warn("central: sync not answered; the locker asks again", "locker", r.Locker, "err", err)
		return
	}
	cmds := make([]fleet.SyncCommand, 0, len(missing))
	for _, p := range missing {
		cmds = append(cmds, fleet.SyncCommand{Name: p.Name, FleetWide: p.FleetWide, Command: json.RawMessage(p.Payload)})
	}
	// In pages within the cap of sync/res: a locker that missed many
	// commands takes them all, a page at a time.
	t := fleet.Topics{Fleet: in.cfg.Fleet, Locker: r.Locker}
	for _, body := range fleet.SyncPages(r.RequestID, cmds) {
		if err := publish(ctx, cm, t.SyncRes(), body, false, r.RequestID); err != nil {
			in.log.Warn("central: sync answer not sent", "locker", r.Locker, "err", err)
			return
		}
	}
	in.Stats.Syncs.Add(1)
}

func publish(ctx context.Context, cm *autopaho.ConnectionManager, topic string, body []byte, retain bool, corr string) error {
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := cm.Publish(pctx, &paho.Publish{QoS: 1, Retain: retain, Topic: topic, Payload: body,
		Properties: &paho.PublishProperties{ContentType: "application/json", CorrelationData: []byte(corr)}})
	return err
}

// publishCommand sends a command's exact bytes to one locker (or _all),
// asking for the result on the locker's res topic.
func publishCommand(ctx context.Context, cm *autopaho.ConnectionManager, fleetName, locker, name, id string, payload []byte) error {
	t := fleet.Topics{Fleet: fleetName, Locker: locker}
	resp := t.Res()
	if locker == store.AllLockers {
		resp = "" // a locker may not write under _all: it answers on its own res
	}
	return publishTo(ctx, cm, t.Cmd(name), payload, resp, id)
}

func publishTo(ctx context.Context, cm *autopaho.ConnectionManager, topic string, payload []byte, resp, id string) error {
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := cm.Publish(pctx, &paho.Publish{QoS: 1, Topic: topic, Payload: payload,
		Properties: &paho.PublishProperties{ContentType: "application/json", ResponseTopic: resp, CorrelationData: []byte(id)}})
	return err
}
