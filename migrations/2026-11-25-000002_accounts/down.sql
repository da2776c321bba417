-- History written under the two-person rule cannot be expressed without it: refuse to lose it.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM events WHERE kind IN ('signed_off', 'signoff_voided')) THEN
        RAISE EXCEPTION 'sign-off events exist; reverting the accounts migration would lose them';
    END IF;
END
$$;
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
    'created', 'edited', 'status_changed', 'evidence_added', 'evidence_removed', 'note_added'));

ALTER TABLE claims
    DROP CONSTRAINT claims_two_people_check,
    DROP CONSTRAINT claims_signed_off_check,
    DROP CONSTRAINT claims_verdict_by_check,
    DROP COLUMN signoff_note,
    DROP COLUMN signed_off_at,
    DROP COLUMN signed_off_by,
    DROP COLUMN verdict_at,
    DROP COLUMN verdict_by;

DROP TABLE sign_in_failures;
DROP TABLE credentials;

ALTER TABLE users
    DROP COLUMN disabled,
    DROP COLUMN password_hash,
    DROP COLUMN role;
