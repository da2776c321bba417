DROP INDEX pieces_body_md5_idx;
