package link

import (
	"context"
	"encoding/json"
	"time"

	"github.com/eclipse/paho.golang/autopaho"

	"pudo/app/central/store"
	"pudo/app/fleet"
)

// resendTTL is how long a resend stays valid: a locker offline gets a
// fresh one when it is back and the hole is still open.
const resendTTL = 10 * time.Minute

// gapLoop asks for what is missing: a hole older than HoleWait, or events
// the broker acknowledged to a locker that never came. Two instances may
// both look; the database lets one ask.
func (in *Ingest) gapLoop(ctx context.Context, cm *autopaho.ConnectionManager) {
	if in.cfg.Key.Public().IsZero() {
		return
	}
	t := time.NewTicker(max(in.cfg.HoleWait/2, 100*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !in.up.Load() {
			continue
		}
		now := in.cfg.Now()
		gaps, err := in.st.Gaps(ctx, now.Add(-in.cfg.HoleWait), now.Add(-in.cfg.HoleWait))
		if err != nil {
			in.log.Warn("central: gaps not read", "err", err)
			continue
		}
		for _, g := range gaps {
			from := g.StoredThrough + 1
			ok, err := in.st.ClaimResend(ctx, g.Locker, from, now.Add(-in.cfg.ResendEvery))
			if err != nil || !ok {
				continue
			}
			if err := in.resend(ctx, cm, g.Locker, from, g.HoleEnd); err != nil {
				in.log.Warn("central: resend not sent", "locker", g.Locker, "from", from, "err", err)
				continue
			}
			in.Stats.Resends.Add(1)
			in.log.Info("central: asked a locker to resend", "locker", g.Locker, "from", from, "to", g.HoleEnd, "known_up_to", g.Upto)
		}
	}
}

// resend asks a locker, with a signed command, to publish its events
// again from a seq: central found a hole (through to, the seq before the
// first stored ahead), or the locker's health says the broker took events
// that never reached central (lost from a queue; to is zero: all after
// from). A locker keeps every event until central confirms it, so they
// are there. Asking for the hole alone keeps a repair's cost to the hole:
// the locker does not send again all it sent after it, so a hole that
// was only late (an instance slow on its share) costs little.
func (in *Ingest) resend(ctx context.Context, cm *autopaho.ConnectionManager, locker string, from, to int64) error {
	c := fleet.Command{FromSeq: from, ToSeq: to}
	fleet.Prepare(&c, resendTTL)
	fleet.Sign(in.cfg.Key, in.cfg.Fleet, locker, fleet.CmdResend, &c)
	payload, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := in.st.AddCommand(ctx, store.Command{ID: c.CommandID, Locker: locker, Name: fleet.CmdResend, IssuedAt: c.IssuedAt,
		ExpiresAt: c.ExpiresAt, Payload: payload, SentBy: in.cfg.ClientID()}, nil); err != nil {
		return err
	}
	if err := in.st.SupersedeResends(ctx, locker, c.CommandID); err != nil {
		return err
	}
	return publishCommand(ctx, cm, in.cfg.Fleet, locker, fleet.CmdResend, c.CommandID, payload)
}
