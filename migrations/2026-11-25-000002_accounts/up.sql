-- People, their roles and credentials; API tokens and browser sessions; the sign-in throttle;
-- and the two-person rule on verdicts.

ALTER TABLE users
    ADD COLUMN role text NOT NULL DEFAULT 'reviewer' CHECK (role IN ('reviewer', 'editor', 'admin')),
    -- argon2id, in the PHC string format. NULL: this user cannot sign in.
    ADD COLUMN password_hash text,
    ADD COLUMN disabled boolean NOT NULL DEFAULT false;

-- The built-in System user acts for the demo loader and migrations; nobody can sign in as it.
UPDATE users SET role = 'admin', disabled = true WHERE id = '00000000-0000-0000-0000-000000000000';

-- Bearer tokens for the API and sessions for the pages: only a SHA-256 of the secret is stored.
CREATE TABLE credentials (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id),
    kind        text NOT NULL CHECK (kind IN ('api_token', 'session')),
    secret_hash bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX credentials_user_idx ON credentials (user_id);

-- Failed sign-ins of the last minutes, shared by every instance so the throttle holds behind a
-- load balancer. Old rows are pruned as new ones arrive.
CREATE TABLE sign_in_failures (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email    text NOT NULL,
    address  text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_email_idx ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_address_idx ON sign_in_failures (address, at);

-- Who set the current verdict, and who (someone else) signed it off.
ALTER TABLE claims
    ADD COLUMN verdict_by uuid REFERENCES users (id),
    ADD COLUMN verdict_at timestamptz,
    ADD COLUMN signed_off_by uuid REFERENCES users (id),
    ADD COLUMN signed_off_at timestamptz,
    ADD COLUMN signoff_note text,
    ADD CONSTRAINT claims_verdict_by_check CHECK ((verdict_by IS NULL) = (verdict_at IS NULL)),
    ADD CONSTRAINT claims_signed_off_check CHECK ((signed_off_by IS NULL) = (signed_off_at IS NULL)),
    ADD CONSTRAINT claims_two_people_check CHECK (signed_off_by IS NULL OR signed_off_by <> verdict_by);

ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
    'created', 'edited', 'status_changed', 'evidence_added', 'evidence_removed', 'note_added',
    'signed_off', 'signoff_voided'));
