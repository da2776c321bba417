//! The append-only history of each claim. Writers call `record` inside the transaction of the
//! change it describes; the database refuses updates and deletes (see the core migration).
use super::ids::{ClaimId, UserId};
use super::models::{EventRow, NewEventRow};
pub use super::records::Actor;
use super::schema::{events, users};
use super::{Conn, StoreResult};
use crate::domain::history::EventKind;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

/// One event about to be written.
#[derive(Debug, Default)]
pub struct Change<'a> {
    pub field: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub subject: Option<Uuid>,
    /// The piece's revision a correction made (`reanchored`, `orphaned`).
    pub revision: Option<i32>,
}

pub async fn record(
    conn: &mut Conn,
    claim: ClaimId,
    actor: UserId,
    kind: EventKind,
    change: Change<'_>,
) -> StoreResult<()> {
    diesel::insert_into(events::table)
        .values(NewEventRow {
            id: Uuid::new_v4(),
            claim_id: claim,
            actor_id: actor,
            kind: kind.as_str(),
            field: change.field,
            from_value: change.from,
            to_value: change.to,
            reason: change.reason,
            subject_id: change.subject,
            revision: change.revision,
        })
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub id: Uuid,
    pub claim_id: ClaimId,
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub kind: EventKind,
    pub field: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
    pub subject_id: Option<Uuid>,
    /// The piece's revision whose correction this event followed (null for other events).
    pub revision: Option<i32>,
}

/// A claim's history, oldest first.
pub async fn for_claim(mut conn: &Conn, claim: ClaimId) -> StoreResult<Vec<Event>> {
    let rows: Vec<(EventRow, String)> = events::table
        .inner_join(users::table)
        .filter(events::claim_id.eq(claim))
        .order(events::seq.asc())
        .select((EventRow::as_select(), users::name))
        .load(&mut conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(row, name)| Event {
            id: row.id,
            claim_id: row.claim_id,
            at: row.at,
            actor: Actor {
                id: row.actor_id,
                name,
            },
            kind: row.kind,
            field: row.field,
            from: row.from_value,
            to: row.to_value,
            reason: row.reason,
            subject_id: row.subject_id,
            revision: row.revision,
        })
        .collect())
}
