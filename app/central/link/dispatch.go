package link

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"pudo/app/central/store"
	"pudo/app/fleet"
)

// The dispatcher is how central (its shop API, its dashboard) sends a
// command: prepared, signed with the operator's key, kept in the commands
// table byte for byte before it goes out, published with a response topic
// of this instance's own (…/{locker}/res/{client id}), so the answer, with
// a pickup code that is never stored, comes back to the instance that
// waits for it, which keeps the answer without the code.

// respTopic is this instance's response topic under a locker.
func (in *Ingest) respTopic(locker string) string {
	return topicRoot + "/" + in.cfg.Fleet + "/" + locker + "/res/" + in.cfg.ClientID()
}

// ErrNoKey is a command asked of an instance without the operator's key.
var ErrNoKey = errors.New("central has no operator key (--key): it cannot sign commands")

// Send prepares, signs, keeps and publishes one command to a locker (or
// store.AllLockers), with a booking's fields when b is set. A booking's
// version must be set by the caller from store.NextVersion.
func (in *Ingest) Send(ctx context.Context, locker, name string, cmd fleet.Command, b *store.Booking, sentBy string, ttl time.Duration) (fleet.Command, error) {
	if in.cfg.Key.Public().IsZero() {
		return cmd, ErrNoKey
	}
	fleet.Prepare(&cmd, ttl)
	if name == fleet.CmdBook && cmd.ReplyKey == "" {
		cmd.ReplyKey = in.reply.Public()
	}
	fleet.Sign(in.cfg.Key, in.cfg.Fleet, locker, name, &cmd)
	payload, err := json.Marshal(cmd)
	if err != nil {
		return cmd, err
	}
	if err := in.st.AddCommand(ctx, store.Command{ID: cmd.CommandID, Locker: locker, Name: name, BookingID: cmd.BookingID,
		Version: cmd.Version, IssuedAt: cmd.IssuedAt, ExpiresAt: cmd.ExpiresAt, Payload: payload, SentBy: sentBy}, b); err != nil {
		return cmd, err
	}
	in.mu.Lock()
	cm := in.cm
	in.mu.Unlock()
	if cm == nil {
		return cmd, errors.New("central is not connected to the broker yet; the command is kept and goes out when the locker syncs")
	}
	resp := in.respTopic(locker)
	if locker == store.AllLockers {
		resp = ""
	}
	if err := publishTo(ctx, cm, fleet.Topics{Fleet: in.cfg.Fleet, Locker: locker}.Cmd(name), payload, resp, cmd.CommandID); err != nil {
		return cmd, fmt.Errorf("publish %s: %w (the command is kept and goes out when the locker syncs)", name, err)
	}
	return cmd, nil
}

// Command sends one command and waits for the locker's answer until ctx
// ends: ctx's error then (the command stays kept; the answer, when it
// comes, is stored by whichever instance hears it).
func (in *Ingest) Command(ctx context.Context, locker, name string, cmd fleet.Command, b *store.Booking, sentBy string, ttl time.Duration) (fleet.Result, error) {
	if cmd.CommandID == "" {
		fleet.Prepare(&cmd, ttl)
	}
	ch := in.waiter(cmd.CommandID)
	defer in.dropWaiter(cmd.CommandID)
	if _, err := in.Send(ctx, locker, name, cmd, b, sentBy, ttl); err != nil {
		return fleet.Result{}, err
	}
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
		return fleet.Result{}, ctx.Err()
	}
}

func (in *Ingest) waiter(id string) chan fleet.Result {
	in.mu.Lock()
	defer in.mu.Unlock()
	ch := make(chan fleet.Result, 1)
	in.waiters[id] = ch
	return ch
}

func (in *Ingest) dropWaiter(id string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	delete(in.waiters, id)
}

// hand gives a waiting caller its answer, once stored.
func (in *Ingest) hand(r fleet.Result) {
	in.mu.Lock()
	ch := in.waiters[r.CommandID]
	in.mu.Unlock()
	if ch != nil {
		select {
		case ch <- r:
		default:
		}
	}
}
