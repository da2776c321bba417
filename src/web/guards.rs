//! Request guards: a database connection, the acting user, `If-Match`, and JSON bodies that fail
//! with a message a person can act on.
use super::error::{AppError, Problem, fail_guard, refuse_request};
use crate::Settings;
use crate::domain::fields::FieldError;
use crate::store::{Conn, Pool};
use diesel_async::pooled_connection::deadpool::Object;
use rocket::data::{self, Data, FromData, Limits};
use rocket::http::Status;
use rocket::outcome::Outcome;
use rocket::request::{self, FromRequest, Request};
use rocket::serde::json::serde_json::{self, error::Category};
use serde::de::DeserializeOwned;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

/// A pooled connection; 503 when none can be had. A request holds at most one: the session
/// lookup (`auth`) and the handler's `Db` share it, so a signed-in page costs one checkout (and
/// one check by the pool) instead of two.
pub struct Db(Object<Conn>);

/// Where a request keeps its connection between the guards that use it.
#[derive(Default)]
struct Held(std::sync::Mutex<Option<Object<Conn>>>);

fn held<'r>(request: &'r Request<'_>) -> std::sync::MutexGuard<'r, Option<Object<Conn>>> {
    // A panic while the lock was held leaves at worst no connection in it: the pool gives another.
    let held = request.local_cache(Held::default);
    held.0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The request's connection: the one an earlier guard handed on, or a new one from the pool.
pub(crate) async fn connection(request: &Request<'_>) -> Result<Object<Conn>, AppError> {
    if let Some(conn) = held(request).take() {
        return Ok(conn);
    }
    let pool = request
        .rocket()
        .state::<Pool>()
        .ok_or_else(|| AppError::Internal("no pool".into()))?;
    from_pool(pool).await
}

/// Keeps `conn` for the next guard of this request; it goes back to the pool when the request
/// ends, if nothing takes it.
pub(crate) fn hand_on(request: &Request<'_>, conn: Object<Conn>) {
    *held(request) = Some(conn);
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Db {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, ()> {
        match connection(request).await {
            Ok(conn) => Outcome::Success(Db(conn)),
            Err(error) => refuse_request(request, error),
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

/// Whether the request comes with a body to read (`Content-Length` above 0, or chunked).
pub(crate) fn has_body(request: &Request<'_>) -> bool {
    let headers = request.headers();
    headers.contains("Transfer-Encoding")
        || headers
            .get_one("Content-Length")
            .is_some_and(|length| length.trim() != "0")
}

/// A connection for a route that reads a body, taken by the handler with [`DbAfterBody::connect`]
/// once the body has been read (request guards run before the body is read, the handler after).
/// A client sending its body slowly, on purpose or not, holds only its own socket: were it to
/// hold a pooled connection meanwhile, sixteen such clients would stop every other request.
/// The signed-in user's guard lets its connection go back to the pool for these requests.
pub struct DbAfterBody<'r> {
    pool: &'r Pool,
    /// The signed-in user's connection, when there was no body to wait for after all.
    held: Option<Object<Conn>>,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for DbAfterBody<'r> {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, ()> {
        match request.rocket().state::<Pool>() {
            Some(pool) => Outcome::Success(DbAfterBody {
                pool,
                held: held(request).take(),
            }),
            None => refuse_request(request, AppError::Internal("no pool".into())),
        }
    }
}

impl DbAfterBody<'_> {
    pub async fn connect(self) -> Result<Db, AppError> {
        match self.held {
            Some(conn) => Ok(Db(conn)),
            None => from_pool(self.pool).await.map(Db),
        }
    }
}

async fn from_pool(pool: &Pool) -> Result<Object<Conn>, AppError> {
    pool.get().await.map_err(|error| {
        rocket::warn!("no database connection: {error}");
        AppError::Unavailable(error.to_string())
    })
}

/// The `If-Match` header, read as the version a client last saw.
pub struct IfMatch(Option<String>);

/// The most entity tags an `If-Match` may list.
pub const MAX_IF_MATCH_TAGS: usize = 20;

impl IfMatch {
    /// The versions the client will accept: 428 without the header, 412 when it names none.
    pub fn versions(&self) -> Result<Vec<i32>, AppError> {
        let header = self.0.as_deref().ok_or_else(|| {
            AppError::PreconditionRequired(
                "send an If-Match header with the ETag its GET answered (such as \"3\"), so a change made by someone else since is never overwritten".into(),
            )
        })?;
        if header.trim() == "*" {
            return Err(AppError::PreconditionRequired(
                "If-Match: * would overwrite changes made by others; send the ETag its GET answered instead"
                    .into(),
            ));
        }
        // A list may hold several tags, any of which may match; a weak tag never matches
        // (RFC 9110 strong comparison). One tag is all a client needs: a long list is refused
        // before it is parsed, let alone sent to the database.
        let tags = header.split(',').count();
        if tags > MAX_IF_MATCH_TAGS {
            return Err(AppError::BadRequest(format!(
                "If-Match lists {tags} tags; send at most {MAX_IF_MATCH_TAGS} (the ETag its GET answered is enough)"
            )));
        }
        let versions: Vec<i32> = header
            .split(',')
            .map(str::trim)
            .filter_map(|tag| tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok())
            .collect();
        if versions.is_empty() {
            let shown: String = header.chars().take(80).collect();
            return Err(AppError::PreconditionFailed(format!(
                "If-Match `{shown}` names no version; send the ETag its GET answered, such as \"3\""
            )));
        }
        Ok(versions)
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

/// The whole body as text, within the named limit and `body_timeout`: 413 above the limit, 408
/// when it has not all arrived in time, 400 when it is not UTF-8.
pub(crate) async fn read_body(
    request: &Request<'_>,
    data: Data<'_>,
    limit_name: &str,
    default: rocket::data::ByteUnit,
    what: &str,
) -> Result<String, Problem> {
    let limit = request.limits().get(limit_name).unwrap_or(default);
    let seconds = request
        .rocket()
        .state::<Settings>()
        .map_or(Settings::default().body_timeout, |settings| {
            settings.body_timeout
        });
    let read = data.open(limit).into_string();
    match rocket::tokio::time::timeout(Duration::from_secs(seconds), read).await {
        Ok(Ok(text)) if text.is_complete() => Ok(text.into_inner()),
        Ok(Ok(_)) => Err(Problem::new(
            Status::PayloadTooLarge,
            format!("the {what} is larger than the limit of {limit}"),
        )),
        Ok(Err(error)) => Err(Problem::new(
            Status::BadRequest,
            format!("the {what} could not be read as UTF-8 text: {error}"),
        )),
        Err(_) => Err(Problem::new(
            Status::RequestTimeout,
            format!(
                "the {what} did not arrive within {seconds} s: send it again, whole, on a \
                 faster connection"
            ),
        )),
    }
}

/// Fails a data guard with `problem`, which the catcher then answers with.
pub(crate) fn refuse<'r, T>(
    request: &'r Request<'_>,
    problem: Problem,
) -> data::Outcome<'r, T, ()> {
    let status = Status::from_code(problem.status).unwrap_or(Status::BadRequest);
    fail_guard(request, problem);
    Outcome::Error((status, ()))
}

/// A JSON object body. Unlike Rocket's `Json`, a body that fails to parse answers with a problem
/// that says what is wrong: 413 over the size limit, 400 for what is not JSON at all, 422 for JSON
/// that is not an object, has a wrong type or an unknown field.
pub struct Input<T>(pub T);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for Input<T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self, ()> {
        let fail = |status: Status, detail: String| refuse(request, Problem::new(status, detail));
        let text = match read_body(request, data, "json", Limits::JSON, "body").await {
            Ok(text) => text,
            Err(problem) => return refuse(request, problem),
        };
        // serde also reads a struct from an array, taking fields by position: only an object
        // names what each value is, so anything else is refused whatever serde makes of it.
        let object = text.trim_start().starts_with('{');
        let mut deserializer = serde_json::Deserializer::from_str(&text);
        let parsed = serde_path_to_error::deserialize::<_, T>(&mut deserializer);
        if let Some(Err(trailing)) = parsed.is_ok().then(|| deserializer.end()) {
            return fail(
                Status::BadRequest,
                format!("the body is not valid JSON: {trailing}"),
            );
        }
        match parsed {
            Err(error) if error.inner().classify() != Category::Data => fail(
                Status::BadRequest,
                format!("the body is not valid JSON: {}", error.inner()),
            ),
            _ if !object => fail(
                Status::UnprocessableEntity,
                "the body must be a JSON object, such as {\"field\": \"value\"}".to_owned(),
            ),
            Ok(value) => Outcome::Success(Input(value)),
            Err(error) => {
                // The path is `.` when the problem is the object itself (an unknown or missing field).
                let path = error.path().to_string();
                let field = if path == "." { "body".to_owned() } else { path };
                let message = error.inner().to_string();
                let detail =
                    format!("the body does not match what this endpoint takes: {field}: {message}");
                let problem = Problem::new(Status::UnprocessableEntity, detail);
                refuse(
                    request,
                    problem.with_errors(vec![FieldError { field, message }]),
                )
            }
        }
    }
}

/// The address a request came from, for the sign-in throttle ("unknown" when Rocket cannot tell).
pub struct ClientAddress(pub String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientAddress {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let address = request
            .client_ip()
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        Outcome::Success(ClientAddress(address))
    }
}

/// Ids in paths: anything that is not a UUID cannot name a thing, so it is "not found".
pub fn parse_id<Id: std::str::FromStr>(kind: &str, text: &str) -> Result<Id, AppError> {
    text.parse()
        .map_err(|_| AppError::NotFound(format!("no {kind} with id `{text}` (ids are UUIDs)")))
}
