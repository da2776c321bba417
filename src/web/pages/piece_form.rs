//! Adding a piece: `GET /pieces/new` (the form, for those who may add pieces) and `POST /pieces`
//! (validated as the API validates a piece; 303 to the new piece, or the form again with what was
//! typed and what is wrong).
use super::{Layout, render};
use crate::domain::fields::FieldError;
use crate::domain::roles::Action;
use crate::store;
use crate::web::auth::PageUser;
use crate::web::csrf::{CsrfToken, Protected};
use crate::web::error::AppError;
use crate::web::guards::Db;
use crate::web::piece_input::PieceFields;
use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::response::content::RawHtml;
use rocket::response::status::Custom;
use rocket::{Route, get, post, routes};

/// The form as typed (every field optional, so a missing one is reported like an empty one).
#[derive(Debug, Default, FromForm)]
struct PieceForm<'r> {
    title: Option<&'r str>,
    outlet: Option<&'r str>,
    url: Option<&'r str>,
    published_at: Option<&'r str>,
    body: Option<&'r str>,
}

#[derive(Template)]
#[template(path = "piece_new.html")]
struct NewPiecePage<'a> {
    layout: Layout<'a>,
    title: &'a str,
    outlet: &'a str,
    url: &'a str,
    published_at: &'a str,
    body: &'a str,
    errors: Vec<FieldError>,
}

impl NewPiecePage<'_> {
    /// What is wrong with `field`, in words, if anything.
    fn error(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = self
            .errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join("; "))
    }

    /// A field's label, for the list of problems at the top.
    fn label(field: &str) -> &str {
        match field {
            "title" => "Title",
            "outlet" => "Outlet",
            "url" => "Address (URL)",
            "published_at" => "Published on",
            "body" => "Text of the piece",
            other => other,
        }
    }
}

fn form_page(
    user: &PageUser,
    csrf: &CsrfToken,
    typed: &PieceForm<'_>,
    body: &str,
    errors: Vec<FieldError>,
) -> Result<RawHtml<String>, AppError> {
    let layout = Layout {
        title: "Add a piece",
        user: Some(&user.user),
        csrf_token: &csrf.0,
    };
    render(&NewPiecePage {
        layout,
        title: typed.title.unwrap_or_default(),
        outlet: typed.outlet.unwrap_or_default(),
        url: typed.url.unwrap_or_default(),
        published_at: typed.published_at.unwrap_or_default(),
        body,
        errors,
    })
}

#[get("/pieces/new")]
fn new_piece(user: PageUser, csrf: CsrfToken) -> Result<RawHtml<String>, AppError> {
    user.may(Action::AddPiece)?;
    form_page(
        &user,
        &csrf,
        &<PieceForm as Default>::default(),
        "",
        Vec::new(),
    )
}

/// 303 to the new piece, or the form again (422) with what was typed and what is wrong.
type Outcome = Result<Redirect, Custom<RawHtml<String>>>;

/// An optional field left empty in the form was not given.
fn optional(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

#[post("/pieces", data = "<form>")]
async fn add_piece(
    user: PageUser,
    csrf: CsrfToken,
    mut db: Db,
    form: Protected<PieceForm<'_>>,
) -> Result<Outcome, AppError> {
    let typed = form.0;
    let actor = user.may(Action::AddPiece)?;
    // Browsers send a textarea's line breaks as CRLF: keep the text as it was pasted.
    let body = typed.body.unwrap_or_default().replace("\r\n", "\n");
    let fields = PieceFields {
        title: typed.title.unwrap_or_default(),
        body: &body,
        outlet: optional(typed.outlet),
        url: optional(typed.url),
        authors: &[],
        published_at: typed.published_at.unwrap_or_default(),
    };
    match fields.validate() {
        Ok(new) => {
            let piece = store::pieces::create(&mut db, actor, &new).await?;
            Ok(Ok(Redirect::to(format!("/pieces/{}", piece.piece.id))))
        }
        Err(errors) => {
            let page = form_page(&user, &csrf, &typed, &body, errors)?;
            Ok(Err(Custom(Status::UnprocessableEntity, page)))
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![new_piece, add_piece]
}
