//! Archiving on the pages: a piece's confirmation page (`GET`/`POST /pieces/{id}/archive`), its
//! restore (`POST /pieces/{id}/restore`), and the "Archived" view (`/archived`) listing what
//! left the desk, who took it off and why, with a restore for each. A claim's own archive and
//! restore are forms of its page (`claim::undo`).
use super::claim::{confirmed, version_of};
use super::{Layout, render};
use crate::domain::dates::Shown;
use crate::domain::fields::{FieldError, Fields, limits};
use crate::domain::roles::Action;
use crate::store;
use crate::store::ids::{ClaimId, PieceId};
use crate::web::auth::PageUser;
use crate::web::csrf::{CsrfToken, Protected};
use crate::web::error::AppError;
use crate::web::guards::{Db, DbAfterBody, parse_id};
use crate::web::pages::form_answer::{FormAnswer, answer, field_errors};
use askama::Template;
use rocket::form::FromForm;
use rocket::response::content::RawHtml;
use rocket::{Route, get, post, routes};

/// How many of each the view lists, newest first.
const LISTED: i64 = 200;

#[derive(Template)]
#[template(path = "archive.html")]
struct ArchivePage<'a> {
    layout: Layout<'a>,
    id: PieceId,
    title: &'a str,
    version: i32,
    claims: usize,
    archived: bool,
    reason: &'a str,
    /// Why the form was refused, and what is wrong with its fields.
    refused: Option<String>,
    errors: Vec<FieldError>,
}

impl ArchivePage<'_> {
    fn error(&self, field: &str) -> Option<String> {
        super::field_error(&self.errors, field)
    }
}

async fn page(
    user: &PageUser,
    csrf: &CsrfToken,
    db: &mut Db,
    id: PieceId,
    reason: &str,
    refused: Option<AppError>,
) -> Result<RawHtml<String>, AppError> {
    let piece = store::pieces::get(db, id).await?;
    let errors = refused.as_ref().and_then(field_errors).unwrap_or_default();
    let layout = Layout {
        title: "Archive the piece",
        user: Some(&user.user),
        csrf_token: &csrf.0,
        live: None,
    };
    render(&ArchivePage {
        layout,
        id,
        title: &piece.piece.title,
        version: piece.piece.version,
        claims: piece.claims.iter().filter(|c| c.archived.is_none()).count(),
        archived: piece.piece.archived.is_some(),
        reason,
        refused: refused.map(|e| e.to_string()),
        errors,
    })
}

#[get("/pieces/<id>/archive")]
async fn confirm(
    user: PageUser,
    csrf: CsrfToken,
    mut db: Db,
    id: &str,
) -> Result<RawHtml<String>, AppError> {
    user.may(Action::Archive)?;
    let id = parse_id("piece", id)?;
    page(&user, &csrf, &mut db, id, "", None).await
}

#[derive(FromForm)]
struct ArchiveForm {
    reason: Option<String>,
    confirm: Option<String>,
    version: Option<String>,
}

fn version(fields: &mut Fields, version: &Option<String>) -> Vec<i32> {
    version_of("piece", fields, version)
}

#[post("/pieces/<id>/archive", data = "<form>")]
async fn archive(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<ArchiveForm>,
) -> FormAnswer {
    let actor = user.may(Action::Archive)?;
    let mut db = db.connect().await?;
    let id = parse_id("piece", id)?;
    let form = form.0;
    let mut fields = Fields::default();
    let expected = version(&mut fields, &form.version);
    let typed = form.reason.clone().unwrap_or_default();
    let reason = fields.text("reason", &typed, limits::REASON);
    confirmed(&mut fields, &form.confirm, "piece");
    let result = match fields.finish() {
        Ok(_) => store::archive::archive_piece(&mut db, actor, id, &expected, &reason)
            .await
            .map(|_| format!("/pieces/{id}"))
            .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    answer(result, async |refused| {
        page(&user, &csrf, &mut db, id, &typed, Some(refused)).await
    })
    .await
}

#[derive(FromForm)]
struct RestoreForm {
    version: Option<String>,
    /// Where to go once restored: the piece (its page's form) or the archive (the view's).
    back: Option<String>,
}

/// Where a restore form may send its sender back to: the archive view, or else the item.
fn back_to(back: &Option<String>, item: String) -> String {
    match back.as_deref() {
        Some("archived") => "/archived".to_owned(),
        _ => item,
    }
}

#[post("/pieces/<id>/restore", data = "<form>")]
async fn restore_piece(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<RestoreForm>,
) -> FormAnswer {
    let actor = user.may(Action::Archive)?;
    let mut db = db.connect().await?;
    let id = parse_id("piece", id)?;
    let form = form.0;
    let mut fields = Fields::default();
    let expected = version(&mut fields, &form.version);
    let result = match fields.finish() {
        Ok(_) => store::archive::restore_piece(&mut db, actor, id, &expected, None)
            .await
            .map(|_| back_to(&form.back, format!("/pieces/{id}")))
            .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    answer(result, async |refused| {
        page(&user, &csrf, &mut db, id, "", Some(refused)).await
    })
    .await
}

/// One archived piece or claim, as the view lists it.
struct Item {
    href: String,
    /// Where its restore form posts.
    restore: String,
    title: String,
    /// The piece a claim is of.
    of: Option<String>,
    who: String,
    at: Shown,
    reason: String,
    version: i32,
}

#[derive(Template)]
#[template(path = "archived.html")]
struct ArchivedPage<'a> {
    layout: Layout<'a>,
    pieces: Vec<Item>,
    claims: Vec<Item>,
    can_restore: bool,
    listed: i64,
    refused: Option<String>,
}

async fn archived_page(
    user: &PageUser,
    csrf: &CsrfToken,
    db: &Db,
    refused: Option<String>,
) -> Result<RawHtml<String>, AppError> {
    let conn: &store::Conn = db;
    let (items, users) =
        futures_util::try_join!(store::archive::list(conn, LISTED), store::users::list(conn))?;
    let names = super::claim_list::names(&users);
    let name = |id| names.get(&id).map_or("someone", |n| n).to_string();
    let pieces = items
        .pieces
        .iter()
        .filter_map(|p| {
            let a = p.archived.as_ref()?;
            Some(Item {
                href: format!("/pieces/{}", p.id),
                restore: format!("/pieces/{}/restore", p.id),
                title: p.title.clone(),
                of: None,
                who: name(a.by),
                at: Shown::of(a.at),
                reason: a.reason.clone(),
                version: p.version,
            })
        })
        .collect();
    let claims = items
        .claims
        .iter()
        .filter_map(|c| {
            let a = &c.archived.as_ref()?.archived;
            let text = if c.summary.trim().is_empty() {
                &c.selector.exact
            } else {
                &c.summary
            };
            Some(Item {
                href: format!("/claims/{}", c.id),
                restore: format!("/archived/claims/{}/restore", c.id),
                title: text.clone(),
                of: Some(c.piece_title.clone()),
                who: name(a.by),
                at: Shown::of(a.at),
                reason: a.reason.clone(),
                version: c.version,
            })
        })
        .collect();
    let layout = Layout {
        title: "Archived",
        user: Some(&user.user),
        csrf_token: &csrf.0,
        live: None,
    };
    render(&ArchivedPage {
        layout,
        pieces,
        claims,
        can_restore: user.user.role().can(Action::Archive),
        listed: LISTED,
        refused,
    })
}

#[get("/archived")]
async fn archived(user: PageUser, csrf: CsrfToken, db: Db) -> Result<RawHtml<String>, AppError> {
    archived_page(&user, &csrf, &db, None).await
}

/// A claim restored from the archive view (the claim page has its own form).
#[post("/archived/claims/<id>/restore", data = "<form>")]
async fn restore_claim(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<RestoreForm>,
) -> FormAnswer {
    let actor = user.may(Action::Archive)?;
    let mut db = db.connect().await?;
    let id: ClaimId = parse_id("claim", id)?;
    let form = form.0;
    let mut fields = Fields::default();
    let expected = version(&mut fields, &form.version);
    let result = match fields.finish() {
        Ok(_) => store::archive::restore_claim(&mut db, actor, id, &expected, None)
            .await
            .map(|_| "/archived".to_owned())
            .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    answer(result, async |refused| {
        archived_page(&user, &csrf, &db, Some(refused.to_string())).await
    })
    .await
}

pub fn routes() -> Vec<Route> {
    routes![confirm, archive, restore_piece, archived, restore_claim]
}
