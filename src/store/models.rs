//! Rows as Diesel reads and writes them, and the forms of a claim about to be written (a new
//! claim, a change to one). Insert forms are separate from rows (as in Lemmy), so a row always
//! means "as stored" and a form "as about to be written".
use super::columns::Position;
use super::ids::{ClaimId, EvidenceId, PieceId, UserId};
use super::schema::{claims, events, evidence, notes, pieces};
use crate::domain::claimreview::ClaimantKind;
use crate::domain::history::EventKind;
use crate::domain::reanchor::Anchor;
use crate::domain::workflow::{Priority, Status};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// A piece without its text: what listings need.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pieces, check_for_backend(diesel::pg::Pg))]
pub struct PieceHead {
    pub id: PieceId,
    pub title: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub authors: Vec<Option<String>>,
    pub published_at: DateTime<Utc>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: UserId,
    pub updated_at: DateTime<Utc>,
    pub updated_by: UserId,
    pub archived_at: Option<DateTime<Utc>>,
    pub archived_by: Option<UserId>,
    pub archive_reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pieces, check_for_backend(diesel::pg::Pg))]
pub struct PieceRow {
    #[diesel(embed)]
    pub head: PieceHead,
    pub body: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = pieces)]
pub struct NewPieceRow<'a> {
    pub id: PieceId,
    pub title: &'a str,
    pub outlet: Option<&'a str>,
    pub url: Option<&'a str>,
    pub authors: &'a [String],
    pub published_at: DateTime<Utc>,
    pub body: &'a str,
    pub created_by: UserId,
    pub updated_by: UserId,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = claims, check_for_backend(diesel::pg::Pg))]
pub struct ClaimRow {
    pub id: ClaimId,
    pub piece_id: PieceId,
    pub quote_exact: String,
    pub quote_prefix: String,
    pub quote_suffix: String,
    pub quote_start: Position,
    pub quote_end: Position,
    pub claimant: String,
    pub summary: String,
    pub status: Status,
    pub status_reason: Option<String>,
    pub priority: Priority,
    pub assignee_id: Option<UserId>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: UserId,
    pub updated_at: DateTime<Utc>,
    pub updated_by: UserId,
    pub verdict_by: Option<UserId>,
    pub verdict_at: Option<DateTime<Utc>>,
    pub signed_off_by: Option<UserId>,
    pub signed_off_at: Option<DateTime<Utc>>,
    pub signoff_note: Option<String>,
    pub claimant_kind: ClaimantKind,
    pub anchor: Anchor,
    pub archived_at: Option<DateTime<Utc>>,
    pub archived_by: Option<UserId>,
    pub archive_reason: Option<String>,
    pub archived_with_piece: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = claims)]
pub struct NewClaimRow<'a> {
    pub id: ClaimId,
    pub piece_id: PieceId,
    pub quote_exact: &'a str,
    pub quote_prefix: &'a str,
    pub quote_suffix: &'a str,
    pub quote_start: i32,
    pub quote_end: i32,
    pub claimant: &'a str,
    pub claimant_kind: &'a str,
    pub summary: &'a str,
    pub priority: &'a str,
    pub created_by: UserId,
    pub updated_by: UserId,
}

/// A validated new claim; `start` picks an occurrence when the quote appears more than once.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub quote: String,
    pub start: Option<usize>,
    pub claimant: String,
    pub claimant_kind: ClaimantKind,
    pub summary: String,
    pub priority: Priority,
}

/// What a PATCH asks to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ClaimChanges {
    pub status: Option<Status>,
    pub reason: Option<String>,
    pub summary: Option<String>,
    pub claimant: Option<String>,
    pub claimant_kind: Option<ClaimantKind>,
    pub priority: Option<Priority>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<UserId>>,
}

impl ClaimChanges {
    /// Whether the claim's status or wording would change (as opposed to its assignment alone).
    pub fn edits_claim(&self) -> bool {
        self.status.is_some()
            || self.summary.is_some()
            || self.claimant.is_some()
            || self.claimant_kind.is_some()
            || self.priority.is_some()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = evidence)]
pub struct NewEvidenceRow<'a> {
    pub id: EvidenceId,
    pub claim_id: ClaimId,
    pub url: &'a str,
    pub title: &'a str,
    pub publisher: &'a str,
    pub stance: &'a str,
    pub note: &'a str,
    pub archived_url: Option<&'a str>,
    pub added_by: UserId,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Deserialize)]
#[diesel(table_name = notes, check_for_backend(diesel::pg::Pg))]
pub struct NoteRow {
    pub id: Uuid,
    pub claim_id: ClaimId,
    pub author_id: UserId,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub version: i32,
    pub edited_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = notes)]
pub struct NewNoteRow<'a> {
    pub id: Uuid,
    pub claim_id: ClaimId,
    pub author_id: UserId,
    pub body: &'a str,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events, check_for_backend(diesel::pg::Pg))]
pub struct EventRow {
    pub id: Uuid,
    pub claim_id: ClaimId,
    pub actor_id: UserId,
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub field: Option<String>,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub reason: Option<String>,
    pub subject_id: Option<Uuid>,
    pub revision: Option<i32>,
}

// None is NULL, not DEFAULT (the columns have none): one SQL text for every event, so the
// statement is prepared once per connection rather than on every write.
#[derive(Debug, Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
pub struct NewEventRow<'a> {
    pub id: Uuid,
    pub claim_id: ClaimId,
    pub actor_id: UserId,
    pub kind: &'a str,
    pub field: Option<&'a str>,
    pub from_value: Option<&'a str>,
    pub to_value: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub subject_id: Option<Uuid>,
    pub revision: Option<i32>,
}
