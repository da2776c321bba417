-- Live pages (issue 10): every history event announces itself, by its sequence number, on the
-- channel `factdesk_events`. Postgres delivers a notification when, and only if, the transaction
-- that wrote the event commits, so a page never hears of a change that was rolled back. Listeners
-- read the event itself from the history: a payload carries no names or text.
CREATE FUNCTION factdesk_announce_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('factdesk_events', NEW.seq::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_announce
    AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION factdesk_announce_event();
