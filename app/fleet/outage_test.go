package fleet

import (
	"context"
	"strconv"
	"testing"

	"pudo/app/core"
)

// churn writes n events through the core, as the operator's settings
// changes do: each is one committed transaction with its event.
func (k *kiosk) churn(n int) {
	k.tb.Helper()
	op := k.locker.Office().Operator("test")
	for i := range n {
		must(k.tb, op.SetSetting(context.Background(), core.SettingBookingHold, strconv.Itoa(2+i%50)+"h"))
	}
}

// walkIn is a courier dropping a parcel without a booking, and the code
// that opens it.
func (k *kiosk) walkIn(ref string) string {
	k.tb.Helper()
	ctx := context.Background()
	c, err := k.locker.LoginCourier(ctx, courierToken(k.tb, "c2"))
	must(k.tb, err)
	d, err := c.DropNew(ctx, "S", ref, false)
	must(k.tb, err)
	k.closeAndDone(func() error { _, err := d.Done(ctx); return err })
	return d.Code()
}

// The broker restarts while the kiosk writes events: each arrives once
// (after dropping duplicates by seq), in order, with no gap.
func TestBrokerRestartMidStream(t *testing.T) {
	b := startBroker(t)
	w := newWatcher(t, b, "watch-restart")
	k := newKiosk(t, b, "L-RESTART")
	k.churn(100)
	b.Restart()
	k.churn(100)
	b.Restart()
	k.churn(100)
	evs := w.waitFor(k.id, k.lastSeq())
	t.Logf("%d events through two broker restarts, %d duplicates dropped by seq", len(evs), w.dups(k.id))
}

// The broker is gone while the kiosk serves drop-offs and pickups; when it
// is back, the backlog goes out in order, once, before anything new.
func TestBrokerGoneLongKioskWorksOffline(t *testing.T) {
	b := startBroker(t)
	w := newWatcher(t, b, "watch-offline")
	k := newKiosk(t, b, "L-OFFLINE")
	k.churn(5)
	w.waitFor(k.id, k.lastSeq())
	b.Stop()
	for i := range 5 {
		code := k.walkIn("OFF-" + strconv.Itoa(i))
		if i%2 == 0 {
			k.pickup(code)
		}
	}
	k.churn(1500) // a busy week
	if k.link.Connected() {
		t.Fatal("link up without a broker")
	}
	offline := k.lastSeq()
	b.start()
	k.churn(10) // new events after the return queue behind the backlog
	evs := w.waitFor(k.id, k.lastSeq())
	t.Logf("%d events, %d of them written while the broker was gone; %d duplicates", len(evs), offline, w.dups(k.id))
}
