-- A courier's walk-in drop-off gets a pickup code from the locker, which only
-- the carrier can pass on to the recipient. The locker seals it for the
-- carrier (package app/carrier) the moment it makes it; the store never sees
-- the code itself. The sealed code waits here while the rent is reserved and
-- leaves with the event that stores the rent (events.code_for,
-- events.code_sealed); a cancelled walk-in drops it. sealed is NULL when the
-- carrier has no key at this locker: nothing could be sealed.
CREATE TABLE code_seals (
	rent_id INTEGER PRIMARY KEY REFERENCES rents (id) ON DELETE CASCADE,
	carrier TEXT    NOT NULL CHECK (carrier <> ''),
	sealed  BLOB
);

-- The event that hands a walk-in's code to its carrier names the carrier and
-- carries the sealed code (NULL: the carrier has no key). NULL on every other
-- event, whose chain hash stays as it was.
ALTER TABLE events ADD COLUMN code_for TEXT;
ALTER TABLE events ADD COLUMN code_sealed BLOB;
