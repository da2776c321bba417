use super::{Layout, render};
use crate::domain::roles::Action;
use crate::web::auth::PageUser;
use crate::web::csrf::CsrfToken;
use crate::web::error::AppError;
use askama::Template;
use rocket::response::content::RawHtml;
use rocket::{Route, get, routes};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    layout: Layout<'a>,
    role_label: &'a str,
    abilities: String,
}

#[get("/")]
fn home(user: PageUser, csrf: CsrfToken) -> Result<RawHtml<String>, AppError> {
    let role = user.user.role();
    let abilities: Vec<&str> = Action::ALL
        .iter()
        .filter(|a| role.can(**a))
        .map(|a| a.describe())
        .collect();
    let layout = Layout {
        title: "The desk",
        user: Some(&user.user),
        csrf_token: &csrf.0,
    };
    render(&HomePage {
        layout,
        role_label: role.label(),
        abilities: abilities.join(", "),
    })
}

pub fn routes() -> Vec<Route> {
    routes![home]
}
