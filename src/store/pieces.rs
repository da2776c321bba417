//! Pieces: the published texts that claims are anchored in.
use super::ids::{PieceId, UserId};
use super::models::{ClaimRow, NewPieceRow, PieceHead, PieceRow};
use super::records::Claim;
pub use super::records::Piece;
use super::schema::claims;
use super::schema::{piece_progress, pieces};
use super::{Conn, Existing, StoreError, StoreResult, listing, refuse_archived};
use crate::domain::reanchor::Anchor;
use crate::domain::workflow::Status;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A validated piece, ready to store.
#[derive(Debug, Clone)]
pub struct NewPiece {
    pub title: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub authors: Vec<String>,
    pub published_at: DateTime<Utc>,
    pub body: String,
}

/// A piece in a listing, with how many of its claims are at each status.
#[derive(Debug, Clone, Serialize)]
pub struct PieceSummary {
    #[serde(flatten)]
    pub piece: Piece,
    pub claim_count: i64,
    pub claims_by_status: BTreeMap<&'static str, i64>,
    /// Claims whose words a correction of the text took out, waiting to be re-attached.
    pub orphaned_claims: i64,
}

/// A piece with its full text and its claims in text order.
#[derive(Debug, Clone, Serialize)]
pub struct PieceDetail {
    #[serde(flatten)]
    pub piece: Piece,
    pub body: String,
    pub claims: Vec<Claim>,
}

diesel::define_sql_function! {
    /// The index on pieces' texts is on this (migration 000016): texts are long, digests short.
    fn md5(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Adds a piece, unless its text is already on the desk: a piece sent twice is refused, naming
/// the one there (`Existing::Piece`).
pub async fn create(conn: &mut Conn, actor: UserId, new: &NewPiece) -> StoreResult<PieceDetail> {
    conn.transaction(async move |conn| {
        refuse_duplicate(conn, &new.body, None).await?;
        insert(conn, PieceId::random(), actor, new).await
    })
    .await
}

/// Refuses a text another piece already has (`Existing::Piece`); `except` is the piece being
/// corrected. Two transactions writing the same text at once wait for each other here, until
/// the first commits, so the second finds the first's piece instead of both being written.
pub(super) async fn refuse_duplicate(
    conn: &mut Conn,
    body: &str,
    except: Option<PieceId>,
) -> StoreResult<()> {
    diesel::sql_query(
        "SELECT pg_advisory_xact_lock(hashtextextended('factdesk piece text ' || $1, 0))",
    )
    .bind::<diesel::sql_types::Text, _>(body)
    .execute(conn)
    .await?;
    let mut same = pieces::table
        .filter(md5(pieces::body).eq(md5(body)))
        .filter(pieces::body.eq(body))
        .select((pieces::id, pieces::title))
        .into_boxed();
    if let Some(except) = except {
        same = same.filter(pieces::id.ne(except));
    }
    let same: Option<(PieceId, String)> = same.first(conn).await.optional()?;
    match same {
        Some((id, title)) => Err(Existing::Piece { id, title }.into()),
        None => Ok(()),
    }
}

/// Stores a piece under a given id (the demo's is fixed).
pub(super) async fn insert(
    conn: &mut Conn,
    id: PieceId,
    actor: UserId,
    new: &NewPiece,
) -> StoreResult<PieceDetail> {
    let row: PieceRow = diesel::insert_into(pieces::table)
        .values(NewPieceRow {
            id,
            title: &new.title,
            outlet: new.outlet.as_deref(),
            url: new.url.as_deref(),
            authors: &new.authors,
            published_at: new.published_at,
            body: &new.body,
            created_by: actor,
            updated_by: actor,
        })
        .returning(PieceRow::as_returning())
        .get_result(conn)
        .await?;
    Ok(PieceDetail {
        body: row.body,
        piece: row.head.into(),
        claims: Vec::new(),
    })
}

/// A page of pieces, newest publication first, and where the next page starts.
#[derive(Debug, Clone, Serialize)]
pub struct PieceListing {
    pub items: Vec<PieceSummary>,
    pub next_cursor: Option<String>,
}

/// Pieces, newest publication first, one keyset page at a time (`after`: the cursor of the
/// page before), each with its claims counted by status. Two queries whatever the size of the
/// archive: the counts are `piece_progress`, kept by the claims' own transactions (migration
/// 000006), read for the pieces of this page only.
pub async fn list(
    mut conn: &Conn,
    limit: i64,
    after: Option<listing::Cursor>,
) -> StoreResult<PieceListing> {
    let mut rows = heads(conn, limit + 1, after).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more.then(|| rows.last()).flatten().map(|last| {
        listing::Cursor {
            at: last.published_at,
            id: last.id.into(),
        }
        .encode()
    });
    let ids: Vec<PieceId> = rows.iter().map(|row| row.id).collect();
    let counts = piece_progress::table
        .filter(piece_progress::piece_id.eq_any(&ids))
        .select((
            piece_progress::piece_id,
            piece_progress::status,
            piece_progress::claims,
        ))
        .load::<(PieceId, Status, i32)>(&mut conn);
    // Few claims are ever orphaned: their partial index answers for the page's pieces.
    let orphans = claims::table
        .filter(claims::piece_id.eq_any(&ids))
        .filter(claims::anchor.eq(Anchor::Orphaned.as_str()))
        .filter(claims::archived_at.is_null())
        .group_by(claims::piece_id)
        .select((claims::piece_id, diesel::dsl::count_star()))
        .load::<(PieceId, i64)>(&mut conn);
    let (counts, orphans) = futures_util::try_join!(counts, orphans)?;
    let mut orphans: HashMap<PieceId, i64> = orphans.into_iter().collect();
    let mut by_piece: HashMap<PieceId, BTreeMap<&'static str, i64>> = HashMap::new();
    for (piece, status, count) in counts {
        *by_piece
            .entry(piece)
            .or_default()
            .entry(status.as_str())
            .or_default() += i64::from(count);
    }
    let items = rows
        .into_iter()
        .map(|row| {
            let mut claims_by_status: BTreeMap<&'static str, i64> =
                Status::ALL.iter().map(|s| (s.as_str(), 0)).collect();
            claims_by_status.extend(by_piece.remove(&row.id).unwrap_or_default());
            PieceSummary {
                claim_count: claims_by_status.values().sum(),
                claims_by_status,
                orphaned_claims: orphans.remove(&row.id).unwrap_or(0),
                piece: row.into(),
            }
        })
        .collect();
    Ok(PieceListing { items, next_cursor })
}

pub async fn get(mut conn: &Conn, id: PieceId) -> StoreResult<PieceDetail> {
    // The piece and its claims are asked for together (one round trip, pipelined); the claims
    // take the piece's title once both are in.
    let row = pieces::table
        .find(id)
        .select(PieceRow::as_select())
        .first(&mut conn);
    let (row, claims) =
        futures_util::try_join!(async { Ok(row.await.optional()?) }, for_piece(conn, id))?;
    let row: PieceRow = row.ok_or(StoreError::NotFound {
        kind: "piece",
        id: id.to_string(),
    })?;
    Ok(PieceDetail {
        body: row.body,
        claims: claims
            .into_iter()
            .map(|claim| Claim::from_row(claim, row.head.title.clone()))
            .collect(),
        piece: row.head.into(),
    })
}

/// The `limit` most recently published pieces, without their text or counts (a filter's
/// choices).
pub async fn newest(conn: &Conn, limit: i64) -> StoreResult<Vec<Piece>> {
    let rows = heads(conn, limit, None).await?;
    Ok(rows.into_iter().map(Piece::from).collect())
}

/// Up to `limit` pieces' details, most recently published first, after `after` if given.
async fn heads(
    mut conn: &Conn,
    limit: i64,
    after: Option<listing::Cursor>,
) -> StoreResult<Vec<PieceHead>> {
    let mut query = pieces::table
        .filter(pieces::archived_at.is_null())
        .order((pieces::published_at.desc(), pieces::id.desc()))
        .select(PieceHead::as_select())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(
            pieces::published_at.lt(after.at).or(pieces::published_at
                .eq(after.at)
                .and(pieces::id.lt(after.id))),
        );
    }
    Ok(query.load(&mut conn).await?)
}

/// A piece's details without its text or claims.
pub async fn head(conn: &mut Conn, id: PieceId) -> StoreResult<Piece> {
    Ok(read_head(conn, id, false).await?.into())
}

/// A piece's details, its row locked until the transaction ends (for a change of it).
pub(super) async fn locked_head(conn: &mut Conn, id: PieceId) -> StoreResult<PieceHead> {
    read_head(conn, id, true).await
}

async fn read_head(conn: &mut Conn, id: PieceId, lock: bool) -> StoreResult<PieceHead> {
    let query = pieces::table.find(id).select(PieceHead::as_select());
    let row = if lock {
        query.for_update().first(conn).await
    } else {
        query.first(conn).await
    };
    row.optional()?.ok_or(StoreError::NotFound {
        kind: "piece",
        id: id.to_string(),
    })
}

/// The piece's text, locked against concurrent change while a claim is anchored in it (an
/// archived piece is refused: nothing is added to it until it is restored).
pub(super) async fn body_for_anchoring(
    conn: &mut Conn,
    id: PieceId,
) -> StoreResult<(String, String)> {
    let (title, body, archived_at, reason): (
        String,
        String,
        Option<DateTime<Utc>>,
        Option<String>,
    ) = pieces::table
        .find(id)
        .select((
            pieces::title,
            pieces::body,
            pieces::archived_at,
            pieces::archive_reason,
        ))
        // Not shared: two claims added to one piece at once wait for each other, so the
        // second sees the first when it looks for a claim over the same words.
        .for_no_key_update()
        .first(conn)
        .await
        .optional()?
        .ok_or(StoreError::NotFound {
            kind: "piece",
            id: id.to_string(),
        })?;
    refuse_archived("piece", archived_at, reason.as_deref())?;
    Ok((title, body))
}

/// A piece's claims in text order, as rows (the caller has the piece's title): those on the
/// desk, and those archived with the piece (an archived piece shows its claims as they were).
/// A claim archived on its own is in the "Archived" view.
async fn for_piece(mut conn: &Conn, piece: PieceId) -> StoreResult<Vec<ClaimRow>> {
    Ok(claims::table
        .filter(claims::piece_id.eq(piece))
        .filter(
            claims::archived_at
                .is_null()
                .or(claims::archived_with_piece),
        )
        .order((
            claims::quote_start.asc(),
            claims::quote_end.desc(),
            claims::id.asc(),
        ))
        .select(ClaimRow::as_select())
        .load(&mut conn)
        .await?)
}
