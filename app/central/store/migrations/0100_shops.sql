-- The network's shop API: shops, their API keys, their bookings, their
-- Idempotency-Keys, the feed of what happened to their parcels and their
-- webhooks.

CREATE TABLE shops (
	id           bigserial PRIMARY KEY,
	name         text NOT NULL UNIQUE,
	created_at   timestamptz NOT NULL DEFAULT now(),
	disabled_at  timestamptz
);

-- Only the SHA-256 of a key is kept: a key is 256 random bits, so the
-- hash is as good as the key to look up and useless to whoever copies it.
CREATE TABLE shop_keys (
	hash         bytea PRIMARY KEY,
	shop         bigint NOT NULL REFERENCES shops (id),
	name         text NOT NULL,
	scopes       text[] NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now(),
	revoked_at   timestamptz
);
-- A key's name is how its shop and the operator tell it apart (and
-- revoke it): one live key per name.
CREATE UNIQUE INDEX shop_keys_name ON shop_keys (shop, name) WHERE revoked_at IS NULL;

-- Which shop made a booking, and the lockers it asked for, in order. The
-- row is written before the book command exists, so a booking never goes
-- out without its shop. Each locker tried is a booking of its own at
-- central and at the locker (its id is booking_id@locker); current is the
-- one the shop's booking stands for now.
CREATE TABLE shop_bookings (
	booking_id   text PRIMARY KEY,
	shop         bigint NOT NULL REFERENCES shops (id),
	lockers      text[] NOT NULL,
	current      text UNIQUE,
	-- The rent's state from the locker's events (those that are states:
	-- an extension or a problem report is news, not a state).
	rent_state   text,
	size         text NOT NULL,
	parcel_ref   text NOT NULL,
	recipient_ref text NOT NULL DEFAULT '',
	created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shop_bookings_shop ON shop_bookings (shop, created_at, booking_id);
CREATE INDEX shop_bookings_parcel ON shop_bookings (shop, parcel_ref);

-- Idempotency-Keys of booking requests: pending while the first request
-- runs or the locker has not answered, done with the answer sealed under
-- the caller's API key (it holds the pickup code).
CREATE TABLE shop_idempotency (
	shop         bigint NOT NULL REFERENCES shops (id),
	key          text NOT NULL,
	request_hash bytea NOT NULL,
	state        text NOT NULL CHECK (state IN ('pending', 'done')),
	status       integer NOT NULL DEFAULT 0,
	response     bytea,
	booking_id   text,
	created_at   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (shop, key)
);

-- The feed: one row per change of a shop's booking or of its rent,
-- written by the triggers below in the transaction of the change. Its
-- place in the feed (pos) is handed out afterwards, in id order, only to
-- rows below a horizon every writer of which has finished (store.FeedStep),
-- so a reader that went past a pos never misses one handed out later; a
-- booking's rows get their ids in the order its changes were made (each
-- waited for the row lock of the one before).
CREATE TABLE shop_events (
	id           bigserial PRIMARY KEY,
	pos          bigint UNIQUE,
	shop         bigint NOT NULL,
	booking_id   text NOT NULL,
	kind         text NOT NULL,
	locker       text NOT NULL,
	rent_id      bigint,
	door_id      bigint,
	at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shop_events_feed ON shop_events (shop, pos) WHERE pos IS NOT NULL;
CREATE INDEX shop_events_pending ON shop_events (id) WHERE pos IS NULL;

-- The sequencer's state: the last pos handed out, and the horizon: the
-- highest id when it was taken and the transactions then running.
CREATE TABLE shop_feed (
	one          boolean PRIMARY KEY DEFAULT true CHECK (one),
	last_pos     bigint NOT NULL DEFAULT 0,
	horizon_id   bigint NOT NULL DEFAULT 0,
	horizon_xips xid8[] NOT NULL DEFAULT '{}'
);
INSERT INTO shop_feed DEFAULT VALUES;

-- One row for the shop whose booking's current attempt this is. A
-- booking made by the operator's tools has no shop, and an attempt given
-- up for the next locker is no longer the shop's: nothing to say.
CREATE FUNCTION shop_event(p_attempt text, p_kind text, p_locker text, p_rent bigint, p_door bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO shop_events (shop, booking_id, kind, locker, rent_id, door_id)
		SELECT shop, booking_id, p_kind, p_locker, p_rent, p_door FROM shop_bookings WHERE current = p_attempt;
END $$;

-- A rent's state moves as central applies the locker's events, in seq
-- order; a rent that learns its booking late (the locker's answer came
-- after its first event) reports its state then. Each rent.* event the
-- rent takes is the shop's news; only those that are states move the
-- booking's rent_state.
CREATE FUNCTION shop_rent_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.state = OLD.state AND NEW.booking_id IS NOT DISTINCT FROM OLD.booking_id THEN
		RETURN NULL;
	END IF;
	IF NEW.state IN ('booked', 'reserved', 'stored', 'collected', 'expired', 'lapsed', 'reclaimed', 'cancelled') THEN
		UPDATE shop_bookings SET rent_state = NEW.state WHERE current = NEW.booking_id;
	END IF;
	PERFORM shop_event(NEW.booking_id, 'rent.' || NEW.state, NEW.locker, NEW.rent_id, NEW.door_id);
	RETURN NULL;
END $$;
CREATE TRIGGER shop_rent_event AFTER INSERT OR UPDATE OF state, booking_id ON rents
	FOR EACH ROW WHEN (NEW.booking_id IS NOT NULL) EXECUTE FUNCTION shop_rent_event();

-- A booking's answer from its locker: booked, refused or cancelled.
CREATE FUNCTION shop_booking_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.state = OLD.state THEN
		RETURN NULL;
	END IF;
	PERFORM shop_event(NEW.booking_id, 'booking.' || NEW.state, NEW.locker, NEW.rent_id, NEW.door_id);
	RETURN NULL;
END $$;
CREATE TRIGGER shop_booking_event AFTER UPDATE OF state ON bookings
	FOR EACH ROW EXECUTE FUNCTION shop_booking_event();

-- A shop's webhook endpoints; the secret signs deliveries (HMAC), so it is
-- kept as given. cursor is the last shop_events id done (delivered,
-- skipped or parked); one instance at a time delivers an endpoint, under a
-- lease.
CREATE TABLE shop_webhooks (
	id           bigserial PRIMARY KEY,
	shop         bigint NOT NULL REFERENCES shops (id),
	url          text NOT NULL,
	secret       bytea NOT NULL,
	kinds        text[] NOT NULL DEFAULT '{}',
	cursor       bigint NOT NULL,
	lease_by     text,
	lease_until  timestamptz,
	created_at   timestamptz NOT NULL DEFAULT now(),
	deleted_at   timestamptz
);
CREATE INDEX shop_webhooks_shop ON shop_webhooks (shop);

-- Deliveries that failed every attempt, and later events of the same
-- booking held behind them, until the shop retries.
CREATE TABLE shop_webhook_parked (
	id           bigserial PRIMARY KEY,
	webhook      bigint NOT NULL REFERENCES shop_webhooks (id),
	event_id     bigint NOT NULL,
	booking_id   text NOT NULL,
	kind         text NOT NULL,
	payload      bytea NOT NULL,
	attempts     integer NOT NULL,
	last_error   text NOT NULL,
	parked_at    timestamptz NOT NULL DEFAULT now(),
	UNIQUE (webhook, event_id)
);
CREATE INDEX shop_webhook_parked_booking ON shop_webhook_parked (webhook, booking_id);
