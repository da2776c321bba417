//! Claims: a quote anchored in a piece, what it asserts, and where its verification stands.
use super::events::{self, Change, Kind};
use super::evidence::{self, Evidence};
use super::models::{ClaimRow, NewClaimRow, PieceRow};
use super::notes::{self, Note};
use super::schema::{claims, pieces, users};
use super::{Conn, StoreError, StoreResult, pieces as piece_store};
use crate::domain::anchor::anchor;
use crate::domain::workflow::{Priority, Status, TransitionFacts, check_transition};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

/// W3C Web Annotation TextQuoteSelector and TextPositionSelector in one (positions in Unicode characters).
#[derive(Debug, Clone, Serialize)]
pub struct Selector {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    pub start: i32,
    pub end: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    pub id: Uuid,
    pub piece_id: Uuid,
    pub piece_title: String,
    pub selector: Selector,
    pub claimant: String,
    pub summary: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub priority: String,
    pub assignee: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: Uuid,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Uuid,
    /// Who set the current verdict, and when (none while there is no verdict).
    pub verdict_by: Option<Uuid>,
    pub verdict_at: Option<DateTime<Utc>>,
    /// Who else signed the verdict off, and when (the two-person rule).
    pub signed_off_by: Option<Uuid>,
    pub signed_off_at: Option<DateTime<Utc>>,
    pub signoff_note: Option<String>,
}

impl Claim {
    fn from_row(row: ClaimRow, piece_title: String) -> Self {
        Claim {
            id: row.id,
            piece_id: row.piece_id,
            piece_title,
            selector: Selector {
                exact: row.quote_exact,
                prefix: row.quote_prefix,
                suffix: row.quote_suffix,
                start: row.quote_start,
                end: row.quote_end,
            },
            claimant: row.claimant,
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
        }
    }
}

/// A claim with what hangs off it: its current evidence and its notes.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimDetail {
    #[serde(flatten)]
    pub claim: Claim,
    pub evidence: Vec<Evidence>,
    pub notes: Vec<Note>,
}

/// A validated new claim; `start` picks an occurrence when the quote appears more than once.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub quote: String,
    pub start: Option<usize>,
    pub claimant: String,
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
    pub priority: Option<Priority>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<Uuid>>,
}

impl ClaimChanges {
    /// What the change amounts to, for the permission check. Assigning alone is `Assign`.
    pub fn action(&self) -> crate::domain::roles::Action {
        use crate::domain::roles::Action;
        let edits = self.status.is_some()
            || self.summary.is_some()
            || self.claimant.is_some()
            || self.priority.is_some();
        if edits {
            Action::EditClaim
        } else {
            Action::Assign
        }
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = claims)]
struct ClaimChangeset<'a> {
    status: Option<&'a str>,
    status_reason: Option<Option<&'a str>>,
    summary: Option<&'a str>,
    claimant: Option<&'a str>,
    priority: Option<&'a str>,
    assignee_id: Option<Option<Uuid>>,
    verdict_by: Option<Option<Uuid>>,
    verdict_at: Option<Option<DateTime<Utc>>>,
    signed_off_by: Option<Option<Uuid>>,
    signed_off_at: Option<Option<DateTime<Utc>>>,
    signoff_note: Option<Option<&'a str>>,
    version: i32,
    updated_by: Uuid,
}

pub async fn create(
    conn: &mut Conn,
    actor: Uuid,
    piece: Uuid,
    new: &NewClaim,
) -> StoreResult<Claim> {
    conn.transaction(async move |conn| {
        let (title, body) = piece_store::body_for_anchoring(conn, piece).await?;
        let selector = anchor(&body, &new.quote, new.start).map_err(StoreError::from_anchor)?;
        let (start, end) = (position(selector.start)?, position(selector.end)?);
        let row: ClaimRow = diesel::insert_into(claims::table)
            .values(NewClaimRow {
                id: Uuid::new_v4(),
                piece_id: piece,
                quote_exact: &selector.exact,
                quote_prefix: &selector.prefix,
                quote_suffix: &selector.suffix,
                quote_start: start,
                quote_end: end,
                claimant: &new.claimant,
                summary: &new.summary,
                priority: new.priority.as_str(),
                created_by: actor,
                updated_by: actor,
            })
            .returning(ClaimRow::as_returning())
            .get_result(conn)
            .await?;
        let to = Status::Unchecked.as_str();
        events::record(
            conn,
            row.id,
            actor,
            Kind::Created,
            Change {
                to: Some(to),
                ..Change::default()
            },
        )
        .await?;
        Ok(Claim::from_row(row, title))
    })
    .await
}

fn position(chars: usize) -> StoreResult<i32> {
    i32::try_from(chars)
        .map_err(|_| StoreError::invalid("quote", "the piece is too long to anchor in"))
}

pub async fn get(conn: &mut Conn, id: Uuid) -> StoreResult<ClaimDetail> {
    let (row, title): (ClaimRow, String) = claims::table
        .inner_join(pieces::table)
        .filter(claims::id.eq(id))
        .select((ClaimRow::as_select(), pieces::title))
        .first(conn)
        .await
        .optional()?
        .ok_or(StoreError::NotFound { kind: "claim", id })?;
    let evidence = evidence::current_for_claim(conn, id).await?;
    let notes = notes::for_claim(conn, id).await?;
    Ok(ClaimDetail {
        claim: Claim::from_row(row, title),
        evidence,
        notes,
    })
}

pub(super) async fn for_piece(conn: &mut Conn, piece: &PieceRow) -> StoreResult<Vec<Claim>> {
    let rows: Vec<ClaimRow> = claims::table
        .filter(claims::piece_id.eq(piece.id))
        .order((
            claims::quote_start.asc(),
            claims::quote_end.desc(),
            claims::id.asc(),
        ))
        .select(ClaimRow::as_select())
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| Claim::from_row(row, piece.title.clone()))
        .collect())
}

/// Marks the claim as changed (without a new version: evidence and notes are not edits of the
/// claim itself) and locks its row for the rest of the transaction, so a verdict and the removal
/// of its evidence cannot interleave.
pub(super) async fn touch(conn: &mut Conn, id: Uuid, actor: Uuid) -> StoreResult<()> {
    let touched = diesel::update(claims::table.find(id))
        .set((
            claims::updated_at.eq(diesel::dsl::now),
            claims::updated_by.eq(actor),
        ))
        .execute(conn)
        .await?;
    if touched == 0 {
        return Err(StoreError::NotFound { kind: "claim", id });
    }
    Ok(())
}

/// Applies `changes` if the claim is still at one of the `expected` versions. The row lock and the version
/// predicate let the database, not the app, decide a race: exactly one writer wins.
pub async fn update(
    conn: &mut Conn,
    actor: Uuid,
    id: Uuid,
    expected: &[i32],
    changes: &ClaimChanges,
) -> StoreResult<ClaimDetail> {
    conn.transaction(async move |conn| {
        let current: ClaimRow = claims::table
            .find(id)
            .select(ClaimRow::as_select())
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(StoreError::NotFound { kind: "claim", id })?;
        if !expected.contains(&current.version) {
            return Err(StoreError::Stale {
                current: current.version,
            });
        }
        apply(conn, actor, &current, changes).await
    })
    .await?;
    get(conn, id).await
}

async fn apply(
    conn: &mut Conn,
    actor: Uuid,
    current: &ClaimRow,
    changes: &ClaimChanges,
) -> StoreResult<()> {
    let reason = changes.reason.as_deref();
    let status = match changes.status {
        Some(to) => {
            let from: Status = current
                .status
                .parse()
                .map_err(|_| StoreError::invalid("status", "unreadable"))?;
            let evidence_count = evidence::current_count(conn, current.id).await?;
            check_transition(
                from,
                to,
                &TransitionFacts {
                    evidence_count,
                    reason,
                },
            )?;
            Some(to)
        }
        None => None,
    };
    if let Some(Some(assignee)) = changes.assignee {
        let exists: i64 = users::table
            .filter(users::id.eq(assignee))
            .count()
            .get_result(conn)
            .await?;
        if exists == 0 {
            return Err(StoreError::invalid(
                "assignee",
                format!("no user with id `{assignee}`"),
            ));
        }
    }

    let summary = differs(&changes.summary, &current.summary);
    let claimant = differs(&changes.claimant, &current.claimant);
    let priority = changes
        .priority
        .map(Priority::as_str)
        .filter(|p| *p != current.priority);
    let assignee = changes.assignee.filter(|a| *a != current.assignee_id);
    if status.is_none()
        && summary.is_none()
        && claimant.is_none()
        && priority.is_none()
        && assignee.is_none()
    {
        return Ok(());
    }

    let updated = diesel::update(
        claims::table
            .find(current.id)
            .filter(claims::version.eq(current.version)),
    )
    .set((
        ClaimChangeset {
            status: status.map(Status::as_str),
            status_reason: status.map(|_| reason),
            // A new status means a new verdict (set by the actor) or none; either way any
            // sign-off was of the old one and is void.
            verdict_by: status.map(|to| to.is_verdict().then_some(actor)),
            verdict_at: status.map(|to| to.is_verdict().then(Utc::now)),
            signed_off_by: status.map(|_| None),
            signed_off_at: status.map(|_| None),
            signoff_note: status.map(|_| None),
            summary,
            claimant,
            priority,
            assignee_id: assignee,
            version: current.version + 1,
            updated_by: actor,
        },
        claims::updated_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await?;
    if updated == 0 {
        return Err(StoreError::Stale {
            current: current.version + 1,
        });
    }

    if let Some(to) = status {
        let change = Change {
            from: Some(&current.status),
            to: Some(to.as_str()),
            reason,
            ..Change::default()
        };
        events::record(conn, current.id, actor, Kind::StatusChanged, change).await?;
        if let Some(signed_off_by) = current.signed_off_by {
            let voided = signed_off_by.to_string();
            let change = Change {
                from: Some(&voided),
                reason,
                ..Change::default()
            };
            events::record(conn, current.id, actor, Kind::SignoffVoided, change).await?;
        }
    }
    let uuid_text = |id: Option<Uuid>| id.map(|id| id.to_string());
    let (old_assignee, new_assignee) = (uuid_text(current.assignee_id), assignee.map(uuid_text));
    let edits = [
        ("summary", Some(current.summary.as_str()), summary.map(Some)),
        (
            "claimant",
            Some(current.claimant.as_str()),
            claimant.map(Some),
        ),
        (
            "priority",
            Some(current.priority.as_str()),
            priority.map(Some),
        ),
        (
            "assignee",
            old_assignee.as_deref(),
            new_assignee.as_ref().map(Option::as_deref),
        ),
    ];
    for (field, from, to) in edits {
        if let Some(to) = to {
            let change = Change {
                field: Some(field),
                from,
                to,
                reason,
                subject: None,
            };
            events::record(conn, current.id, actor, Kind::Edited, change).await?;
        }
    }
    Ok(())
}

/// Signs off the current verdict: the two-person rule says the person who set it cannot.
pub async fn sign_off(
    conn: &mut Conn,
    actor: Uuid,
    id: Uuid,
    note: Option<&str>,
) -> StoreResult<ClaimDetail> {
    conn.transaction(async move |conn| {
        let current: ClaimRow = claims::table
            .find(id)
            .select(ClaimRow::as_select())
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(StoreError::NotFound { kind: "claim", id })?;
        let is_verdict = current
            .status
            .parse::<Status>()
            .is_ok_and(Status::is_verdict);
        if !is_verdict {
            return Err(StoreError::Conflict(format!(
                "only a verdict can be signed off; this claim is `{}`",
                current.status
            )));
        }
        if current.signed_off_by.is_some() {
            return Err(StoreError::Conflict(
                "this verdict has already been signed off".into(),
            ));
        }
        if current.verdict_by == Some(actor) {
            return Err(StoreError::Forbidden(
                "you set this verdict, and the two-person rule needs someone else to sign it off"
                    .into(),
            ));
        }
        diesel::update(claims::table.find(id))
            .set((
                claims::signed_off_by.eq(actor),
                claims::signed_off_at.eq(diesel::dsl::now),
                claims::signoff_note.eq(note),
                claims::version.eq(current.version + 1),
                claims::updated_at.eq(diesel::dsl::now),
                claims::updated_by.eq(actor),
            ))
            .execute(conn)
            .await?;
        let change = Change {
            to: Some(&current.status),
            reason: note,
            ..Change::default()
        };
        events::record(conn, id, actor, Kind::SignedOff, change).await
    })
    .await?;
    get(conn, id).await
}

/// The new value, when it is one.
fn differs<'a>(new: &'a Option<String>, old: &str) -> Option<&'a str> {
    new.as_deref().filter(|new| *new != old)
}

/// Where a page of claims ends: the last item's change time and id (newest change first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at.timestamp_micros(), self.id.simple())
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let (micros, id) = text.split_once('.')?;
        Some(Cursor {
            at: DateTime::from_timestamp_micros(micros.parse().ok()?)?,
            id: Uuid::try_parse(id).ok()?,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub piece: Option<Uuid>,
    pub status: Option<Status>,
    pub assignee: Option<Uuid>,
    pub words: Option<String>,
    pub limit: i64,
    pub after: Option<Cursor>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimPage {
    pub items: Vec<Claim>,
    pub next_cursor: Option<String>,
}

/// Claims across pieces, newest change first, one keyset page at a time.
pub async fn list(conn: &mut Conn, filter: &ClaimFilter) -> StoreResult<ClaimPage> {
    let mut query = claims::table
        .inner_join(pieces::table)
        .select((ClaimRow::as_select(), pieces::title))
        .order((claims::updated_at.desc(), claims::id.desc()))
        .limit(filter.limit + 1)
        .into_boxed();
    if let Some(piece) = filter.piece {
        query = query.filter(claims::piece_id.eq(piece));
    }
    if let Some(status) = filter.status {
        query = query.filter(claims::status.eq(status.as_str()));
    }
    if let Some(assignee) = filter.assignee {
        query = query.filter(claims::assignee_id.eq(assignee));
    }
    if let Some(words) = &filter.words {
        let pattern = format!("%{}%", escape_like(words));
        query = query.filter(
            claims::quote_exact
                .ilike(pattern.clone())
                .or(claims::summary.ilike(pattern.clone()))
                .or(claims::claimant.ilike(pattern)),
        );
    }
    if let Some(after) = filter.after {
        query = query.filter(
            claims::updated_at
                .lt(after.at)
                .or(claims::updated_at.eq(after.at).and(claims::id.lt(after.id))),
        );
    }
    let mut rows: Vec<(ClaimRow, String)> = query.load(conn).await?;
    let more = rows.len() as i64 > filter.limit;
    rows.truncate(filter.limit as usize);
    let next_cursor = more
        .then(|| {
            rows.last().map(|(row, _)| {
                Cursor {
                    at: row.updated_at,
                    id: row.id,
                }
                .encode()
            })
        })
        .flatten();
    Ok(ClaimPage {
        items: rows
            .into_iter()
            .map(|(row, title)| Claim::from_row(row, title))
            .collect(),
        next_cursor,
    })
}

fn escape_like(words: &str) -> String {
    words
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
