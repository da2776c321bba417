use crate::domain::fields::{Fields, limits};
use crate::domain::roles::Action;
use crate::store::claims::NewClaim;
use crate::store::pieces::{NewPiece, PieceDetail, PieceSummary};
use crate::store::{self, claims::Claim};
use crate::web::api::Tagged;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::guards::{Db, Input, parse_id};
use crate::web::piece_input::PieceFields;
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{Route, get, post, routes};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PieceInput {
    title: String,
    body: String,
    outlet: Option<String>,
    url: Option<String>,
    authors: Option<Vec<String>>,
    published_at: String,
}

impl PieceInput {
    fn validate(&self) -> Result<NewPiece, AppError> {
        PieceFields {
            title: &self.title,
            body: &self.body,
            outlet: self.outlet.as_deref(),
            url: self.url.as_deref(),
            authors: self.authors.as_deref().unwrap_or_default(),
            published_at: &self.published_at,
        }
        .validate()
        .map_err(AppError::invalid)
    }
}

#[post("/pieces", data = "<input>")]
async fn create(
    user: ApiUser,
    mut db: Db,
    input: Input<PieceInput>,
) -> Result<Created<Json<PieceDetail>>, AppError> {
    let piece =
        store::pieces::create(&mut db, user.may(Action::AddPiece)?, &input.0.validate()?).await?;
    Ok(Created::new(format!("/api/v1/pieces/{}", piece.piece.id)).body(Json(piece)))
}

#[get("/pieces")]
async fn list(_user: ApiUser, mut db: Db) -> Result<Json<Vec<PieceSummary>>, AppError> {
    Ok(Json(store::pieces::list(&mut db).await?))
}

#[get("/pieces/<id>")]
async fn show(_user: ApiUser, mut db: Db, id: &str) -> Result<Json<PieceDetail>, AppError> {
    Ok(Json(
        store::pieces::get(&mut db, parse_id("piece", id)?).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimInput {
    quote: String,
    start: Option<usize>,
    claimant: Option<String>,
    summary: Option<String>,
    priority: Option<String>,
}

impl ClaimInput {
    fn validate(self) -> Result<NewClaim, AppError> {
        let mut fields = Fields::default();
        let quote = fields.verbatim("quote", &self.quote, limits::QUOTE);
        let claimant = fields.optional_text("claimant", self.claimant.as_deref(), limits::CLAIMANT);
        let summary = fields.optional_text("summary", self.summary.as_deref(), limits::SUMMARY);
        let priority = self
            .priority
            .as_deref()
            .map(|p| fields.parse("priority", p));
        fields.finish().map_err(AppError::invalid)?;
        Ok(NewClaim {
            quote,
            start: self.start,
            claimant: claimant.unwrap_or_default(),
            summary: summary.unwrap_or_default(),
            priority: priority.flatten().unwrap_or_default(),
        })
    }
}

#[post("/pieces/<id>/claims", data = "<input>")]
async fn add_claim(
    user: ApiUser,
    mut db: Db,
    id: &str,
    input: Input<ClaimInput>,
) -> Result<Created<Tagged<Json<Claim>>>, AppError> {
    let piece = parse_id("piece", id)?;
    let claim = store::claims::create(
        &mut db,
        user.may(Action::AddClaim)?,
        piece,
        &input.0.validate()?,
    )
    .await?;
    let version = claim.version;
    Ok(Created::new(format!("/api/v1/claims/{}", claim.id)).body(Tagged(Json(claim), version)))
}

pub fn routes() -> Vec<Route> {
    routes![create, list, show, add_claim]
}
