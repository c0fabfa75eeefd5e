-- A code collected a short while ago is told "already collected" rather
-- than "no parcel" (only to someone who typed that very code): the lookup
-- is by the collected rent's pickup MAC, which stays on the row until the
-- rent is pruned.
CREATE INDEX rents_collected_by_pickup ON rents (pickup_mac, ended_at) WHERE state = 'collected';
