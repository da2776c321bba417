//! The one error type of the web layer and its mapping to answers.
//!
//! Policy: store functions return `StoreError`; handlers turn it into `AppError` with `?`. Each
//! case has its status; database failures answer 503 when the database is unreachable and 500
//! otherwise, with the cause logged and never shown.
//!
//! An error, whether a handler's or a guard's, leaves its problem with the request and fails
//! with its status; Rocket then calls the catcher registered for the address. The ones here,
//! registered where the API and the machine endpoints are mounted, answer
//! `application/problem+json` (RFC 9457); the pages register their own, which answer a page.
use crate::domain::fields::FieldError;
use crate::domain::workflow::{SignOffError, TransitionError};
use crate::store::{Existing, StoreError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use rocket::http::{ContentType, Header, Method, Status};
use rocket::response::{self, Responder};
use rocket::serde::json::serde_json;
use rocket::{Catcher, Request, Response, Route, catch, catchers};
use serde::Serialize;
use std::io::Cursor;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("too many sign-in attempts; try again in {retry_after} s")]
    TooManyRequests { retry_after: i64 },
    #[error("{0}")]
    Validation(String, Vec<FieldError>),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("{0}")]
    Conflict(String),
    /// What was sent repeats something already there (409), named so it can be opened.
    #[error(transparent)]
    Duplicate(Existing),
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    PreconditionRequired(String),
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("the database is unavailable; try again shortly")]
    Unavailable(String),
    /// The server is busy (every password check taken): the caller did nothing wrong.
    #[error("{detail}")]
    Busy { detail: String, retry_after: i64 },
    #[error("something went wrong on our side; it has been logged")]
    Internal(String),
}

impl AppError {
    /// The detail repeats each field's message, so a client that shows only the detail still
    /// says what is wrong (such as where a repeated quote occurs).
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let fields: Vec<String> = errors
            .iter()
            .map(|e| format!("{} ({})", e.field, e.message))
            .collect();
        AppError::Validation(format!("check these fields: {}", fields.join(", ")), errors)
    }

    pub fn status(&self) -> Status {
        match self {
            AppError::NotFound(_) => Status::NotFound,
            AppError::BadRequest(_) => Status::BadRequest,
            AppError::Unauthorized(_) => Status::Unauthorized,
            AppError::Forbidden(_) => Status::Forbidden,
            AppError::TooManyRequests { .. } => Status::TooManyRequests,
            AppError::Validation(..) => Status::UnprocessableEntity,
            AppError::Transition(_) | AppError::Conflict(_) | AppError::Duplicate(_) => {
                Status::Conflict
            }
            AppError::Gone(_) => Status::Gone,
            AppError::PreconditionRequired(_) => Status::PreconditionRequired,
            AppError::PreconditionFailed(_) => Status::PreconditionFailed,
            AppError::Unavailable(_) | AppError::Busy { .. } => Status::ServiceUnavailable,
            AppError::Internal(_) => Status::InternalServerError,
        }
    }

    /// The problem document, with the headers its status calls for.
    pub fn problem(&self) -> Problem {
        let errors = match self {
            AppError::Validation(_, errors) => errors.clone(),
            _ => Vec::new(),
        };
        let mut problem = Problem::new(self.status(), self.to_string()).with_errors(errors);
        if let AppError::Duplicate(existing) = self {
            problem.existing = Some(ExistingRef::of(existing));
        }
        match self {
            AppError::TooManyRequests { retry_after } | AppError::Busy { retry_after, .. } => {
                problem = problem.with_retry_after(*retry_after);
            }
            AppError::Unauthorized(_) => problem
                .headers
                .push(("WWW-Authenticate", "Bearer realm=\"factdesk\"".into())),
            _ => {}
        }
        problem
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => AppError::NotFound(error.to_string()),
            StoreError::Invalid(errors) => AppError::invalid(errors),
            StoreError::Transition(error) => AppError::Transition(error),
            StoreError::SignOff(error @ SignOffError::OwnVerdict) => {
                AppError::Forbidden(error.to_string())
            }
            StoreError::SignOff(error) => AppError::Conflict(error.to_string()),
            StoreError::Stale { .. } => {
                AppError::PreconditionFailed(format!("{error}; read it again, then retry"))
            }
            StoreError::Gone(message) => AppError::Gone(message),
            StoreError::Conflict(message) => AppError::Conflict(message),
            StoreError::NotYours(message) => AppError::Forbidden(message),
            StoreError::Duplicate(existing) => AppError::Duplicate(existing),
            StoreError::Db(error) => error.into(),
        }
    }
}

/// What Postgres says (SQLSTATE class 57P, `operator_intervention`) to the sessions of a server
/// that is stopping, crashed or not yet up. diesel gives these no kind of their own, only text.
const SERVER_GOING_AWAY: [&str; 4] = [
    "terminating connection due to",
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is in recovery mode",
];

impl From<DieselError> for AppError {
    fn from(error: DieselError) -> Self {
        let unavailable = match &error {
            // The socket went away: UnableToSendCommand is diesel-async's kind for any error
            // that carries no SQLSTATE (the server gone mid-statement, a reset connection).
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            )
            | DieselError::BrokenTransactionManager => true,
            DieselError::DatabaseError(_, info) => SERVER_GOING_AWAY
                .iter()
                .any(|text| info.message().starts_with(text)),
            _ => false,
        };
        if unavailable {
            AppError::Unavailable(error.to_string())
        } else {
            AppError::Internal(error.to_string())
        }
    }
}

impl AppError {
    /// Logs what the client is not told: the cause of a 500 or a 503.
    pub fn log(&self, request: &Request<'_>) {
        if let AppError::Unavailable(cause) | AppError::Internal(cause) = self {
            rocket::error!("{} {}: {cause}", request.method(), request.uri());
        }
    }
}

impl<'r> Responder<'r, 'static> for AppError {
    /// Left for the catcher of the address, which answers in the form its callers read.
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        self.log(request);
        fail_guard(request, self.problem());
        Err(self.status())
    }
}

/// Seconds a 503 asks the client to wait: about how long a database restart or a failover takes
/// to be noticed by the pool.
pub const UNAVAILABLE_RETRY_AFTER: i64 = 2;

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// A duplicate's 409: the piece, claim or evidence item already there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<ExistingRef>,
    /// Headers the answer needs besides the body (Retry-After, WWW-Authenticate, Allow).
    #[serde(skip)]
    pub headers: Vec<(&'static str, String)>,
}

impl Problem {
    /// A 503 says when to retry ([`UNAVAILABLE_RETRY_AFTER`] unless set otherwise).
    pub fn new(status: Status, detail: impl Into<String>) -> Self {
        let title = status.reason().unwrap_or("Error").to_owned();
        let slug = title.to_lowercase().replace(' ', "-");
        let problem = Problem {
            kind: format!("urn:factdesk:problem:{slug}"),
            title,
            status: status.code,
            detail: detail.into(),
            errors: Vec::new(),
            existing: None,
            headers: Vec::new(),
        };
        if status == Status::ServiceUnavailable {
            problem.with_retry_after(UNAVAILABLE_RETRY_AFTER)
        } else {
            problem
        }
    }

    /// Sets `Retry-After` to `seconds`, replacing any set before.
    pub fn with_retry_after(mut self, seconds: i64) -> Self {
        self.headers.retain(|(name, _)| *name != "Retry-After");
        self.headers.push(("Retry-After", seconds.to_string()));
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }
}

impl<'r> Responder<'r, 'static> for Problem {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let body = serde_json::to_vec(&self).map_err(|_| Status::InternalServerError)?;
        let mut response = Response::build();
        response
            .status(Status::new(self.status))
            .header(ContentType::new("application", "problem+json"))
            .header(Header::new("Cache-Control", "no-store"));
        for (name, value) in self.headers {
            response.header(Header::new(name, value));
        }
        response.sized_body(body.len(), Cursor::new(body)).ok()
    }
}

/// What a duplicate repeats, as the API names it: its kind, its id and where to read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExistingRef {
    pub kind: &'static str,
    pub id: String,
    pub href: String,
}

impl ExistingRef {
    fn of(existing: &Existing) -> ExistingRef {
        let (kind, id, href) = match existing {
            Existing::Piece { id, .. } => ("piece", id.to_string(), format!("/api/v1/pieces/{id}")),
            Existing::Claim { id } => ("claim", id.to_string(), format!("/api/v1/claims/{id}")),
            // Evidence is read with its claim.
            Existing::Evidence { id, claim } => (
                "evidence",
                id.to_string(),
                format!("/api/v1/claims/{claim}"),
            ),
        };
        ExistingRef { kind, id, href }
    }
}

/// The problem of a failed guard or handler, kept with the request for the catcher. The last
/// one left wins: a guard that failed before another route was tried is not the answer.
struct LeftProblem(std::sync::Mutex<Option<Problem>>);

fn left_problem<'r>(request: &'r Request<'_>) -> &'r LeftProblem {
    request.local_cache(|| LeftProblem(std::sync::Mutex::new(None)))
}

pub(crate) fn fail_guard(request: &Request<'_>, problem: Problem) {
    *left_problem(request)
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some(problem);
}

/// Fails a request guard with `error`. The catcher answers it, not AppError's responder, so the
/// cause of a 500 or 503 is logged here.
pub(crate) fn refuse_request<T>(
    request: &Request<'_>,
    error: AppError,
) -> rocket::request::Outcome<T, ()> {
    error.log(request);
    let status = error.status();
    fail_guard(request, error.problem());
    rocket::outcome::Outcome::Error((status, ()))
}

/// Who reads an answer the catchers make: only the wording of "nothing here" differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reader {
    Machine,
    Person,
}

/// The problem a catcher answers with: the one a guard or handler left, or else one for the
/// status Rocket reached on its own (no route, a method the address does not take, a request it
/// could not read).
pub(crate) fn caught(status: Status, request: &Request<'_>, reader: Reader) -> Problem {
    let left = left_problem(request)
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    if let Some(problem) = left {
        return problem;
    }
    // Rocket 0.5 answers 404 too when the address exists but not for this method.
    if status == Status::NotFound {
        let allowed = allowed_methods(request);
        if !allowed.is_empty() {
            let allow = allowed.join(", ");
            let detail = format!(
                "{} does not take {}; it takes {allow}",
                request.uri().path(),
                request.method()
            );
            let mut problem = Problem::new(Status::MethodNotAllowed, detail);
            problem.headers.push(("Allow", allow));
            return problem;
        }
    }
    let detail = match status.code {
        404 if reader == Reader::Person => "there is no page at this address".to_owned(),
        404 => format!(
            "there is nothing at {} {}; the API lives under /api/v1",
            request.method(),
            request.uri().path()
        ),
        405 => "this address does not accept that method".to_owned(),
        // Factdesk's own 400s carry their problem: this is a request Rocket could not read.
        400 => "the request is malformed: it needs a known method, a valid path and exactly one \
                Host header naming a host (RFC 9112)"
            .to_owned(),
        500 => "something went wrong on our side; it has been logged".to_owned(),
        _ => status
            .reason()
            .unwrap_or("the request could not be handled")
            .to_owned(),
    };
    Problem::new(status, detail)
}

#[catch(default)]
fn problem_catcher(status: Status, request: &Request<'_>) -> Problem {
    caught(status, request, Reader::Machine)
}

/// The methods of the routes whose path matches the request's, when its own method is not one of
/// them (no route here takes trailing `<segments..>`).
fn allowed_methods(request: &Request<'_>) -> Vec<&'static str> {
    const ORDER: [Method; 5] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];
    let path: Vec<&str> = request.uri().path().segments().collect();
    let matches = |route: &Route| {
        let segments: Vec<&str> = route
            .uri
            .path()
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        segments.len() == path.len()
            && segments
                .iter()
                .zip(&path)
                .all(|(route, asked)| route == asked || route.starts_with('<'))
    };
    let methods: Vec<Method> = request
        .rocket()
        .routes()
        .filter(|route| matches(route))
        .map(|route| route.method)
        .collect();
    let asked = match request.method() {
        Method::Head => Method::Get,
        method => method,
    };
    if methods.contains(&asked) {
        return Vec::new();
    }
    ORDER
        .into_iter()
        .filter(|method| methods.contains(method))
        .map(Method::as_str)
        .collect()
}

/// The catchers of the addresses machines call: the API and the health and feed endpoints.
pub fn catchers() -> Vec<Catcher> {
    catchers![problem_catcher]
}

/// Where [`catchers`] are registered; every other address is a page's (`pages::catchers`).
pub const MACHINE_ADDRESSES: [&str; 4] = ["/api", "/healthz", "/readyz", "/claimreview.json"];

#[cfg(test)]
mod tests {
    use super::*;

    fn from_database(kind: DatabaseErrorKind, message: &str) -> AppError {
        DieselError::DatabaseError(kind, Box::new(message.to_owned())).into()
    }

    #[test]
    fn a_server_gone_or_going_away_is_unavailable_and_anything_else_internal() {
        for (kind, message) in [
            (DatabaseErrorKind::UnableToSendCommand, "connection closed"),
            (
                DatabaseErrorKind::ClosedConnection,
                "server closed the connection",
            ),
            (
                DatabaseErrorKind::Unknown,
                "terminating connection due to administrator command",
            ),
            (
                DatabaseErrorKind::Unknown,
                "the database system is shutting down",
            ),
        ] {
            let error = from_database(kind, message);
            assert_eq!(error.status(), Status::ServiceUnavailable, "{message}");
            let problem = error.problem();
            assert!(
                problem.headers.contains(&("Retry-After", "2".into())),
                "{message}"
            );
        }
        let broken = from_database(DatabaseErrorKind::Unknown, "division by zero");
        assert_eq!(broken.status(), Status::InternalServerError);
        assert!(broken.problem().headers.is_empty());
    }
}
