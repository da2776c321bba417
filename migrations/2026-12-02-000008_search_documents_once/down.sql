DROP TRIGGER claim_search_flush ON claim_search_flush_due;
DROP FUNCTION claim_search_flush();
DROP TABLE claim_search_flush_due;
DROP TABLE claim_search_pending;
DROP FUNCTION claim_search_rebuild(uuid[]);

-- Migration 000007's function, as it was.
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
