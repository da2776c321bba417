DROP TABLE piece_events;
