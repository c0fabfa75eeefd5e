package ui

import (
	"context"
)

func (k *Kiosk) forgetDemo(door int64) {
	k.demoMu.Lock()
	defer k.demoMu.Unlock()
	for i, p := range k.demo {
		if p.DoorID == door {
			k.demo = append(k.demo[:i:i], k.demo[i+1:]...)
			return
		}
	}
}

// topUpDemo keeps the demo locker stocked: after a pickup, the demo
// "courier" drops a new parcel and the home screen shows its code; after
// a return went in, another is booked and its code shown.
func (k *Kiosk) topUpDemo(home screen) {
	k.demoMu.Lock()
	missing, booked := k.opts.DemoWanted, false
	for _, p := range k.demo {
		if p.Return {
			booked = true
		} else {
			missing--
		}
	}
	k.demoMu.Unlock()
	if k.opts.Demo == nil || missing <= 0 && booked {
		return
	}
	k.async(func(ctx context.Context) {
		got, err := k.opts.Demo(ctx, missing)
		if err != nil {
			k.log.Warn("demo parcels not dropped", "err", err)
			return
		}
		k.demoMu.Lock()
		k.demo = append(k.demo, got...)
		k.demoMu.Unlock()
		k.Do(func() { k.refresh(home) })
	})
}
