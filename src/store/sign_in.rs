//! Signing in: the throttle, the password check and the new credential, in that order.
use super::credentials::{self, Issued, Kind};
use super::users::{self, User};
use super::{Conn, StoreError, throttle};
use crate::domain::password;

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

pub async fn sign_in(
    conn: &mut Conn,
    email: &str,
    password: &str,
    address: &str,
    kind: Kind,
) -> Result<(User, Issued), SignInError> {
    if let Some(retry_after) = throttle::wait(conn, email, address).await? {
        return Err(SignInError::Throttled { retry_after });
    }
    let found = users::for_sign_in(conn, email).await?;
    let stored = found.as_ref().and_then(|(_, hash)| hash.clone());
    let attempt = password.to_owned();
    // argon2 is slow on purpose: keep it off the async workers. An unknown account is checked
    // against a decoy so that the time taken does not tell which emails exist.
    let matches = tokio::task::spawn_blocking(move || {
        password::verify(
            &attempt,
            stored.as_deref().unwrap_or(password::decoy_hash()),
        )
    })
    .await
    .unwrap_or(false);
    match found {
        Some((user, Some(_))) if matches && !user.disabled => {
            let issued = credentials::issue(conn, user.id, kind).await?;
            Ok((user, issued))
        }
        _ => {
            throttle::record_failure(conn, email, address).await?;
            Err(SignInError::BadCredentials)
        }
    }
}
