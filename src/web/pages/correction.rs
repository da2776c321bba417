//! Correcting a piece's text on a page (`GET` and `POST /pieces/{id}/correct`): the text to
//! change, why, and before anything is saved a preview of what the correction does to each claim
//! (`store::corrections::preview`). Saving goes through the edit the API makes (`PATCH
//! /api/v1/pieces/{id}` with `body` and `reason`), at the version the form was made from.
use super::{Layout, render};
use crate::domain::dates::Shown;
use crate::domain::fields::{FieldError, Fields};
use crate::domain::reanchor::Anchor;
use crate::domain::roles::Action;
use crate::input::piece;
use crate::store;
use crate::store::corrections::Foreseen;
use crate::store::ids::PieceId;
use crate::store::piece_edits::PieceChanges;
use crate::web::auth::PageUser;
use crate::web::csrf::{CsrfToken, Protected};
use crate::web::error::AppError;
use crate::web::guards::{Db, DbAfterBody, parse_id};
use crate::web::pages::form_answer::{FormAnswer, OpenExisting, answer, field_errors};
use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::{Route, get, post, routes};

#[derive(Debug, Default, FromForm)]
struct CorrectionForm<'r> {
    body: Option<&'r str>,
    reason: Option<&'r str>,
    /// The piece's version the form was made from.
    version: Option<&'r str>,
    /// `preview` to see what would happen, anything else to save.
    step: Option<&'r str>,
}

/// One claim in the preview, in words.
struct Outcome {
    id: String,
    anchor: &'static str,
    what: &'static str,
    words: String,
    new_words: String,
    reopens: bool,
}

impl Outcome {
    fn of(foreseen: Foreseen) -> Outcome {
        let what = match foreseen.anchor {
            Anchor::Exact if foreseen.affected => "moves with its words",
            Anchor::Exact => "stays as it is",
            Anchor::Changed => "its words change",
            Anchor::Orphaned => "loses its words",
        };
        Outcome {
            id: foreseen.claim.to_string(),
            anchor: foreseen.anchor.as_str(),
            what,
            words: foreseen.words,
            new_words: foreseen.new_words,
            reopens: foreseen.reopens,
        }
    }
}

#[derive(Template)]
#[template(path = "correction.html")]
struct CorrectionPage<'a> {
    layout: Layout<'a>,
    id: PieceId,
    title: &'a str,
    version: i32,
    body: &'a str,
    reason: &'a str,
    errors: Vec<FieldError>,
    existing: Option<OpenExisting>,
    /// Why a stale correction was refused.
    stale: Option<String>,
    /// The preview, once asked for: each claim's outcome, in text order.
    preview: Option<Vec<Outcome>>,
    /// The latest correction, if the text was ever corrected.
    corrected: Option<(i32, Shown)>,
}

impl CorrectionPage<'_> {
    fn error(&self, field: &str) -> Option<String> {
        super::field_error(&self.errors, field)
    }

    fn count(&self, anchor: &str) -> usize {
        self.preview
            .iter()
            .flatten()
            .filter(|o| o.anchor == anchor)
            .count()
    }
}

/// What the page shows besides the form's own fields.
#[derive(Default)]
struct Shows {
    errors: Vec<FieldError>,
    existing: Option<OpenExisting>,
    stale: Option<String>,
    preview: Option<Vec<Outcome>>,
}

async fn page(
    user: &PageUser,
    csrf: &CsrfToken,
    db: &mut Db,
    id: PieceId,
    typed: Option<(&str, &str, i32)>,
    shows: Shows,
) -> Result<RawHtml<String>, AppError> {
    let piece = store::pieces::get(db, id).await?;
    let latest = store::corrections::latest(db, id).await?;
    let (body, reason, version) = typed.unwrap_or((&piece.body, "", piece.piece.version));
    let layout = Layout {
        title: "Correct the text",
        user: Some(&user.user),
        csrf_token: &csrf.0,
        live: None,
    };
    render(&CorrectionPage {
        layout,
        id,
        title: &piece.piece.title,
        version,
        body,
        reason,
        errors: shows.errors,
        existing: shows.existing,
        stale: shows.stale,
        preview: shows.preview,
        corrected: latest.map(|r| (r.revision, Shown::of(r.at))),
    })
}

#[get("/pieces/<id>/correct")]
async fn correct_form(
    user: PageUser,
    csrf: CsrfToken,
    mut db: Db,
    id: &str,
) -> Result<RawHtml<String>, AppError> {
    user.may(Action::EditPiece)?;
    let id = parse_id("piece", id)?;
    page(&user, &csrf, &mut db, id, None, Shows::default()).await
}

/// The text and reason checked as the API checks them; the form always sends a reason (empty is
/// refused as empty).
fn checked(typed: &CorrectionForm<'_>) -> Result<(String, Option<String>), AppError> {
    let mut fields = Fields::default();
    let reason = Some(typed.reason.unwrap_or_default());
    let checked = piece::correction(&mut fields, typed.body.unwrap_or_default(), reason);
    fields.finish().map_err(AppError::invalid)?;
    Ok(checked)
}

#[post("/pieces/<id>/correct", data = "<form>")]
async fn correct(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<CorrectionForm<'_>>,
) -> FormAnswer {
    let actor = user.may(Action::EditPiece)?;
    let mut db = db.connect().await?;
    let id = parse_id("piece", id)?;
    let typed = form.0;
    let version: Option<i32> = typed.version.and_then(|v| v.trim().parse().ok());
    let kept = |version: i32| {
        (
            typed.body.unwrap_or_default(),
            typed.reason.unwrap_or_default(),
            version,
        )
    };

    if typed.step == Some("preview") {
        // The preview needs the text only: a reason can still be written after seeing it.
        let body = typed.body.unwrap_or_default();
        let mut fields = Fields::default();
        piece::correction(&mut fields, body, None);
        let mut shows = Shows::default();
        match fields.finish() {
            Ok(_) => {
                let foreseen = store::corrections::preview(&mut db, id, body).await?;
                shows.preview = Some(foreseen.into_iter().map(Outcome::of).collect());
            }
            Err(errors) => shows.errors = errors,
        }
        let current = store::pieces::head(&mut db, id).await?.version;
        let status = if shows.errors.is_empty() {
            Status::Ok
        } else {
            Status::UnprocessableEntity
        };
        let shown = page(
            &user,
            &csrf,
            &mut db,
            id,
            Some(kept(version.unwrap_or(current))),
            shows,
        );
        return Ok(Err((status, shown.await?)));
    }

    let saved = async {
        let (body, reason) = checked(&typed)?;
        let Some(version) = version else {
            return Err(AppError::invalid(vec![FieldError {
                field: "version".into(),
                message: "the form lost the piece's version; reload the page".into(),
            }]));
        };
        let changes = PieceChanges {
            body: Some(body),
            reason,
            ..PieceChanges::default()
        };
        store::piece_edits::update(&mut db, actor, id, &[version], &changes).await?;
        Ok(format!("/pieces/{id}"))
    }
    .await;
    answer(saved, async |refused| {
        let current = store::pieces::head(&mut db, id).await?.version;
        let mut shows = Shows {
            existing: OpenExisting::of(&refused),
            ..Shows::default()
        };
        // A stale form is shown again at the version the piece is at now, saying so: sending
        // it again is a decision made on the text as it is.
        let version = match refused {
            AppError::PreconditionFailed(message) => {
                shows.stale = Some(message);
                current
            }
            other => {
                shows.errors = field_errors(&other).ok_or(other)?;
                version.unwrap_or(current)
            }
        };
        page(&user, &csrf, &mut db, id, Some(kept(version)), shows).await
    })
    .await
}

pub fn routes() -> Vec<Route> {
    routes![correct_form, correct]
}
