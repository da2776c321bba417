-- Changes to a piece's details (its text never changes: claims are anchored in it), kept like a
-- claim's history: one row per changed field, append-only, written in the edit's transaction.
CREATE TABLE piece_events (
    id          uuid PRIMARY KEY,
    -- Orders the fields changed by one edit (which share now()).
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    piece_id    uuid NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
    actor_id    uuid NOT NULL REFERENCES users (id),
    at          timestamptz NOT NULL DEFAULT now(),
    field       text NOT NULL CHECK (field IN ('title', 'outlet', 'url', 'authors', 'published_at')),
    from_value  text,
    to_value    text
);
CREATE INDEX piece_events_piece_idx ON piece_events (piece_id, seq);

-- The same guard as the claims' history: no UPDATE, no DELETE but the demo's explicit purge,
-- no TRUNCATE.
CREATE TRIGGER piece_events_append_only BEFORE UPDATE OR DELETE ON piece_events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER piece_events_no_truncate BEFORE TRUNCATE ON piece_events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
