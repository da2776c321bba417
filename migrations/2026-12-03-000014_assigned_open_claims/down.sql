CREATE INDEX claims_assignee_idx ON claims (assignee_id) WHERE assignee_id IS NOT NULL;
DROP INDEX claims_assignee_status_idx;
