package fleet

import (
	"context"
	"pudo/app/testenv"
	"testing"
	"time"
)

// A locker back with a backlog says in state/health that it has caught up
// soon after it has, not only at the next health_every (an hour here):
// status must not show a backlog that is gone.
func TestHealthSaysTheBacklogIsGone(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-HEALTH", func(c *Config) { c.HealthEvery = time.Hour })
	op := newOperator(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	must(t, op.Subscribe(ctx, k.link.Topics().Health())) // renewed when op reconnects
	b.Stop()
	k.churn(300)
	b.start()
	must(t, op.cm.AwaitConnection(ctx))
	waitHealth(t, op, k.id, func(h Health) bool { return h.LastSeq >= k.lastSeq() && h.AckedSeq == h.LastSeq })
}
