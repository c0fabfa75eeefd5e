-- When central last published a locker's confirmation: a health the
-- locker sent after it, saying it holds less, means the confirmation did
-- not reach it (the broker lost the retained message, or it was
-- published as the locker's session ended), and it goes out again.
ALTER TABLE lockers ADD COLUMN confirmed_at timestamptz;
