//! Adding a piece (`GET /pieces/new`, `POST /pieces`) and editing its details (`GET` and `POST
//! /pieces/{id}/edit`), for those who may. Both are validated as the API validates them, and
//! answer 303 to the piece, or the form again with what was typed and what is wrong. An edit
//! carries the version it was made on: a stale one is refused (412) and says what changed since.
use super::{Layout, render};
use crate::domain::dates::Shown;
use crate::domain::fields::FieldError;
use crate::domain::roles::Action;
use crate::input::piece::PieceFields;
use crate::store;
use crate::store::ids::{PieceId, UserId};
use crate::store::piece_edits::PieceEvent;
use crate::store::pieces::Piece;
use crate::web::auth::PageUser;
use crate::web::csrf::{CsrfToken, Protected};
use crate::web::error::AppError;
use crate::web::guards::{Db, DbAfterBody, parse_id};
use crate::web::pages::form_answer::{FormAnswer, OpenExisting, answer, field_errors};
use askama::Template;
use chrono::SecondsFormat;
use rocket::form::FromForm;
use rocket::response::content::RawHtml;
use rocket::{Route, get, post, routes};

/// The form as typed (every field optional, so a missing one is reported like an empty one).
#[derive(Debug, Default, FromForm)]
struct PieceForm<'r> {
    title: Option<&'r str>,
    outlet: Option<&'r str>,
    url: Option<&'r str>,
    /// One a line.
    authors: Option<&'r str>,
    published_at: Option<&'r str>,
    body: Option<&'r str>,
    /// The piece's version the edit form was made from, and how many changes it showed.
    version: Option<&'r str>,
    seen: Option<&'r str>,
}

/// One changed detail, in words.
struct ChangeItem {
    actor: String,
    at: Shown,
    field: &'static str,
    from: Option<String>,
    to: Option<String>,
}

/// What the edit form needs besides the fields.
struct Editing {
    id: PieceId,
    version: i32,
    /// How many changes the piece's history holds now.
    seen: usize,
    /// Why a stale edit was refused, and what changed since its form was made.
    stale: Option<String>,
    changed: Vec<ChangeItem>,
}

#[derive(Template)]
#[template(path = "piece_form.html")]
struct PieceFormPage<'a> {
    layout: Layout<'a>,
    editing: Option<Editing>,
    title: &'a str,
    outlet: &'a str,
    url: &'a str,
    authors: &'a str,
    published_at: &'a str,
    body: &'a str,
    errors: Vec<FieldError>,
    /// The piece already on the desk with this text, when that is why it was refused.
    existing: Option<OpenExisting>,
}

impl PieceFormPage<'_> {
    /// What is wrong with `field`, in words, if anything.
    fn error(&self, field: &str) -> Option<String> {
        super::field_error(&self.errors, field)
    }

    /// A field's label, for the list of problems at the top.
    fn label(field: &str) -> &str {
        match field {
            "title" => "Title",
            "outlet" => "Outlet",
            "url" => "Address (URL)",
            "authors" => "Authors",
            "published_at" => "Published on",
            "body" => "Text of the piece",
            other => other,
        }
    }
}

fn label(field: &str) -> &'static str {
    match field {
        "title" => "title",
        "outlet" => "outlet",
        "url" => "address",
        "authors" => "authors",
        "body" => "text (a correction, from revision to revision)",
        _ => "publication date",
    }
}

fn change_item(event: &PieceEvent) -> ChangeItem {
    ChangeItem {
        actor: event.actor.name.clone(),
        at: Shown::of(event.at),
        field: label(&event.field),
        from: event.from.clone(),
        to: event.to.clone(),
    }
}

/// The form as `typed`, for a new piece or (with `editing`) for piece details.
fn form_page(
    user: &PageUser,
    csrf: &CsrfToken,
    editing: Option<Editing>,
    typed: &PieceForm<'_>,
    texts: (&str, &str),
    errors: Vec<FieldError>,
    existing: Option<OpenExisting>,
) -> Result<RawHtml<String>, AppError> {
    let (authors, body) = texts;
    let layout = Layout {
        title: if editing.is_some() {
            "Edit the piece's details"
        } else {
            "Add a piece"
        },
        user: Some(&user.user),
        csrf_token: &csrf.0,
        live: None,
    };
    render(&PieceFormPage {
        layout,
        editing,
        title: typed.title.unwrap_or_default(),
        outlet: typed.outlet.unwrap_or_default(),
        url: typed.url.unwrap_or_default(),
        authors,
        published_at: typed.published_at.unwrap_or_default(),
        body,
        errors,
        existing,
    })
}

#[get("/pieces/new")]
fn new_piece(user: PageUser, csrf: CsrfToken) -> Result<RawHtml<String>, AppError> {
    user.may(Action::AddPiece)?;
    let typed = <PieceForm as Default>::default();
    form_page(&user, &csrf, None, &typed, ("", ""), Vec::new(), None)
}

/// An optional field left empty in the form was not given.
fn optional(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

/// Browsers send a textarea's line breaks as CRLF.
fn lines(text: Option<&str>) -> String {
    text.unwrap_or_default().replace("\r\n", "\n")
}

/// The authors field, one name a line, blank lines skipped.
fn author_list(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

#[post("/pieces", data = "<form>")]
async fn add_piece(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    form: Protected<PieceForm<'_>>,
) -> FormAnswer {
    let actor = user.may(Action::AddPiece)?;
    let mut db = db.connect().await?;
    let typed = form.0;
    // Keep the text as it was pasted, with the piece's own line breaks.
    let body = lines(typed.body);
    let authors = lines(typed.authors);
    let names = author_list(&authors);
    let fields = PieceFields {
        title: typed.title.unwrap_or_default(),
        body: &body,
        outlet: optional(typed.outlet),
        url: optional(typed.url),
        authors: &names,
        published_at: typed.published_at.unwrap_or_default(),
    };
    let created = match fields.validate() {
        Ok(new) => store::pieces::create(&mut db, actor, &new)
            .await
            .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    let to = created.map(|created| format!("/pieces/{}", created.piece.id));
    answer(to, async |refused| {
        let Some(errors) = field_errors(&refused) else {
            return Err(refused);
        };
        let existing = OpenExisting::of(&refused);
        form_page(
            &user,
            &csrf,
            None,
            &typed,
            (&authors, &body),
            errors,
            existing,
        )
    })
    .await
}

/// The edit form's fields as the piece has them now.
struct Current {
    title: String,
    outlet: String,
    url: String,
    authors: String,
    published_at: String,
}

impl Current {
    fn of(piece: &Piece) -> Current {
        Current {
            title: piece.title.clone(),
            outlet: piece.outlet.clone().unwrap_or_default(),
            url: piece.url.clone().unwrap_or_default(),
            authors: piece.authors.join("\n"),
            published_at: piece
                .published_at
                .to_rfc3339_opts(SecondsFormat::AutoSi, true),
        }
    }

    fn form(&self) -> PieceForm<'_> {
        PieceForm {
            title: Some(&self.title),
            outlet: Some(&self.outlet),
            url: Some(&self.url),
            authors: Some(&self.authors),
            published_at: Some(&self.published_at),
            ..<PieceForm as Default>::default()
        }
    }
}

#[get("/pieces/<id>/edit")]
async fn edit_piece(
    user: PageUser,
    csrf: CsrfToken,
    mut db: Db,
    id: &str,
) -> Result<RawHtml<String>, AppError> {
    user.may(Action::EditPiece)?;
    let piece = store::pieces::head(&mut db, parse_id("piece", id)?).await?;
    let seen = store::piece_edits::count(&mut db, piece.id).await?;
    let current = Current::of(&piece);
    let editing = Editing {
        id: piece.id,
        version: piece.version,
        seen,
        stale: None,
        changed: Vec::new(),
    };
    let typed = current.form();
    form_page(
        &user,
        &csrf,
        Some(editing),
        &typed,
        (&current.authors, ""),
        Vec::new(),
        None,
    )
}

#[post("/pieces/<id>/edit", data = "<form>")]
async fn save_piece(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<PieceForm<'_>>,
) -> FormAnswer {
    let actor = user.may(Action::EditPiece)?;
    let mut db = db.connect().await?;
    let typed = form.0;
    let id = parse_id("piece", id)?;
    let authors = lines(typed.authors);
    let version: Option<i32> = typed.version.and_then(|v| v.trim().parse().ok());
    let saved = save(&mut db, actor, id, &typed, &author_list(&authors), version).await;
    answer(saved.map(|()| format!("/pieces/{id}")), async |refused| {
        let errors = match refused {
            AppError::Validation(_, errors) => errors,
            AppError::PreconditionFailed(message) => {
                return refused_as_stale(&user, &csrf, &mut db, id, &typed, message).await;
            }
            other => return Err(other),
        };
        // The form keeps the version it was made on, so that sending it again is still checked.
        let piece = store::pieces::head(&mut db, id).await?;
        let editing = Editing {
            id,
            version: version.unwrap_or(piece.version),
            seen: typed.seen.and_then(|s| s.trim().parse().ok()).unwrap_or(0),
            stale: None,
            changed: Vec::new(),
        };
        form_page(
            &user,
            &csrf,
            Some(editing),
            &typed,
            (&authors, ""),
            errors,
            None,
        )
    })
    .await
}

/// The edit checked as the API checks it, then stored if the piece is still at `version`.
async fn save(
    db: &mut Db,
    actor: UserId,
    id: PieceId,
    typed: &PieceForm<'_>,
    authors: &[String],
    version: Option<i32>,
) -> Result<(), AppError> {
    let fields = PieceFields {
        title: typed.title.unwrap_or_default(),
        body: "",
        outlet: optional(typed.outlet),
        url: optional(typed.url),
        authors,
        published_at: typed.published_at.unwrap_or_default(),
    };
    let changes = fields.validate_details().map_err(AppError::invalid)?;
    let Some(version) = version else {
        return Err(AppError::invalid(vec![FieldError {
            field: "version".into(),
            message: "the form lost the piece's version; reload the page".into(),
        }]));
    };
    store::piece_edits::update(db, actor, id, &[version], &changes).await?;
    Ok(())
}

/// The edit form again after a stale edit: what was typed, the piece's version now, and the
/// changes made since the form was loaded (history is append-only: those past `seen`).
async fn refused_as_stale(
    user: &PageUser,
    csrf: &CsrfToken,
    db: &mut Db,
    id: PieceId,
    typed: &PieceForm<'_>,
    message: String,
) -> Result<RawHtml<String>, AppError> {
    let piece = store::pieces::head(db, id).await?;
    let history = store::piece_edits::changes_to(db, id).await?;
    let seen: usize = typed
        .seen
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(history.len());
    let editing = Editing {
        id,
        version: piece.version,
        seen: history.len(),
        stale: Some(message),
        changed: history.iter().skip(seen).map(change_item).collect(),
    };
    let authors = lines(typed.authors);
    form_page(
        user,
        csrf,
        Some(editing),
        typed,
        (&authors, ""),
        Vec::new(),
        None,
    )
}

pub fn routes() -> Vec<Route> {
    routes![new_piece, add_piece, edit_piece, save_piece]
}
