// Package central is `pudo central`, the operator's service: the fleet's
// back end on PostgreSQL, run as one instance or several against one
// database and one MQTT 5 broker. The locker's SQLite store stays the
// truth of what happened at a locker; central keeps the operator's copy,
// and a locker forgets an event only once central has said it is stored.
//
// Layout (each package has one job; main wires them):
//
//	app/central           the `pudo central` command: serve, migrate, enrol, version
//	app/central/store     PostgreSQL: the migrations (store/migrations/NNNN_*.sql, applied in
//	                      order under an advisory lock) and one typed method per question;
//	                      nothing else in central writes SQL
//	app/central/link      the operator's side of the MQTT link: ingest (events, state, results,
//	                      sync requests), confirmations, gap repair (resend), commands signed
//	                      with the operator's key
//	app/central/monitor   alerts (offline, backlog, doors, clock, guessing) and Prometheus metrics
//	app/central/enrol     the operator's CA: one-time enrolment tokens, locker certificates
//	app/central/fleetcli  `pudo fleet`, the operator's tools, reading from central's database
//	                      (or, in direct mode, from the broker's retained state)
//	app/central/sim       light simulated lockers speaking the real topics (bench, fault tests)
//	app/central/pgtest    tests: a PostgreSQL from Debian's binaries in a temp dir
//	app/central/mqtttest  tests: a mosquitto with mutual TLS and the fleet's ACL
//
// A shop API or a dashboard goes beside these (app/central/shopapi,
// app/central/web), reads and writes through store, and sends commands
// through link's Dispatcher, so a booking made there and one made by
// `pudo fleet book` take their versions from the same counter.
//
// # Identity
//
// A locker is who the broker let publish on its topic: the ACL pattern
// pudo/v1/+/%u/# ties a certificate's common name to one tree. Central
// takes the locker from the topic and never from a body; a body that
// names another locker is refused, counted per locker
// (pudo_central_refused_total) and acknowledged, so it cannot block the
// locker's real events behind it.
//
// # Nothing lost, each event once, in order per locker
//
// Every instance holds a persistent MQTT 5 session (fixed client id
// pudo-central-<instance>, clean start off, a session expiry) and
// subscribes with a shared subscription ($share/pudo-central/...), so the
// broker splits the lockers' messages between the instances and queues an
// instance's share while it restarts. Acknowledgement is manual: a
// message's PUBACK goes to the broker only after the transaction holding
// it has committed, so a killed instance gets its unacknowledged messages
// again from its session.
//
// The broker hands a shared subscription's messages out one by one, so
// two events of one locker may reach two instances at once, and either
// may commit first. Order is therefore kept in the database, not in the
// delivery: each batch locks the rows of its lockers (SELECT ... FOR
// UPDATE, in locker order, so two instances never deadlock) and an
// event is stored once by (topic locker, seq): a seq at or below the
// locker's stored_through, or already in events_ahead, is a duplicate. A
// seq right after stored_through moves it on, and through every seq
// already waiting in events_ahead; what follows from an event (a rent's
// state, an alert) is applied only as stored_through passes it, so in
// seq order whatever the arrival order. A seq above a hole waits in
// events_ahead; a hole still open after a while, or a locker whose health
// says it has more than central holds, gets a signed resend command from
// the first missing seq.
//
// # Delivered means stored
//
// Central publishes each locker's stored_through on the locker's retained
// confirm topic, signed with the operator's key; the locker keeps every
// event until a confirmation covers it (its retention follows this, not
// the broker's PUBACK).
//
// # Bookings
//
// Booking versions come from one counter per locker in PostgreSQL
// (lockers.booking_version, raised in the transaction that records the
// command), whichever instance, shop API or engineer sends the change: a
// locker applies the newest version and reports the versions it has
// processed gap-free, which the sync answer reads against the commands
// table.
package central
