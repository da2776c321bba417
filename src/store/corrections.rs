//! Correcting a piece's text (issue 12): every earlier text is kept in `piece_revisions`, and
//! every claim follows its words into the new text (`domain::reanchor`), in the correction's
//! own transaction, with what happened to each in its history.
use super::events::Actor;
use super::following::{self, Cause, selector};
use super::ids::{ClaimId, PieceId, UserId};
use super::models::{ClaimRow, PieceHead};
use super::schema::{claims, piece_events, piece_revisions, pieces, users};
use super::{Conn, StoreError, StoreResult};
use crate::domain::anchor::Selector;
use crate::domain::reanchor::{Anchor, Correction, Followed};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

/// One of a piece's texts, without the text: what the list of revisions shows.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionSummary {
    pub revision: i32,
    pub at: DateTime<Utc>,
    pub by: Actor,
    /// Why the text changed; none for the text as first added.
    pub reason: Option<String>,
    /// The text's length in characters.
    pub chars: usize,
}

/// One of a piece's texts, whole.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub revision: i32,
    pub at: DateTime<Utc>,
    pub by: Actor,
    pub reason: Option<String>,
    pub body: String,
}

/// Writes the correction of `piece` (locked by the caller) from `old` to `new` as its next
/// revision, and moves every claim of the piece to where its words now are. The caller writes
/// the text itself and the piece's new version.
pub(super) async fn correct(
    conn: &mut Conn,
    actor: UserId,
    piece: &PieceHead,
    old: &str,
    new: &str,
    reason: &str,
) -> StoreResult<()> {
    let last: Option<i32> = piece_revisions::table
        .filter(piece_revisions::piece_id.eq(piece.id))
        .select(diesel::dsl::max(piece_revisions::revision))
        .get_result(conn)
        .await?;
    // A piece never corrected keeps its first text only in `pieces`: it is written out now.
    let revision = match last {
        Some(last) => last + 1,
        None => {
            diesel::insert_into(piece_revisions::table)
                .values((
                    piece_revisions::piece_id.eq(piece.id),
                    piece_revisions::revision.eq(1),
                    piece_revisions::body.eq(old),
                    piece_revisions::reason.eq(None::<&str>),
                    piece_revisions::at.eq(piece.created_at),
                    piece_revisions::actor_id.eq(piece.created_by),
                ))
                .execute(conn)
                .await?;
            2
        }
    };
    diesel::insert_into(piece_revisions::table)
        .values((
            piece_revisions::piece_id.eq(piece.id),
            piece_revisions::revision.eq(revision),
            piece_revisions::body.eq(new),
            piece_revisions::reason.eq(reason),
            piece_revisions::actor_id.eq(actor),
        ))
        .execute(conn)
        .await?;
    diesel::insert_into(piece_events::table)
        .values((
            piece_events::id.eq(Uuid::new_v4()),
            piece_events::piece_id.eq(piece.id),
            piece_events::actor_id.eq(actor),
            piece_events::field.eq("body"),
            piece_events::from_value.eq((revision - 1).to_string()),
            piece_events::to_value.eq(revision.to_string()),
            piece_events::reason.eq(reason),
        ))
        .execute(conn)
        .await?;
    follow_claims(conn, actor, piece.id, old, new, revision, reason).await
}

/// What a correction would do to one claim, foreseen without writing anything.
#[derive(Debug, Clone)]
pub struct Foreseen {
    pub claim: ClaimId,
    pub anchor: Anchor,
    /// Its words now, and in the corrected text (for an orphan, the same: it keeps them).
    pub words: String,
    pub new_words: String,
    /// Whether it would be written at all: moved, changed or orphaned anew.
    pub affected: bool,
    /// Its verdict would be reopened.
    pub reopens: bool,
}

/// What a correction of `piece` to `new` would do to each of its claims, in text order,
/// without writing anything: the preview a correction form shows before it is saved.
pub async fn preview(conn: &mut Conn, piece: PieceId, new: &str) -> StoreResult<Vec<Foreseen>> {
    let (old,): (String,) = pieces::table
        .find(piece)
        .select((pieces::body,))
        .first(conn)
        .await
        .optional()?
        .ok_or(StoreError::NotFound {
            kind: "piece",
            id: piece.to_string(),
        })?;
    let rows = claims_of(conn, piece, false).await?;
    let followed = followed(old, new.to_owned(), &rows).await?;
    Ok(rows
        .into_iter()
        .zip(followed)
        .map(|(row, followed)| Foreseen {
            claim: row.id,
            affected: !following::left_alone(&row, &followed),
            reopens: followed.anchor == Anchor::Changed && row.status.is_verdict(),
            anchor: followed.anchor,
            new_words: followed.selector.exact,
            words: row.quote_exact,
        })
        .collect())
}

async fn claims_of(conn: &mut Conn, piece: PieceId, lock: bool) -> StoreResult<Vec<ClaimRow>> {
    let query = claims::table
        .filter(claims::piece_id.eq(piece))
        .order((claims::quote_start.asc(), claims::id.asc()))
        .select(ClaimRow::as_select());
    Ok(if lock {
        query.for_update().load(conn).await?
    } else {
        query.load(conn).await?
    })
}

async fn follow_claims(
    conn: &mut Conn,
    actor: UserId,
    piece: PieceId,
    old: &str,
    new: &str,
    revision: i32,
    reason: &str,
) -> StoreResult<()> {
    let rows = claims_of(conn, piece, true).await?;
    let followed = followed(old.to_owned(), new.to_owned(), &rows).await?;
    let cause = Cause::Correction { revision, reason };
    following::write(conn, actor, &rows, &followed, &cause).await
}

/// Where each claim's words went from `old` to `new`, in the order of `rows`. The diff of two
/// whole texts is CPU work (up to its one-second deadline for a text rewritten wholesale): it
/// runs on a blocking thread, so the async workers go on serving other requests meanwhile.
async fn followed(old: String, new: String, rows: &[ClaimRow]) -> StoreResult<Vec<Followed>> {
    let selectors: Vec<Selector> = rows.iter().map(selector).collect();
    tokio::task::spawn_blocking(move || {
        let correction = Correction::new(&old, &new);
        selectors.iter().map(|s| correction.follow(s)).collect()
    })
    .await
    .map_err(|e| {
        StoreError::Db(diesel::result::Error::QueryBuilderError(
            format!("following the claims through the correction failed: {e}").into(),
        ))
    })
}

/// The piece's latest correction (None for a piece never corrected): its revision, when and
/// why. One indexed row, for the piece page.
pub async fn latest(conn: &Conn, piece: PieceId) -> StoreResult<Option<RevisionSummary>> {
    Ok(summaries(conn, piece, true).await?.pop())
}

/// A piece's texts, oldest first: revision 1 is the text as first added (`NotFound` for no such
/// piece).
pub async fn revisions(conn: &mut Conn, piece: PieceId) -> StoreResult<Vec<RevisionSummary>> {
    let corrected = summaries(conn, piece, false).await?;
    if !corrected.is_empty() {
        return Ok(corrected);
    }
    let first = first_text(conn, piece).await?;
    Ok(vec![RevisionSummary {
        revision: 1,
        chars: first.body.chars().count(),
        at: first.at,
        by: first.by,
        reason: None,
    }])
}

/// A revision without its text, as stored.
#[derive(Queryable)]
struct SummaryRow {
    revision: i32,
    at: DateTime<Utc>,
    actor: UserId,
    name: String,
    reason: Option<String>,
    chars: i32,
}

/// The stored revisions of a piece oldest first, or only its latest.
async fn summaries(
    mut conn: &Conn,
    piece: PieceId,
    latest_only: bool,
) -> StoreResult<Vec<RevisionSummary>> {
    let query = piece_revisions::table
        .inner_join(users::table)
        .filter(piece_revisions::piece_id.eq(piece))
        .select((
            piece_revisions::revision,
            piece_revisions::at,
            piece_revisions::actor_id,
            users::name,
            piece_revisions::reason,
            length(piece_revisions::body),
        ))
        .into_boxed();
    let query = if latest_only {
        query.order(piece_revisions::revision.desc()).limit(1)
    } else {
        query.order(piece_revisions::revision.asc())
    };
    let rows: Vec<SummaryRow> = query.load(&mut conn).await?;
    Ok(rows
        .into_iter()
        .map(|row| RevisionSummary {
            revision: row.revision,
            at: row.at,
            by: Actor {
                id: row.actor,
                name: row.name,
            },
            reason: row.reason,
            chars: usize::try_from(row.chars).unwrap_or_default(),
        })
        .collect())
}

/// A revision with its text, as stored.
#[derive(Queryable)]
struct RevisionRow {
    at: DateTime<Utc>,
    actor: UserId,
    name: String,
    reason: Option<String>,
    body: String,
}

impl RevisionRow {
    fn revision(self, revision: i32) -> Revision {
        Revision {
            revision,
            at: self.at,
            by: Actor {
                id: self.actor,
                name: self.name,
            },
            reason: self.reason,
            body: self.body,
        }
    }
}

/// One of a piece's texts (`NotFound` for no such piece or revision).
pub async fn revision(conn: &mut Conn, piece: PieceId, revision: i32) -> StoreResult<Revision> {
    let row: Option<RevisionRow> = piece_revisions::table
        .inner_join(users::table)
        .filter(piece_revisions::piece_id.eq(piece))
        .filter(piece_revisions::revision.eq(revision))
        .select((
            piece_revisions::at,
            piece_revisions::actor_id,
            users::name,
            piece_revisions::reason,
            piece_revisions::body,
        ))
        .first(conn)
        .await
        .optional()?;
    if let Some(row) = row {
        return Ok(row.revision(revision));
    }
    // A corrected piece has a row for revision 1: without one, the piece was never corrected
    // and its first text is its text as it is.
    if revision == 1 {
        return first_text(conn, piece).await;
    }
    // Say which is unknown: the piece, or only the revision.
    super::pieces::head(conn, piece).await?;
    Err(StoreError::NotFound {
        kind: "revision",
        id: revision.to_string(),
    })
}

/// A piece never corrected: its one text, as added.
async fn first_text(conn: &mut Conn, piece: PieceId) -> StoreResult<Revision> {
    let (at, id, name, body): (DateTime<Utc>, UserId, String, String) = pieces::table
        .inner_join(users::table.on(users::id.eq(pieces::created_by)))
        .filter(pieces::id.eq(piece))
        .select((
            pieces::created_at,
            pieces::created_by,
            users::name,
            pieces::body,
        ))
        .first(conn)
        .await
        .optional()?
        .ok_or(StoreError::NotFound {
            kind: "piece",
            id: piece.to_string(),
        })?;
    Ok(Revision {
        revision: 1,
        at,
        by: Actor { id, name },
        reason: None,
        body,
    })
}

diesel::define_sql_function! {
    /// A text's length in characters.
    fn length(text: diesel::sql_types::Text) -> diesel::sql_types::Integer;
}

/// Every text the piece has had, oldest first, whole: what the revisions page compares, one
/// statement (a piece never corrected has its one text, as added).
pub async fn texts(conn: &mut Conn, piece: PieceId) -> StoreResult<Vec<Revision>> {
    let rows: Vec<(i32, RevisionRow)> = piece_revisions::table
        .inner_join(users::table)
        .filter(piece_revisions::piece_id.eq(piece))
        .order(piece_revisions::revision.asc())
        .select((
            piece_revisions::revision,
            (
                piece_revisions::at,
                piece_revisions::actor_id,
                users::name,
                piece_revisions::reason,
                piece_revisions::body,
            ),
        ))
        .load(conn)
        .await?;
    if rows.is_empty() {
        return Ok(vec![first_text(conn, piece).await?]);
    }
    Ok(rows
        .into_iter()
        .map(|(revision, row)| row.revision(revision))
        .collect())
}
