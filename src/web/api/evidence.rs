use crate::input::evidence::EvidenceFields;
use crate::store::{self, evidence::Evidence, evidence::NewEvidence};
use crate::web::error::AppError;
use crate::web::guards::{Db, DbAfterBody, Input, parse_id};
use crate::web::permission::{AddEvidence, ApiMay, RemoveEvidence};
use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{Route, delete, post, routes};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceInput {
    url: String,
    title: String,
    stance: String,
    publisher: Option<String>,
    note: Option<String>,
    archived_url: Option<String>,
}

impl EvidenceInput {
    fn validate(&self) -> Result<NewEvidence, AppError> {
        let sent = EvidenceFields {
            url: &self.url,
            title: &self.title,
            stance: Some(&self.stance),
            publisher: self.publisher.as_deref(),
            note: self.note.as_deref(),
            archived_url: self.archived_url.as_deref(),
        };
        sent.validate().map_err(AppError::invalid)
    }
}

#[post("/claims/<id>/evidence", data = "<input>")]
async fn add(
    user: ApiMay<AddEvidence>,
    db: DbAfterBody<'_>,
    id: &str,
    input: Input<EvidenceInput>,
) -> Result<Created<Json<Evidence>>, AppError> {
    let mut db = db.connect().await?;
    let claim = parse_id("claim", id)?;
    let evidence = store::evidence::add(&mut db, user.actor(), claim, &input.0.validate()?).await?;
    Ok(Created::new(format!("/api/v1/claims/{claim}")).body(Json(evidence)))
}

#[delete("/evidence/<id>")]
async fn remove(user: ApiMay<RemoveEvidence>, mut db: Db, id: &str) -> Result<Status, AppError> {
    store::evidence::remove(&mut db, user.actor(), parse_id("evidence", id)?).await?;
    Ok(Status::NoContent)
}

pub fn routes() -> Vec<Route> {
    routes![add, remove]
}
