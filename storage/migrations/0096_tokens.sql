-- The operator's tokens this locker knows of: those it signed itself
-- (POST /v1/tokens, issued = 1), those shown at it (a courier's, a staff
-- badge), and those revoked here, by the API or by staff at the kiosk,
-- seen or not. A token is named by ref, the SHA-256 of its id, never by
-- the id: with the id and a copy of the site key a token signed here could
-- be made again, and an id of 64 random bits is out of reach of a search
-- of its hash. Revocation here applies beside the operator's pushed list
-- (revocations), at once and across restarts.
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
