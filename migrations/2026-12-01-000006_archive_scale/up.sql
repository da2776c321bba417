-- Archive scale (issue 9): derived data kept current by statement-level triggers, so a batch of
-- rows costs one trigger call instead of one per row, and the desk reads counts it no longer
-- recounts. Every guarantee of the earlier migrations holds: the documents and counts are written
-- inside the change's own transaction, whatever wrote the rows.

-- Search documents, many claims at once. The expression is exactly that of migration 000005's
-- claim_search_refresh (which now calls this one), so a document does not depend on which path
-- wrote it.
CREATE FUNCTION claim_search_refresh_many(claim_ids uuid[]) RETURNS void LANGUAGE sql AS $$
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
     -- One order for every writer, so two batches touching the same documents cannot deadlock.
     ORDER BY c.id
    ON CONFLICT (claim_id) DO UPDATE SET document = EXCLUDED.document;
$$;

CREATE OR REPLACE FUNCTION claim_search_refresh(claim uuid) RETURNS void LANGUAGE sql AS $$
    SELECT claim_search_refresh_many(ARRAY[claim]);
$$;

DROP TRIGGER claim_search_claims ON claims;
DROP TRIGGER claim_search_notes ON notes;
DROP TRIGGER claim_search_evidence ON evidence;
DROP FUNCTION claim_search_changed();

-- Transition tables cannot be combined with a column list (UPDATE OF ...), so the update
-- triggers compare old and new rows themselves and refresh only the documents whose words moved.
CREATE FUNCTION claim_search_claims_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM claim_search_refresh_many(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END;
$$;
CREATE FUNCTION claim_search_claims_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM claim_search_refresh_many(ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.quote_exact, n.summary, n.claimant) IS DISTINCT FROM (o.quote_exact, o.summary, o.claimant)));
    RETURN NULL;
END;
$$;
CREATE TRIGGER claim_search_claims_insert AFTER INSERT ON claims
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claim_search_claims_inserted();
CREATE TRIGGER claim_search_claims_update AFTER UPDATE ON claims
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claim_search_claims_updated();

-- Notes and evidence: the documents of the claims they belong to. A claim already gone (a
-- cascade deleting its notes) writes nothing, since the refresh reads from claims.
CREATE FUNCTION claim_search_children_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM claim_search_refresh_many(ARRAY(SELECT DISTINCT claim_id FROM new_rows));
    RETURN NULL;
END;
$$;
CREATE FUNCTION claim_search_children_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM claim_search_refresh_many(ARRAY(SELECT DISTINCT claim_id FROM old_rows));
    RETURN NULL;
END;
$$;
CREATE FUNCTION claim_search_notes_updated() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- Evidence is removed by setting removed_at: its title then leaves the document.
CREATE FUNCTION claim_search_evidence_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM claim_search_refresh_many(ARRAY(
        SELECT DISTINCT n.claim_id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.title, n.removed_at, n.claim_id) IS DISTINCT FROM (o.title, o.removed_at, o.claim_id)
        UNION
        SELECT o.claim_id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE n.claim_id IS DISTINCT FROM o.claim_id));
    RETURN NULL;
END;
$$;
CREATE TRIGGER claim_search_notes_insert AFTER INSERT ON notes
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claim_search_children_inserted();
CREATE TRIGGER claim_search_notes_update AFTER UPDATE ON notes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claim_search_notes_updated();
CREATE TRIGGER claim_search_notes_delete AFTER DELETE ON notes
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claim_search_children_deleted();
CREATE TRIGGER claim_search_evidence_insert AFTER INSERT ON evidence
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claim_search_children_inserted();
CREATE TRIGGER claim_search_evidence_update AFTER UPDATE ON evidence
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claim_search_evidence_updated();
CREATE TRIGGER claim_search_evidence_delete AFTER DELETE ON evidence
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claim_search_children_deleted();

-- How many claims of each piece are at each status, for the desk and the pieces listing: kept in
-- the transaction of every change, so a view reads a few rows instead of counting the archive.
CREATE TABLE piece_progress (
    piece_id  uuid NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
    status    text NOT NULL
              CHECK (status IN ('unchecked', 'in_progress', 'accurate', 'misleading', 'false', 'unverifiable')),
    claims    integer NOT NULL CHECK (claims >= 0),
    PRIMARY KEY (piece_id, status)
);

-- Applies the net change of one statement. Rows are locked in (piece, status) order, the same
-- for every writer, so two status changes on one piece wait for each other instead of
-- deadlocking. A count that falls is updated (its row exists: a claim was at that status); one
-- that rises may be the first of its status, so it is inserted or added to. A piece being
-- deleted (its claims cascading) has no counts left to keep.
CREATE FUNCTION piece_progress_apply(deltas jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    FOR d IN
        SELECT x.piece_id, x.status, x.delta
          FROM jsonb_to_recordset(deltas) AS x(piece_id uuid, status text, delta integer)
         WHERE x.delta <> 0 AND EXISTS (SELECT 1 FROM pieces p WHERE p.id = x.piece_id)
         ORDER BY x.piece_id, x.status
    LOOP
        IF d.delta < 0 THEN
            UPDATE piece_progress SET claims = claims + d.delta
             WHERE piece_id = d.piece_id AND status = d.status;
        ELSE
            INSERT INTO piece_progress (piece_id, status, claims) VALUES (d.piece_id, d.status, d.delta)
            ON CONFLICT (piece_id, status) DO UPDATE SET claims = piece_progress.claims + EXCLUDED.claims;
        END IF;
    END LOOP;
END;
$$;

CREATE FUNCTION piece_progress_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM piece_progress_apply(coalesce((
        SELECT jsonb_agg(jsonb_build_object('piece_id', piece_id, 'status', status, 'delta', n))
          FROM (SELECT piece_id, status, count(*) AS n FROM new_rows GROUP BY 1, 2) s), '[]'));
    RETURN NULL;
END;
$$;
CREATE FUNCTION piece_progress_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM piece_progress_apply(coalesce((
        SELECT jsonb_agg(jsonb_build_object('piece_id', piece_id, 'status', status, 'delta', -n))
          FROM (SELECT piece_id, status, count(*) AS n FROM old_rows GROUP BY 1, 2) s), '[]'));
    RETURN NULL;
END;
$$;
CREATE FUNCTION piece_progress_updated() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER piece_progress_insert AFTER INSERT ON claims
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION piece_progress_inserted();
CREATE TRIGGER piece_progress_update AFTER UPDATE ON claims
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION piece_progress_updated();
CREATE TRIGGER piece_progress_delete AFTER DELETE ON claims
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION piece_progress_deleted();

INSERT INTO piece_progress (piece_id, status, claims)
SELECT piece_id, status, count(*) FROM claims GROUP BY piece_id, status;

-- Checked before: earlier claims of other pieces whose text is at least `at_least` similar
-- (pg_trgm) to this claim's, most similar first. Migration 000005 walked a GiST trigram index
-- nearest-first, which for texts of a sentence or two reads most of the index whatever the
-- archive's size. Here the full-text index finds the candidates: a claim that says nearly the
-- same shares its rarest words, so only claims with at least three of the eight rarest lexemes
-- of this claim's text (two, for a text of fewer than six) (rarest by the planner's own statistics of claim_search, longest first
-- where those are silent) among the words of their quote and summary are compared. Reading a few short posting lists costs
-- next to nothing; the similarity is then computed exactly, for those few. PL/pgSQL, so each
-- connection plans the statement once.
CREATE FUNCTION claims_checked_before(claim uuid, at_least real, how_many integer)
    RETURNS TABLE (near_id uuid, near_similarity real)
    -- At most `how_many` rows: told so, the planner joins its callers by index.
    LANGUAGE plpgsql STABLE ROWS 10 AS $$
BEGIN
    RETURN QUERY
    WITH me AS (
        -- The words of the text compared (the summary, or the quote while there is none). A
        -- claim whose text has them has them in its document at weight A.
        SELECT c.id, c.piece_id, c.created_at, claim_text(c.summary, c.quote_exact) AS text,
               to_tsvector(factdesk_search_config(), claim_text(c.summary, c.quote_exact)) AS words
          FROM claims c
         WHERE c.id = claim
    ), common AS MATERIALIZED (
        SELECT m.e AS lexeme, m.f AS freq
          FROM pg_stats st,
               unnest(st.most_common_elems::text::text[], st.most_common_elem_freqs) AS m(e, f)
         WHERE st.schemaname = current_schema() AND st.tablename = 'claim_search'
           AND st.attname = 'document'
    ), rare AS (
        -- A lexeme with a backslash cannot be quoted into a tsquery this way; it is skipped.
        SELECT row_number() OVER (ORDER BY coalesce(common.freq, 0), length(u.lexeme) DESC, u.lexeme) AS n,
               quote_literal(u.lexeme) || ':A' AS term
          FROM me, unnest(me.words) AS u
          LEFT JOIN common ON common.lexeme = u.lexeme
         WHERE strpos(u.lexeme, E'\\') = 0
         ORDER BY 1
         LIMIT 8
    ), probe AS (
        -- Three of the eight rarest words in common when the text has six or more, two of
        -- them when it has fewer, the one when it has one.
        SELECT coalesce(
                   (SELECT string_agg('(' || a.term || ' & ' || b.term || ' & ' || c.term || ')', ' | ')
                      FROM rare a JOIN rare b ON a.n < b.n JOIN rare c ON b.n < c.n
                     WHERE (SELECT count(*) FROM rare) >= 6),
                   (SELECT string_agg('(' || a.term || ' & ' || b.term || ')', ' | ')
                      FROM rare a JOIN rare b ON a.n < b.n),
                   (SELECT min(r.term) FROM rare r))::tsquery AS query
    ), candidates AS (
        -- A text of only common words would make every claim with two of them a candidate:
        -- the first 300 are compared, so the cost stays bounded whatever the archive.
        SELECT s.claim_id FROM probe, claim_search s WHERE s.document @@ probe.query LIMIT 300
    )
    SELECT c.id, similarity(claim_text(c.summary, c.quote_exact), me.text)
      FROM me, candidates k JOIN claims c ON c.id = k.claim_id
     WHERE c.piece_id <> me.piece_id AND c.created_at < me.created_at
       AND similarity(claim_text(c.summary, c.quote_exact), me.text) >= at_least
     ORDER BY 2 DESC, 1
     LIMIT how_many;
END;
$$;

-- The GiST trigram index served only the nearest-first walk above; it made every claim's insert
-- and edit dearer for a search that read it all.
DROP INDEX claims_text_trgm_idx;

-- Every search reads the GIN index's whole pending list (rows written since the last flush).
-- At the default 4 MB that was most of a rare word's search and of "checked before"; at 256 kB
-- the list is flushed sixteen times as often, in small steps, by the writes that fill it.
ALTER INDEX claim_search_document_idx SET (gin_pending_list_limit = 256);

-- Whether a search for `query` should walk claims newest first (and stop once it has `window`
-- matches) rather than read every match through the GIN index: the walk reads about
-- window / share claims, the index about share × claims, where share is the part of the
-- archive the planner expects to match, from its own statistics (no row is read).
CREATE FUNCTION claim_search_walks(query tsquery, window_size integer) RETURNS boolean
    -- VOLATILE only because Postgres runs no EXPLAIN in a function that says otherwise.
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    plan json;
    total real;
    expected real;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM claim_search WHERE document @@ $1'
        INTO plan USING query;
    SELECT greatest(reltuples, 1) INTO total FROM pg_class WHERE oid = 'claim_search'::regclass;
    expected := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::real;
    RETURN expected > window_size AND expected * expected > window_size * total;
END;
$$;
