package link

import (
	"context"
	"errors"
	"fmt"

	"pudo/app/central/store"
	"pudo/app/fleet"
)

// Replay publishes a kept command again, byte for byte, with this
// instance's response topic, and waits for the answer until ctx ends. A
// locker answers a command it has had with its first answer, so a
// booking's pickup code (stored nowhere) can be fetched again by whoever
// central lets ask: the shop whose request gave up waiting.
func (in *Ingest) Replay(ctx context.Context, commandID string) (fleet.Result, error) {
	c, err := in.st.GetCommand(ctx, commandID)
	if err != nil {
		return fleet.Result{}, err
	}
	if c.Locker == store.AllLockers {
		return fleet.Result{}, fmt.Errorf("command %s went to every locker: each answered on its own", commandID)
	}
	in.mu.Lock()
	cm := in.cm
	in.mu.Unlock()
	if cm == nil {
		return fleet.Result{}, errors.New("central is not connected to the broker yet")
	}
	ch := in.waiter(c.ID)
	defer in.dropWaiter(c.ID)
	if err := publishTo(ctx, cm, fleet.Topics{Fleet: in.cfg.Fleet, Locker: c.Locker}.Cmd(c.Name), c.Payload, in.respTopic(c.Locker), c.ID); err != nil {
		return fleet.Result{}, fmt.Errorf("publish %s again: %w", c.Name, err)
	}
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
		return fleet.Result{}, ctx.Err()
	}
}
