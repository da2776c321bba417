//! The public page of a published check, `/checks/{id}`: readable without signing in, the
//! ClaimReview's `url`. It shows what the newsroom publishes (the claim in context, the verdict,
//! its reason, the evidence) and nothing of the desk's own work (notes, history, assignee, names).
use super::{Layout, render};
use crate::Settings;
use crate::domain::claimreview::script_json;
use crate::domain::dates::Shown;
use crate::store;
use crate::store::published::PublicEvidence;
use crate::web::error::AppError;
use crate::web::guards::{Db, parse_id};
use crate::web::reviews::{publisher, review_of};
use askama::Template;
use rocket::response::content::RawHtml;
use rocket::{Route, State, get, routes};

struct Source {
    title: String,
    publisher: String,
    url: String,
    archived_url: Option<String>,
    stance: &'static str,
}

#[derive(Template)]
#[template(path = "check.html")]
struct CheckPage<'a> {
    layout: Layout<'a>,
    newsroom: &'a str,
    newsroom_url: &'a str,
    piece_title: &'a str,
    piece_outlet: Option<&'a str>,
    piece_url: Option<&'a str>,
    piece_date: Shown,
    prefix: &'a str,
    quote: &'a str,
    suffix: &'a str,
    claimant: &'a str,
    summary: &'a str,
    status: &'a str,
    status_label: &'static str,
    reason: &'a str,
    signed_off: Shown,
    sources: Vec<Source>,
    /// The ClaimReview, made safe by `script_json` for its `<script type="application/ld+json">`.
    review_json: String,
}

fn source(evidence: PublicEvidence) -> Source {
    let stance = evidence.stance.label();
    Source {
        title: evidence.title,
        publisher: evidence.publisher,
        url: evidence.url,
        archived_url: evidence.archived_url,
        stance,
    }
}

#[get("/checks/<id>")]
async fn show(
    mut db: Db,
    settings: &State<Settings>,
    id: &str,
) -> Result<RawHtml<String>, AppError> {
    let id = parse_id("check", id)?;
    let published = store::published::one(&mut db, id).await?;
    let evidence = store::published::evidence(&mut db, id).await?;
    let review = review_of(&published, settings)?;
    let verdict = published.status;
    let newsroom = publisher(settings);
    // Nobody is signed in here, as far as the page knows: it is the same for every reader.
    let layout = Layout {
        title: "Fact check",
        user: None,
        csrf_token: "",
        live: None,
    };
    render(&CheckPage {
        layout,
        newsroom: newsroom.name,
        newsroom_url: newsroom.url,
        piece_title: &published.piece_title,
        piece_outlet: published.piece_outlet.as_deref(),
        piece_url: published.piece_url.as_deref(),
        piece_date: Shown::of(published.piece_published_at),
        prefix: &published.prefix,
        quote: &published.quote,
        suffix: &published.suffix,
        claimant: &published.claimant,
        summary: &published.summary,
        status: verdict.as_str(),
        status_label: verdict.label(),
        reason: published.reason.as_deref().unwrap_or_default(),
        signed_off: Shown::of(published.signed_off_at),
        sources: evidence.into_iter().map(source).collect(),
        review_json: script_json(&review),
    })
}

pub fn routes() -> Vec<Route> {
    routes![show]
}
