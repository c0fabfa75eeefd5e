-- Guessing limits (package app/core decides the rules): one token bucket per
-- scope ("code" for pickup and return codes at the screen, "staff" for the
-- PIN pad, "badge:<name>" for one staff badge). tokens is what was left at
-- at (unix ms); the rest counts what staff see on the alert banner since they
-- last cleared it. It replaces the 5-in-15-minutes lockout.
CREATE TABLE guess_buckets (
	scope      TEXT    PRIMARY KEY,
	tokens     REAL    NOT NULL,
	at         INTEGER NOT NULL,
	wrong      INTEGER NOT NULL DEFAULT 0,
	trips      INTEGER NOT NULL DEFAULT 0,
	first_trip INTEGER,
	last_trip  INTEGER
);
DROP TABLE lockout_failures;
DROP TABLE lockouts;

-- The operator's revocation list for the credentials it signs (courier and
-- staff QR badges, app pickup tokens), as pushed by the fleet link: one row,
-- the newest version applied. list is its JSON.
CREATE TABLE revocations (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	version    INTEGER NOT NULL CHECK (version > 0),
	list       BLOB    NOT NULL,
	applied_at INTEGER NOT NULL
);
