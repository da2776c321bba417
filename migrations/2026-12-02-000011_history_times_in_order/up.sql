-- A claim's history is read in the order its events were written (their seq), which the claim's
-- row lock decides; their times were now(), when each transaction began, often before it waited
-- for that lock. Under contention, 40 notes at once left 15 to 18 events earlier than the one
-- before them. An event's time is now the moment it is written: after the lock, so in order.
-- Evidence and notes, listed by the time they were added, take theirs the same way.
ALTER TABLE events ALTER COLUMN at SET DEFAULT clock_timestamp();
ALTER TABLE piece_events ALTER COLUMN at SET DEFAULT clock_timestamp();
ALTER TABLE evidence ALTER COLUMN added_at SET DEFAULT clock_timestamp();
ALTER TABLE notes ALTER COLUMN created_at SET DEFAULT clock_timestamp();
