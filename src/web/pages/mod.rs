//! Server-rendered pages (askama templates, compiled in and escaped by default).
mod archive;
mod checks;
mod claim;
mod claim_list;
mod correction;
mod error_page;
mod form_answer;
mod home;
mod piece;
mod piece_form;
mod revisions;
mod search;
mod session;

use super::error::AppError;
use crate::store::users::User;
use askama::Template;
use rocket::http::ContentType;
use rocket::response::content::RawHtml;
use rocket::{Route, get, routes};

pub use error_page::catchers;

/// What the base layout needs on every page.
pub struct Layout<'a> {
    pub title: &'a str,
    pub user: Option<&'a User>,
    pub csrf_token: &'a str,
    /// Where the page hears of changes made elsewhere (`/live?…`), when it shows claims.
    pub live: Option<String>,
}

impl Layout<'_> {
    /// Whether the signed-in person may add pieces (the navigation offers it only then).
    pub fn may_add_pieces(&self) -> bool {
        self.user
            .is_some_and(|user| user.role().can(crate::domain::roles::Action::AddPiece))
    }
}

/// What is wrong with a form's `field`, in words, if anything (its messages joined).
fn field_error(errors: &[crate::domain::fields::FieldError], field: &str) -> Option<String> {
    let messages: Vec<&str> = errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| messages.join("; "))
}

pub fn render(page: &impl Template) -> Result<RawHtml<String>, AppError> {
    page.render()
        .map(RawHtml)
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

/// The stylesheet, compiled into the binary: the app serves everything it needs, no CDN.
#[get("/static/factdesk.css")]
fn stylesheet() -> (ContentType, &'static str) {
    (
        ContentType::CSS,
        include_str!("../../../static/factdesk.css"),
    )
}

/// The one script (selecting words to add a claim), compiled in like the stylesheet.
#[get("/static/factdesk.js")]
fn script() -> (ContentType, &'static str) {
    (
        ContentType::JavaScript,
        include_str!("../../../static/factdesk.js"),
    )
}

/// Live pages' script (`web::live`): news of changes made elsewhere, marks and counts redone.
#[get("/static/live.js")]
fn live_script() -> (ContentType, &'static str) {
    (
        ContentType::JavaScript,
        include_str!("../../../static/live.js"),
    )
}

/// The tab's icon: without one, browsers ask for `/favicon.ico` and log its 404.
#[get("/static/favicon.svg")]
fn icon() -> (ContentType, &'static str) {
    (
        ContentType::SVG,
        include_str!("../../../static/favicon.svg"),
    )
}

pub fn routes() -> Vec<Route> {
    [
        routes![stylesheet, script, live_script, icon],
        session::routes(),
        home::routes(),
        search::routes(),
        piece_form::routes(),
        correction::routes(),
        revisions::routes(),
        piece::routes(),
        claim::routes(),
        checks::routes(),
        archive::routes(),
    ]
    .concat()
}
