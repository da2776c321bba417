//! Request guards: a database connection, the acting user, `If-Match`, and JSON bodies that fail
//! with a message a person can act on.
use super::error::{AppError, Problem, fail_guard};
use crate::store::{Conn, Pool, SYSTEM_USER};
use diesel_async::pooled_connection::deadpool::Object;
use rocket::data::{self, Data, FromData};
use rocket::http::Status;
use rocket::request::{self, FromRequest, Request};
use rocket::serde::json::{self, Json};
use rocket::{State, outcome::Outcome};
use serde::de::DeserializeOwned;
use std::ops::{Deref, DerefMut};
use uuid::Uuid;

/// A pooled connection; 503 when none can be had.
pub struct Db(Object<Conn>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Db {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let Outcome::Success(pool) = request.guard::<&State<Pool>>().await else {
            return Outcome::Error((Status::InternalServerError, ()));
        };
        match pool.get().await {
            Ok(conn) => Outcome::Success(Db(conn)),
            Err(error) => {
                rocket::warn!("no database connection: {error}");
                let problem = AppError::Unavailable(error.to_string()).problem();
                fail_guard(request, problem);
                Outcome::Error((Status::ServiceUnavailable, ()))
            }
        }
    }
}

impl Deref for Db {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl DerefMut for Db {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}

/// Who is making the change. Until accounts exist, every change is the built-in system user's.
pub struct Actor(pub Uuid);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Actor {
    type Error = ();

    async fn from_request(_: &'r Request<'_>) -> request::Outcome<Self, ()> {
        Outcome::Success(Actor(SYSTEM_USER))
    }
}

/// The `If-Match` header, read as the version a client last saw.
pub struct IfMatch(Option<String>);

impl IfMatch {
    /// The version the client expects: 428 without the header, 412 when it names no version.
    pub fn version(&self) -> Result<i32, AppError> {
        let header = self.0.as_deref().ok_or_else(|| {
            AppError::PreconditionRequired(
                "send an If-Match header with the claim's ETag (from GET /api/v1/claims/{id}), so a change made by someone else since is never overwritten".into(),
            )
        })?;
        if header.trim() == "*" {
            return Err(AppError::PreconditionRequired(
                "If-Match: * would overwrite changes made by others; send the claim's ETag instead"
                    .into(),
            ));
        }
        // A list may hold several tags; a weak tag never matches (RFC 9110 strong comparison).
        header
            .split(',')
            .map(str::trim)
            .find_map(|tag| tag.strip_prefix('"')?.strip_suffix('"')?.parse::<i32>().ok())
            .ok_or_else(|| {
                AppError::PreconditionFailed(format!(
                    "If-Match `{header}` names no version of this claim; send the ETag from GET /api/v1/claims/{{id}}, such as \"3\""
                ))
            })
    }
}

pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IfMatch {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, ()> {
        Outcome::Success(IfMatch(
            request.headers().get_one("If-Match").map(str::to_owned),
        ))
    }
}

/// A JSON body. Unlike Rocket's `Json`, a body that fails to parse answers with a problem that
/// says what is wrong: 413 over the size limit, 422 for a wrong type or unknown field, 400 for
/// what is not JSON at all.
pub struct Input<T>(pub T);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for Input<T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self, ()> {
        match Json::<T>::from_data(request, data).await {
            Outcome::Success(Json(value)) => Outcome::Success(Input(value)),
            Outcome::Forward(forward) => Outcome::Forward(forward),
            Outcome::Error((status, error)) => {
                let detail = match error {
                    _ if status == Status::PayloadTooLarge => {
                        let limit = request
                            .limits()
                            .get("json")
                            .map(|l| l.to_string())
                            .unwrap_or_default();
                        format!("the body is larger than the limit of {limit}")
                    }
                    json::Error::Parse(_, error) if status == Status::UnprocessableEntity => {
                        format!("the body does not match what this endpoint takes: {error}")
                    }
                    json::Error::Parse(_, error) => format!("the body is not valid JSON: {error}"),
                    json::Error::Io(error) => {
                        format!("the body could not be read as UTF-8 JSON: {error}")
                    }
                };
                fail_guard(request, Problem::new(status, detail));
                Outcome::Error((status, ()))
            }
        }
    }
}

/// Ids in paths: anything that is not a UUID cannot name a thing, so it is "not found".
pub fn parse_id(kind: &str, text: &str) -> Result<Uuid, AppError> {
    Uuid::try_parse(text)
        .map_err(|_| AppError::NotFound(format!("no {kind} with id `{text}` (ids are UUIDs)")))
}
