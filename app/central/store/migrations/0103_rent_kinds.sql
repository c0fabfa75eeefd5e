-- A rent's state moves only with the events that are states (booked,
-- reserved, stored, collected, expired, lapsed, reclaimed, cancelled);
-- rent.extended, rent.moved and rent.problem are news about a rent in
-- the state it has. last_kind is the kind of the newest rent event
-- applied: the shops' feed reports it.
ALTER TABLE rents ADD COLUMN last_kind text NOT NULL DEFAULT '';
UPDATE rents SET last_kind = state;

-- Rents whose state an earlier central set to a kind that is not a state
-- take the newest state event of theirs again; the feed told the shop
-- those events as they came, so the repair says nothing.
ALTER TABLE rents DISABLE TRIGGER shop_rent_event;
UPDATE rents r SET state = s.state
	FROM (SELECT DISTINCT ON (e.locker, e.rent_id) e.locker, e.rent_id, substr(e.kind, 6) AS state
		FROM events e JOIN rents x ON x.locker = e.locker AND x.rent_id = e.rent_id
		WHERE x.state NOT IN ('booked', 'reserved', 'stored', 'collected', 'expired', 'lapsed', 'reclaimed', 'cancelled')
		  AND e.kind IN ('rent.booked', 'rent.reserved', 'rent.stored', 'rent.collected', 'rent.expired', 'rent.lapsed', 'rent.reclaimed', 'rent.cancelled')
		ORDER BY e.locker, e.rent_id, e.seq DESC) s
	WHERE r.locker = s.locker AND r.rent_id = s.rent_id;
ALTER TABLE rents ENABLE TRIGGER shop_rent_event;

-- Each rent event applied is the shop's news (last_seq moves with it),
-- under its own kind; a rent that learns its booking late reports its
-- state then. Only states move the booking's rent_state.
CREATE OR REPLACE FUNCTION shop_rent_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	kind text := NEW.last_kind;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.last_seq = OLD.last_seq THEN
		IF NEW.booking_id IS NOT DISTINCT FROM OLD.booking_id THEN
			RETURN NULL;
		END IF;
		kind := NEW.state;
	END IF;
	IF NEW.state IN ('booked', 'reserved', 'stored', 'collected', 'expired', 'lapsed', 'reclaimed', 'cancelled') THEN
		UPDATE shop_bookings SET rent_state = NEW.state WHERE current = NEW.booking_id;
	END IF;
	PERFORM shop_event(NEW.booking_id, 'rent.' || kind, NEW.locker, NEW.rent_id, NEW.door_id);
	RETURN NULL;
END $$;
DROP TRIGGER shop_rent_event ON rents;
CREATE TRIGGER shop_rent_event AFTER INSERT OR UPDATE OF state, booking_id, last_seq ON rents
	FOR EACH ROW WHEN (NEW.booking_id IS NOT NULL) EXECUTE FUNCTION shop_rent_event();
