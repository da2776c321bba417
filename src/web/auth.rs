//! Who is asking. The API authenticates by bearer token only (so it needs no CSRF token); pages
//! by a session in a private cookie. Both look the credential up on every request, so revoking
//! it or disabling its user takes effect at once.
use super::error::{AppError, refuse_request};
use crate::domain::roles::Action;
use crate::store::credentials::{self, Kind};
use crate::store::ids::UserId;
use crate::store::users::User;
use crate::web::guards::{connection, hand_on, has_body};
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::outcome::Outcome;
use rocket::request::{self, FromRequest, Request};

pub const SESSION_COOKIE: &str = "factdesk_session";

/// Someone signed in, and the secret they proved it with.
pub struct SignedIn {
    pub user: User,
    pub secret: String,
}

impl SignedIn {
    /// The user's id when their role allows `action`; 403 saying who may otherwise.
    pub fn may(&self, action: Action) -> Result<UserId, AppError> {
        let role = self.user.role();
        if role.can(action) {
            return Ok(self.user.id);
        }
        let least = action.least_role();
        Err(AppError::Forbidden(format!(
            "your role ({role}) cannot {}; ask an {least} to do it",
            action.describe()
        )))
    }
}

async fn holder(request: &Request<'_>, secret: &str, kind: Kind) -> Result<Option<User>, AppError> {
    let mut conn = connection(request).await?;
    let found = credentials::holder(&mut conn, secret, kind).await;
    // A connection that failed is not handed on: the handler gets a fresh one from the pool.
    // Nor is one while a body is still to be read (see `DbAfterBody`).
    if found.is_ok() && !has_body(request) {
        hand_on(request, conn);
    }
    Ok(found?)
}

/// A request to the API from a signed-in user (`Authorization: Bearer <token>`); 401 otherwise.
pub struct ApiUser(pub SignedIn);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ApiUser {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let Some(header) = request.headers().get_one("Authorization") else {
            return refuse_request(
                request,
                AppError::Unauthorized(
                    "sign in first: POST /api/v1/tokens with your email and password, then send `Authorization: Bearer <token>`".into(),
                ),
            );
        };
        // The scheme is case-insensitive (RFC 9110); the token is not.
        let secret = header
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty());
        let Some(secret) = secret else {
            return refuse_request(
                request,
                AppError::Unauthorized("the Authorization header must be `Bearer <token>`".into()),
            );
        };
        match holder(request, secret, Kind::ApiToken).await {
            Ok(Some(user)) => Outcome::Success(ApiUser(SignedIn { user, secret: secret.to_owned() })),
            Ok(None) => refuse_request(
                request,
                AppError::Unauthorized(
                    "this token is unknown, expired or revoked, or its user is disabled; get a new one from POST /api/v1/tokens".into(),
                ),
            ),
            Err(error) => refuse_request(request, error),
        }
    }
}

impl std::ops::Deref for ApiUser {
    type Target = SignedIn;
    fn deref(&self) -> &SignedIn {
        &self.0
    }
}

/// A page request from a signed-in user (session cookie). Anyone else is sent to /login by the
/// pages' 401 catcher.
pub struct PageUser(pub SignedIn);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for PageUser {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let Some(cookie) = request.cookies().get_private(SESSION_COOKIE) else {
            return Outcome::Error((Status::Unauthorized, ()));
        };
        let secret = cookie.value().to_owned();
        match holder(request, &secret, Kind::Session).await {
            Ok(Some(user)) => Outcome::Success(PageUser(SignedIn { user, secret })),
            Ok(None) => {
                request.cookies().remove_private(SESSION_COOKIE);
                Outcome::Error((Status::Unauthorized, ()))
            }
            Err(error) => refuse_request(request, error),
        }
    }
}

impl std::ops::Deref for PageUser {
    type Target = SignedIn;
    fn deref(&self) -> &SignedIn {
        &self.0
    }
}

/// The session cookie: private (encrypted and signed), HttpOnly, SameSite=Lax, Secure when the
/// site is served over https (`secure_cookies`), and gone when the session expires.
pub fn session_cookie(
    secret: String,
    expires: chrono::DateTime<chrono::Utc>,
    secure: bool,
) -> Cookie<'static> {
    let expires = rocket::time::OffsetDateTime::from_unix_timestamp(expires.timestamp())
        .unwrap_or(rocket::time::OffsetDateTime::now_utc());
    Cookie::build((SESSION_COOKIE, secret))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .expires(expires)
        .build()
}

pub fn end_session(cookies: &CookieJar<'_>) {
    cookies.remove_private(Cookie::build(SESSION_COOKIE).path("/"));
}
