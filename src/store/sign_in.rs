//! Signing in: the shape of what was typed, the throttle, the password check and the new
//! credential, in that order.
use super::credentials::{self, Issued, Kind};
use super::password_checks::{CheckFailed, PasswordChecks};
use super::users::{self, User};
use super::{Conn, Pool, StoreError, throttle};
use crate::domain::fields::Fields;
use crate::domain::password;
use diesel_async::AsyncConnection;

/// The longest password sign-in looks at (in Unicode characters); no account can have a longer
/// one (see `password::MAX_CHARS`), and argon2 is not made to hash megabytes for nothing.
pub const PASSWORD_MAX_CHARS: usize = 1024;

/// Seconds to wait when another sign-in for the same account or address is under way, or every
/// password check is taken.
pub const BUSY_RETRY_AFTER: i64 = 1;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("too many sign-in attempts; try again in {retry_after} s")]
    Throttled { retry_after: i64 },
    /// Deliberately silent about which part was wrong, and about disabled accounts.
    #[error("that email and password do not match an account that may sign in")]
    BadCredentials,
    /// Every password check was taken for the whole wait: the server is busy, not the caller.
    #[error("sign-in is busy checking other passwords; try again in {retry_after} s")]
    Busy { retry_after: i64 },
    /// No pooled connection could be had.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The password check itself failed: our fault, and no failed attempt of the caller's.
    #[error(transparent)]
    CheckFailed(#[from] CheckFailed),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for SignInError {
    fn from(error: diesel::result::Error) -> Self {
        SignInError::Store(error.into())
    }
}

/// The email as the throttle and the account lookup take it, when `email` and `password` could
/// be an account's at all: an email address of at most 320 characters without control
/// characters, and a password of at most [`PASSWORD_MAX_CHARS`]. Anything else cannot match an
/// account, and could not be stored as a failure either (Postgres refuses NUL; the index refuses
/// kilobytes), so it is refused before any database or argon2 work.
fn well_formed(email: &str, password: &str) -> Option<String> {
    let mut fields = Fields::default();
    let email = fields.email("email", email);
    // At most 4 bytes a character: a longer text is refused without counting megabytes.
    let password_fits =
        password.len() <= 4 * PASSWORD_MAX_CHARS && password.chars().count() <= PASSWORD_MAX_CHARS;
    (fields.finish().is_ok() && password_fits).then_some(email)
}

/// Signs in, or says why not. A malformed email or password is refused before a connection is
/// taken from the pool, and a connection is taken only once a password check's slot is held (so
/// sign-ins waiting for one hold no connection). The throttle's check, the password check and
/// the record of a failure run under advisory locks on the account and the address, so attempts
/// sent at the same moment are counted one after another and cannot slip past the limit
/// together; an attempt that finds either lock taken is not queued (holding a connection) but
/// told to try again in a second.
///
/// `replaces` is the secret of a credential this one replaces (the browser's previous session):
/// it is revoked when, and only when, the sign-in succeeds.
pub async fn sign_in(
    pool: &Pool,
    checks: &PasswordChecks,
    email: &str,
    password: &str,
    address: &str,
    kind: Kind,
    replaces: Option<&str>,
) -> Result<(User, Issued), SignInError> {
    let Some(email) = well_formed(email, password) else {
        return Err(SignInError::BadCredentials);
    };
    let slot = checks.slot().await.map_err(|_| SignInError::Busy {
        retry_after: BUSY_RETRY_AFTER,
    })?;
    let mut conn = pool
        .get()
        .await
        .map_err(|error| SignInError::Unavailable(error.to_string()))?;
    let conn: &mut Conn = &mut conn;
    let (password, address) = (password.to_owned(), address.to_owned());
    let replaces = replaces.map(str::to_owned);
    // The transaction commits a refusal too: a failure must stay counted.
    conn.transaction(async move |conn| {
        // The throttle counts per account (the user matched, however their email was spelt).
        let found = users::for_sign_in(conn, &email).await?;
        let account = found
            .as_ref()
            .map_or_else(|| email.clone(), |(user, _)| user.id.to_string());
        if !throttle::try_lock(conn, &account, &address).await? {
            return Ok(Err(SignInError::Throttled {
                retry_after: BUSY_RETRY_AFTER,
            }));
        }
        if let Some(retry_after) = throttle::wait(conn, &account, &address).await? {
            return Ok(Err(SignInError::Throttled { retry_after }));
        }
        // An unknown account is checked against a decoy so that the time taken does not tell
        // which emails exist.
        let stored = found.as_ref().and_then(|(_, hash)| hash.clone());
        let stored = stored.unwrap_or_else(|| password::decoy_hash().to_owned());
        let matches = match slot.verify(password, stored).await {
            Ok(matches) => matches,
            Err(failed) => return Ok(Err(failed.into())),
        };
        match found {
            Some((user, Some(_))) if matches && !user.disabled => {
                if let Some(previous) = &replaces {
                    credentials::revoke(conn, previous).await?;
                }
                let issued = credentials::issue(conn, user.id, kind).await?;
                Ok(Ok((user, issued)))
            }
            _ => {
                throttle::record_failure(conn, &account, &address).await?;
                Ok(Err(SignInError::BadCredentials))
            }
        }
    })
    .await
    .map_err(SignInError::Store)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_could_be_an_account_is_looked_at() {
        let password = "correct horse battery staple";
        assert_eq!(
            well_formed("  Jane@Example.org ", password).as_deref(),
            Some("Jane@Example.org")
        );
        let long_email = format!("{}@example.org", "a".repeat(5_000));
        for email in [
            "jane\0@example.org",
            "jane@exa\u{7}mple.org",
            "jane",
            "jane@@example.org",
            "",
            long_email.as_str(),
        ] {
            assert_eq!(well_formed(email, password), None, "{email:?}");
        }
        let longest = "é".repeat(PASSWORD_MAX_CHARS);
        assert!(well_formed("jane@example.org", &longest).is_some());
        let longer = "a".repeat(PASSWORD_MAX_CHARS + 1);
        assert_eq!(well_formed("jane@example.org", &longer), None);
        let huge = "a".repeat(1 << 20);
        assert_eq!(well_formed("jane@example.org", &huge), None);
    }
}
