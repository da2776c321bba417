DROP TRIGGER events_announce ON events;
DROP FUNCTION factdesk_announce_event();
