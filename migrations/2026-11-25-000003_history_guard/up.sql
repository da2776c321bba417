-- The row-level trigger of the core migration does not see TRUNCATE (of events, or of claims
-- with CASCADE): refuse that too. events_append_only() raises for anything but a purge DELETE.
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
