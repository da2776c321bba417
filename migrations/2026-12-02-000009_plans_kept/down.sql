ALTER FUNCTION claim_checked_before_list(uuid, real, integer) RESET plan_cache_mode;
DROP FUNCTION claim_write(uuid, integer, text, text, uuid, timestamptz, uuid, timestamptz, text,
                          text, text, text, uuid, uuid, timestamptz);
