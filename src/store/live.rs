//! The history as a feed for live pages: events after a sequence number, each with what a page
//! needs to show it (who made it, the claim's piece, status and version as they are now).
use super::ids::{ClaimId, PieceId};
use super::schema::{claims, events, pieces, users};
use super::{Conn, StoreError, StoreResult};
use crate::domain::history::EventKind;
use crate::domain::live::describe;
use crate::domain::workflow::Status;
use diesel::dsl::{exists, max};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;

/// Which changes a page shows: one claim's, one piece's claims', or every claim's (the desk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Claim(ClaimId),
    Piece(PieceId),
    Desk,
}

#[derive(Debug, Clone, Serialize)]
pub struct LiveEvent {
    /// The event's place in the history: the stream's event id, for `Last-Event-ID`.
    pub seq: i64,
    pub claim: ClaimId,
    pub piece: PieceId,
    pub kind: EventKind,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The claim's status and version when the event was read.
    pub status: Status,
    pub version: i32,
    /// The status's name in words, and that of the one a status change went to.
    pub status_label: &'static str,
    pub to_label: Option<&'static str>,
    pub actor: String,
    /// What happened, in one sentence ("Ana Ruiz set the verdict: False").
    pub message: String,
}

impl LiveEvent {
    pub fn concerns(&self, scope: Scope) -> bool {
        match scope {
            Scope::Claim(id) => self.claim == id,
            Scope::Piece(id) => self.piece == id,
            Scope::Desk => true,
        }
    }
}

/// The most a catch-up reads at once; a page further behind is told to reload.
pub const BATCH: i64 = 200;

type Row = (
    i64,
    ClaimId,
    PieceId,
    EventKind,
    Option<String>,
    Option<String>,
    Option<String>,
    Status,
    i32,
    String,
);

fn live_event(row: Row) -> LiveEvent {
    let (seq, claim, piece, kind, field, from, to, status, version, actor) = row;
    let to_label = to
        .as_deref()
        .and_then(|to| to.parse::<Status>().ok())
        .map(Status::label);
    let message = describe(
        &actor,
        kind,
        field.as_deref(),
        from.as_deref(),
        to.as_deref(),
    );
    LiveEvent {
        seq,
        claim,
        piece,
        kind,
        from,
        to,
        status,
        version,
        status_label: status.label(),
        to_label,
        actor,
        message,
    }
}

enum Seq {
    After(i64),
    Exactly(i64),
}

async fn load(conn: &mut Conn, seq: Seq, scope: Scope) -> StoreResult<Vec<LiveEvent>> {
    let mut query = events::table
        .inner_join(claims::table)
        .inner_join(users::table)
        .order(events::seq.asc())
        .limit(BATCH)
        .select((
            events::seq,
            events::claim_id,
            claims::piece_id,
            events::kind,
            events::field,
            events::from_value,
            events::to_value,
            claims::status,
            claims::version,
            users::name,
        ))
        .into_boxed();
    query = match seq {
        Seq::After(seq) => query.filter(events::seq.gt(seq)),
        Seq::Exactly(seq) => query.filter(events::seq.eq(seq)),
    };
    query = match scope {
        Scope::Claim(id) => query.filter(events::claim_id.eq(id)),
        Scope::Piece(id) => query.filter(claims::piece_id.eq(id)),
        Scope::Desk => query,
    };
    let rows: Vec<Row> = query.load(conn).await?;
    Ok(rows.into_iter().map(live_event).collect())
}

/// Events after `seq` that `scope` shows, oldest first, at most [`BATCH`].
pub async fn after(conn: &mut Conn, seq: i64, scope: Scope) -> StoreResult<Vec<LiveEvent>> {
    load(conn, Seq::After(seq), scope).await
}

/// The event with this sequence number (the one a notification announced).
pub async fn one(conn: &mut Conn, seq: i64) -> StoreResult<Option<LiveEvent>> {
    Ok(load(conn, Seq::Exactly(seq), Scope::Desk).await?.pop())
}

/// Refuses a stream of a claim or piece that does not exist: it would never tell anything.
pub async fn check_exists(conn: &mut Conn, scope: Scope) -> StoreResult<()> {
    let (kind, id, found) = match scope {
        Scope::Claim(id) => {
            let query = claims::table.filter(claims::id.eq(id));
            (
                "claim",
                id.to_string(),
                diesel::select(exists(query)).get_result(conn).await?,
            )
        }
        Scope::Piece(id) => {
            let query = pieces::table.filter(pieces::id.eq(id));
            (
                "piece",
                id.to_string(),
                diesel::select(exists(query)).get_result(conn).await?,
            )
        }
        Scope::Desk => return Ok(()),
    };
    if found {
        Ok(())
    } else {
        Err(StoreError::NotFound { kind, id })
    }
}

/// The last event written: where a page rendered now starts listening.
pub async fn latest(mut conn: &Conn) -> StoreResult<i64> {
    let seq: Option<i64> = events::table
        .select(max(events::seq))
        .first(&mut conn)
        .await?;
    Ok(seq.unwrap_or(0))
}
