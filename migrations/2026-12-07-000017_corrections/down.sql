-- The texts before each correction go with their table; the pieces keep their current text. The
-- history rows of corrections go too (their kinds are unknown without this migration): an
-- explicit purge, as the append-only guard asks.
SET LOCAL factdesk.purge = 'on';
ALTER TABLE piece_events DROP CONSTRAINT piece_events_field_check;
DELETE FROM piece_events WHERE field = 'body';
ALTER TABLE piece_events ADD CONSTRAINT piece_events_field_check
    CHECK (field IN ('title', 'outlet', 'url', 'authors', 'published_at'));
ALTER TABLE piece_events DROP COLUMN reason;

ALTER TABLE events DROP CONSTRAINT events_kind_check;
DELETE FROM events WHERE kind IN ('reanchored', 'orphaned');
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
    'created', 'edited', 'status_changed', 'evidence_added', 'evidence_removed', 'note_added',
    'signed_off', 'signoff_voided'));
ALTER TABLE events DROP COLUMN revision;

DROP INDEX claims_orphaned_idx;
ALTER TABLE claims DROP COLUMN anchor;
DROP TABLE piece_revisions;
