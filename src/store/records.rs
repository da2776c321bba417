//! What the store hands back: a claim and its piece, evidence and notes, a user, as every caller
//! reads them. They live apart from the queries, so that any query module can answer with any of
//! them without importing another (no module of the store imports one that imports it).
use super::ids::{ClaimId, EvidenceId, PieceId, UserId};
use super::models::{ClaimRow, NoteRow, PieceHead};
use super::schema::{evidence, users};
use crate::domain::anchor::Selector;
use crate::domain::claimreview::ClaimantKind;
use crate::domain::reanchor::Anchor;
use crate::domain::roles::Role;
use crate::domain::workflow::{Priority, Stance, Status};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    pub id: ClaimId,
    pub piece_id: PieceId,
    pub piece_title: String,
    /// W3C Web Annotation TextQuoteSelector and TextPositionSelector in one (positions in
    /// Unicode characters).
    pub selector: Selector,
    pub claimant: String,
    /// Whether the claimant is a person or an organisation (ClaimReview's author type).
    pub claimant_kind: ClaimantKind,
    pub summary: String,
    pub status: Status,
    pub status_reason: Option<String>,
    pub priority: Priority,
    pub assignee: Option<UserId>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: UserId,
    pub updated_at: DateTime<Utc>,
    pub updated_by: UserId,
    /// Who set the current verdict, and when (none while there is no verdict).
    pub verdict_by: Option<UserId>,
    pub verdict_at: Option<DateTime<Utc>>,
    /// Who else signed the verdict off, and when (the two-person rule).
    pub signed_off_by: Option<UserId>,
    pub signed_off_at: Option<DateTime<Utc>>,
    pub signoff_note: Option<String>,
    /// What the last correction of the piece's text did to the claim's words: `exact` also for
    /// a claim whose piece was never corrected.
    pub anchor: Anchor,
    /// Taken off the desk (none while it is on it): by whom, when, why, and whether with its
    /// piece.
    pub archived: Option<ClaimArchived>,
}

impl Claim {
    pub(super) fn from_row(row: ClaimRow, piece_title: String) -> Self {
        Claim {
            id: row.id,
            piece_id: row.piece_id,
            piece_title,
            selector: Selector {
                exact: row.quote_exact,
                prefix: row.quote_prefix,
                suffix: row.quote_suffix,
                start: row.quote_start.0,
                end: row.quote_end.0,
            },
            claimant: row.claimant,
            claimant_kind: row.claimant_kind,
            summary: row.summary,
            status: row.status,
            status_reason: row.status_reason,
            priority: row.priority,
            assignee: row.assignee_id,
            version: row.version,
            created_at: row.created_at,
            created_by: row.created_by,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
            verdict_by: row.verdict_by,
            verdict_at: row.verdict_at,
            signed_off_by: row.signed_off_by,
            signed_off_at: row.signed_off_at,
            signoff_note: row.signoff_note,
            anchor: row.anchor,
            archived: Archived::of(row.archived_at, row.archived_by, row.archive_reason).map(
                |archived| ClaimArchived {
                    archived,
                    with_piece: row.archived_with_piece,
                },
            ),
        }
    }
}

/// Who took a piece or a claim off the desk, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Archived {
    pub at: DateTime<Utc>,
    pub by: UserId,
    pub reason: String,
}

impl Archived {
    /// The three columns are all set or all NULL (a check of migration 000018).
    fn of(at: Option<DateTime<Utc>>, by: Option<UserId>, reason: Option<String>) -> Option<Self> {
        Some(Archived {
            at: at?,
            by: by?,
            reason: reason?,
        })
    }
}

/// A claim's archive: its own, or its piece's (`with_piece`: restoring the piece restores it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimArchived {
    #[serde(flatten)]
    pub archived: Archived,
    pub with_piece: bool,
}

/// A claim with what hangs off it: its current evidence and its notes.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimDetail {
    #[serde(flatten)]
    pub claim: Claim,
    pub evidence: Vec<Evidence>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Piece {
    pub id: PieceId,
    pub title: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub authors: Vec<String>,
    pub published_at: DateTime<Utc>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: UserId,
    pub updated_at: DateTime<Utc>,
    pub updated_by: UserId,
    pub archived: Option<Archived>,
}

impl From<PieceHead> for Piece {
    fn from(row: PieceHead) -> Self {
        Piece {
            id: row.id,
            title: row.title,
            outlet: row.outlet,
            url: row.url,
            authors: row.authors.into_iter().flatten().collect(),
            published_at: row.published_at,
            version: row.version,
            created_at: row.created_at,
            created_by: row.created_by,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
            archived: Archived::of(row.archived_at, row.archived_by, row.archive_reason),
        }
    }
}

/// Evidence as shown: the removal columns are never part of it, removed evidence is not shown.
#[derive(Debug, Clone, Serialize, Deserialize, Queryable, Selectable)]
#[diesel(table_name = evidence, check_for_backend(diesel::pg::Pg))]
pub struct Evidence {
    pub id: EvidenceId,
    pub claim_id: ClaimId,
    pub url: String,
    pub title: String,
    pub publisher: String,
    pub stance: Stance,
    pub note: String,
    pub archived_url: Option<String>,
    pub added_at: DateTime<Utc>,
    pub added_by: UserId,
}

#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub id: Uuid,
    pub claim_id: ClaimId,
    pub author: Actor,
    /// Markdown, exactly as written (as last edited: every earlier wording is in the history).
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// 1 as first written, one more for each edit: what `If-Match` names to edit or withdraw it.
    pub version: i32,
    pub edited_at: Option<DateTime<Utc>>,
}

impl Note {
    pub(super) fn from_row(row: NoteRow, author_name: String) -> Self {
        Note {
            id: row.id,
            claim_id: row.claim_id,
            author: Actor {
                id: row.author_id,
                name: author_name,
            },
            body: row.body,
            created_at: row.created_at,
            version: row.version,
            edited_at: row.edited_at,
        }
    }
}

/// A note as `claim_notes_json` (migration 000007) writes it: its row and its author's name.
#[derive(serde::Deserialize)]
pub(super) struct NoteJson {
    #[serde(flatten)]
    row: NoteRow,
    author_name: String,
}

impl From<NoteJson> for Note {
    fn from(note: NoteJson) -> Self {
        Note::from_row(note.row, note.author_name)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub id: UserId,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl User {
    pub fn role(&self) -> Role {
        self.role
    }
}
