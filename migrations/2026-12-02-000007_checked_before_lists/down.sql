DROP FUNCTION claim_evidence_json(uuid);
DROP FUNCTION claim_notes_json(uuid);
DROP TRIGGER claim_checked_before_claims_insert ON claims;
DROP TRIGGER claim_checked_before_claims_update ON claims;
DROP TRIGGER claim_checked_before_claims_delete ON claims;
DROP FUNCTION claim_checked_before_claims_inserted();
DROP FUNCTION claim_checked_before_claims_updated();
DROP FUNCTION claim_checked_before_claims_deleted();
DROP FUNCTION claim_checked_before_list(uuid, real, integer);
DROP FUNCTION claim_checked_before_drop(uuid[]);
DROP FUNCTION claim_checked_before_changing();
DROP TABLE claim_checked_before;

-- Migration 000006's function, as it was.
DROP FUNCTION claims_alike(uuid, real, integer, boolean);
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

-- Migration 000006's search-document refresh, as it was.
CREATE OR REPLACE FUNCTION claim_search_refresh_many(claim_ids uuid[]) RETURNS void LANGUAGE sql AS $$
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
