-- The dashboard reads events and rents newest first across the fleet.
CREATE INDEX events_stored_at ON events (stored_at DESC);
CREATE INDEX rents_updated ON rents (updated_at DESC);
CREATE INDEX alerts_recent ON alerts (raised_at DESC);
