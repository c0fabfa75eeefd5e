CREATE TABLE code_seals (
	rent_id INTEGER PRIMARY KEY REFERENCES rents (id) ON DELETE CASCADE,
	carrier TEXT    NOT NULL CHECK (carrier <> ''),
	sealed  BLOB
);

CREATE TABLE door_opens (
	id         INTEGER PRIMARY KEY,
	door_id    INTEGER NOT NULL REFERENCES doors (id),
	rent_id    INTEGER REFERENCES rents (id),
	reason     TEXT    NOT NULL,
	state      TEXT    NOT NULL CHECK (state IN ('intent', 'opened', 'failed', 'unknown', 'flagged')),
	created_at INTEGER NOT NULL,
	ended_at   INTEGER
, sensor TEXT NOT NULL DEFAULT '', cause TEXT NOT NULL DEFAULT '', checked INTEGER NOT NULL DEFAULT 0 CHECK (checked IN (0, 1)));

CREATE INDEX door_opens_by_door ON door_opens (door_id, state);

CREATE INDEX door_opens_by_rent ON door_opens (rent_id);

CREATE INDEX door_opens_pending ON door_opens (state) WHERE state = 'intent';

CREATE TABLE doors (
	id             INTEGER PRIMARY KEY,
	board          INTEGER NOT NULL CHECK (board BETWEEN 1 AND 255),
	channel        INTEGER NOT NULL CHECK (channel BETWEEN 1 AND 255),
	size           TEXT    NOT NULL CHECK (size IN ('S', 'M', 'L')),
	col            INTEGER NOT NULL CHECK (col >= 1),
	row            INTEGER NOT NULL CHECK (row >= 1),
	low            INTEGER NOT NULL DEFAULT 0 CHECK (low IN (0, 1)),
	out_of_service INTEGER NOT NULL DEFAULT 0 CHECK (out_of_service IN (0, 1)),
	oos_reason     TEXT    NOT NULL DEFAULT '', fault TEXT NOT NULL DEFAULT '', paused_since INTEGER,
	UNIQUE (board, channel),
	UNIQUE (col, row)
);

CREATE TABLE events (
	seq     INTEGER PRIMARY KEY,
	at      INTEGER NOT NULL,
	actor   TEXT    NOT NULL,
	kind    TEXT    NOT NULL,
	door_id INTEGER,
	rent_id INTEGER,
	detail  TEXT    NOT NULL DEFAULT '',
	prev    BLOB    NOT NULL,
	hash    BLOB    NOT NULL
, code_for TEXT, code_sealed BLOB);

CREATE TRIGGER events_append_only BEFORE UPDATE ON events
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE INDEX events_by_at ON events (at);

CREATE INDEX events_by_rent ON events (rent_id) WHERE rent_id IS NOT NULL;

CREATE TABLE guess_buckets (
	scope      TEXT    PRIMARY KEY,
	tokens     REAL    NOT NULL,
	at         INTEGER NOT NULL,
	wrong      INTEGER NOT NULL DEFAULT 0,
	trips      INTEGER NOT NULL DEFAULT 0,
	first_trip INTEGER,
	last_trip  INTEGER
);

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
);

CREATE TABLE rent_qr (
	rent_id INTEGER PRIMARY KEY REFERENCES rents (id) ON DELETE CASCADE,
	hash    BLOB    NOT NULL CHECK (length(hash) = 32)
);

CREATE TABLE rents (
	id           INTEGER PRIMARY KEY,
	door_id      INTEGER NOT NULL REFERENCES doors (id),
	state        TEXT    NOT NULL CHECK (state IN ('reserved', 'stored', 'collected', 'expired', 'reclaimed', 'cancelled')),
	parcel_ref   TEXT    NOT NULL DEFAULT '',
	pickup_mac   BLOB,
	created_at   INTEGER NOT NULL,
	stored_at    INTEGER,
	ended_at     INTEGER,
	expires_at   INTEGER
, kind TEXT NOT NULL DEFAULT 'delivery'
	CHECK (kind IN ('delivery', 'return')), recipient_ref TEXT NOT NULL DEFAULT '', courier TEXT NOT NULL DEFAULT '', dropoff_mac BLOB, booked INTEGER NOT NULL DEFAULT 0 CHECK (booked IN (0, 1)));

CREATE INDEX rents_by_dropoff ON rents (dropoff_mac) WHERE state = 'reserved';

CREATE INDEX rents_by_ended ON rents (ended_at) WHERE ended_at IS NOT NULL;

CREATE INDEX rents_by_parcel ON rents (parcel_ref);

CREATE INDEX rents_by_pickup ON rents (pickup_mac) WHERE state IN ('reserved', 'stored', 'expired');

CREATE INDEX rents_by_state ON rents (state);

CREATE INDEX rents_collected_by_pickup ON rents (pickup_mac, ended_at) WHERE state = 'collected';

CREATE UNIQUE INDEX rents_one_active_per_door ON rents (door_id)
	WHERE state IN ('reserved', 'stored', 'expired');

CREATE TABLE revocations (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	version    INTEGER NOT NULL CHECK (version > 0),
	list       BLOB    NOT NULL,
	applied_at INTEGER NOT NULL
);

CREATE TABLE schema_migrations (name TEXT PRIMARY KEY);

CREATE TABLE settings (
	key        TEXT PRIMARY KEY,
	value      TEXT    NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE staff (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL UNIQUE CHECK (name <> ''),
	pin_hash   TEXT    NOT NULL,
	failures   INTEGER NOT NULL DEFAULT 0,
	locked     INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
	created_at INTEGER NOT NULL
);

CREATE TABLE tokens (
	ref        BLOB    PRIMARY KEY CHECK (length(ref) = 32),
	kind       TEXT    NOT NULL DEFAULT '',
	subject    TEXT    NOT NULL DEFAULT '',
	carrier    TEXT    NOT NULL DEFAULT '',
	key_id     TEXT    NOT NULL DEFAULT '',
	issued_at  INTEGER,
	expires_at INTEGER,
	issued     INTEGER NOT NULL DEFAULT 0 CHECK (issued IN (0, 1)),
	first_seen INTEGER,
	last_seen  INTEGER,
	revoked_at INTEGER,
	revoked_by TEXT    NOT NULL DEFAULT '',
	reason     TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX tokens_by_expiry ON tokens (expires_at);

