-- Mistakes can be undone (issue 12): pieces and claims are archived, never deleted; a note is
-- edited or withdrawn by its author; an orphaned claim is re-attached to words of the new text.
-- Every one of those is a change with its history, written in the change's own transaction.

-- Archived: who took it off the desk, when and why. Nothing else about the row changes, so a
-- restore (the three set back to NULL) brings it back as it was.
ALTER TABLE pieces
    ADD COLUMN archived_at timestamptz,
    ADD COLUMN archived_by uuid REFERENCES users (id),
    ADD COLUMN archive_reason text CHECK (archive_reason <> ''),
    ADD CONSTRAINT pieces_archived_check CHECK (
        (archived_at IS NULL) = (archived_by IS NULL)
        AND (archived_at IS NULL) = (archive_reason IS NULL));
-- A claim is archived on its own, or with its piece (`archived_with_piece`): restoring the piece
-- restores those, and only those; a claim archived on its own before stays archived.
ALTER TABLE claims
    ADD COLUMN archived_at timestamptz,
    ADD COLUMN archived_by uuid REFERENCES users (id),
    ADD COLUMN archive_reason text CHECK (archive_reason <> ''),
    ADD COLUMN archived_with_piece boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT claims_archived_check CHECK (
        (archived_at IS NULL) = (archived_by IS NULL)
        AND (archived_at IS NULL) = (archive_reason IS NULL)
        AND (NOT archived_with_piece OR archived_at IS NOT NULL));
-- The "Archived" view lists them newest first; there are few.
CREATE INDEX pieces_archived_idx ON pieces (archived_at DESC, id) WHERE archived_at IS NOT NULL;
CREATE INDEX claims_archived_idx ON claims (archived_at DESC, id)
    WHERE archived_at IS NOT NULL AND NOT archived_with_piece;

-- The desk's counts are of the claims on it: an archived claim leaves its piece's counts, a
-- restored one comes back to them. Same functions as migration 000006, a claim counted only
-- while it is not archived.
CREATE OR REPLACE FUNCTION piece_progress_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM piece_progress_apply(coalesce((
        SELECT jsonb_agg(jsonb_build_object('piece_id', piece_id, 'status', status, 'delta', n))
          FROM (SELECT piece_id, status, count(*) AS n FROM new_rows
                 WHERE archived_at IS NULL GROUP BY 1, 2) s), '[]'));
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION piece_progress_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM piece_progress_apply(coalesce((
        SELECT jsonb_agg(jsonb_build_object('piece_id', piece_id, 'status', status, 'delta', -n))
          FROM (SELECT piece_id, status, count(*) AS n FROM old_rows
                 WHERE archived_at IS NULL GROUP BY 1, 2) s), '[]'));
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION piece_progress_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM piece_progress_apply(coalesce((
        SELECT jsonb_agg(jsonb_build_object('piece_id', piece_id, 'status', status, 'delta', n))
          FROM (SELECT piece_id, status, sum(n) AS n FROM (
                    SELECT o.piece_id, o.status, -1 AS n FROM old_rows o JOIN new_rows m ON m.id = o.id
                     WHERE o.archived_at IS NULL
                       AND (o.piece_id, o.status, m.archived_at IS NULL)
                           IS DISTINCT FROM (m.piece_id, m.status, true)
                    UNION ALL
                    SELECT m.piece_id, m.status, 1 FROM old_rows o JOIN new_rows m ON m.id = o.id
                     WHERE m.archived_at IS NULL
                       AND (m.piece_id, m.status, o.archived_at IS NULL)
                           IS DISTINCT FROM (o.piece_id, o.status, true)
                ) moves GROUP BY 1, 2) s), '[]'));
    RETURN NULL;
END;
$$;

-- Notes: edited or withdrawn by their author. The row holds the note as it now reads; every
-- earlier wording is in the claim's history (`note_edited`: from, to), and a withdrawn note
-- leaves the claim's page, its JSON and its search document but not its history.
ALTER TABLE notes
    ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0),
    ADD COLUMN edited_at timestamptz,
    ADD COLUMN withdrawn_at timestamptz;

CREATE OR REPLACE FUNCTION claim_notes_json(claim uuid) RETURNS text
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(json_agg(json_build_object(
                       'id', n.id, 'claim_id', n.claim_id, 'author_id', n.author_id,
                       'body', n.body, 'created_at', n.created_at, 'author_name', u.name,
                       'version', n.version, 'edited_at', n.edited_at)
                   ORDER BY n.created_at, n.id), '[]')::text
              FROM notes n JOIN users u ON u.id = n.author_id
             WHERE n.claim_id = claim AND n.withdrawn_at IS NULL);
END;
$$;

-- The search document: migration 000007's expression, a withdrawn note's words no longer in it.
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
                 WHERE n.claim_id = c.id AND n.withdrawn_at IS NULL), '')), 'D')
      FROM claims c
     WHERE c.id = ANY (claim_ids)
     -- One order for every writer, so two batches touching the same documents cannot deadlock.
     ORDER BY c.id
    ON CONFLICT (claim_id) DO UPDATE SET document = EXCLUDED.document;
END;
$$;
-- Migration 000006's note trigger refreshes on a changed body; a withdrawal changes none.
CREATE OR REPLACE FUNCTION claim_search_notes_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM claim_search_refresh_many(ARRAY(
        SELECT DISTINCT n.claim_id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.body, n.claim_id, n.withdrawn_at) IS DISTINCT FROM (o.body, o.claim_id, o.withdrawn_at)
        UNION
        SELECT o.claim_id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE n.claim_id IS DISTINCT FROM o.claim_id));
    RETURN NULL;
END;
$$;

-- The history's new kinds: a claim re-attached to words of its piece's text, archived or
-- restored, a note edited or withdrawn (its id in subject_id).
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
    'created', 'edited', 'status_changed', 'evidence_added', 'evidence_removed', 'note_added',
    'signed_off', 'signoff_voided', 'reanchored', 'orphaned', 'reattached', 'archived',
    'restored', 'note_edited', 'note_withdrawn'));
-- A piece's history: archived (to 'archived', with the reason) and restored (from 'archived').
ALTER TABLE piece_events DROP CONSTRAINT piece_events_field_check;
ALTER TABLE piece_events ADD CONSTRAINT piece_events_field_check
    CHECK (field IN ('title', 'outlet', 'url', 'authors', 'published_at', 'body', 'archived'));

-- "Checked before" lists no archived claim: migration 000007's function (with 000009's kept
-- plans), an archived neighbour read as no neighbour. The kept lists themselves are unchanged,
-- so a restored claim is listed again.
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
      LEFT JOIN claims c ON c.id = near.id AND c.archived_at IS NULL
      LEFT JOIN pieces p ON p.id = c.piece_id
     WHERE me.id = claim
     ORDER BY near.similarity DESC, c.id;
END;
$$;

-- Every listing and search now asks `archived_at IS NULL`. A column just added has no
-- statistics, and without them the planner takes `IS NULL` to keep one row in 200 (its default)
-- instead of all of them, and picks other plans: on 100,000 claims the common-word search fell
-- from 101 to 4 answers a second until an ANALYZE. Autovacuum would not run one soon (no row
-- changed), so the migration reads the new columns' statistics itself, in its transaction.
ANALYZE claims (archived_at, archived_with_piece);
ANALYZE pieces (archived_at);
ANALYZE notes (withdrawn_at);
