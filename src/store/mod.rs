//! Diesel queries. Each public function is one unit of work (one transaction where it writes),
//! applies the rules of `domain`, and knows nothing about HTTP.
pub mod archive;
pub mod claim_sheet;
pub mod claims;
mod columns;
pub mod corrections;
pub mod credentials;
pub mod database;
pub mod demo;
pub mod dump;
pub mod events;
pub mod evidence;
mod following;
pub mod ids;
pub mod listing;
pub mod live;
mod models;
pub mod notes;
pub mod password_checks;
pub mod piece_edits;
pub mod pieces;
pub mod published;
pub mod reattach;
mod records;
pub mod search;
pub mod synthetic;
pub mod text_search;
pub mod throttle;
pub mod users;
#[rustfmt::skip]
pub mod schema;
pub mod sign_in;

use crate::domain::anchor::AnchorError;
use crate::domain::fields::FieldError;
use crate::domain::workflow::{SignOffError, TransitionError};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use diesel_async::AsyncPgConnection as Conn;
pub type Pool = diesel_async::pooled_connection::deadpool::Pool<Conn>;

/// The actor of changes made by the demo loader and migrations; nobody can sign in as it.
pub const SYSTEM_USER: ids::UserId = ids::UserId(Uuid::nil());

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no {kind} with id `{id}`")]
    NotFound { kind: &'static str, id: String },
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    SignOff(#[from] SignOffError),
    #[error("the {what} has changed since it was read: it is now at version {current}")]
    Stale { what: &'static str, current: i32 },
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    Conflict(String),
    /// Someone else's to change (another author's note).
    #[error("{0}")]
    NotYours(String),
    #[error(transparent)]
    Duplicate(#[from] Existing),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What a new piece, claim or evidence item would repeat: the one already there, so whoever
/// sent it can open that instead of keeping two.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Existing {
    #[error(
        "this text is already on the desk as the piece “{title}” ({id}): open it rather than adding the text twice"
    )]
    Piece { id: ids::PieceId, title: String },
    #[error(
        "the piece already has a claim over exactly these words ({id}): open it rather than claiming them twice"
    )]
    Claim { id: ids::ClaimId },
    #[error(
        "the claim already has evidence from this address ({id}): open it rather than adding it twice"
    )]
    Evidence {
        id: ids::EvidenceId,
        claim: ids::ClaimId,
    },
}

/// The optimistic lock: a change is made only to the version its writer read (one of
/// `expected`, as `If-Match` may list several); any other is refused as stale, never overwritten.
fn at_version(what: &'static str, expected: &[i32], current: i32) -> StoreResult<()> {
    if expected.contains(&current) {
        Ok(())
    } else {
        Err(StoreError::Stale { what, current })
    }
}

/// Refuses any change to an archived piece or claim (`what`), given its archive columns as read
/// with its row locked: it is restored first, so a restore brings back exactly what was archived.
fn refuse_archived(what: &str, at: Option<DateTime<Utc>>, reason: Option<&str>) -> StoreResult<()> {
    match (at, reason) {
        (Some(at), Some(reason)) => Err(StoreError::Conflict(format!(
            "the {what} was archived on {} (“{reason}”): restore it before changing it",
            at.format("%-d %B %Y")
        ))),
        _ => Ok(()),
    }
}

impl StoreError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    pub(super) fn from_anchor(error: AnchorError) -> Self {
        let field = match error {
            AnchorError::StartMismatch { .. } => "start",
            _ => "quote",
        };
        StoreError::invalid(field, error.to_string())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Rows the database wrote as JSON: failing to read them is a fault, like any other row.
pub(super) fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> StoreResult<T> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Db(diesel::result::Error::DeserializationError(Box::new(e))))
}
