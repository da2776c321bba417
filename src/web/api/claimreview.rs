//! ClaimReview JSON-LD of signed-off verdicts: one at `GET /api/v1/claims/{id}/claimreview`
//! (signed in, like the rest of the API) and all of them at `GET /claimreview.json` (public,
//! for crawlers). A claim without a signed-off verdict publishes nothing: 404.
use crate::Settings;
use crate::domain::claimreview::{Publisher, Review, claim_review, data_feed};
use crate::domain::workflow::is_published;
use crate::store;
use crate::store::claims::Claim;
use crate::store::pieces::Piece;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::guards::{Db, parse_id};
use rocket::http::ContentType;
use rocket::{Route, State, get, routes};
use serde_json::Value;
use uuid::Uuid;

/// The newsroom as configured.
pub(crate) fn publisher(settings: &Settings) -> Publisher<'_> {
    Publisher {
        public_url: &settings.public_url,
        name: &settings.newsroom_name,
        url: settings.newsroom_url(),
    }
}

/// JSON-LD, as its media type says.
fn json_ld(value: &Value) -> (ContentType, String) {
    (
        ContentType::new("application", "ld+json"),
        value.to_string(),
    )
}

/// The ClaimReview of a published check (store::published admits only signed-off verdicts).
pub(crate) fn review_of(
    published: &store::published::Published,
    settings: &Settings,
) -> Result<Value, AppError> {
    let review = published.review()?;
    claim_review(&review, &publisher(settings)).ok_or_else(|| {
        AppError::Internal(format!("published check {} has no verdict", review.claim))
    })
}

/// The ClaimReview of a claim as a page already read it, if its verdict is signed off (the claim
/// page embeds it without another query).
pub(crate) fn review_of_claim(claim: &Claim, piece: &Piece, settings: &Settings) -> Option<Value> {
    if !is_published(claim.status, claim.signed_off_by.is_some()) {
        return None;
    }
    let signed_off_at = claim.signed_off_at?;
    let review = Review {
        claim: claim.id,
        summary: &claim.summary,
        quote: &claim.selector.exact,
        claimant: &claim.claimant,
        verdict: claim.status,
        reason: claim.status_reason.as_deref().unwrap_or_default(),
        signed_off_at,
        piece_title: &piece.title,
        piece_url: piece.url.as_deref(),
        piece_published_at: piece.published_at,
    };
    claim_review(&review, &publisher(settings))
}

#[get("/claims/<id>/claimreview")]
async fn one(
    _user: ApiUser,
    mut db: Db,
    settings: &State<Settings>,
    id: &str,
) -> Result<(ContentType, String), AppError> {
    let id: Uuid = parse_id("claim", id)?;
    let published = store::published::one(&mut db, id).await?;
    Ok(json_ld(&review_of(&published, settings)?))
}

/// Every published check as a schema.org DataFeed: public, since it is what crawlers read.
#[get("/claimreview.json")]
async fn feed(mut db: Db, settings: &State<Settings>) -> Result<(ContentType, String), AppError> {
    let published = store::published::all(&mut db).await?;
    let modified = published.iter().map(|p| p.signed_off_at).max();
    let reviews = published
        .iter()
        .map(|p| review_of(p, settings))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json_ld(&data_feed(reviews, modified, &publisher(settings))))
}

/// Mounted under /api/v1.
pub fn routes() -> Vec<Route> {
    routes![one]
}

/// Mounted at the root: the public feed, outside the API.
pub fn public_routes() -> Vec<Route> {
    routes![feed]
}
