-- A claim's search document is built once per transaction, at its commit, however many of the
-- transaction's statements changed its words (issue 9). Until now each statement rebuilt the
-- documents it touched: a claim written with its evidence and its notes (the seeder, an import,
-- a dump loaded whole) had its document built three times, and building one costs about
-- 0.15 ms of to_tsvector, about half of what loading an archive costs. The document's
-- expression is that of migration 000007, and it is still written inside the change's own
-- transaction: only later in it.

-- The work itself, done now: migration 000007's claim_search_refresh_many, renamed (its body
-- unchanged). What a rebuild of every document calls (and the tests that check the kept
-- documents against one).
ALTER FUNCTION claim_search_refresh_many(uuid[]) RENAME TO claim_search_rebuild;

-- The claims whose documents this transaction has yet to build. A row lives only inside the
-- transaction that wrote it: the flush below deletes it before the commit, and a rollback takes
-- it away. Keyed by transaction too, so two transactions changing one claim never wait on each
-- other here (they already take turns on the claim's row lock).
CREATE TABLE claim_search_pending (
    xact     xid8 NOT NULL DEFAULT pg_current_xact_id(),
    claim_id uuid NOT NULL,
    PRIMARY KEY (xact, claim_id)
);
-- One row per transaction with documents to build: the row its flush is queued on, so a
-- transaction noting thousands of claims queues one flush, not one per claim (each of which
-- would have to look past every row the first had deleted).
CREATE TABLE claim_search_flush_due (
    xact xid8 PRIMARY KEY DEFAULT pg_current_xact_id()
);

-- What every trigger of migrations 000006 and 000007 calls (by name, so the new function): the
-- claims are noted, the documents built at commit. A transaction's flush is queued with its
-- first note; a statement whose claims are all noted already queues nothing more.
CREATE FUNCTION claim_search_refresh_many(claim_ids uuid[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(claim_ids) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO claim_search_pending (claim_id)
    SELECT DISTINCT id FROM unnest(claim_ids) AS t(id) ORDER BY id
    ON CONFLICT DO NOTHING;
    IF FOUND THEN
        INSERT INTO claim_search_flush_due DEFAULT VALUES ON CONFLICT DO NOTHING;
    END IF;
END;
$$;

-- Builds every document the transaction has noted, at its commit (or when its constraints are
-- set immediate: notes made after that queue a flush of their own, as the row is gone). A claim
-- deleted later in the transaction is skipped, since the build reads from claims.
CREATE FUNCTION claim_search_flush() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    noted uuid[];
BEGIN
    DELETE FROM claim_search_flush_due WHERE xact = NEW.xact;
    WITH flushed AS (
        DELETE FROM claim_search_pending WHERE xact = NEW.xact RETURNING claim_id
    )
    SELECT array_agg(claim_id) INTO noted FROM flushed;
    PERFORM claim_search_rebuild(coalesce(noted, '{}'));
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER claim_search_flush AFTER INSERT ON claim_search_flush_due
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION claim_search_flush();
