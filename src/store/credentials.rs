//! API tokens and browser sessions. The secret goes to the client once; only its SHA-256 is
//! stored, so a copy of the database signs no one in.
use super::ids::UserId;
use super::records::User;
use super::schema::{credentials, users};
use super::{Conn, StoreResult};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ApiToken,
    Session,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::ApiToken => "api_token",
            Kind::Session => "session",
        }
    }

    pub fn lifetime(self) -> Duration {
        match self {
            Kind::ApiToken => Duration::days(30),
            Kind::Session => Duration::hours(12),
        }
    }
}

/// A credential just issued: the secret is shown to its owner now and never again.
#[derive(Debug, Clone)]
pub struct Issued {
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

/// 32 random bytes, hex-encoded.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

#[derive(Insertable)]
#[diesel(table_name = credentials)]
struct NewCredential<'a> {
    id: Uuid,
    user_id: UserId,
    kind: &'a str,
    secret_hash: Vec<u8>,
    expires_at: DateTime<Utc>,
}

pub async fn issue(conn: &mut Conn, user: UserId, kind: Kind) -> StoreResult<Issued> {
    let secret = random_secret();
    let expires_at = Utc::now() + kind.lifetime();
    diesel::insert_into(credentials::table)
        .values(NewCredential {
            id: Uuid::new_v4(),
            user_id: user,
            kind: kind.as_str(),
            secret_hash: digest(&secret),
            expires_at,
        })
        .execute(conn)
        .await?;
    Ok(Issued { secret, expires_at })
}

/// The user a live credential belongs to: not revoked, not expired, and the user not disabled.
/// Checked on every request, so disabling someone takes effect at once.
pub async fn holder(conn: &mut Conn, secret: &str, kind: Kind) -> StoreResult<Option<User>> {
    Ok(credentials::table
        .inner_join(users::table)
        .filter(credentials::secret_hash.eq(digest(secret)))
        .filter(credentials::kind.eq(kind.as_str()))
        .filter(credentials::revoked_at.is_null())
        .filter(credentials::expires_at.gt(diesel::dsl::now))
        .filter(users::disabled.eq(false))
        .select(User::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Revokes a credential; answers whether there was a live one to revoke.
pub async fn revoke(conn: &mut Conn, secret: &str) -> StoreResult<bool> {
    let revoked = diesel::update(credentials::table)
        .filter(credentials::secret_hash.eq(digest(secret)))
        .filter(credentials::revoked_at.is_null())
        .set(credentials::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(revoked > 0)
}

/// Ends every live credential of a user (when they are disabled or their password changes).
pub async fn revoke_all(conn: &mut Conn, user: UserId) -> StoreResult<()> {
    diesel::update(credentials::table)
        .filter(credentials::user_id.eq(user))
        .filter(credentials::revoked_at.is_null())
        .set(credentials::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(())
}
