//! The demo piece: NBC News, 13 January 2020, in the machine-reworded copy Factdesk ships. Its odd
//! wording is the text as published, so the claims quote it exactly.
use super::claims::{self, NewClaim};
use super::pieces::{self, NewPiece};
use super::schema::pieces as pieces_table;
use super::{Conn, SYSTEM_USER, StoreError, StoreResult};
use crate::domain::{anchor::occurrences, dates::parse_datetime, workflow::Priority};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl, SimpleAsyncConnection};
use serde::Deserialize;
use uuid::Uuid;

const BODY: &str = include_str!("../../demo/piece.txt");
const CLAIMS: &str = include_str!("../../demo/claims.json");
pub const TITLE: &str = "Trump authorized Soleimani’s killing 7 months ago, with conditions";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoClaim {
    quote: String,
    /// Which occurrence (1-based) when the quote appears more than once.
    occurrence: Option<usize>,
    claimant: String,
    summary: String,
    priority: String,
}

/// Loads the demo when the database holds no piece at all. Returns whether it did.
pub async fn load_if_empty(conn: &mut Conn) -> StoreResult<bool> {
    let pieces: i64 = pieces_table::table.count().get_result(conn).await?;
    if pieces > 0 {
        return Ok(false);
    }
    load(conn).await.map(|_| true)
}

/// Replaces the demo piece (and only it) with a fresh copy: every claim unchecked again.
pub async fn reload(conn: &mut Conn) -> StoreResult<Uuid> {
    conn.transaction(async move |conn| {
        // The one sanctioned deletion of history: see the events trigger in the core migration.
        conn.batch_execute("SET LOCAL factdesk.purge = 'on'")
            .await?;
        diesel::delete(pieces_table::table.filter(pieces_table::title.eq(TITLE)))
            .execute(conn)
            .await?;
        conn.batch_execute("SET LOCAL factdesk.purge = 'off'")
            .await?;
        load(conn).await
    })
    .await
}

async fn load(conn: &mut Conn) -> StoreResult<Uuid> {
    let demo: Vec<DemoClaim> =
        serde_json::from_str(CLAIMS).expect("demo/claims.json is checked by a test");
    conn.transaction(async move |conn| {
        let piece = pieces::create(
            conn,
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
                summary: claim.summary.clone(),
                priority: claim
                    .priority
                    .parse::<Priority>()
                    .map_err(|e| StoreError::invalid("priority", e.to_string()))?,
            };
            claims::create(conn, SYSTEM_USER, piece.piece.id, &new).await?;
        }
        Ok(piece.piece.id)
    })
    .await
}
