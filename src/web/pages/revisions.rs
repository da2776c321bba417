//! A piece's revisions page, `/pieces/{id}/revisions`: each correction of its text as a
//! word-level redline from the text before (`domain::redline`), newest first, with who made it,
//! when and why; and the text as first added.
use super::{Layout, render};
use crate::domain::dates::Shown;
use crate::domain::redline::{Part, redline};
use crate::store;
use crate::store::ids::PieceId;
use crate::web::auth::PageUser;
use crate::web::csrf::CsrfToken;
use crate::web::error::AppError;
use crate::web::guards::{Db, parse_id};
use askama::Template;
use rocket::response::content::RawHtml;
use rocket::{Route, get, routes};

/// One correction, in words and as a redline.
struct Corrected {
    revision: i32,
    by: String,
    at: Shown,
    reason: String,
    parts: Vec<Part>,
}

#[derive(Template)]
#[template(path = "revisions.html")]
struct RevisionsPage<'a> {
    layout: Layout<'a>,
    id: PieceId,
    title: &'a str,
    /// Newest first.
    corrections: Vec<Corrected>,
    first_by: String,
    first_at: Shown,
}

#[get("/pieces/<id>/revisions")]
async fn revisions(
    user: PageUser,
    csrf: CsrfToken,
    mut db: Db,
    id: &str,
) -> Result<RawHtml<String>, AppError> {
    let id: PieceId = parse_id("piece", id)?;
    let piece = store::pieces::head(&mut db, id).await?;
    let texts = store::corrections::texts(&mut db, id).await?;
    // A diff of two long texts is CPU work: off the async workers, so other requests go on.
    let redlines = rocket::tokio::task::spawn_blocking(move || {
        let diffs: Vec<Vec<Part>> = texts
            .windows(2)
            .map(|pair| redline(&pair[0].body, &pair[1].body))
            .collect();
        (texts, diffs)
    })
    .await
    .map_err(|e| AppError::Internal(format!("the redline failed: {e}")))?;
    let (texts, diffs) = redlines;
    let mut corrections: Vec<Corrected> = texts
        .iter()
        .skip(1)
        .zip(diffs)
        .map(|(text, parts)| Corrected {
            revision: text.revision,
            by: text.by.name.clone(),
            at: Shown::of(text.at),
            reason: text.reason.clone().unwrap_or_default(),
            parts,
        })
        .collect();
    corrections.reverse();
    let first = &texts[0];
    let layout = Layout {
        title: "Revisions",
        user: Some(&user.user),
        csrf_token: &csrf.0,
        live: None,
    };
    render(&RevisionsPage {
        layout,
        id,
        title: &piece.title,
        corrections,
        first_by: first.by.name.clone(),
        first_at: Shown::of(first.at),
    })
}

pub fn routes() -> Vec<Route> {
    routes![revisions]
}
