//! The piece page, `/pieces/{id}`: the piece's full text with every claim highlighted in place,
//! and beside it its claims in text order. Three queries whatever the number of claims: the
//! piece, its claims (`store::pieces::get`), and the people they may be assigned to.
use super::{Layout, render};
use crate::domain::dates::Shown;
use crate::domain::highlight::{Span, segments};
use crate::domain::workflow::{Priority, Status};
use crate::store;
use crate::store::claims::Claim;
use crate::web::auth::PageUser;
use crate::web::csrf::CsrfToken;
use crate::web::error::AppError;
use crate::web::guards::{Db, parse_id};
use askama::Template;
use rocket::response::content::RawHtml;
use rocket::{Route, get, routes};
use std::collections::HashMap;
use uuid::Uuid;

/// One claim as the page shows it, in the text and in the list.
struct ClaimView {
    id: Uuid,
    status: &'static str,
    status_label: &'static str,
    priority: &'static str,
    priority_label: &'static str,
    /// The summary, or the quote while there is none.
    text: String,
    claimant: String,
    assignee: Option<String>,
    /// The tooltip of its marks: status and summary.
    title: String,
}

/// One claim's mark around a run of text.
struct Mark<'a> {
    claim: &'a ClaimView,
    /// The run is where the claim starts: its status is said (in text) here.
    starts: bool,
}

/// A run of the text and the marks around it, outermost first. The text links to the innermost
/// claim (links cannot nest).
struct Run<'a> {
    text: String,
    marks: Vec<Mark<'a>>,
}

impl Run<'_> {
    fn link(&self) -> Option<&ClaimView> {
        self.marks.last().map(|m| m.claim)
    }
}

#[derive(Template)]
#[template(path = "piece.html")]
struct PiecePage<'a> {
    layout: Layout<'a>,
    title: String,
    outlet: Option<String>,
    url: Option<String>,
    authors: String,
    published: Shown,
    runs: Vec<Run<'a>>,
    claims: &'a [ClaimView],
}

fn view(claim: &Claim, names: &HashMap<Uuid, &str>) -> ClaimView {
    let status: Status = claim.status.parse().unwrap_or(Status::Unchecked);
    let priority: Priority = claim.priority.parse().unwrap_or_default();
    let text = if claim.summary.trim().is_empty() {
        claim.selector.exact.clone()
    } else {
        claim.summary.clone()
    };
    ClaimView {
        id: claim.id,
        status: status.as_str(),
        status_label: status.label(),
        priority: priority.as_str(),
        priority_label: priority.label(),
        title: format!("{}: {}", status.label(), text),
        text,
        claimant: claim.claimant.clone(),
        assignee: claim
            .assignee
            .map(|id| names.get(&id).map_or("someone", |n| n).to_string()),
    }
}

#[get("/pieces/<id>")]
async fn piece(
    user: PageUser,
    csrf: CsrfToken,
    mut db: Db,
    id: &str,
) -> Result<RawHtml<String>, AppError> {
    let detail = store::pieces::get(&mut db, parse_id("piece", id)?).await?;
    // Names for the assignees: one query for everyone, not one per claim.
    let users = store::users::list(&mut db).await?;
    let names: HashMap<Uuid, &str> = users.iter().map(|u| (u.id, u.name.as_str())).collect();

    let claims: Vec<ClaimView> = detail.claims.iter().map(|c| view(c, &names)).collect();
    let spans: Vec<Span<usize>> = detail
        .claims
        .iter()
        .enumerate()
        .map(|(i, c)| Span {
            id: i,
            start: usize::try_from(c.selector.start).unwrap_or(0),
            end: usize::try_from(c.selector.end).unwrap_or(0),
        })
        .collect();
    let runs = segments(&detail.body, &spans)
        .into_iter()
        .map(|segment| Run {
            marks: segment
                .claims
                .iter()
                .map(|&i| Mark {
                    claim: &claims[i],
                    starts: spans[i].start == segment.start,
                })
                .collect(),
            text: segment.text,
        })
        .collect();

    let piece = detail.piece;
    let layout = Layout {
        title: &piece.title,
        user: Some(&user.user),
        csrf_token: &csrf.0,
    };
    render(&PiecePage {
        layout,
        title: piece.title.clone(),
        outlet: piece.outlet.clone(),
        url: piece.url.clone(),
        authors: piece.authors.join(", "),
        published: Shown::of(piece.published_at),
        runs,
        claims: &claims,
    })
}

pub fn routes() -> Vec<Route> {
    routes![piece]
}
