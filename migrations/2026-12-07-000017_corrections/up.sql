-- Corrections (issue 12): a piece's text can change, every earlier text is kept, and each claim
-- says what the last correction did to its words.

-- Every text a piece has had. A piece never corrected has no rows: its one revision is its text
-- as added (pieces.body, created_at, created_by). Its first correction writes revision 1 (that
-- text) and revision 2 together, so nothing is copied for the many pieces never corrected, and
-- revision n's row holds the whole text it had (a revisions page reads one row, not a chain).
CREATE TABLE piece_revisions (
    piece_id    uuid NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
    revision    integer NOT NULL CHECK (revision > 0),
    body        text NOT NULL CHECK (body <> ''),
    -- Why the text changed: every correction says so; the text as first added has none.
    reason      text CHECK (reason <> ''),
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid NOT NULL REFERENCES users (id),
    PRIMARY KEY (piece_id, revision),
    CHECK ((revision = 1) = (reason IS NULL))
);
-- Kept like the histories: no UPDATE, no DELETE but the demo's explicit purge, no TRUNCATE.
CREATE TRIGGER piece_revisions_append_only BEFORE UPDATE OR DELETE ON piece_revisions
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER piece_revisions_no_truncate BEFORE TRUNCATE ON piece_revisions
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- What the last correction of its piece did to a claim's words: `exact` (there as they were,
-- perhaps moved), `changed` (found, reworded: the quote is the new words) or `orphaned` (gone:
-- the claim keeps its last quote, and its position no longer says anything about the text).
ALTER TABLE claims ADD COLUMN anchor text NOT NULL DEFAULT 'exact'
    CHECK (anchor IN ('exact', 'changed', 'orphaned'));
-- The piece page and the desk ask for a piece's orphans; there are few.
CREATE INDEX claims_orphaned_idx ON claims (piece_id) WHERE anchor = 'orphaned';

-- A claim's history says which correction moved, changed or orphaned it.
ALTER TABLE events ADD COLUMN revision integer CHECK (revision > 0);
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
    'created', 'edited', 'status_changed', 'evidence_added', 'evidence_removed', 'note_added',
    'signed_off', 'signoff_voided', 'reanchored', 'orphaned'));

-- A piece's history records the correction itself: field `body`, from revision to revision,
-- with its reason.
ALTER TABLE piece_events ADD COLUMN reason text;
ALTER TABLE piece_events DROP CONSTRAINT piece_events_field_check;
ALTER TABLE piece_events ADD CONSTRAINT piece_events_field_check
    CHECK (field IN ('title', 'outlet', 'url', 'authors', 'published_at', 'body'));
