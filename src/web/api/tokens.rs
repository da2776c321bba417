use crate::store::Pool;
use crate::store::credentials::{self, Kind};
use crate::store::password_checks::PasswordChecks;
use crate::store::sign_in::{SignInError, sign_in};
use crate::store::users::User;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::guards::{ClientAddress, Db, Input};
use chrono::{DateTime, Utc};
use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{Route, State, delete, post, routes};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    email: String,
    password: String,
}

#[derive(Serialize)]
struct NewToken {
    token: String,
    expires_at: DateTime<Utc>,
    user: User,
}

impl From<SignInError> for AppError {
    fn from(error: SignInError) -> Self {
        match error {
            SignInError::Throttled { retry_after } => AppError::TooManyRequests { retry_after },
            SignInError::Busy { retry_after } => AppError::Busy {
                detail: error.to_string(),
                retry_after,
            },
            SignInError::BadCredentials => AppError::Unauthorized(error.to_string()),
            SignInError::Unavailable(cause) => AppError::Unavailable(cause),
            SignInError::CheckFailed(failed) => AppError::Internal(failed.to_string()),
            SignInError::Store(error) => error.into(),
        }
    }
}

/// Signs in for the API: the token is shown once, and only its hash is kept. Anyone may call
/// this, so it takes the pool rather than a `Db` guard: request guards run before the body is
/// read, and a connection is taken only once the credentials have been read and look possible.
#[post("/tokens", data = "<input>")]
async fn create(
    pool: &State<Pool>,
    checks: &State<PasswordChecks>,
    address: ClientAddress,
    input: Input<Credentials>,
) -> Result<Created<Json<NewToken>>, AppError> {
    let Credentials { email, password } = input.0;
    let (user, issued) = sign_in(
        pool,
        checks,
        &email,
        &password,
        &address.0,
        Kind::ApiToken,
        None,
    )
    .await?;
    let token = NewToken {
        token: issued.secret,
        expires_at: issued.expires_at,
        user,
    };
    Ok(Created::new("/api/v1/tokens/current").body(Json(token)))
}

/// Signs out: the token in the request stops working.
#[delete("/tokens/current")]
async fn revoke(user: ApiUser, mut db: Db) -> Result<Status, AppError> {
    credentials::revoke(&mut db, &user.secret).await?;
    Ok(Status::NoContent)
}

pub fn routes() -> Vec<Route> {
    routes![create, revoke]
}
