-- "Checked before" read by a statement each connection prepares once (issue 9).
--
-- `claim_checked_before_list` (migration 000007) returns a table, which Diesel can read only
-- through `sql_query`, and diesel-async prepares a `sql_query` anew on every run: Postgres
-- parsed and planned `SELECT * FROM claim_checked_before_list(…)` on every claim page (0.14 of
-- the statement's 0.30 ms, by the statement log). This wrapper answers the same list as one
-- JSON text, so the call is a typed SELECT of a function that Diesel prepares once and PL/pgSQL
-- plans once. NULL when the claim does not exist; '[]' when it has no near claims.
CREATE FUNCTION claim_checked_before_json(claim uuid, at_least real, how_many integer)
    RETURNS text LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN (SELECT CASE WHEN count(*) = 0 THEN NULL
                        ELSE coalesce(json_agg(json_build_object(
                                 'id', l.id, 'piece_id', l.piece_id,
                                 'piece_title', l.piece_title,
                                 'piece_published_at', l.piece_published_at,
                                 'text', l.text, 'status', l.status,
                                 'verdict_at', l.verdict_at, 'similarity', l.similarity)
                               ORDER BY l.position) FILTER (WHERE l.id IS NOT NULL),
                             '[]')::text
                   END
              FROM claim_checked_before_list(claim, at_least, how_many)
                   WITH ORDINALITY AS l(id, piece_id, piece_title, piece_published_at, text,
                                        status, verdict_at, similarity, position));
END;
$$;
