//! Archive, never delete: a piece or a claim leaves the desk, search, the CSV, the ClaimReview
//! feed and the public pages, keeps its history, and a restore brings it back as it was. A piece
//! takes its claims with it; restoring it brings back those it took, and only those.
//!
//! An archived piece or claim changes no further (every writer asks `store::refuse_archived`
//! with the row locked) until it is restored: what comes back is what left.
use super::claims::{self, ClaimDetail};
use super::events::{self, Change};
use super::ids::{ClaimId, PieceId, UserId};
use super::models::{ClaimRow, PieceHead};
use super::pieces::{self, PieceDetail};
use super::records::{Claim, Piece};
use super::schema::{
    claims as claims_table, events as events_table, piece_events, pieces as pieces_table,
};
use super::{Conn, StoreError, StoreResult, at_version};
use crate::domain::history::EventKind;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

/// The history's field for what a piece's archive did to its claims.
const WITH_PIECE: &str = "piece";

async fn now(conn: &mut Conn) -> StoreResult<DateTime<Utc>> {
    Ok(
        diesel::select(diesel::dsl::now.into_sql::<diesel::sql_types::Timestamptz>())
            .get_result(conn)
            .await?,
    )
}

/// Archives one claim, at one of the `expected` versions, saying why.
pub async fn archive_claim(
    conn: &mut Conn,
    actor: UserId,
    id: ClaimId,
    expected: &[i32],
    reason: &str,
) -> StoreResult<ClaimDetail> {
    conn.transaction(async move |conn| {
        let row = claims::locked_even_archived(conn, id).await?;
        at_version("claim", expected, row.version)?;
        if row.archived_at.is_some() {
            return Err(StoreError::Conflict(
                "the claim is archived already: restore it, or leave it archived".into(),
            ));
        }
        let at = now(conn).await?;
        set_claims_archived(conn, &[row.id], Some((actor, at, reason)), false).await?;
        let change = Change {
            reason: Some(reason),
            ..Change::default()
        };
        events::record(conn, id, actor, EventKind::Archived, change).await?;
        claims::get(conn, id).await
    })
    .await
}

/// Restores a claim archived on its own; one archived with its piece comes back with the piece.
pub async fn restore_claim(
    conn: &mut Conn,
    actor: UserId,
    id: ClaimId,
    expected: &[i32],
    reason: Option<&str>,
) -> StoreResult<ClaimDetail> {
    conn.transaction(async move |conn| {
        let row = claims::locked_even_archived(conn, id).await?;
        at_version("claim", expected, row.version)?;
        if row.archived_at.is_none() {
            return Err(StoreError::Conflict(
                "the claim is not archived: there is nothing to restore".into(),
            ));
        }
        if row.archived_with_piece {
            return Err(StoreError::Conflict(
                "the claim was archived with its piece: restore the piece, and its claims come back with it".into(),
            ));
        }
        set_claims_archived(conn, &[row.id], None, false).await?;
        let change = Change {
            reason,
            ..Change::default()
        };
        events::record(conn, id, actor, EventKind::Restored, change).await?;
        claims::get(conn, id).await
    })
    .await
}

/// Archives a piece and every claim of it still on the desk, in one transaction.
pub async fn archive_piece(
    conn: &mut Conn,
    actor: UserId,
    id: PieceId,
    expected: &[i32],
    reason: &str,
) -> StoreResult<PieceDetail> {
    conn.transaction(async move |conn| {
        let head = pieces::locked_head(conn, id).await?;
        at_version("piece", expected, head.version)?;
        if head.archived_at.is_some() {
            return Err(StoreError::Conflict(
                "the piece is archived already: restore it, or leave it archived".into(),
            ));
        }
        let at = now(conn).await?;
        set_piece_archived(conn, &head, Some((actor, at, reason))).await?;
        record_piece(conn, id, actor, Some("archived"), None, Some(reason)).await?;
        let live: Vec<ClaimId> = claims_table::table
            .filter(claims_table::piece_id.eq(id))
            .filter(claims_table::archived_at.is_null())
            .order(claims_table::id)
            .select(claims_table::id)
            .for_update()
            .load(conn)
            .await?;
        set_claims_archived(conn, &live, Some((actor, at, reason)), true).await?;
        record_claims(conn, &live, actor, EventKind::Archived, Some(reason)).await?;
        pieces::get(conn, id).await
    })
    .await
}

/// Restores a piece and the claims its archive took with it.
pub async fn restore_piece(
    conn: &mut Conn,
    actor: UserId,
    id: PieceId,
    expected: &[i32],
    reason: Option<&str>,
) -> StoreResult<PieceDetail> {
    conn.transaction(async move |conn| {
        let head = pieces::locked_head(conn, id).await?;
        at_version("piece", expected, head.version)?;
        if head.archived_at.is_none() {
            return Err(StoreError::Conflict(
                "the piece is not archived: there is nothing to restore".into(),
            ));
        }
        set_piece_archived(conn, &head, None).await?;
        record_piece(conn, id, actor, None, Some("archived"), reason).await?;
        let taken: Vec<ClaimId> = claims_table::table
            .filter(claims_table::piece_id.eq(id))
            .filter(claims_table::archived_with_piece)
            .order(claims_table::id)
            .select(claims_table::id)
            .for_update()
            .load(conn)
            .await?;
        set_claims_archived(conn, &taken, None, false).await?;
        record_claims(conn, &taken, actor, EventKind::Restored, reason).await?;
        pieces::get(conn, id).await
    })
    .await
}

type Archiving<'a> = Option<(UserId, DateTime<Utc>, &'a str)>;

async fn set_piece_archived(
    conn: &mut Conn,
    head: &PieceHead,
    archiving: Archiving<'_>,
) -> StoreResult<()> {
    let actor = archiving.map(|(actor, _, _)| actor);
    diesel::update(pieces_table::table.find(head.id))
        .set((
            pieces_table::archived_at.eq(archiving.map(|(_, at, _)| at)),
            pieces_table::archived_by.eq(actor),
            pieces_table::archive_reason.eq(archiving.map(|(_, _, reason)| reason)),
            pieces_table::version.eq(head.version + 1),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Archives (or, with `None`, restores) the claims in one statement. Nothing else about them
/// changes but their version: what a restore brings back is what the archive took.
async fn set_claims_archived(
    conn: &mut Conn,
    ids: &[ClaimId],
    archiving: Archiving<'_>,
    with_piece: bool,
) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    diesel::update(claims_table::table.filter(claims_table::id.eq_any(ids)))
        .set((
            claims_table::archived_at.eq(archiving.map(|(_, at, _)| at)),
            claims_table::archived_by.eq(archiving.map(|(actor, _, _)| actor)),
            claims_table::archive_reason.eq(archiving.map(|(_, _, reason)| reason)),
            claims_table::archived_with_piece.eq(with_piece),
            claims_table::version.eq(claims_table::version + 1),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// One history event per claim a piece's archive (or restore) took, in one statement.
async fn record_claims(
    conn: &mut Conn,
    ids: &[ClaimId],
    actor: UserId,
    kind: EventKind,
    reason: Option<&str>,
) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = ids
        .iter()
        .map(|id| {
            (
                events_table::id.eq(Uuid::new_v4()),
                events_table::claim_id.eq(*id),
                events_table::actor_id.eq(actor),
                events_table::kind.eq(kind.as_str()),
                events_table::field.eq(Some(WITH_PIECE)),
                events_table::reason.eq(reason),
            )
        })
        .collect();
    diesel::insert_into(events_table::table)
        .values(rows)
        .execute(conn)
        .await?;
    Ok(())
}

async fn record_piece(
    conn: &mut Conn,
    id: PieceId,
    actor: UserId,
    to: Option<&str>,
    from: Option<&str>,
    reason: Option<&str>,
) -> StoreResult<()> {
    diesel::insert_into(piece_events::table)
        .values((
            piece_events::id.eq(Uuid::new_v4()),
            piece_events::piece_id.eq(id),
            piece_events::actor_id.eq(actor),
            piece_events::field.eq("archived"),
            piece_events::from_value.eq(from),
            piece_events::to_value.eq(to),
            piece_events::reason.eq(reason),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// What the "Archived" view lists: archived pieces, and claims archived on their own (a piece's
/// claims are with it), newest first.
#[derive(Debug, Clone, Serialize)]
pub struct ArchivedItems {
    pub pieces: Vec<Piece>,
    pub claims: Vec<Claim>,
}

/// At most `limit` of each, from the partial indexes of migration 000018.
pub async fn list(mut conn: &Conn, limit: i64) -> StoreResult<ArchivedItems> {
    let pieces: Vec<PieceHead> = pieces_table::table
        .filter(pieces_table::archived_at.is_not_null())
        .order((pieces_table::archived_at.desc(), pieces_table::id))
        .limit(limit)
        .select(PieceHead::as_select())
        .load(&mut conn)
        .await?;
    let claims: Vec<(ClaimRow, String)> = claims_table::table
        .inner_join(pieces_table::table)
        .filter(claims_table::archived_at.is_not_null())
        .filter(diesel::dsl::not(claims_table::archived_with_piece))
        .order((claims_table::archived_at.desc(), claims_table::id))
        .limit(limit)
        .select((ClaimRow::as_select(), pieces_table::title))
        .load(&mut conn)
        .await?;
    Ok(ArchivedItems {
        pieces: pieces.into_iter().map(Piece::from).collect(),
        claims: claims
            .into_iter()
            .map(|(row, title)| Claim::from_row(row, title))
            .collect(),
    })
}
