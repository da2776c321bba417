DROP TRIGGER claim_search_flush ON claim_search_flush_due;
DROP FUNCTION claim_search_flush();
DROP TABLE claim_search_flush_due;
DROP TABLE claim_search_pending;
-- Migration 000007's function, as it was: it is the rebuild, renamed back.
DROP FUNCTION claim_search_refresh_many(uuid[]);
ALTER FUNCTION claim_search_rebuild(uuid[]) RENAME TO claim_search_refresh_many;
