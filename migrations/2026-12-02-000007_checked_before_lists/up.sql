-- "Checked before", kept rather than found on every view (issue 9); and, at the end, a cheaper
-- search-document refresh. Finding a claim's earlier near-duplicates reads the posting lists
-- of its rarest words, which grow with the archive (about 35 ms at 100,000 claims, most of a
-- claim page's cost); the answer changes only when a text does. A claim's list is found the first time it is asked for (`claim_checked_before_list`)
-- and kept until a change makes it stale: the triggers below drop it in the changing
-- statement's own transaction, so a list read is never older than the texts it was found from.

-- The neighbours (claims of other pieces, created before this one, most similar first) as two
-- parallel arrays; an empty list is a list, "none found".
CREATE TABLE claim_checked_before (
    claim_id     uuid PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
    found_at     timestamptz NOT NULL DEFAULT now(),
    near_ids     uuid[] NOT NULL,
    similarities real[] NOT NULL,
    CHECK (cardinality(near_ids) = cardinality(similarities))
);
-- Which lists name a claim whose text changed or that is gone.
CREATE INDEX claim_checked_before_near_idx ON claim_checked_before USING gin (near_ids);
-- Which lists were found since a claim dated in the past arrived (see claims_inserted below).
CREATE INDEX claim_checked_before_found_idx ON claim_checked_before (found_at);

-- The claims alike `claim`: those created before it (`later` false: its "checked before") or
-- after it (`later` true: the claims whose lists it may now belong to). Migration 000006's
-- `claims_checked_before`, with the direction a parameter.
CREATE FUNCTION claims_alike(claim uuid, at_least real, how_many integer, later boolean)
    RETURNS TABLE (near_id uuid, near_similarity real)
    LANGUAGE plpgsql STABLE ROWS 10 AS $$
BEGIN
    RETURN QUERY
    WITH me AS (
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
        SELECT row_number() OVER (ORDER BY coalesce(common.freq, 0), length(u.lexeme) DESC, u.lexeme) AS n,
               quote_literal(u.lexeme) || ':A' AS term
          FROM me, unnest(me.words) AS u
          LEFT JOIN common ON common.lexeme = u.lexeme
         WHERE strpos(u.lexeme, E'\\') = 0
         ORDER BY 1
         LIMIT 8
    ), probe AS (
        SELECT coalesce(
                   (SELECT string_agg('(' || a.term || ' & ' || b.term || ' & ' || c.term || ')', ' | ')
                      FROM rare a JOIN rare b ON a.n < b.n JOIN rare c ON b.n < c.n
                     WHERE (SELECT count(*) FROM rare) >= 6),
                   (SELECT string_agg('(' || a.term || ' & ' || b.term || ')', ' | ')
                      FROM rare a JOIN rare b ON a.n < b.n),
                   (SELECT min(r.term) FROM rare r))::tsquery AS query
    ), candidates AS (
        SELECT s.claim_id FROM probe, claim_search s WHERE s.document @@ probe.query LIMIT 300
    )
    SELECT c.id, similarity(claim_text(c.summary, c.quote_exact), me.text)
      FROM me, candidates k JOIN claims c ON c.id = k.claim_id
     WHERE c.piece_id <> me.piece_id
       AND CASE WHEN later THEN c.created_at > me.created_at ELSE c.created_at < me.created_at END
       AND similarity(claim_text(c.summary, c.quote_exact), me.text) >= at_least
     ORDER BY 2 DESC, 1
     LIMIT how_many;
END;
$$;

DROP FUNCTION claims_checked_before(uuid, real, integer);

-- Kept lists against the changes that stale them. Every change that can stale a list holds
-- this lock shared until its transaction ends, so changes never wait for one another; a list is
-- kept only by a finding that took the lock alone (`pg_try_advisory_xact_lock`, which never
-- waits) before reading the texts. So no change is in flight while a list is found and kept,
-- and a change that begins later waits for the kept list to be committed, then drops it. While
-- changes are in flight a claim's list is found and shown but not kept.
CREATE FUNCTION claim_checked_before_changing() RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(hashtext('factdesk.claim_checked_before'));
END;
$$;

-- A claim's list, its claims as they are now, most similar first: no rows for an unknown
-- claim, one row of nulls for a claim with none. Found and kept the first time it is asked for
-- (see above); read from `claim_checked_before` after. One statement for the app to send, whose
-- plans PL/pgSQL keeps for the session (the same query sent as text is planned anew every time,
-- which cost more than running it). VOLATILE: each statement reads the texts as of its start,
-- after the lock.
CREATE FUNCTION claim_checked_before_list(claim uuid, at_least real, how_many integer)
    RETURNS TABLE (id uuid, piece_id uuid, piece_title text, piece_published_at timestamptz,
                   text text, status text, verdict_at timestamptz, similarity real)
    LANGUAGE plpgsql VOLATILE ROWS 10 AS $$
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

-- The lists a changed text (`changed`, the claims' texts as they now are) can stale: their
-- own, those that name them, and those of later claims they now resemble (at a looser bar than
-- the lists', 0.3 against 0.5 for a similarity moved by a changed summary, so a list is dropped
-- when in doubt).
CREATE FUNCTION claim_checked_before_drop(changed uuid[]) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF cardinality(changed) = 0 THEN
        RETURN;
    END IF;
    PERFORM claim_checked_before_changing();
    DELETE FROM claim_checked_before b
     WHERE b.claim_id = ANY (changed)
        OR b.near_ids && changed
        OR b.claim_id IN (SELECT a.near_id FROM unnest(changed) AS x(id),
                                 LATERAL claims_alike(x.id, 0.3, 300, true) a);
END;
$$;

CREATE FUNCTION claim_checked_before_claims_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    earliest timestamptz;
BEGIN
    -- A claim is earlier than the claims created after it, so it belongs to no list found
    -- before it was, but for a claim dated in the past (an import): the lists found since its
    -- date that belong to claims created after it are dropped (for a claim the desk adds,
    -- none). The lock keeps any list from being kept until this transaction ends, while the
    -- claim cannot yet be found.
    SELECT min(created_at) INTO earliest FROM new_rows;
    PERFORM claim_checked_before_changing();
    DELETE FROM claim_checked_before b USING claims c
     WHERE b.found_at >= earliest AND c.id = b.claim_id AND c.created_at > earliest;
    RETURN NULL;
END;
$$;
CREATE FUNCTION claim_checked_before_claims_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM claim_checked_before_drop(ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE claim_text(n.summary, n.quote_exact) IS DISTINCT FROM claim_text(o.summary, o.quote_exact)));
    RETURN NULL;
END;
$$;
CREATE FUNCTION claim_checked_before_claims_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Their own lists go with them (the foreign key); the lists that named them are found anew.
    PERFORM claim_checked_before_changing();
    DELETE FROM claim_checked_before b WHERE b.near_ids && ARRAY(SELECT id FROM old_rows);
    RETURN NULL;
END;
$$;
CREATE TRIGGER claim_checked_before_claims_insert AFTER INSERT ON claims
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claim_checked_before_claims_inserted();
CREATE TRIGGER claim_checked_before_claims_update AFTER UPDATE ON claims
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claim_checked_before_claims_updated();
CREATE TRIGGER claim_checked_before_claims_delete AFTER DELETE ON claims
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claim_checked_before_claims_deleted();

-- Migration 000006's search-document refresh, in PL/pgSQL: a SQL function's INSERT was planned
-- anew on every call (a quarter of a millisecond, on every write), where PL/pgSQL keeps the
-- plan for the session; and a statement that changed no document's words (a status change)
-- now returns before planning anything. The document's expression is unchanged.
CREATE OR REPLACE FUNCTION claim_search_refresh_many(claim_ids uuid[]) RETURNS void
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
     -- One order for every writer, so two batches touching the same documents cannot deadlock.
     ORDER BY c.id
    ON CONFLICT (claim_id) DO UPDATE SET document = EXCLUDED.document;
END;
$$;

-- A claim's current evidence and its notes (with their authors' names) as JSON, for the one
-- statement that reads a claim whole (`store::claims::get`): three statements were most of a
-- claim's API answer. PL/pgSQL, so each connection keeps their plans. Orders as the pages show
-- them: oldest first.
CREATE FUNCTION claim_evidence_json(claim uuid) RETURNS text
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(json_agg(e ORDER BY e.added_at, e.id), '[]')::text
              FROM evidence e
             WHERE e.claim_id = claim AND e.removed_at IS NULL);
END;
$$;
CREATE FUNCTION claim_notes_json(claim uuid) RETURNS text
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
