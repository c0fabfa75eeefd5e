// Package fleet is the kiosk's link to the operator's MQTT 5 broker, an
// adapter beneath app like app/api, and the link's wire format (topics,
// payloads, caps, signatures) that the operator's side speaks too. The
// operator's side itself, `pudo central` and `pudo fleet`, is app/central.
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
// the HTTP API. Every topic and payload is in asyncapi.json.
//
// # Delivered means stored
//
// The core's pruning waits for the operator's signed confirmation on the
// retained confirm topic (EventHold), not for the broker's PUBACK: an
// event leaves the locker only once the operator's central says it stored
// it. A signed resend command moves the outbox's cursor back, so central
// gets what a broker lost. With a broker and no central,
// fleet.retain_until_puback lets the pruning follow the PUBACK
// (EventHoldAcked).
//
// # The broker has no authority
//
// Every command is signed by the operator's Ed25519 key, the one that signs
// courier tokens (package cred, [operator] public_keys), over the fleet,
// the locker it goes to, the command's name, id, issue time, expiry and
// body (package fleetsign). The link checks the signature before anything
// else, with the fleet and locker of the topic it came on, never of the
// command; what fails is refused as unauthorized, logged (a few a minute)
// and counted in state/health, and leaves no record in the store. So the
// broker, or any certificate that may publish a command, cannot change what
// a locker does; a command signed for another locker or fleet, for every
// locker but sent to one, or as another command is refused; an expired one
// is refused; a replay is answered from the command journal and not applied
// again. The scope each command needs:
//
//	command  what it changes                   signed for               also needs
//	book     books a door for a parcel          this locker              -
//	cancel   cancels a booking                  this locker              -
//	extend   moves a booking's deadline         this locker              -
//	open     opens one stored parcel's door     this locker              fleet.remote_open and rents.remote_open; rate cap
//	service  takes a door out of service/back   this locker              -
//	config   one setting of the locker          this locker, or _all     -
//	revoke   the revocation list (which tokens  this locker, or _all     a newer version than the applied one
//	         and badges open doors)
//	state    nothing: publishes state again     this locker, or _all     -
//	rebirth  nothing: says its birth again      this locker, or _all     -
//	resend   events again from from_seq         this locker              -
//
// A command the central side resends (sync/res, `pudo fleet resend`) is the
// command as first signed and is checked the same way; so is resend (the
// outbox again from from_seq, which the signed body covers). A key named in the applied
// revocation list signs nothing more.
//
// # Bounded
//
// Nothing the broker sends costs the kiosk more than its share. The
// CONNECT asks for an MQTT 5 Maximum Packet Size (MaxPacket), so a broker
// drops a larger message for this locker instead of sending it, and the
// connection itself refuses one at its header if a broker sends it anyway,
// before anything is allocated for it. Every topic has a payload cap
// (payloadCap; x-max-bytes in asyncapi.json) on what the kiosk reads (a
// command above it is refused as too_large without being kept) and what
// it publishes: an event's free text is cut to fit, never the event held
// back; state/doors is compact (false fields left out) and within 160
// bytes plus 145 a door, and a locker with more doors than its cap holds
// lists the first and counts the rest; a sync answer comes in pages.
//
// # Certificates
//
// The client certificate is read at each handshake from a holder that a
// renewal replaces (certStore): fleet.renew_before its end, the link asks
// the operator over cert/req with a fresh key, checks the answer on
// cert/res (this locker, this key, the same CA, a later end), writes key
// and certificate over the configured files and takes them from the next
// connection on.
//
// # Reconnects
//
// After a lost connection a locker waits a random part of its reconnect
// window, and one to two windows before each later attempt, so a broker
// that comes back gets at most fleet.reconnect_rate lockers in any second
// however long it was away (SpreadWindow: the window grows with
// fleet.fleet_size). Every attempt (TCP, TLS, CONNECT and CONNACK) gives up
// after fleet.connect_timeout, and every write to the broker after a
// minute, so no attempt and no write waits for ever.
package fleet
