//! Signing in and out of the pages.
use super::{Layout, render};
use crate::Settings;
use crate::store::Pool;
use crate::store::credentials::{self, Kind};
use crate::store::password_checks::PasswordChecks;
use crate::store::sign_in::{SignInError, sign_in};
use crate::web::auth::{PageUser, SESSION_COOKIE, end_session, session_cookie};
use crate::web::csrf::{self, CsrfToken, Protected, TokenField};
use crate::web::error::AppError;
use crate::web::guards::{ClientAddress, DbAfterBody};
use askama::Template;
use rocket::form::FromForm;
use rocket::http::{CookieJar, Header};
use rocket::response::content::RawHtml;
use rocket::response::{Redirect, Responder};
use rocket::{Route, State, get, post, routes};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    layout: Layout<'a>,
    email: &'a str,
    message: Option<String>,
}

/// The sign-in form, with what went wrong last time (and the email typed) if anything did.
fn login_page(
    csrf: &CsrfToken,
    email: &str,
    message: Option<String>,
) -> Result<RawHtml<String>, AppError> {
    let layout = Layout {
        title: "Sign in",
        user: None,
        csrf_token: &csrf.0,
        live: None,
    };
    render(&LoginPage {
        layout,
        email,
        message,
    })
}

#[get("/login")]
fn form(csrf: CsrfToken) -> Result<RawHtml<String>, AppError> {
    login_page(&csrf, "", None)
}

#[derive(FromForm)]
struct Credentials<'r> {
    email: &'r str,
    password: &'r str,
}

/// A refused sign-in: the form again, with what went wrong and the email kept.
#[derive(Responder)]
enum Refused {
    #[response(status = 401)]
    Unauthorized(RawHtml<String>),
    #[response(status = 429)]
    Throttled(RawHtml<String>, Header<'static>),
    #[response(status = 503)]
    Busy(RawHtml<String>, Header<'static>),
}

/// Anyone may post this, so it takes the pool rather than a `Db` guard (guards run before the
/// form is read): a connection is taken only once the form has been read and looks possible.
#[post("/login", data = "<form>")]
async fn sign_in_page(
    pool: &State<Pool>,
    checks: &State<PasswordChecks>,
    address: ClientAddress,
    csrf: CsrfToken,
    settings: &State<Settings>,
    cookies: &CookieJar<'_>,
    form: Protected<Credentials<'_>>,
) -> Result<Result<Redirect, Refused>, AppError> {
    let Credentials { email, password } = form.0;
    let email = email.trim();
    let page = |message: String| login_page(&csrf, email, Some(message));
    // The session this browser had (someone else's, perhaps) ends when a new one begins.
    let previous = cookies
        .get_private(SESSION_COOKIE)
        .map(|cookie| cookie.value().to_owned());
    let kind = Kind::Session;
    match sign_in(
        pool,
        checks,
        email,
        password,
        &address.0,
        kind,
        previous.as_deref(),
    )
    .await
    {
        Ok((_, issued)) => {
            cookies.add_private(session_cookie(
                issued.secret,
                issued.expires_at,
                settings.secure_cookies,
            ));
            csrf::rotate(cookies, settings.secure_cookies);
            Ok(Ok(Redirect::to("/")))
        }
        Err(error @ SignInError::BadCredentials) => {
            Ok(Err(Refused::Unauthorized(page(error.to_string())?)))
        }
        Err(error @ SignInError::Throttled { retry_after }) => {
            let retry = Header::new("Retry-After", retry_after.to_string());
            Ok(Err(Refused::Throttled(page(error.to_string())?, retry)))
        }
        Err(error @ SignInError::Busy { retry_after }) => {
            let retry = Header::new("Retry-After", retry_after.to_string());
            Ok(Err(Refused::Busy(page(error.to_string())?, retry)))
        }
        Err(SignInError::Unavailable(cause)) => Err(AppError::Unavailable(cause)),
        Err(SignInError::CheckFailed(failed)) => Err(AppError::Internal(failed.to_string())),
        Err(SignInError::Store(error)) => Err(error.into()),
    }
}

#[post("/logout", data = "<_form>")]
async fn sign_out(
    user: PageUser,
    db: DbAfterBody<'_>,
    cookies: &CookieJar<'_>,
    _form: Protected<TokenField<'_>>,
) -> Result<Redirect, AppError> {
    let mut db = db.connect().await?;
    credentials::revoke(&mut db, &user.secret).await?;
    end_session(cookies);
    Ok(Redirect::to("/login"))
}

pub fn routes() -> Vec<Route> {
    routes![form, sign_in_page, sign_out]
}
