-- Who made a claim: a person, or an organisation (a ministry, a company, a campaign).
-- ClaimReview publishes the claim's author as a schema.org Person or Organization; every claim
-- made before this was published as a Person, which is what it keeps.
ALTER TABLE claims
    ADD COLUMN claimant_kind text NOT NULL DEFAULT 'person'
        CHECK (claimant_kind IN ('person', 'organization'));

-- claim_write (migration 000009) writes every changeable column of an edit: the kind is one.
DROP FUNCTION claim_write(uuid, integer, text, text, uuid, timestamptz, uuid, timestamptz, text,
                          text, text, text, uuid, uuid, timestamptz);
CREATE FUNCTION claim_write(
    claim             uuid,
    expected_version  integer,
    new_status        text,
    new_reason        text,
    new_verdict_by    uuid,
    new_verdict_at    timestamptz,
    new_signed_by     uuid,
    new_signed_at     timestamptz,
    new_signoff_note  text,
    new_summary       text,
    new_claimant      text,
    new_claimant_kind text,
    new_priority      text,
    new_assignee      uuid,
    actor             uuid,
    at                timestamptz
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
           claimant_kind = new_claimant_kind,
           priority = new_priority,
           assignee_id = new_assignee,
           version = expected_version + 1,
           updated_by = actor,
           updated_at = at
     WHERE id = claim AND version = expected_version;
    RETURN FOUND;
END;
$$;
