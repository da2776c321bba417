//! The sign-in throttle: after too many failures for one account or from one address within a
//! minute, sign-in waits. Kept in Postgres so every instance behind a load balancer agrees.
//!
//! The account is the id of the user the email matched, or (for an email that matches nobody)
//! the email itself, lower-cased by Postgres's `lower()` as the account lookup does: one way of
//! folding case everywhere, so no spelling of an email gets tries of its own.
use super::schema::sign_in_failures;
use super::{Conn, StoreResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

diesel::define_sql_function!(fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text);

pub const LIMIT: i64 = 10;
pub const WINDOW_SECONDS: i64 = 60;

fn window_start() -> DateTime<Utc> {
    Utc::now() - chrono::Duration::seconds(WINDOW_SECONDS)
}

#[derive(QueryableByName)]
struct Window {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    by_account: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    oldest_by_account: Option<DateTime<Utc>>,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    by_address: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    oldest_by_address: Option<DateTime<Utc>>,
}

/// Seconds to wait before trying again, when the account or the address has used up its tries.
pub async fn wait(conn: &mut Conn, account: &str, address: &str) -> StoreResult<Option<i64>> {
    let since = window_start();
    let window: Window = diesel::sql_query(
        "SELECT count(*) FILTER (WHERE account = lower($1)) AS by_account,
                min(at) FILTER (WHERE account = lower($1)) AS oldest_by_account,
                count(*) FILTER (WHERE address = $2) AS by_address,
                min(at) FILTER (WHERE address = $2) AS oldest_by_address
         FROM sign_in_failures WHERE at > $3 AND (account = lower($1) OR address = $2)",
    )
    .bind::<diesel::sql_types::Text, _>(account)
    .bind::<diesel::sql_types::Text, _>(address)
    .bind::<diesel::sql_types::Timestamptz, _>(since)
    .get_result(conn)
    .await?;
    let wait = |count: i64, oldest: Option<DateTime<Utc>>| {
        oldest
            .filter(|_| count >= LIMIT)
            .map(|oldest| (oldest - since).num_seconds().max(1))
    };
    Ok(wait(window.by_account, window.oldest_by_account)
        .max(wait(window.by_address, window.oldest_by_address)))
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    locked: bool,
}

/// Serialises sign-in attempts for one account and for one address until the transaction ends,
/// without waiting: false when another attempt holds either lock. The caller answers "try again
/// in a second" instead of queueing behind it, holding a pooled connection, while argon2 runs.
/// (The account's lock is tried first, and the address's only once it is held.)
pub async fn try_lock(conn: &mut Conn, account: &str, address: &str) -> StoreResult<bool> {
    let locked: Locked = diesel::sql_query(
        "SELECT CASE WHEN pg_try_advisory_xact_lock(hashtext('factdesk sign-in account ' || lower($1)))
                     THEN pg_try_advisory_xact_lock(hashtext('factdesk sign-in address ' || $2))
                     ELSE false END AS locked",
    )
    .bind::<diesel::sql_types::Text, _>(account)
    .bind::<diesel::sql_types::Text, _>(address)
    .get_result(conn)
    .await?;
    Ok(locked.locked)
}

pub async fn record_failure(conn: &mut Conn, account: &str, address: &str) -> StoreResult<()> {
    // Failures older than the window serve no purpose: prune them as new ones arrive.
    diesel::delete(
        sign_in_failures::table
            .filter(sign_in_failures::at.lt(window_start() - chrono::Duration::minutes(5))),
    )
    .execute(conn)
    .await?;
    diesel::insert_into(sign_in_failures::table)
        .values((
            sign_in_failures::account.eq(lower(account)),
            sign_in_failures::address.eq(address),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
