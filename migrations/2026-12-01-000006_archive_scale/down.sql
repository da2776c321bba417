ALTER INDEX claim_search_document_idx RESET (gin_pending_list_limit);
CREATE INDEX claims_text_trgm_idx ON claims USING gist (claim_text(summary, quote_exact) gist_trgm_ops);
DROP FUNCTION claim_search_walks(tsquery, integer);
DROP FUNCTION claims_checked_before(uuid, real, integer);

DROP TRIGGER piece_progress_insert ON claims;
DROP TRIGGER piece_progress_update ON claims;
DROP TRIGGER piece_progress_delete ON claims;
DROP FUNCTION piece_progress_inserted();
DROP FUNCTION piece_progress_updated();
DROP FUNCTION piece_progress_deleted();
DROP FUNCTION piece_progress_apply(jsonb);
DROP TABLE piece_progress;

DROP TRIGGER claim_search_claims_insert ON claims;
DROP TRIGGER claim_search_claims_update ON claims;
DROP TRIGGER claim_search_notes_insert ON notes;
DROP TRIGGER claim_search_notes_update ON notes;
DROP TRIGGER claim_search_notes_delete ON notes;
DROP TRIGGER claim_search_evidence_insert ON evidence;
DROP TRIGGER claim_search_evidence_update ON evidence;
DROP TRIGGER claim_search_evidence_delete ON evidence;
DROP FUNCTION claim_search_claims_inserted();
DROP FUNCTION claim_search_claims_updated();
DROP FUNCTION claim_search_children_inserted();
DROP FUNCTION claim_search_children_deleted();
DROP FUNCTION claim_search_notes_updated();
DROP FUNCTION claim_search_evidence_updated();

-- Migration 000005's per-row triggers, as they were.
CREATE OR REPLACE FUNCTION claim_search_refresh(claim uuid) RETURNS void LANGUAGE sql AS $$
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
     WHERE c.id = claim
    ON CONFLICT (claim_id) DO UPDATE SET document = EXCLUDED.document;
$$;
DROP FUNCTION claim_search_refresh_many(uuid[]);

CREATE FUNCTION claim_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'claims' THEN
        PERFORM claim_search_refresh(NEW.id);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM claim_search_refresh(OLD.claim_id);
    ELSE
        PERFORM claim_search_refresh(NEW.claim_id);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER claim_search_claims AFTER INSERT OR UPDATE OF quote_exact, summary, claimant ON claims
    FOR EACH ROW EXECUTE FUNCTION claim_search_changed();
CREATE TRIGGER claim_search_notes AFTER INSERT OR UPDATE OF body OR DELETE ON notes
    FOR EACH ROW EXECUTE FUNCTION claim_search_changed();
CREATE TRIGGER claim_search_evidence AFTER INSERT OR UPDATE OF title, removed_at OR DELETE ON evidence
    FOR EACH ROW EXECUTE FUNCTION claim_search_changed();
