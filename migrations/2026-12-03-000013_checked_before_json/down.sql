DROP FUNCTION claim_checked_before_json(uuid, real, integer);
