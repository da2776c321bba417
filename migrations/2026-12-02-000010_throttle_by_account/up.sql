-- The sign-in throttle counts failures per account, not per spelling of an email: Postgres's
-- lower() (which finds the account) and Rust's to_lowercase() (which keyed the throttle) disagree
-- on letters such as U+0130, so each variant of one account's email had ten tries of its own.
-- A failure now names the account that matched (its id), or the email as lower() spells it.
ALTER TABLE sign_in_failures RENAME COLUMN email TO account;
ALTER INDEX sign_in_failures_email_idx RENAME TO sign_in_failures_account_idx;
