-- The locker's own pickup and return QR carries a random secret of its rent
-- (128 bits) besides the MAC under the locker's key; the store keeps only
-- its SHA-256 here, so neither locker.key nor this file, nor both, make a
-- QR that opens a door. A rent booked before this table has no row: its QR
-- is refused and its code still works.
CREATE TABLE rent_qr (
	rent_id INTEGER PRIMARY KEY REFERENCES rents (id) ON DELETE CASCADE,
	hash    BLOB    NOT NULL CHECK (length(hash) = 32)
);
