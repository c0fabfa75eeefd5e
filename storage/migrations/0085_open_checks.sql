-- Staff checked the door after this opening (looked inside, said what is
-- in it, or cleared its fault): an opening that did not open, or whose
-- outcome nobody could tell, counts against its rent's one retry only
-- until then.
ALTER TABLE door_opens ADD COLUMN checked INTEGER NOT NULL DEFAULT 0 CHECK (checked IN (0, 1));
