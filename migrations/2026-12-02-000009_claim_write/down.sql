DROP FUNCTION claim_write(uuid, integer, text, text, uuid, timestamptz, uuid, timestamptz, text,
                          text, text, text, uuid, uuid, timestamptz);
