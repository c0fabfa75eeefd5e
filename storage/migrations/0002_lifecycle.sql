-- Doors: a fault (the door did not open, the board went silent) is kept apart
-- from out-of-service, which staff set by hand. paused_since is set while
-- either holds: the rents behind the door do not age meanwhile.
ALTER TABLE doors ADD COLUMN fault TEXT NOT NULL DEFAULT '';
ALTER TABLE doors ADD COLUMN paused_since INTEGER;

-- Rents: what kind of stay, who it is for, who dropped it, and the drop-off
-- credential of a return (the HMAC of its return code; never the code).
ALTER TABLE rents ADD COLUMN kind TEXT NOT NULL DEFAULT 'delivery'
	CHECK (kind IN ('delivery', 'return'));
ALTER TABLE rents ADD COLUMN recipient_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE rents ADD COLUMN courier TEXT NOT NULL DEFAULT '';
ALTER TABLE rents ADD COLUMN dropoff_mac BLOB;
-- booked: 1 when the back office booked the door, 0 for a courier's walk-in.
ALTER TABLE rents ADD COLUMN booked INTEGER NOT NULL DEFAULT 0 CHECK (booked IN (0, 1));

-- A code may open an expired parcel's door too (to say "expired"), so the
-- pickup index covers every active state; ended rents leave it, which keeps
-- it small however many rents the history holds.
DROP INDEX rents_by_pickup;
CREATE INDEX rents_by_pickup ON rents (pickup_mac) WHERE state IN ('reserved', 'stored', 'expired');
CREATE INDEX rents_by_dropoff ON rents (dropoff_mac) WHERE state = 'reserved';
CREATE INDEX rents_by_parcel ON rents (parcel_ref);
CREATE INDEX rents_by_ended ON rents (ended_at) WHERE ended_at IS NOT NULL;
CREATE INDEX events_by_at ON events (at);
CREATE INDEX events_by_rent ON events (rent_id) WHERE rent_id IS NOT NULL;
CREATE INDEX door_opens_by_rent ON door_opens (rent_id);

-- What restart reconciliation saw at the door of an unfinished opening.
ALTER TABLE door_opens ADD COLUMN sensor TEXT NOT NULL DEFAULT '';

-- Lockout: one row per scope ("code" for pickup and return codes typed or
-- scanned at this kiosk, "staff" for PIN entry). streak counts wrong entries
-- in a row; until is when entry may resume (unix ms).
CREATE TABLE lockouts (
	scope     TEXT PRIMARY KEY,
	streak    INTEGER NOT NULL DEFAULT 0,
	last_fail INTEGER,
	until     INTEGER
);
-- Each wrong entry, for the "5 in 15 minutes" rule.
CREATE TABLE lockout_failures (
	id    INTEGER PRIMARY KEY,
	scope TEXT    NOT NULL,
	at    INTEGER NOT NULL
);
CREATE INDEX lockout_failures_by_scope ON lockout_failures (scope, at);

-- Staff: one PIN per person, kept only as a slow hash (argon2id, its
-- parameters in the encoded string). locked after 5 wrong re-entries.
CREATE TABLE staff (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL UNIQUE CHECK (name <> ''),
	pin_hash   TEXT    NOT NULL,
	failures   INTEGER NOT NULL DEFAULT 0,
	locked     INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
	created_at INTEGER NOT NULL
);

-- Settings staff change at the kiosk; they win over the configuration file.
CREATE TABLE settings (
	key        TEXT PRIMARY KEY,
	value      TEXT    NOT NULL,
	updated_at INTEGER NOT NULL
);
