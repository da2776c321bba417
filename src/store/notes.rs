//! Reviewer notes: Markdown stored as written. Rendering it is for whoever shows it (the API's
//! answer, the claim page), after the transaction that wrote or read it.
use super::claims;
use super::events::{self, Change};
use super::ids::{ClaimId, UserId};
use super::models::{NewNoteRow, NoteRow};
pub use super::records::Note;
use super::schema::{notes, users};
use super::{Conn, StoreResult};
use crate::domain::history::EventKind;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use uuid::Uuid;

pub async fn add(conn: &mut Conn, actor: UserId, claim: ClaimId, body: &str) -> StoreResult<Note> {
    conn.transaction(async move |conn| {
        claims::touch(conn, claim, actor).await?;
        let row: NoteRow = diesel::insert_into(notes::table)
            .values(NewNoteRow {
                id: Uuid::new_v4(),
                claim_id: claim,
                author_id: actor,
                body,
            })
            .returning(NoteRow::as_returning())
            .get_result(conn)
            .await?;
        let change = Change {
            subject: Some(row.id),
            ..Change::default()
        };
        events::record(conn, claim, actor, EventKind::NoteAdded, change).await?;
        let name: String = users::table
            .find(actor)
            .select(users::name)
            .first(conn)
            .await?;
        Ok(Note::from_row(row, name))
    })
    .await
}
