use super::answers::ClaimAnswer;
use super::present;
use crate::domain::fields::{Fields, limits};
use crate::domain::roles::Action;
use crate::input::changes::{Asking, Assignee, ChangeFields};
use crate::input::search::SearchFields;
use crate::store::claims::ClaimChanges;
use crate::store::ids::UserId;
use crate::store::search::{CheckedBefore, SearchPage};
use crate::store::{self, events::Event};
use crate::web::api::Tagged;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::guards::{Db, DbAfterBody, IfMatch, Input, parse_id};
use crate::web::permission::{ApiMay, ChangeClaim, EditClaim, SignOff};
use rocket::serde::json::Json;
use rocket::{Route, get, patch, post, routes};
use serde::Deserialize;

const DEFAULT_PAGE: i64 = 50;

/// Claims matching the filters, best match first when `q` has words (each item then carries a
/// `match`: its rank and headline), else newest change first; keyset pages (`next_cursor`).
#[allow(clippy::too_many_arguments)]
#[get("/claims?<piece>&<status>&<assignee>&<q>&<verdict_from>&<verdict_to>&<limit>&<cursor>")]
async fn list(
    _user: ApiUser,
    db: Db,
    piece: Option<&str>,
    status: Option<&str>,
    assignee: Option<&str>,
    q: Option<&str>,
    verdict_from: Option<&str>,
    verdict_to: Option<&str>,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> Result<Json<SearchPage>, AppError> {
    let search = SearchFields {
        piece,
        status,
        assignee,
        q,
        verdict_from,
        verdict_to,
        limit,
        cursor,
    }
    .read(false)
    .map_err(AppError::invalid)?;
    let filter = search.filter(DEFAULT_PAGE);
    Ok(Json(store::search::find(&db, &filter).await?))
}

/// Earlier claims of other pieces that say nearly the same thing, most similar first.
#[get("/claims/<id>/similar")]
async fn similar(_user: ApiUser, db: Db, id: &str) -> Result<Json<Vec<CheckedBefore>>, AppError> {
    let id = parse_id("claim", id)?;
    Ok(Json(store::search::checked_before(&db, id).await?))
}

#[get("/claims/<id>")]
async fn show(_user: ApiUser, mut db: Db, id: &str) -> Result<Tagged<Json<ClaimAnswer>>, AppError> {
    let claim = store::claims::get(&mut db, parse_id("claim", id)?).await?;
    let version = claim.claim.version;
    Ok(Tagged(Json(claim.into()), version))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangesInput {
    status: Option<String>,
    reason: Option<String>,
    summary: Option<String>,
    claimant: Option<String>,
    claimant_kind: Option<String>,
    priority: Option<String>,
    #[serde(default, deserialize_with = "present")]
    assignee: Option<Option<UserId>>,
}

impl ChangesInput {
    fn validate(self) -> Result<ClaimChanges, AppError> {
        let sent = ChangeFields {
            status: self.status.as_deref(),
            reason: self.reason.as_deref(),
            summary: self.summary.as_deref(),
            claimant: self.claimant.as_deref(),
            claimant_kind: self.claimant_kind.as_deref(),
            priority: self.priority.as_deref(),
            assignee: self
                .assignee
                .map(|a| a.map_or(Assignee::Nobody, Assignee::Id)),
        };
        sent.validate(Fields::default(), Asking::Any)
            .map_err(AppError::invalid)
    }
}

#[patch("/claims/<id>", data = "<input>")]
async fn update(
    user: ApiMay<ChangeClaim>,
    db: DbAfterBody<'_>,
    id: &str,
    if_match: IfMatch,
    input: Input<ChangesInput>,
) -> Result<Tagged<Json<ClaimAnswer>>, AppError> {
    let mut db = db.connect().await?;
    let id = parse_id("claim", id)?;
    let changes = input.0.validate()?;
    let expected = if_match.versions()?;
    // Each kind of change needs its own right: editing, assigning, or both.
    let actor = user.may(if changes.edits_claim() {
        Action::EditClaim
    } else {
        Action::Assign
    })?;
    if changes.assignee.is_some() {
        user.may(Action::Assign)?;
    }
    let claim = store::claims::update(&mut db, actor, id, &expected, &changes).await?;
    let version = claim.claim.version;
    Ok(Tagged(Json(claim.into()), version))
}

#[get("/claims/<id>/history")]
async fn history(_user: ApiUser, db: Db, id: &str) -> Result<Json<Vec<Event>>, AppError> {
    let id = parse_id("claim", id)?;
    let events = store::events::for_claim(&db, id).await?;
    if events.is_empty() {
        // Every claim has at least its `created` event, so no events means no claim.
        return Err(AppError::NotFound(format!("no claim with id `{id}`")));
    }
    Ok(Json(events))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignOffInput {
    note: Option<String>,
}

/// The two-person rule: someone other than the person who set the verdict signs it off, for
/// the version they read (If-Match), so a verdict changed meanwhile is never signed unseen.
#[post("/claims/<id>/signoff", data = "<input>")]
async fn sign_off(
    user: ApiMay<SignOff>,
    db: DbAfterBody<'_>,
    id: &str,
    if_match: IfMatch,
    input: Input<SignOffInput>,
) -> Result<Tagged<Json<ClaimAnswer>>, AppError> {
    let mut db = db.connect().await?;
    let actor = user.actor();
    let id = parse_id("claim", id)?;
    let mut fields = Fields::default();
    let note = fields.optional_text("note", input.0.note.as_deref(), limits::REASON);
    fields.finish().map_err(AppError::invalid)?;
    let expected = if_match.versions()?;
    let claim = store::claims::sign_off(&mut db, actor, id, &expected, note.as_deref()).await?;
    let version = claim.claim.version;
    Ok(Tagged(Json(claim.into()), version))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnchorInput {
    quote: String,
    start: Option<usize>,
}

/// Re-attaches the claim to `quote` in its piece's text as it now is (an orphan's words gone in
/// a correction, found elsewhere): anchored as a new claim is, `anchor` back to `exact`.
#[post("/claims/<id>/anchor", data = "<input>")]
async fn reattach(
    user: ApiMay<EditClaim>,
    db: DbAfterBody<'_>,
    id: &str,
    if_match: IfMatch,
    input: Input<AnchorInput>,
) -> Result<Tagged<Json<ClaimAnswer>>, AppError> {
    let mut db = db.connect().await?;
    let id = parse_id("claim", id)?;
    let mut fields = Fields::default();
    let quote = fields.verbatim("quote", &input.0.quote, limits::QUOTE);
    fields.finish().map_err(AppError::invalid)?;
    let expected = if_match.versions()?;
    let claim =
        store::reattach::reattach(&mut db, user.actor(), id, &expected, &quote, input.0.start)
            .await?;
    let version = claim.claim.version;
    Ok(Tagged(Json(claim.into()), version))
}

pub fn routes() -> Vec<Route> {
    routes![list, show, similar, update, history, sign_off, reattach]
}
