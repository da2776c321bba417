use super::answers::NoteAnswer;
use crate::domain::fields::{Fields, limits};
use crate::store;
use crate::web::error::AppError;
use crate::web::guards::{DbAfterBody, Input, parse_id};
use crate::web::permission::{AddNote, ApiMay};
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{Route, post, routes};
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
    let mut fields = Fields::default();
    // Markdown as written: indentation and line breaks carry meaning (code blocks, hard breaks).
    let body = fields.verbatim("body", &input.0.body, limits::NOTE);
    fields.finish().map_err(AppError::invalid)?;
    let note = store::notes::add(&mut db, user.actor(), claim, &body).await?;
    Ok(Created::new(format!("/api/v1/claims/{claim}")).body(Json(note.into())))
}

pub fn routes() -> Vec<Route> {
    routes![add]
}
