//! The demo piece: NBC News, 13 January 2020, in the machine-reworded copy Factdesk ships. Its odd
//! wording is the text as published, so the claims quote it exactly.
use super::claims::{self, NewClaim};
use super::database::MIGRATION_LOCK;
use super::ids::PieceId;
use super::pieces::{self, NewPiece};
use super::schema::{claims as claims_table, events, piece_events, pieces as pieces_table};
use super::{Conn, SYSTEM_USER, StoreError, StoreResult};
use crate::domain::claimreview::ClaimantKind;
use crate::domain::{anchor::occurrences, dates::parse_datetime, workflow::Priority};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl, SimpleAsyncConnection};
use serde::Deserialize;
use uuid::Uuid;

const BODY: &str = include_str!("../../demo/piece.txt");
const CLAIMS: &str = include_str!("../../demo/claims.json");
pub const TITLE: &str = "Trump authorized Soleimani’s killing 7 months ago, with conditions";
/// The demo piece's id, the same in every database, so that reloading it can never touch a
/// piece of the newsroom's own (even one with the same headline).
pub const PIECE: PieceId = PieceId(Uuid::from_u128(0x20200113_de30_4000_8000_000000000001));

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoClaim {
    quote: String,
    /// Which occurrence (1-based) when the quote appears more than once.
    occurrence: Option<usize>,
    claimant: String,
    /// A person unless the file says `organization`.
    #[serde(default)]
    claimant_kind: ClaimantKind,
    summary: String,
    priority: Priority,
}

/// Loads the demo when the database holds no piece at all. Returns whether it did. Instances
/// starting together take turns (the migrations' lock), so only the first one loads it.
pub async fn load_if_empty(conn: &mut Conn) -> StoreResult<bool> {
    conn.transaction(async move |conn| {
        conn.batch_execute(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            .await?;
        let pieces: i64 = pieces_table::table.count().get_result(conn).await?;
        if pieces > 0 {
            return Ok(false);
        }
        load(conn).await.map(|_| true)
    })
    .await
}

/// Replaces the demo piece (and only it) with a fresh copy: every claim unchecked again. Work
/// people have done on it is thrown away only when `force` says so.
pub async fn reload(conn: &mut Conn, force: bool) -> StoreResult<PieceId> {
    conn.transaction(async move |conn| {
        let work: i64 = events::table
            .inner_join(claims_table::table)
            .filter(claims_table::piece_id.eq(PIECE))
            .filter(events::actor_id.ne(SYSTEM_USER))
            .count()
            .get_result(conn)
            .await?;
        let edits: i64 = piece_events::table
            .filter(piece_events::piece_id.eq(PIECE))
            .filter(piece_events::actor_id.ne(SYSTEM_USER))
            .count()
            .get_result(conn)
            .await?;
        let work = work + edits;
        if work > 0 && !force {
            return Err(StoreError::Conflict(format!(
                "people have made {work} changes to the demo piece; reload it with --force to throw them away"
            )));
        }
        // The one sanctioned deletion of history: see the events trigger in the core migration.
        conn.batch_execute("SET LOCAL factdesk.purge = 'on'").await?;
        diesel::delete(pieces_table::table.find(PIECE)).execute(conn).await?;
        conn.batch_execute("SET LOCAL factdesk.purge = 'off'").await?;
        load(conn).await
    })
    .await
}

async fn load(conn: &mut Conn) -> StoreResult<PieceId> {
    let demo: Vec<DemoClaim> =
        serde_json::from_str(CLAIMS).expect("demo/claims.json is checked by a test");
    conn.transaction(async move |conn| {
        let piece = pieces::insert(
            conn,
            PIECE,
            SYSTEM_USER,
            &NewPiece {
                title: TITLE.to_owned(),
                outlet: Some("NBC News".to_owned()),
                url: None,
                authors: Vec::new(),
                published_at: parse_datetime("2020-01-13").expect("a valid date"),
                body: BODY.to_owned(),
            },
        )
        .await?;
        for claim in &demo {
            let start = match claim.occurrence {
                Some(n) => Some(
                    occurrences(BODY, &claim.quote)
                        .get(n - 1)
                        .copied()
                        .ok_or_else(|| {
                            StoreError::invalid(
                                "quote",
                                format!("occurrence {n} of a demo quote does not exist"),
                            )
                        })?,
                ),
                None => None,
            };
            let new = NewClaim {
                quote: claim.quote.clone(),
                start,
                claimant: claim.claimant.clone(),
                claimant_kind: claim.claimant_kind,
                summary: claim.summary.clone(),
                priority: claim.priority,
            };
            claims::create(conn, SYSTEM_USER, piece.piece.id, &new).await?;
        }
        Ok(piece.piece.id)
    })
    .await
}
