-- Duplicates are caught (issue 12): a piece whose text is already on the desk is refused, which
-- needs its text found without reading every piece's. The index is on the text's digest (texts
-- run to 200,000 characters, past what a btree entry may hold); the query compares the texts
-- too. Not unique: a desk may already hold a piece sent twice, which this refuses only anew.
CREATE INDEX pieces_body_md5_idx ON pieces (md5(body));
