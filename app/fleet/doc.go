// Package fleet is the kiosk's link to the operator's MQTT 5 broker, an
// adapter beneath app like app/api, and `pudo fleet`, the operator's side.
//
// The locker's SQLite store is the truth and the link its mirror. The
// hash-chained event log is the outbox: events go out in seq order, one in
// flight, each counted as sent only on its PUBACK, from the oldest
// unacknowledged after every reconnect; a cursor beside the log says how
// far. Commands come down cmd/{name}; each is recorded with its result
// before it is acknowledged to the broker, so a duplicate is answered with
// the first result and a crash never applies one twice; bookings carry a
// version and the newest wins. After every connect the locker says how far
// it got (sync/req) and the central side resends what it missed, so nothing
// depends on the broker's queue. The link calls the same core methods as
// the HTTP API. The two commands that open a door or change which tokens
// open doors (open, revoke) must be signed with the operator's key, the
// one that signs courier tokens (package cred, [operator] public_keys).
// Delivered means stored by the operator: the core's pruning waits for
// the operator's signed confirmation on the retained confirm topic
// (EventHold), not for the broker's PUBACK, and a signed resend command
// moves the outbox's cursor back so the operator gets what it lacks.
// Every topic and payload is in asyncapi.json.
package fleet
