//! The claim page's forms that undo: archive and restore the claim, re-attach it to words of
//! the text, and a note's author editing or withdrawing it. Each answers as `forms` does.
use super::forms::{given, settle, text, version_of};
use super::view::{Sent, Typed};
use crate::domain::fields::{Fields, limits};
use crate::domain::roles::Action;
use crate::store;
use crate::store::notes::NoteRef;
use crate::web::auth::PageUser;
use crate::web::csrf::{CsrfToken, Protected};
use crate::web::error::AppError;
use crate::web::guards::{DbAfterBody, parse_id};
use crate::web::pages::form_answer::FormAnswer;
use rocket::form::FromForm;
use rocket::{Route, post, routes};

#[derive(FromForm)]
struct ArchiveForm {
    reason: Option<String>,
    confirm: Option<String>,
    version: Option<String>,
    seen: Option<String>,
}

#[post("/claims/<id>/archive", data = "<form>")]
async fn archive(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<ArchiveForm>,
) -> FormAnswer {
    let actor = user.may(Action::Archive)?;
    let mut db = db.connect().await?;
    let form = form.0;
    let id = parse_id("claim", id)?;
    let mut fields = Fields::default();
    let expected = version_of("claim", &mut fields, &form.version);
    let reason = fields.text("reason", &text(&form.reason), limits::REASON);
    confirmed(&mut fields, &form.confirm, "claim");
    let result = match fields.finish() {
        Ok(_) => store::archive::archive_claim(&mut db, actor, id, &expected, &reason)
            .await
            .map(drop)
            .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    let typed = |t: &mut Typed| t.archive_reason = text(&form.reason);
    let sent = Sent::new("archive", &form.seen);
    settle(&user, &csrf, &mut db, id, sent, result, typed).await
}

/// The page's confirmation: the box ticked, so a stray click archives nothing.
pub(in crate::web::pages) fn confirmed(fields: &mut Fields, confirm: &Option<String>, what: &str) {
    if given(confirm).is_none() {
        fields.error(
            "confirm",
            format!("tick “Yes, archive this {what}” to confirm: nothing was archived"),
        );
    }
}

#[derive(FromForm)]
struct VersionForm {
    version: Option<String>,
    seen: Option<String>,
}

#[post("/claims/<id>/restore", data = "<form>")]
async fn restore(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<VersionForm>,
) -> FormAnswer {
    let actor = user.may(Action::Archive)?;
    let mut db = db.connect().await?;
    let form = form.0;
    let id = parse_id("claim", id)?;
    let mut fields = Fields::default();
    let expected = version_of("claim", &mut fields, &form.version);
    let result = match fields.finish() {
        Ok(_) => store::archive::restore_claim(&mut db, actor, id, &expected, None)
            .await
            .map(drop)
            .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    let sent = Sent::new("restore", &form.seen);
    settle(&user, &csrf, &mut db, id, sent, result, |_| {}).await
}

#[derive(FromForm)]
struct AnchorForm {
    quote: Option<String>,
    start: Option<String>,
    version: Option<String>,
    seen: Option<String>,
}

#[post("/claims/<id>/anchor", data = "<form>")]
async fn reattach(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<AnchorForm>,
) -> FormAnswer {
    let actor = user.may(Action::EditClaim)?;
    let mut db = db.connect().await?;
    let form = form.0;
    let id = parse_id("claim", id)?;
    let mut fields = Fields::default();
    let expected = version_of("claim", &mut fields, &form.version);
    let quote = fields.verbatim("quote", &text(&form.quote), limits::QUOTE);
    let start = given(&form.start).and_then(|start| match start.trim().parse::<usize>() {
        Ok(start) => Some(start),
        Err(_) => {
            fields.error("start", "is a character position: a whole number, or blank");
            None
        }
    });
    let result = match fields.finish() {
        Ok(_) => store::reattach::reattach(&mut db, actor, id, &expected, &quote, start)
            .await
            .map(drop)
            .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    let typed = |t: &mut Typed| {
        t.anchor_quote = text(&form.quote);
        t.anchor_start = text(&form.start);
    };
    let sent = Sent::new("anchor", &form.seen);
    settle(&user, &csrf, &mut db, id, sent, result, typed).await
}

#[derive(FromForm)]
struct NoteEditForm {
    body: Option<String>,
    version: Option<String>,
}

#[post("/claims/<id>/notes/<note>/edit", data = "<form>")]
async fn edit_note(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    note: &str,
    form: Protected<NoteEditForm>,
) -> FormAnswer {
    let actor = user.may(Action::AddNote)?;
    let mut db = db.connect().await?;
    let form = form.0;
    let id = parse_id("claim", id)?;
    let note = parse_id("note", note)?;
    let mut fields = Fields::default();
    let expected = version_of("note", &mut fields, &form.version);
    let body = fields.verbatim("body", &text(&form.body), limits::NOTE);
    let result = match fields.finish() {
        Ok(_) => store::notes::edit(
            &mut db,
            actor,
            NoteRef {
                id: note,
                on: Some(id),
            },
            &expected,
            &body,
        )
        .await
        .map(drop)
        .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    let typed = |t: &mut Typed| t.editing_note = Some((note, text(&form.body)));
    let sent = Sent::new("note-edit", &None);
    settle(&user, &csrf, &mut db, id, sent, result, typed).await
}

#[post("/claims/<id>/notes/<note>/withdraw", data = "<form>")]
async fn withdraw_note(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    note: &str,
    form: Protected<NoteEditForm>,
) -> FormAnswer {
    let actor = user.may(Action::AddNote)?;
    let mut db = db.connect().await?;
    let form = form.0;
    let id = parse_id("claim", id)?;
    let note = parse_id("note", note)?;
    let mut fields = Fields::default();
    let expected = version_of("note", &mut fields, &form.version);
    let result = match fields.finish() {
        Ok(_) => store::notes::withdraw(
            &mut db,
            actor,
            NoteRef {
                id: note,
                on: Some(id),
            },
            &expected,
        )
        .await
        .map(drop)
        .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    let sent = Sent::new("note-edit", &None);
    settle(&user, &csrf, &mut db, id, sent, result, |_| {}).await
}

pub(super) fn routes() -> Vec<Route> {
    routes![archive, restore, reattach, edit_note, withdraw_note]
}
