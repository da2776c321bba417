//! Reviewer notes: Markdown stored as written. Rendering it is for whoever shows it (the API's
//! answer, the claim page), after the transaction that wrote or read it.
use super::claims;
use super::events::{self, Actor, Change};
use super::models::{NewNoteRow, NoteRow};
use super::schema::{notes, users};
use super::{Conn, StoreResult};
use crate::domain::history::EventKind;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub id: Uuid,
    pub claim_id: Uuid,
    pub author: Actor,
    /// Markdown, exactly as written.
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl Note {
    fn from_row(row: NoteRow, author_name: String) -> Self {
        Note {
            id: row.id,
            claim_id: row.claim_id,
            author: Actor {
                id: row.author_id,
                name: author_name,
            },
            body: row.body,
            created_at: row.created_at,
        }
    }
}

pub async fn add(conn: &mut Conn, actor: Uuid, claim: Uuid, body: &str) -> StoreResult<Note> {
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

/// A note as `claim_notes_json` (migration 000007) writes it: its row and its author's name.
#[derive(serde::Deserialize)]
pub(super) struct NoteJson {
    #[serde(flatten)]
    row: NoteRow,
    author_name: String,
}

impl From<NoteJson> for Note {
    fn from(note: NoteJson) -> Self {
        Note::from_row(note.row, note.author_name)
    }
}
