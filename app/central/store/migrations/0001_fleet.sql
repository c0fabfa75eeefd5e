-- The operator's copy of the fleet. Times are timestamptz; seqs and
-- versions are the locker's own numbers.

-- One row per locker: the registry (identity), its link state (last birth
-- and Will, online) and the ingest's cursors. Every event of a locker is
-- stored under a lock of this row.
CREATE TABLE lockers (
	id               text PRIMARY KEY,
	created_at       timestamptz NOT NULL DEFAULT now(),
	-- Identity: the certificate central issued (enrol) or saw.
	cert_serial      text,
	cert_not_after   timestamptz,
	enrolled_at      timestamptz,
	-- Link state from the retained state/online: the newest birth, and the
	-- Will of a lost connection (ignored when older than the birth).
	online           boolean NOT NULL DEFAULT false,
	online_changed   timestamptz,
	birth            bigint NOT NULL DEFAULT 0,
	boot             bigint NOT NULL DEFAULT 0,
	version          text NOT NULL DEFAULT '',
	last_birth       jsonb,
	last_will        jsonb,
	last_seen        timestamptz,
	-- Retained state, kept compact: health and capacity whole, doors as
	-- the locker sent them (bounded by the ingest's payload cap).
	health           jsonb,
	health_at        timestamptz,
	capacity         jsonb,
	doors            jsonb,
	doors_at         timestamptz,
	-- The ingest: every seq through stored_through is stored; max_seq is
	-- the highest seen (above a hole while ahead > 0); confirmed is the
	-- last stored_through published on the confirm topic.
	stored_through   bigint NOT NULL DEFAULT 0,
	max_seq          bigint NOT NULL DEFAULT 0,
	ahead            integer NOT NULL DEFAULT 0,
	hole_since       timestamptz,
	confirmed        bigint NOT NULL DEFAULT 0,
	resend_from      bigint NOT NULL DEFAULT 0,
	resend_at        timestamptz,
	duplicates       bigint NOT NULL DEFAULT 0,
	refused          bigint NOT NULL DEFAULT 0,
	last_event_at    timestamptz,
	-- The newest booking version handed out for this locker: the one
	-- source of versions, whoever books.
	booking_version  bigint NOT NULL DEFAULT 0
);

-- Events, append-only, partitioned by the month central stored them.
-- (locker, seq) is unique by the ingest's rule (stored_through and
-- events_ahead under the locker's row lock), which holds across
-- partitions where a unique index could not.
CREATE TABLE events (
	locker        text NOT NULL,
	seq           bigint NOT NULL,
	stored_at     timestamptz NOT NULL DEFAULT now(),
	at            timestamptz NOT NULL,
	boot          bigint NOT NULL,
	clock_synced  boolean NOT NULL,
	kind          text NOT NULL,
	actor         text NOT NULL DEFAULT '',
	rent_id       bigint,
	door_id       bigint,
	detail        text NOT NULL DEFAULT '',
	body          jsonb NOT NULL
) PARTITION BY RANGE (stored_at);
CREATE INDEX events_locker_seq ON events (locker, seq);
CREATE INDEX events_kind ON events (kind, stored_at);
-- Rows that land outside every month's partition (a clock far off) are
-- kept, not refused.
CREATE TABLE events_default PARTITION OF events DEFAULT;

-- Seqs stored above a hole in a locker's sequence, until the hole fills.
CREATE TABLE events_ahead (
	locker text NOT NULL,
	seq    bigint NOT NULL,
	PRIMARY KEY (locker, seq)
);

-- Rents as the operator sees them: the locker's rent with the shop's
-- parcel reference from the booking that made it.
CREATE TABLE rents (
	locker       text NOT NULL,
	rent_id      bigint NOT NULL,
	booking_id   text,
	parcel_ref   text,
	state        text NOT NULL,
	door_id      bigint,
	created_at   timestamptz NOT NULL,
	updated_at   timestamptz NOT NULL,
	last_seq     bigint NOT NULL,
	PRIMARY KEY (locker, rent_id)
);
CREATE INDEX rents_parcel ON rents (parcel_ref);

-- Bookings: one per booking id, with its newest version.
CREATE TABLE bookings (
	booking_id   text PRIMARY KEY,
	locker       text NOT NULL REFERENCES lockers (id),
	version      bigint NOT NULL,
	state        text NOT NULL,  -- sent, booked, refused, cancelled
	size         text NOT NULL,
	parcel_ref   text NOT NULL,
	recipient_ref text NOT NULL DEFAULT '',
	rent_id      bigint,
	door_id      bigint,
	created_at   timestamptz NOT NULL DEFAULT now(),
	updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bookings_locker ON bookings (locker);

-- Commands sent to lockers, byte for byte (a resend must be the same
-- command), with the locker's result.
CREATE TABLE commands (
	command_id   text PRIMARY KEY,
	locker       text NOT NULL,     -- a locker id, or _all
	name         text NOT NULL,
	booking_id   text NOT NULL DEFAULT '',
	version      bigint NOT NULL DEFAULT 0,
	issued_at    timestamptz NOT NULL,
	expires_at   timestamptz NOT NULL,
	payload      bytea NOT NULL,
	sent_by      text NOT NULL DEFAULT '',
	created_at   timestamptz NOT NULL DEFAULT now(),
	status       text,              -- ok, refused, failed; null: no answer yet
	error        text,
	result       jsonb,             -- without any pickup code
	answered_at  timestamptz
);
CREATE INDEX commands_sync ON commands (locker, version, issued_at);

-- Results of fleet-wide commands, one row per locker that answered.
CREATE TABLE command_results (
	command_id   text NOT NULL REFERENCES commands (command_id),
	locker       text NOT NULL,
	status       text NOT NULL,
	error        text,
	result       jsonb NOT NULL,
	answered_at  timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (command_id, locker)
);

-- Alerts: one open row per (locker, kind, subject) at a time.
CREATE TABLE alerts (
	id           bigserial PRIMARY KEY,
	locker       text NOT NULL,
	kind         text NOT NULL,     -- offline, backlog, doors, clock, guessing, refused, gap
	subject      text NOT NULL DEFAULT '',
	message      text NOT NULL,
	raised_at    timestamptz NOT NULL DEFAULT now(),
	updated_at   timestamptz NOT NULL DEFAULT now(),
	count        integer NOT NULL DEFAULT 1,
	cleared_at   timestamptz,
	acked_at     timestamptz,
	acked_by     text
);
CREATE UNIQUE INDEX alerts_open ON alerts (locker, kind, subject) WHERE cleared_at IS NULL;

-- Operator accounts (the shop API and the dashboard add their own
-- tables: shops, keys, sessions).
CREATE TABLE operators (
	id           bigserial PRIMARY KEY,
	name         text NOT NULL UNIQUE,
	role         text NOT NULL CHECK (role IN ('read', 'operator', 'admin')),
	created_at   timestamptz NOT NULL DEFAULT now(),
	disabled_at  timestamptz
);

-- One-time enrolment tokens: only a hash is kept.
CREATE TABLE enrolments (
	token_hash   bytea PRIMARY KEY,
	locker       text NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now(),
	expires_at   timestamptz NOT NULL,
	used_at      timestamptz,
	cert_serial  text
);
