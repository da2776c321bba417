//! The error page: what every address but the machines' answers when a guard or a handler
//! fails, or when Rocket finds no route. Someone not signed in is sent to sign in; anything else
//! is explained in the site's layout, with a way back.
use super::Layout;
use crate::web::error::{Problem, Reader, caught};
use rocket::http::{Header, Status};
use rocket::response::{self, Redirect, Responder, content::RawHtml};
use rocket::{Catcher, Request, Response, catch, catchers};

#[derive(askama::Template)]
#[template(path = "errors/error.html")]
struct ErrorPage<'a> {
    layout: Layout<'a>,
    status: u16,
    title: &'a str,
    detail: &'a str,
}

/// A problem, answered as a page.
struct Shown(Problem);

impl<'r> Responder<'r, 'static> for Shown {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let Shown(problem) = self;
        if problem.status == Status::Unauthorized.code {
            return Redirect::to("/login").respond_to(request);
        }
        let page = ErrorPage {
            layout: Layout {
                title: &problem.title,
                user: None,
                csrf_token: "",
                live: None,
            },
            status: problem.status,
            title: &problem.title,
            detail: &problem.detail,
        };
        let html = askama::Template::render(&page).map_err(|_| Status::InternalServerError)?;
        let mut response = Response::build_from(RawHtml(html).respond_to(request)?);
        response
            .status(Status::new(problem.status))
            .header(Header::new("Cache-Control", "no-store"));
        for (name, value) in problem.headers {
            response.header(Header::new(name, value));
        }
        response.ok()
    }
}

#[catch(default)]
fn page_catcher(status: Status, request: &Request<'_>) -> Shown {
    Shown(caught(status, request, Reader::Person))
}

pub fn catchers() -> Vec<Catcher> {
    catchers![page_catcher]
}
