ALTER INDEX sign_in_failures_account_idx RENAME TO sign_in_failures_email_idx;
ALTER TABLE sign_in_failures RENAME COLUMN account TO email;
