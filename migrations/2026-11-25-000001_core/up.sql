-- The claim ledger: people, pieces, their claims, evidence, notes and the append-only history.
-- Enumerations are checked text columns: the one list of values lives in src/domain/workflow.rs,
-- and these checks keep the database honest if anything else ever writes to it.

CREATE TABLE users (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email       text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- The actor of changes made by the demo loader and by migrations (and, until accounts exist, of every change).
INSERT INTO users (id, name, email)
VALUES ('00000000-0000-0000-0000-000000000000', 'System', 'system@factdesk.invalid');

CREATE TABLE pieces (
    id            uuid PRIMARY KEY,
    title         text NOT NULL,
    outlet        text,
    url           text,
    authors       text[] NOT NULL DEFAULT '{}',
    published_at  timestamptz NOT NULL,
    body          text NOT NULL,
    version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    uuid NOT NULL REFERENCES users (id),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    uuid NOT NULL REFERENCES users (id)
);
CREATE INDEX pieces_published_at_idx ON pieces (published_at DESC, id DESC);

CREATE TABLE claims (
    id            uuid PRIMARY KEY,
    piece_id      uuid NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
    -- W3C Web Annotation TextQuoteSelector + TextPositionSelector, positions in Unicode characters.
    quote_exact   text NOT NULL CHECK (quote_exact <> ''),
    quote_prefix  text NOT NULL,
    quote_suffix  text NOT NULL,
    quote_start   integer NOT NULL CHECK (quote_start >= 0),
    quote_end     integer NOT NULL,
    claimant      text NOT NULL DEFAULT '',
    summary       text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'unchecked'
                  CHECK (status IN ('unchecked', 'in_progress', 'accurate', 'misleading', 'false', 'unverifiable')),
    -- Why the current status was set (required for verdicts and reopening).
    status_reason text,
    priority      text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
    assignee_id   uuid REFERENCES users (id),
    version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    uuid NOT NULL REFERENCES users (id),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    uuid NOT NULL REFERENCES users (id),
    CHECK (quote_end > quote_start)
);
CREATE INDEX claims_piece_idx ON claims (piece_id, quote_start, quote_end);
-- Keyset pagination of GET /claims: newest change first.
CREATE INDEX claims_updated_idx ON claims (updated_at DESC, id DESC);
CREATE INDEX claims_status_idx ON claims (status, updated_at DESC);
CREATE INDEX claims_assignee_idx ON claims (assignee_id) WHERE assignee_id IS NOT NULL;

CREATE TABLE evidence (
    id            uuid PRIMARY KEY,
    claim_id      uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    url           text NOT NULL CHECK (url ~* '^https?://'),
    title         text NOT NULL,
    publisher     text NOT NULL DEFAULT '',
    stance        text NOT NULL CHECK (stance IN ('supports', 'refutes', 'context')),
    note          text NOT NULL DEFAULT '',
    archived_url  text CHECK (archived_url ~* '^https?://'),
    added_at      timestamptz NOT NULL DEFAULT now(),
    added_by      uuid NOT NULL REFERENCES users (id),
    -- Removed evidence is kept: the history must still be able to say what was removed.
    removed_at    timestamptz,
    removed_by    uuid REFERENCES users (id),
    CHECK ((removed_at IS NULL) = (removed_by IS NULL))
);
CREATE INDEX evidence_claim_idx ON evidence (claim_id, added_at);

CREATE TABLE notes (
    id          uuid PRIMARY KEY,
    claim_id    uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    author_id   uuid NOT NULL REFERENCES users (id),
    body        text NOT NULL CHECK (body <> ''),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_claim_idx ON notes (claim_id, created_at);

CREATE TABLE events (
    id          uuid PRIMARY KEY,
    -- Orders events written in the same transaction (which share now()).
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    claim_id    uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    actor_id    uuid NOT NULL REFERENCES users (id),
    at          timestamptz NOT NULL DEFAULT now(),
    kind        text NOT NULL
                CHECK (kind IN ('created', 'edited', 'status_changed', 'evidence_added', 'evidence_removed', 'note_added')),
    -- For `edited`: which field changed.
    field       text,
    from_value  text,
    to_value    text,
    reason      text,
    -- The evidence or note an event is about.
    subject_id  uuid
);
CREATE INDEX events_claim_idx ON events (claim_id, seq);

-- History is append-only. The one exception is purging a whole piece (the demo reload), which must
-- say so explicitly in its transaction with SET LOCAL factdesk.purge = 'on'.
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('factdesk.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
