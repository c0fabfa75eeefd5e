-- Tables of the fleet link (package app/fleet). Like the API's, they sit
-- beside the locker's own tables and never constrain them. The event log
-- itself is the link's outbox: only a cursor over it lives here.

-- Small counters: the outbox cursor (the newest seq such that it and every
-- event before it were acknowledged by the broker), the boot and birth
-- counters, the booking versions processed without a gap, the command
-- cursor.
CREATE TABLE fleet_state (
	key   TEXT    PRIMARY KEY,
	value INTEGER NOT NULL
);

-- From first_seq on (until the next row), events were written in this boot
-- of the kiosk, with the clock synchronised or not.
CREATE TABLE fleet_epochs (
	first_seq    INTEGER PRIMARY KEY,
	boot         INTEGER NOT NULL,
	clock_synced INTEGER NOT NULL CHECK (clock_synced IN (0, 1)),
	at           INTEGER NOT NULL
);

-- Every command the link took, with its result, so a duplicate is answered
-- with the first result and applied once. The result is sealed under a key
-- derived from the command itself (which is not kept): it may hold a pickup
-- code, which the store must never keep in clear.
CREATE TABLE fleet_commands (
	command_id  TEXT    PRIMARY KEY,
	name        TEXT    NOT NULL,
	issued_at   INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	fingerprint BLOB    NOT NULL,
	state       TEXT    NOT NULL CHECK (state IN ('pending', 'done')),
	result      BLOB,
	booking_id  TEXT    NOT NULL DEFAULT '',
	version     INTEGER NOT NULL DEFAULT 0,
	received_at INTEGER NOT NULL
);
CREATE INDEX fleet_commands_pending ON fleet_commands (state) WHERE state = 'pending';
CREATE INDEX fleet_commands_by_age ON fleet_commands (received_at);

-- The newest version of each booking the central side sent: an older
-- change arriving late is stale and not applied.
CREATE TABLE fleet_bookings (
	booking_id TEXT    PRIMARY KEY,
	version    INTEGER NOT NULL,
	rent_id    INTEGER NOT NULL DEFAULT 0
);

-- Booking versions processed above the gap-free prefix (fleet_state
-- 'booking_through'); they fold into it as the gap closes.
CREATE TABLE fleet_versions_ahead (
	version INTEGER PRIMARY KEY
);
