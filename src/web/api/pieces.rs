use super::present;
use crate::domain::fields::{Fields, limits};
use crate::input::claim::ClaimFields;
use crate::input::page::Paging;
use crate::input::piece::{self, PieceFields};
use crate::store::claims::NewClaim;
use crate::store::corrections::{Revision, RevisionSummary};
use crate::store::piece_edits::{PieceChanges, PieceEvent};
use crate::store::pieces::{NewPiece, PieceDetail, PieceListing};
use crate::store::{self, claims::Claim};
use crate::web::api::Tagged;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::guards::{Db, DbAfterBody, IfMatch, Input, parse_id};
use crate::web::permission::{AddClaim, AddPiece, ApiMay, EditPiece};
use rocket::response::status::Created;
use rocket::serde::json::Json;
use rocket::{Route, get, patch, post, routes};
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
    user: ApiMay<AddPiece>,
    db: DbAfterBody<'_>,
    input: Input<PieceInput>,
) -> Result<Created<Json<PieceDetail>>, AppError> {
    let mut db = db.connect().await?;
    let piece = store::pieces::create(&mut db, user.actor(), &input.0.validate()?).await?;
    Ok(Created::new(format!("/api/v1/pieces/{}", piece.piece.id)).body(Json(piece)))
}

/// Pieces per page when `limit` is not given.
const PIECES_PAGE: i64 = 50;

#[get("/pieces?<limit>&<cursor>")]
async fn list(
    _user: ApiUser,
    db: Db,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> Result<Json<PieceListing>, AppError> {
    let mut fields = Fields::default();
    let paging = Paging::read(&mut fields, limit, cursor, PIECES_PAGE);
    fields.finish().map_err(AppError::invalid)?;
    Ok(Json(
        store::pieces::list(&db, paging.limit, paging.after).await?,
    ))
}

#[get("/pieces/<id>")]
async fn show(_user: ApiUser, db: Db, id: &str) -> Result<Tagged<Json<PieceDetail>>, AppError> {
    let piece = store::pieces::get(&db, parse_id("piece", id)?).await?;
    let version = piece.piece.version;
    Ok(Tagged(Json(piece), version))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DetailsInput {
    title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    outlet: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    url: Option<Option<String>>,
    authors: Option<Vec<String>>,
    published_at: Option<String>,
    /// A corrected text: every claim follows its words into it (`null` is refused in words).
    #[serde(default, deserialize_with = "present")]
    body: Option<Option<String>>,
    /// Why the text changed: required with a new `body`.
    reason: Option<String>,
}

impl DetailsInput {
    fn validate(&self) -> Result<PieceChanges, AppError> {
        let mut fields = Fields::default();
        let (body, reason) = match &self.body {
            Some(Some(body)) => {
                let (body, reason) = piece::correction(&mut fields, body, self.reason.as_deref());
                (Some(body), reason)
            }
            Some(None) => {
                fields.error("body", "a piece always has a text: send the corrected one");
                (None, None)
            }
            None => (None, None),
        };
        if self.reason.is_some() && self.body.is_none() {
            fields.error(
                "reason",
                "goes with a corrected text: send the new `body` with it, or leave `reason` out",
            );
        }
        let title = self
            .title
            .as_deref()
            .map(|t| fields.text("title", t, limits::TITLE));
        let outlet = self
            .outlet
            .as_ref()
            .map(|o| fields.optional_text("outlet", o.as_deref(), limits::OUTLET));
        let url = self
            .url
            .as_ref()
            .map(|u| fields.optional_url("url", u.as_deref()));
        let authors = self
            .authors
            .as_deref()
            .map(|a| piece::authors(&mut fields, a));
        let published_at = self
            .published_at
            .as_deref()
            .map(|at| piece::published_at(&mut fields, at));
        let nothing = self.title.is_none()
            && self.outlet.is_none()
            && self.url.is_none()
            && self.authors.is_none()
            && self.published_at.is_none()
            && self.body.is_none();
        if nothing && self.reason.is_none() {
            fields.error(
                "",
                "send at least one of title, outlet, url, authors, published_at, body",
            );
        }
        let valid = fields.finish().map_err(AppError::invalid)?;
        Ok(PieceChanges {
            title,
            outlet,
            url,
            authors,
            published_at: valid.open_sent(published_at),
            body,
            reason,
        })
    }
}

#[patch("/pieces/<id>", data = "<input>")]
async fn update(
    user: ApiMay<EditPiece>,
    db: DbAfterBody<'_>,
    id: &str,
    if_match: IfMatch,
    input: Input<DetailsInput>,
) -> Result<Tagged<Json<PieceDetail>>, AppError> {
    let mut db = db.connect().await?;
    let id = parse_id("piece", id)?;
    let changes = input.0.validate()?;
    let expected = if_match.versions()?;
    let piece = store::piece_edits::update(&mut db, user.actor(), id, &expected, &changes).await?;
    let version = piece.piece.version;
    Ok(Tagged(Json(piece), version))
}

#[get("/pieces/<id>/history")]
async fn history(_user: ApiUser, mut db: Db, id: &str) -> Result<Json<Vec<PieceEvent>>, AppError> {
    let id = parse_id("piece", id)?;
    Ok(Json(store::piece_edits::history(&mut db, id).await?))
}

/// Every text the piece has had, oldest first: revision 1 is the text as first added.
#[get("/pieces/<id>/revisions")]
async fn revisions(
    _user: ApiUser,
    mut db: Db,
    id: &str,
) -> Result<Json<Vec<RevisionSummary>>, AppError> {
    let id = parse_id("piece", id)?;
    Ok(Json(store::corrections::revisions(&mut db, id).await?))
}

#[get("/pieces/<id>/revisions/<revision>")]
async fn revision(
    _user: ApiUser,
    mut db: Db,
    id: &str,
    revision: &str,
) -> Result<Json<Revision>, AppError> {
    let id = parse_id("piece", id)?;
    // Anything but a revision's number names no revision, as an id that is not a UUID names
    // no piece.
    let number = revision
        .parse::<i32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::NotFound(format!("no revision `{revision}`")))?;
    Ok(Json(
        store::corrections::revision(&mut db, id, number).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimInput {
    quote: String,
    start: Option<usize>,
    claimant: Option<String>,
    claimant_kind: Option<String>,
    summary: Option<String>,
    priority: Option<String>,
}

impl ClaimInput {
    fn validate(&self) -> Result<NewClaim, AppError> {
        ClaimFields {
            quote: &self.quote,
            start: self.start,
            claimant: self.claimant.as_deref(),
            claimant_kind: self.claimant_kind.as_deref(),
            summary: self.summary.as_deref(),
            priority: self.priority.as_deref(),
        }
        .validate()
        .map_err(AppError::invalid)
    }
}

#[post("/pieces/<id>/claims", data = "<input>")]
async fn add_claim(
    user: ApiMay<AddClaim>,
    db: DbAfterBody<'_>,
    id: &str,
    input: Input<ClaimInput>,
) -> Result<Created<Tagged<Json<Claim>>>, AppError> {
    let mut db = db.connect().await?;
    let piece = parse_id("piece", id)?;
    let claim = store::claims::create(&mut db, user.actor(), piece, &input.0.validate()?).await?;
    let version = claim.version;
    Ok(Created::new(format!("/api/v1/claims/{}", claim.id)).body(Tagged(Json(claim), version)))
}

pub fn routes() -> Vec<Route> {
    routes![
        create, list, show, update, history, revisions, revision, add_claim
    ]
}
