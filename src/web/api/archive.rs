//! Archive, never delete: pieces and claims leave the desk with a reason and come back as they
//! were (`store::archive`). Each change names the version it was read at (If-Match).
use super::answers::ClaimAnswer;
use crate::domain::fields::{Fields, limits};
use crate::store;
use crate::store::archive::ArchivedItems;
use crate::store::pieces::PieceDetail;
use crate::web::api::Tagged;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::guards::{Db, DbAfterBody, IfMatch, Input, parse_id};
use crate::web::permission::{ApiMay, Archive};
use rocket::serde::json::Json;
use rocket::{Route, get, post, routes};
use serde::Deserialize;

/// How many archived pieces, and claims, the view lists: the newest.
const ARCHIVED_LISTED: i64 = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonInput {
    reason: Option<String>,
}

impl ReasonInput {
    /// An archive says why; a restore may.
    fn read(&self, required: bool) -> Result<Option<String>, AppError> {
        let mut fields = Fields::default();
        let reason = match (&self.reason, required) {
            (Some(reason), _) => Some(fields.text("reason", reason, limits::REASON)),
            (None, true) => {
                fields.error(
                    "reason",
                    "say why it leaves the desk (such as “sent twice: the other copy is checked”): it is shown with it in the archive",
                );
                None
            }
            (None, false) => None,
        };
        fields.finish().map_err(AppError::invalid)?;
        Ok(reason)
    }
}

#[post("/claims/<id>/archive", data = "<input>")]
async fn archive_claim(
    user: ApiMay<Archive>,
    db: DbAfterBody<'_>,
    id: &str,
    if_match: IfMatch,
    input: Input<ReasonInput>,
) -> Result<Tagged<Json<ClaimAnswer>>, AppError> {
    let mut db = db.connect().await?;
    let id = parse_id("claim", id)?;
    let reason = input.0.read(true)?.unwrap_or_default();
    let expected = if_match.versions()?;
    let claim =
        store::archive::archive_claim(&mut db, user.actor(), id, &expected, &reason).await?;
    let version = claim.claim.version;
    Ok(Tagged(Json(claim.into()), version))
}

#[post("/claims/<id>/restore", data = "<input>")]
async fn restore_claim(
    user: ApiMay<Archive>,
    db: DbAfterBody<'_>,
    id: &str,
    if_match: IfMatch,
    input: Input<ReasonInput>,
) -> Result<Tagged<Json<ClaimAnswer>>, AppError> {
    let mut db = db.connect().await?;
    let id = parse_id("claim", id)?;
    let reason = input.0.read(false)?;
    let expected = if_match.versions()?;
    let claim =
        store::archive::restore_claim(&mut db, user.actor(), id, &expected, reason.as_deref())
            .await?;
    let version = claim.claim.version;
    Ok(Tagged(Json(claim.into()), version))
}

#[post("/pieces/<id>/archive", data = "<input>")]
async fn archive_piece(
    user: ApiMay<Archive>,
    db: DbAfterBody<'_>,
    id: &str,
    if_match: IfMatch,
    input: Input<ReasonInput>,
) -> Result<Tagged<Json<PieceDetail>>, AppError> {
    let mut db = db.connect().await?;
    let id = parse_id("piece", id)?;
    let reason = input.0.read(true)?.unwrap_or_default();
    let expected = if_match.versions()?;
    let piece =
        store::archive::archive_piece(&mut db, user.actor(), id, &expected, &reason).await?;
    let version = piece.piece.version;
    Ok(Tagged(Json(piece), version))
}

#[post("/pieces/<id>/restore", data = "<input>")]
async fn restore_piece(
    user: ApiMay<Archive>,
    db: DbAfterBody<'_>,
    id: &str,
    if_match: IfMatch,
    input: Input<ReasonInput>,
) -> Result<Tagged<Json<PieceDetail>>, AppError> {
    let mut db = db.connect().await?;
    let id = parse_id("piece", id)?;
    let reason = input.0.read(false)?;
    let expected = if_match.versions()?;
    let piece =
        store::archive::restore_piece(&mut db, user.actor(), id, &expected, reason.as_deref())
            .await?;
    let version = piece.piece.version;
    Ok(Tagged(Json(piece), version))
}

/// The archived pieces, and the claims archived on their own, newest first.
#[get("/archived")]
async fn archived(_user: ApiUser, db: Db) -> Result<Json<ArchivedItems>, AppError> {
    Ok(Json(store::archive::list(&db, ARCHIVED_LISTED).await?))
}

pub fn routes() -> Vec<Route> {
    routes![
        archive_claim,
        restore_claim,
        archive_piece,
        restore_piece,
        archived
    ]
}
