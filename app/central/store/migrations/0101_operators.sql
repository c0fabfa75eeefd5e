-- The dashboard's accounts and sessions. An operator's password is kept as
-- an argon2id hash (PHC string, its cost and salt inside); a session's
-- cookie as its SHA-256 (the cookie is 256 random bits).
ALTER TABLE operators ADD COLUMN password_hash text;
ALTER TABLE operators ADD COLUMN password_set_at timestamptz;

CREATE TABLE operator_sessions (
	token_hash   bytea PRIMARY KEY,
	operator     bigint NOT NULL REFERENCES operators (id),
	-- The form token of this session: every form that changes something
	-- carries it, so another site cannot post in the operator's name.
	csrf         bytea NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now(),
	seen_at      timestamptz NOT NULL DEFAULT now(),
	expires_at   timestamptz NOT NULL,
	address      text NOT NULL DEFAULT ''
);
CREATE INDEX operator_sessions_operator ON operator_sessions (operator);
