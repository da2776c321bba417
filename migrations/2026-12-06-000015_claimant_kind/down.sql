DROP FUNCTION claim_write(uuid, integer, text, text, uuid, timestamptz, uuid, timestamptz, text,
                          text, text, text, text, uuid, uuid, timestamptz);
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
ALTER TABLE claims DROP COLUMN claimant_kind;
