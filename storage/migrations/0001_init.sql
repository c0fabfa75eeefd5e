-- Doors: one row per lock. board/channel address the lock board; col/row place
-- the door on the map shown to shoppers.
CREATE TABLE doors (
	id             INTEGER PRIMARY KEY,
	board          INTEGER NOT NULL CHECK (board BETWEEN 1 AND 255),
	channel        INTEGER NOT NULL CHECK (channel BETWEEN 1 AND 255),
	size           TEXT    NOT NULL CHECK (size IN ('S', 'M', 'L')),
	col            INTEGER NOT NULL CHECK (col >= 1),
	row            INTEGER NOT NULL CHECK (row >= 1),
	low            INTEGER NOT NULL DEFAULT 0 CHECK (low IN (0, 1)),
	out_of_service INTEGER NOT NULL DEFAULT 0 CHECK (out_of_service IN (0, 1)),
	oos_reason     TEXT    NOT NULL DEFAULT '',
	UNIQUE (board, channel),
	UNIQUE (col, row)
);

-- Rents: one parcel's stay in one door. pickup_mac is the HMAC of the pickup
-- code under the locker secret; the code itself is never stored.
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
);

-- The schema itself refuses two active rents in one door.
CREATE UNIQUE INDEX rents_one_active_per_door ON rents (door_id)
	WHERE state IN ('reserved', 'stored', 'expired');
CREATE INDEX rents_by_pickup ON rents (pickup_mac) WHERE state = 'stored';
CREATE INDEX rents_by_state ON rents (state);

-- Events: the append-only audit log. hash = SHA-256(prev || canonical row),
-- so removing or editing a row breaks verification from that row on.
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
);

CREATE TRIGGER events_append_only BEFORE UPDATE ON events
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;

-- Door openings: the intent is committed before the board is told to open,
-- so a crash between the two leaves a row that restart reconciliation finds.
CREATE TABLE door_opens (
	id         INTEGER PRIMARY KEY,
	door_id    INTEGER NOT NULL REFERENCES doors (id),
	rent_id    INTEGER REFERENCES rents (id),
	reason     TEXT    NOT NULL,
	state      TEXT    NOT NULL CHECK (state IN ('intent', 'opened', 'failed', 'unknown', 'flagged')),
	created_at INTEGER NOT NULL,
	ended_at   INTEGER
);
CREATE INDEX door_opens_pending ON door_opens (state) WHERE state = 'intent';

-- Locker-wide values: the code secret, the locker id, settings.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
