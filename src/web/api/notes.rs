use super::answers::NoteAnswer;
use crate::domain::fields::{Fields, limits};
use crate::store;
use crate::store::notes::NoteRef;
use crate::web::api::Tagged;
use crate::web::error::AppError;
use crate::web::guards::{Db, DbAfterBody, IfMatch, Input, parse_id};
use crate::web::permission::{AddNote, ApiMay};
use rocket::response::status::{Created, NoContent};
use rocket::serde::json::Json;
use rocket::{Route, patch, post, routes};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteInput {
    body: String,
}

#[post("/claims/<id>/notes", data = "<input>")]
async fn add(
    user: ApiMay<AddNote>,
    db: DbAfterBody<'_>,
    id: &str,
    input: Input<NoteInput>,
) -> Result<Created<Json<NoteAnswer>>, AppError> {
    let mut db = db.connect().await?;
    let claim = parse_id("claim", id)?;
    let body = read_body(&input.0.body)?;
    let note = store::notes::add(&mut db, user.actor(), claim, &body).await?;
    Ok(Created::new(format!("/api/v1/claims/{claim}")).body(Json(note.into())))
}

/// Rewords a note, by its author, at the version it was read (If-Match: the note's `version`).
#[patch("/notes/<id>", data = "<input>")]
async fn edit(
    user: ApiMay<AddNote>,
    db: DbAfterBody<'_>,
    id: &str,
    if_match: IfMatch,
    input: Input<NoteInput>,
) -> Result<Tagged<Json<NoteAnswer>>, AppError> {
    let mut db = db.connect().await?;
    let id = parse_id("note", id)?;
    let body = read_body(&input.0.body)?;
    let expected = if_match.versions()?;
    let note = NoteRef { id, on: None };
    let note = store::notes::edit(&mut db, user.actor(), note, &expected, &body).await?;
    let version = note.version;
    Ok(Tagged(Json(note.into()), version))
}

/// Withdraws a note, by its author: it leaves the claim, its words stay in the history.
#[post("/notes/<id>/withdraw")]
async fn withdraw(
    user: ApiMay<AddNote>,
    mut db: Db,
    id: &str,
    if_match: IfMatch,
) -> Result<NoContent, AppError> {
    let id = parse_id("note", id)?;
    let expected = if_match.versions()?;
    let note = NoteRef { id, on: None };
    store::notes::withdraw(&mut db, user.actor(), note, &expected).await?;
    Ok(NoContent)
}

fn read_body(body: &str) -> Result<String, AppError> {
    let mut fields = Fields::default();
    // Markdown as written: indentation and line breaks carry meaning (code blocks, hard breaks).
    let body = fields.verbatim("body", body, limits::NOTE);
    fields.finish().map_err(AppError::invalid)?;
    Ok(body)
}

pub fn routes() -> Vec<Route> {
    routes![add, edit, withdraw]
}
