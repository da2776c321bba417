//! The claim status page, `/claims/{id}`: the claim in its context, its verdict and sign-off,
//! evidence by stance, notes, the history, and the forms the signed-in role may use. Every form
//! posts under `/claims/{id}/…` and answers 303 back to the page; a refused form (stale 412,
//! workflow 409, invalid 422 …) answers the page as the claim is now, with what was typed kept.
//!
//! `view` builds the page from what `load` read; `forms` answers each form.
mod forms;
mod undo;
pub(super) use forms::version_of;
pub(super) use undo::confirmed;
mod view;

use crate::domain::claimreview::script_json;
use crate::store;
use crate::store::claims::ClaimDetail;
use crate::store::events::Event;
use crate::store::ids::ClaimId;
use crate::store::live::Scope;
use crate::store::pieces::Piece;
use crate::store::search::CheckedBefore;
use crate::store::users::User;
use crate::web::auth::PageUser;
use crate::web::csrf::CsrfToken;
use crate::web::error::AppError;
use crate::web::guards::{Db, parse_id};
use crate::web::live::live_url;
use crate::web::reviews::review_of_claim;
use rocket::response::content::RawHtml;
use rocket::{Route, get, routes};
use view::page;

/// Everything the page shows, read with a fixed number of queries whatever the claim carries.
pub(super) struct Loaded {
    pub(super) detail: ClaimDetail,
    pub(super) piece: Piece,
    pub(super) history: Vec<Event>,
    /// Every user but System: names for ids (one batched query) and the assignee choices.
    pub(super) users: Vec<User>,
    /// Earlier claims of other pieces saying nearly the same (one index-backed query).
    pub(super) checked_before: Vec<CheckedBefore>,
    /// The page's stream of changes, from the last event before it was read.
    pub(super) live: String,
    /// The ClaimReview JSON-LD once the verdict is signed off, made safe for its script element
    /// (set by the GET only: a refused form's page is no publication).
    pub(super) review_json: Option<String>,
}

pub(super) async fn load(db: &Db, id: ClaimId) -> Result<Loaded, AppError> {
    // Five independent reads, sent together on the one connection (pipelined): one round trip
    // instead of five. Postgres runs them in the order given, so the latest event is read first:
    // a change made while the rest is read is then told to the page, not missed.
    let conn: &store::Conn = db;
    let (latest, (detail, piece), history, users, checked_before) = futures_util::try_join!(
        store::live::latest(conn),
        store::claims::get_with_piece(conn, id),
        store::events::for_claim(conn, id),
        store::users::list(conn),
        store::search::checked_before(conn, id),
    )?;
    Ok(Loaded {
        detail,
        piece,
        history,
        users,
        checked_before,
        live: live_url(Scope::Claim(id), latest),
        review_json: None,
    })
}

#[get("/claims/<id>")]
async fn show(
    user: PageUser,
    csrf: CsrfToken,
    db: Db,
    settings: &rocket::State<crate::Settings>,
    id: &str,
) -> Result<RawHtml<String>, AppError> {
    let mut loaded = load(&db, parse_id("claim", id)?).await?;
    let review = review_of_claim(&loaded.detail.claim, &loaded.piece, settings);
    loaded.review_json = review.as_ref().map(script_json);
    page(&user, &csrf, &loaded, |_| {}, None)
}

pub fn routes() -> Vec<Route> {
    let mut all = routes![show];
    all.extend(forms::routes());
    all.extend(undo::routes());
    all
}
