-- Two statements of every claim page and every status change, planned once per connection
-- instead of on every call (issue 9).
--
-- A claim's edit (status, wording, priority, assignee) is written by one function whose plan each
-- connection keeps. Diesel sends every UPDATE as a statement it never caches (its
-- changesets may leave columns out), so Postgres parsed and planned the same UPDATE on every
-- status change (0.10 ms of planning alone, by pg_stat_statements, and a new named statement
-- prepared and closed each time). A call of a function is a SELECT, which Diesel prepares once
-- per connection, and PL/pgSQL keeps the UPDATE's plan.
--
-- Every column is written, with its new value or its current one (read under the same row
-- lock), so the statement is the same whatever changed; `expected_version` makes it a no-op
-- (false) if another writer got there first.
CREATE FUNCTION claim_write(
    claim            uuid,
    expected_version integer,
    new_status       text,
    new_reason       text,
    new_verdict_by   uuid,
    new_verdict_at   timestamptz,
    new_signed_by    uuid,
    new_signed_at    timestamptz,
    new_signoff_note text,
    new_summary      text,
    new_claimant     text,
    new_priority     text,
    new_assignee     uuid,
    actor            uuid,
    at               timestamptz
) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    UPDATE claims
       SET status = new_status,
           status_reason = new_reason,
           verdict_by = new_verdict_by,
           verdict_at = new_verdict_at,
           signed_off_by = new_signed_by,
           signed_off_at = new_signed_at,
           signoff_note = new_signoff_note,
           summary = new_summary,
           claimant = new_claimant,
           priority = new_priority,
           assignee_id = new_assignee,
           version = expected_version + 1,
           updated_by = actor,
           updated_at = at
     WHERE id = claim AND version = expected_version;
    RETURN FOUND;
END;
$$;

-- "Checked before" (migration 000007): the answer query reads the list through unnest() of
-- two array variables, and PL/pgSQL plans a query over array values for each call's arrays: 0.3
-- of the 0.43 ms the function took on every claim page, for the same plan each time (index
-- lookups of the listed claims and their pieces). The generic plan is kept instead; the setting
-- holds for the first view's finding too (claims_alike), whose queries take no array values.
ALTER FUNCTION claim_checked_before_list(uuid, real, integer)
    SET plan_cache_mode = force_generic_plan;
