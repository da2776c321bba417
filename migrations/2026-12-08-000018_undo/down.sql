-- Archives, note edits and re-attachments go with their columns; their history rows go too
-- (their kinds are unknown without this migration): an explicit purge, as the append-only
-- guard asks. Withdrawn notes come back (the row never left); an archived claim or piece is
-- back on the desk.
SET LOCAL factdesk.purge = 'on';
ALTER TABLE piece_events DROP CONSTRAINT piece_events_field_check;
DELETE FROM piece_events WHERE field = 'archived';
ALTER TABLE piece_events ADD CONSTRAINT piece_events_field_check
    CHECK (field IN ('title', 'outlet', 'url', 'authors', 'published_at', 'body'));
ALTER TABLE events DROP CONSTRAINT events_kind_check;
DELETE FROM events WHERE kind IN ('reattached', 'archived', 'restored', 'note_edited', 'note_withdrawn');
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
    'created', 'edited', 'status_changed', 'evidence_added', 'evidence_removed', 'note_added',
    'signed_off', 'signoff_voided', 'reanchored', 'orphaned'));

-- "Checked before" as migrations 000007 and 000009 left it.
CREATE OR REPLACE FUNCTION claim_checked_before_list(claim uuid, at_least real, how_many integer)
    RETURNS TABLE (id uuid, piece_id uuid, piece_title text, piece_published_at timestamptz,
                   text text, status text, verdict_at timestamptz, similarity real)
    LANGUAGE plpgsql VOLATILE ROWS 10 SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    near_ids uuid[];
    similarities real[];
    keep boolean;
BEGIN
    SELECT b.near_ids, b.similarities INTO near_ids, similarities
      FROM claim_checked_before b WHERE b.claim_id = claim;
    IF NOT FOUND THEN
        -- Tried before the texts are read, so the statement that finds the list reads them
        -- after it (see above).
        keep := pg_try_advisory_xact_lock(hashtext('factdesk.claim_checked_before'));
        SELECT coalesce(array_agg(a.near_id ORDER BY a.near_similarity DESC, a.near_id), '{}'),
               coalesce(array_agg(a.near_similarity ORDER BY a.near_similarity DESC, a.near_id), '{}')
          INTO near_ids, similarities
          FROM claims_alike(claim, at_least, how_many, false) a;
        IF keep THEN
            INSERT INTO claim_checked_before (claim_id, near_ids, similarities)
            SELECT claim, near_ids, similarities
             WHERE EXISTS (SELECT 1 FROM claims WHERE claims.id = claim)
            ON CONFLICT (claim_id) DO NOTHING;
        END IF;
    END IF;
    RETURN QUERY
    SELECT c.id, c.piece_id, p.title, p.published_at, claim_text(c.summary, c.quote_exact),
           c.status, c.verdict_at, near.similarity
      FROM claims me
      LEFT JOIN LATERAL unnest(near_ids, similarities) AS near(id, similarity) ON true
      LEFT JOIN claims c ON c.id = near.id
      LEFT JOIN pieces p ON p.id = c.piece_id
     WHERE me.id = claim
     ORDER BY near.similarity DESC, c.id;
END;
$$;

CREATE OR REPLACE FUNCTION claim_search_notes_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM claim_search_refresh_many(ARRAY(
        SELECT DISTINCT n.claim_id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.body, n.claim_id) IS DISTINCT FROM (o.body, o.claim_id)
        UNION
        SELECT o.claim_id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE n.claim_id IS DISTINCT FROM o.claim_id));
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION claim_search_rebuild(claim_ids uuid[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(claim_ids) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO claim_search (claim_id, document)
    SELECT c.id,
           setweight(to_tsvector(factdesk_search_config(), c.quote_exact || ' ' || c.summary), 'A')
        || setweight(to_tsvector(factdesk_search_config(), c.claimant), 'B')
        || setweight(to_tsvector(factdesk_search_config(), coalesce(
               (SELECT string_agg(e.title, ' ' ORDER BY e.added_at, e.id) FROM evidence e
                 WHERE e.claim_id = c.id AND e.removed_at IS NULL), '')), 'C')
        || setweight(to_tsvector(factdesk_search_config(), coalesce(
               (SELECT string_agg(n.body, ' ' ORDER BY n.created_at, n.id) FROM notes n
                 WHERE n.claim_id = c.id), '')), 'D')
      FROM claims c
     WHERE c.id = ANY (claim_ids)
     ORDER BY c.id
    ON CONFLICT (claim_id) DO UPDATE SET document = EXCLUDED.document;
END;
$$;
CREATE OR REPLACE FUNCTION claim_notes_json(claim uuid) RETURNS text
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(json_agg(json_build_object(
                       'id', n.id, 'claim_id', n.claim_id, 'author_id', n.author_id,
                       'body', n.body, 'created_at', n.created_at, 'author_name', u.name)
                   ORDER BY n.created_at, n.id), '[]')::text
              FROM notes n JOIN users u ON u.id = n.author_id
             WHERE n.claim_id = claim);
END;
$$;
ALTER TABLE notes DROP COLUMN withdrawn_at, DROP COLUMN edited_at, DROP COLUMN version;

-- Archived claims count again, as they did before this migration.
CREATE OR REPLACE FUNCTION piece_progress_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM piece_progress_apply(coalesce((
        SELECT jsonb_agg(jsonb_build_object('piece_id', piece_id, 'status', status, 'delta', n))
          FROM (SELECT piece_id, status, count(*) AS n FROM new_rows GROUP BY 1, 2) s), '[]'));
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION piece_progress_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM piece_progress_apply(coalesce((
        SELECT jsonb_agg(jsonb_build_object('piece_id', piece_id, 'status', status, 'delta', -n))
          FROM (SELECT piece_id, status, count(*) AS n FROM old_rows GROUP BY 1, 2) s), '[]'));
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION piece_progress_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM piece_progress_apply(coalesce((
        SELECT jsonb_agg(jsonb_build_object('piece_id', piece_id, 'status', status, 'delta', n))
          FROM (SELECT piece_id, status, sum(n) AS n FROM (
                    SELECT o.piece_id, o.status, -1 AS n FROM old_rows o JOIN new_rows m ON m.id = o.id
                     WHERE (o.piece_id, o.status) IS DISTINCT FROM (m.piece_id, m.status)
                    UNION ALL
                    SELECT m.piece_id, m.status, 1 FROM old_rows o JOIN new_rows m ON m.id = o.id
                     WHERE (o.piece_id, o.status) IS DISTINCT FROM (m.piece_id, m.status)
                ) moves GROUP BY 1, 2) s), '[]'));
    RETURN NULL;
END;
$$;
DELETE FROM piece_progress;
INSERT INTO piece_progress (piece_id, status, claims)
SELECT piece_id, status, count(*) FROM claims GROUP BY piece_id, status;

DROP INDEX claims_archived_idx;
DROP INDEX pieces_archived_idx;
ALTER TABLE claims DROP COLUMN archived_with_piece, DROP COLUMN archive_reason,
    DROP COLUMN archived_by, DROP COLUMN archived_at;
ALTER TABLE pieces DROP COLUMN archive_reason, DROP COLUMN archived_by, DROP COLUMN archived_at;
