//! Editing a piece: its details (title, outlet, address, authors and publication date) and its
//! text, whose correction every claim follows (`corrections`). Every changed field is recorded
//! in `piece_events`, in the edit's transaction, as a claim's changes are in `events`.
use super::corrections;
use super::events::Actor;
use super::ids::{PieceId, UserId};
use super::models::PieceHead;
use super::pieces::{self, PieceDetail};
use super::schema::{piece_events, pieces as pieces_table, users};
use super::{Conn, StoreError, StoreResult};
use chrono::{DateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

/// What an edit asks to change; `None` leaves a field as it is (`Some(None)` clears an optional one).
#[derive(Debug, Clone, Default)]
pub struct PieceChanges {
    pub title: Option<String>,
    pub outlet: Option<Option<String>>,
    pub url: Option<Option<String>>,
    pub authors: Option<Vec<String>>,
    pub published_at: Option<DateTime<Utc>>,
    /// A corrected text, and why it changed (required when it does).
    pub body: Option<String>,
    pub reason: Option<String>,
}

/// One changed field of a piece, who changed it and when.
#[derive(Debug, Clone, Serialize)]
pub struct PieceEvent {
    pub id: Uuid,
    pub piece_id: PieceId,
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Why the text changed (`body`, from revision to revision); none for the details.
    pub reason: Option<String>,
}

/// How a date is written in the history: the same RFC 3339 form the API answers with.
fn date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `(field, from, to)` for every field `changes` really changes.
fn differences(
    current: &PieceHead,
    changes: &PieceChanges,
) -> Vec<(&'static str, Option<String>, Option<String>)> {
    let authors: Vec<String> = current.authors.iter().flatten().cloned().collect();
    let list = |names: &[String]| (!names.is_empty()).then(|| names.join(", "));
    let mut out = Vec::new();
    if let Some(title) = changes.title.as_ref().filter(|t| **t != current.title) {
        out.push(("title", Some(current.title.clone()), Some(title.clone())));
    }
    if let Some(outlet) = changes.outlet.as_ref().filter(|o| **o != current.outlet) {
        out.push(("outlet", current.outlet.clone(), outlet.clone()));
    }
    if let Some(url) = changes.url.as_ref().filter(|u| **u != current.url) {
        out.push(("url", current.url.clone(), url.clone()));
    }
    if let Some(new) = changes.authors.as_ref().filter(|a| **a != authors) {
        out.push(("authors", list(&authors), list(new)));
    }
    if let Some(at) = changes
        .published_at
        .filter(|at| *at != current.published_at)
    {
        out.push((
            "published_at",
            Some(date(current.published_at)),
            Some(date(at)),
        ));
    }
    out
}

/// Applies `changes` if the piece is still at one of the `expected` versions (else `Stale`),
/// and answers the piece as this transaction left it. Changing nothing writes nothing.
pub async fn update(
    conn: &mut Conn,
    actor: UserId,
    id: PieceId,
    expected: &[i32],
    changes: &PieceChanges,
) -> StoreResult<PieceDetail> {
    conn.transaction(async move |conn| {
        let (current, body): (PieceHead, String) = pieces_table::table
            .find(id)
            .select((PieceHead::as_select(), pieces_table::body))
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(StoreError::NotFound {
                kind: "piece",
                id: id.to_string(),
            })?;
        super::at_version("piece", expected, current.version)?;
        super::refuse_archived(
            "piece",
            current.archived_at,
            current.archive_reason.as_deref(),
        )?;
        let changed = differences(&current, changes);
        let corrected = changes.body.as_deref().filter(|new| *new != body);
        if let Some(new) = corrected {
            let Some(reason) = changes.reason.as_deref() else {
                return Err(StoreError::invalid(
                    "reason",
                    "say why the text changed (such as “Correction: an earlier version misstated the date”): it is kept with the correction",
                ));
            };
            pieces::refuse_duplicate(conn, new, Some(id)).await?;
            corrections::correct(conn, actor, &current, &body, new, reason).await?;
        }
        if !changed.is_empty() || corrected.is_some() {
            let authors: Vec<String> = match &changes.authors {
                Some(new) => new.clone(),
                None => current.authors.iter().flatten().cloned().collect(),
            };
            diesel::update(pieces_table::table.find(id))
                .set((
                    pieces_table::title.eq(changes.title.as_ref().unwrap_or(&current.title)),
                    pieces_table::outlet.eq(changes.outlet.as_ref().unwrap_or(&current.outlet)),
                    pieces_table::url.eq(changes.url.as_ref().unwrap_or(&current.url)),
                    pieces_table::authors.eq(&authors),
                    pieces_table::published_at
                        .eq(changes.published_at.unwrap_or(current.published_at)),
                    pieces_table::body.eq(corrected.unwrap_or(&body)),
                    pieces_table::version.eq(current.version + 1),
                    pieces_table::updated_at.eq(diesel::dsl::now),
                    pieces_table::updated_by.eq(actor),
                ))
                .execute(conn)
                .await?;
            let rows: Vec<_> = changed
                .iter()
                .map(|(field, from, to)| {
                    (
                        piece_events::id.eq(Uuid::new_v4()),
                        piece_events::piece_id.eq(id),
                        piece_events::actor_id.eq(actor),
                        piece_events::field.eq(*field),
                        piece_events::from_value.eq(from.as_deref()),
                        piece_events::to_value.eq(to.as_deref()),
                    )
                })
                .collect();
            if !rows.is_empty() {
                diesel::insert_into(piece_events::table)
                    .values(rows)
                    .execute(conn)
                    .await?;
            }
        }
        pieces::get(conn, id).await
    })
    .await
}

/// A piece's history of changed details, oldest first (`NotFound` for no such piece).
pub async fn history(conn: &mut Conn, piece: PieceId) -> StoreResult<Vec<PieceEvent>> {
    let known: i64 = pieces_table::table
        .filter(pieces_table::id.eq(piece))
        .count()
        .get_result(conn)
        .await?;
    if known == 0 {
        return Err(StoreError::NotFound {
            kind: "piece",
            id: piece.to_string(),
        });
    }
    changes_to(conn, piece).await
}

/// The changed details of a piece known to exist, oldest first.
pub async fn changes_to(conn: &mut Conn, piece: PieceId) -> StoreResult<Vec<PieceEvent>> {
    read(conn, piece, false).await
}

/// The latest change to a piece's details or text, if any (an archive or restore is none): one
/// row, however long its history.
pub async fn latest_change(conn: &Conn, piece: PieceId) -> StoreResult<Option<PieceEvent>> {
    Ok(read(conn, piece, true).await?.pop())
}

/// How many changes a piece's history holds (what an edit form has "seen").
pub async fn count(conn: &mut Conn, piece: PieceId) -> StoreResult<usize> {
    let count: i64 = piece_events::table
        .filter(piece_events::piece_id.eq(piece))
        .count()
        .get_result(conn)
        .await?;
    Ok(usize::try_from(count).unwrap_or_default())
}

/// The piece's changes oldest first, or only its latest.
async fn read(mut conn: &Conn, piece: PieceId, latest_only: bool) -> StoreResult<Vec<PieceEvent>> {
    let mut query = piece_events::table
        .inner_join(users::table)
        .filter(piece_events::piece_id.eq(piece))
        .select((
            piece_events::id,
            piece_events::at,
            piece_events::actor_id,
            users::name,
            piece_events::field,
            piece_events::from_value,
            piece_events::to_value,
            piece_events::reason,
        ))
        .into_boxed();
    query = if latest_only {
        // The latest edit of its details or text: an archive or restore is told by the piece's
        // archive, not as an edit.
        query
            .filter(piece_events::field.ne("archived"))
            .order(piece_events::seq.desc())
            .limit(1)
    } else {
        query.order(piece_events::seq.asc())
    };
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        Uuid,
        DateTime<Utc>,
        UserId,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    )> = query.load(&mut conn).await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, at, actor, name, field, from, to, reason)| PieceEvent {
                id,
                piece_id: piece,
                at,
                actor: Actor { id: actor, name },
                field,
                from,
                to,
                reason,
            },
        )
        .collect())
}
