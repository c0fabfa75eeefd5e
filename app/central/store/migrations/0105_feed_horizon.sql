-- The feed's horizon waits for every transaction below a transaction id
-- (store.FeedStep takes its own, after reading the highest shop_events
-- id), no longer for a snapshot's list of running transactions: that
-- list leaves out the newest writers, those at or past the snapshot's
-- xmax, so a change still being written could be passed by a later id.
-- This migration's own transaction id is above that of every writer of
-- a row at or below the horizon taken before it. horizon_xips is no
-- longer read; it stays for an instance of the version before, which
-- may run until it is replaced (no place is ever handed out twice or
-- skipped either way: places only grow).
ALTER TABLE shop_feed ADD COLUMN horizon_xid xid8 NOT NULL DEFAULT '0';
UPDATE shop_feed SET horizon_xid = pg_current_xact_id();
