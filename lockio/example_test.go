package lockio_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"pudo/lockio"
	"pudo/lockio/simbus"
)

// Start the demo locker's emulated board, open the driver on its pty as
// main does, open door 1/07 and follow what the door does. No Output: the
// kiosk's real boards differ by site.
func Example() {
	ctx := context.Background()
	cfg := lockio.DefaultConfig()
	sim, err := simbus.Start(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()
	cfg.Port = sim.Path()
	c, err := lockio.Open(ctx, cfg, slog.Default())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	door := lockio.Door{Board: 1, Channel: 7}
	switch err := c.Unlock(ctx, door); {
	case errors.Is(err, lockio.ErrNotSent):
		fmt.Println("nothing sent; safe to try again:", err)
	case errors.Is(err, lockio.ErrOutcomeUnknown):
		fmt.Println("the door may be open; ask staff, never resend:", err)
	case err != nil:
		fmt.Println(err)
	}
	for ev := range c.Events() {
		if ev.Door == door {
			fmt.Println(ev.Door, ev.Kind)
			if ev.Kind == lockio.EventClosed {
				return
			}
		}
	}
}
