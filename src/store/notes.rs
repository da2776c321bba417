//! Reviewer notes: Markdown stored as written. Rendering it is for whoever shows it (the API's
//! answer, the claim page), after the transaction that wrote or read it.
use super::claims;
use super::events::{self, Change};
use super::ids::{ClaimId, UserId};
use super::models::{NewNoteRow, NoteRow};
pub use super::records::Note;
use super::schema::{notes, users};
use super::{Conn, StoreError, StoreResult};
use crate::domain::history::EventKind;
use chrono::{DateTime, Utc};
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
        Ok(Note::from_row(row, name_of(conn, actor).await?))
    })
    .await
}

/// The author's name, for the note the store answers with.
async fn name_of(conn: &mut Conn, author: UserId) -> StoreResult<String> {
    Ok(users::table
        .find(author)
        .select(users::name)
        .first(conn)
        .await?)
}

/// Which note a change is of: its id, and the claim it was seen on (a page's form names both;
/// the API, the note alone).
#[derive(Debug, Clone, Copy)]
pub struct NoteRef {
    pub id: Uuid,
    pub on: Option<ClaimId>,
}

/// A note locked for its author's change: NotFound for no such note (or one of another claim
/// than the one it was seen on), Gone for one withdrawn, NotYours for another author's, Stale
/// for a version other than `expected`.
async fn locked_for_author(
    conn: &mut Conn,
    actor: UserId,
    note: NoteRef,
    expected: &[i32],
) -> StoreResult<NoteRow> {
    let id = note.id;
    let (row, withdrawn): (NoteRow, Option<DateTime<Utc>>) = notes::table
        .find(id)
        .select((NoteRow::as_select(), notes::withdrawn_at))
        .for_update()
        .first(conn)
        .await
        .optional()?
        .filter(|(row, _)| note.on.is_none_or(|claim| claim == row.claim_id))
        .ok_or(StoreError::NotFound {
            kind: "note",
            id: id.to_string(),
        })?;
    if withdrawn.is_some() {
        return Err(StoreError::Gone(
            "the note was withdrawn by its author: its words are kept in the claim's history"
                .into(),
        ));
    }
    if row.author_id != actor {
        return Err(StoreError::NotYours(
            "only its author may edit or withdraw a note: add a note of your own instead".into(),
        ));
    }
    super::at_version("note", expected, row.version)?;
    Ok(row)
}

/// Rewords a note, by its author; the words it had are kept in the claim's history. The same
/// words again change nothing.
pub async fn edit(
    conn: &mut Conn,
    actor: UserId,
    note: NoteRef,
    expected: &[i32],
    body: &str,
) -> StoreResult<Note> {
    let id = note.id;
    conn.transaction(async move |conn| {
        let row = locked_for_author(conn, actor, note, expected).await?;
        let row = if row.body == body {
            row
        } else {
            claims::touch(conn, row.claim_id, actor).await?;
            let edited: NoteRow = diesel::update(notes::table.find(id))
                .set((
                    notes::body.eq(body),
                    notes::version.eq(row.version + 1),
                    notes::edited_at.eq(diesel::dsl::now),
                ))
                .returning(NoteRow::as_returning())
                .get_result(conn)
                .await?;
            let change = Change {
                subject: Some(id),
                from: Some(&row.body),
                to: Some(body),
                ..Change::default()
            };
            events::record(conn, row.claim_id, actor, EventKind::NoteEdited, change).await?;
            edited
        };
        Ok(Note::from_row(row, name_of(conn, actor).await?))
    })
    .await
}

/// Withdraws a note, by its author: it leaves the claim's page and search, and its last words
/// are kept in the claim's history.
pub async fn withdraw(
    conn: &mut Conn,
    actor: UserId,
    note: NoteRef,
    expected: &[i32],
) -> StoreResult<ClaimId> {
    let id = note.id;
    conn.transaction(async move |conn| {
        let row = locked_for_author(conn, actor, note, expected).await?;
        claims::touch(conn, row.claim_id, actor).await?;
        diesel::update(notes::table.find(id))
            .set((
                notes::withdrawn_at.eq(diesel::dsl::now),
                notes::version.eq(row.version + 1),
            ))
            .execute(conn)
            .await?;
        let change = Change {
            subject: Some(id),
            from: Some(&row.body),
            ..Change::default()
        };
        events::record(conn, row.claim_id, actor, EventKind::NoteWithdrawn, change).await?;
        Ok(row.claim_id)
    })
    .await
}
