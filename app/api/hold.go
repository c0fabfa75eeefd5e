package api

import (
	"pudo/app/core"
	"pudo/storage"
)

// EventHolds are the webhooks' holds on the event log, for
// core.Options.Holds: the core's Prune keeps the events an endpoint has
// not had yet (delivered or parked), so a receiver down for longer than
// the retention, or one far behind retrying, loses nothing it would have
// been sent. An endpoint not started yet holds nothing: it starts at the
// end of the log. main adds them when the API is enabled.
func EventHolds(c Config) []core.EventHold {
	var out []core.EventHold
	for _, w := range c.Webhooks {
		name := w.Name
		out = append(out, core.EventHold{Name: "webhook " + name, Delivered: func(tx *storage.Tx) (int64, bool, error) {
			return tx.WebhookCursor(name)
		}})
	}
	return out
}
