//! Signing in: the throttle, the password check and the new credential, in that order.
use super::credentials::{self, Issued, Kind};
use super::users::{self, User};
use super::{Conn, StoreError, throttle};
use crate::domain::password;
use diesel_async::AsyncConnection;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("too many failed sign-ins; try again in {retry_after} seconds")]
    Throttled { retry_after: i64 },
    /// Deliberately silent about which part was wrong, and about disabled accounts.
    #[error("that email and password do not match an account that may sign in")]
    BadCredentials,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for SignInError {
    fn from(error: diesel::result::Error) -> Self {
        SignInError::Store(error.into())
    }
}

/// Signs in, or says why not. The throttle's check, the password check and the record of a
/// failure run under advisory locks on the account and the address, so attempts sent at the same
/// moment are counted one after another and cannot slip past the limit together.
pub async fn sign_in(
    conn: &mut Conn,
    email: &str,
    password: &str,
    address: &str,
    kind: Kind,
) -> Result<(User, Issued), SignInError> {
    let email = email.to_owned();
    let (password, address) = (password.to_owned(), address.to_owned());
    // The transaction commits a refusal too: a failure must stay counted.
    conn.transaction(async move |conn| {
        throttle::lock(conn, &email, &address).await?;
        if let Some(retry_after) = throttle::wait(conn, &email, &address).await? {
            return Ok(Err(SignInError::Throttled { retry_after }));
        }
        let found = users::for_sign_in(conn, &email).await?;
        let stored = found.as_ref().and_then(|(_, hash)| hash.clone());
        // argon2 is slow on purpose: keep it off the async workers. An unknown account is checked
        // against a decoy so that the time taken does not tell which emails exist.
        let matches = tokio::task::spawn_blocking(move || {
            password::verify(
                &password,
                stored.as_deref().unwrap_or(password::decoy_hash()),
            )
        })
        .await
        .unwrap_or(false);
        match found {
            Some((user, Some(_))) if matches && !user.disabled => {
                let issued = credentials::issue(conn, user.id, kind).await?;
                Ok(Ok((user, issued)))
            }
            _ => {
                throttle::record_failure(conn, &email, &address).await?;
                Ok(Err(SignInError::BadCredentials))
            }
        }
    })
    .await
    .map_err(SignInError::Store)?
}
