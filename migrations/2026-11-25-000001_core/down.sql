DROP TABLE events;
DROP FUNCTION events_append_only();
DROP TABLE notes;
DROP TABLE evidence;
DROP TABLE claims;
DROP TABLE pieces;
DROP TABLE users;
