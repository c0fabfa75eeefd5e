-- Door openings: what the outcome rests on (the sensor saw it open, the
-- board refused, not seen open in time, ...), for staff and support. An
-- opening stays in state 'intent' until it is settled, so a crash while it
-- waits for its sensor is reconciled like one before the board was told.
ALTER TABLE door_opens ADD COLUMN cause TEXT NOT NULL DEFAULT '';
CREATE INDEX door_opens_by_door ON door_opens (door_id, state);
