-- Search (issue 5): full-text search over claims, their notes and evidence titles, and the
-- trigram similarity that finds a claim checked before on another piece.

-- The text search configuration, named here and nowhere else: the documents below are built
-- with it and every query parses its words with it (a query must stem as its documents did).
CREATE FUNCTION factdesk_search_config() RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT 'english'::regconfig $$;

-- The text a claim is shown and compared by: its summary, or its quote while it has none. The
-- trigram index below is on exactly this expression, so similarity queries must call it too.
CREATE FUNCTION claim_text(summary text, quote text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN summary = '' THEN quote ELSE summary END $$;

-- One document per claim. Weights rank a match in the claim's own words above one in its
-- sources, and those above one in the desk's notes: A quote and summary, B claimant,
-- C titles of current evidence, D notes.
CREATE TABLE claim_search (
    claim_id  uuid PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
    document  tsvector NOT NULL
);
CREATE INDEX claim_search_document_idx ON claim_search USING gin (document);

-- Rebuilds one claim's document from what it holds now. Called by the triggers below, inside the
-- transaction of the change, so a search never sees a claim without its latest words. A claim
-- already gone (a cascade deleting its notes) writes nothing.
CREATE FUNCTION claim_search_refresh(claim uuid) RETURNS void LANGUAGE sql AS $$
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
-- Evidence is removed by setting removed_at: its title then leaves the document.
CREATE TRIGGER claim_search_evidence AFTER INSERT OR UPDATE OF title, removed_at OR DELETE ON evidence
    FOR EACH ROW EXECUTE FUNCTION claim_search_changed();

SELECT claim_search_refresh(id) FROM claims;

-- Seen before: near-duplicates by trigram similarity of claim_text. GiST (not GIN) so that
-- "nearest first" (ORDER BY ... <-> ...) is walked in the index instead of sorting every claim.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX claims_text_trgm_idx ON claims USING gist (claim_text(summary, quote_exact) gist_trgm_ops);
