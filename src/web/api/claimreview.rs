//! ClaimReview JSON-LD of signed-off verdicts: one at `GET /api/v1/claims/{id}/claimreview`
//! (signed in, like the rest of the API) and all of them at `GET /claimreview.json` (public,
//! for crawlers). A claim without a signed-off verdict publishes nothing: 404.
use crate::Settings;
use crate::domain::claimreview::data_feed;
use crate::store;
use crate::store::ids::ClaimId;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::guards::{Db, parse_id};
use crate::web::reviews::{publisher, review_of};
use rocket::http::ContentType;
use rocket::{Route, State, get, routes};
use serde_json::Value;

/// JSON-LD, as its media type says.
fn json_ld(value: &Value) -> (ContentType, String) {
    (
        ContentType::new("application", "ld+json"),
        value.to_string(),
    )
}

#[get("/claims/<id>/claimreview")]
async fn one(
    _user: ApiUser,
    mut db: Db,
    settings: &State<Settings>,
    id: &str,
) -> Result<(ContentType, String), AppError> {
    let id: ClaimId = parse_id("claim", id)?;
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
