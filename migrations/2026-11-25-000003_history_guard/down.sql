DROP TRIGGER events_no_truncate ON events;
