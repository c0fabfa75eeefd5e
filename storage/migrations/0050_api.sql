-- Tables of the HTTP API (package app/api). They sit beside the locker's own
-- tables and never constrain them: pruning rents or events stays possible.

-- Which API key booked a rent, so one shop cannot read or cancel another's.
CREATE TABLE api_rent_owners (
	rent_id INTEGER PRIMARY KEY REFERENCES rents (id) ON DELETE CASCADE,
	owner   TEXT    NOT NULL
);
CREATE INDEX api_rent_owners_by_owner ON api_rent_owners (owner, rent_id);

-- Idempotency-Key records. response is sealed under a key derived from the
-- caller's bearer token, which the kiosk never stores, so the pickup code in
-- a replayable answer is not readable from a copied database.
CREATE TABLE api_idempotency (
	owner        TEXT    NOT NULL,
	idem_key     TEXT    NOT NULL,
	request_hash BLOB    NOT NULL,
	state        TEXT    NOT NULL CHECK (state IN ('pending', 'done', 'abandoned')),
	status       INTEGER NOT NULL DEFAULT 0,
	response     BLOB,
	rent_id      INTEGER,
	created_at   INTEGER NOT NULL,
	PRIMARY KEY (owner, idem_key)
);
CREATE INDEX api_idempotency_by_age ON api_idempotency (created_at);

-- Webhook delivery: the event log is the outbox; each endpoint keeps the seq
-- of the last event it is done with (delivered, skipped or parked).
CREATE TABLE api_webhook_cursors (
	endpoint  TEXT    PRIMARY KEY,
	after_seq INTEGER NOT NULL
);

-- Deliveries that kept failing, kept with their payload for staff to see and
-- retry; later events of the same rent wait here too, so none overtakes.
CREATE TABLE api_webhook_parked (
	id         INTEGER PRIMARY KEY,
	endpoint   TEXT    NOT NULL,
	seq        INTEGER NOT NULL,
	rent_id    INTEGER,
	kind       TEXT    NOT NULL,
	payload    BLOB    NOT NULL,
	attempts   INTEGER NOT NULL,
	last_error TEXT    NOT NULL,
	parked_at  INTEGER NOT NULL,
	UNIQUE (endpoint, seq)
);
CREATE INDEX api_webhook_parked_by_rent ON api_webhook_parked (endpoint, rent_id);
