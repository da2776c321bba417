//! CSRF protection for the pages: a random token in a private cookie, repeated in a hidden
//! `csrf_token` field of every form that changes state. A cross-site form cannot read the
//! cookie, so it cannot repeat the token. (The JSON API authenticates by bearer token only, which
//! a browser never sends on its own, so it needs none.)
use super::error::AppError;
use super::guards::{read_body, refuse};
use crate::Settings;
use crate::domain::fields::FieldError;
use crate::store::credentials::random_secret;
use rocket::data::{Data, FromData, Limits, Outcome as DataOutcome};
use rocket::form::{Form, FromForm, ValueField};
use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::outcome::Outcome;
use rocket::request::{self, FromRequest, Request};

const CSRF_COOKIE: &str = "factdesk_csrf";

/// The token to put in the page's forms (made on the first visit).
pub struct CsrfToken(pub String);

fn token_in(cookies: &CookieJar<'_>) -> Option<String> {
    cookies
        .get_private(CSRF_COOKIE)
        .map(|cookie| cookie.value().to_owned())
}

/// Sets a new token in the browser's private cookie: HttpOnly, SameSite=Strict, and `Secure`
/// when the site is served over https (`secure_cookies`), like the session cookie.
fn set_new_token(cookies: &CookieJar<'_>, secure: bool) -> String {
    let token = random_secret();
    let cookie = Cookie::build((CSRF_COOKIE, token.clone()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure);
    cookies.add_private(cookie);
    token
}

/// A fresh token, at sign-in: a token planted or seen before someone signed in is worthless
/// once they have.
pub fn rotate(cookies: &CookieJar<'_>, secure: bool) {
    set_new_token(cookies, secure);
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfToken {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let cookies = request.cookies();
        let secure = request
            .rocket()
            .state::<Settings>()
            .is_some_and(|settings| settings.secure_cookies);
        let token = token_in(cookies).unwrap_or_else(|| set_new_token(cookies, secure));
        Outcome::Success(CsrfToken(token))
    }
}

/// The token field alone: also the whole form of actions that need nothing else (signing out).
#[derive(FromForm)]
pub struct TokenField<'r> {
    csrf_token: Option<&'r str>,
}

/// A urlencoded body's fields, percent-decoded.
struct DecodedForm(Vec<(String, String)>);

/// A form whose `csrf_token` matched: 403 (and nothing done) when it is missing or wrong, before
/// any other field is looked at.
pub struct Protected<T>(pub T);

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + 'r> FromData<'r> for Protected<T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> DataOutcome<'r, Self, ()> {
        let body = match read_body(request, data, "form", Limits::FORM, "form").await {
            Ok(body) => body,
            Err(problem) => return refuse(request, problem),
        };
        // `Form::parse` takes an already percent-decoded string: decode the urlencoded body
        // first (`%40` is `@`, `+` a space), and keep it for the request so fields can borrow it.
        let fields: &'r DecodedForm = request.local_cache(|| {
            DecodedForm(
                url::form_urlencoded::parse(body.as_bytes())
                    .into_owned()
                    .collect(),
            )
        });
        let values = || {
            fields
                .0
                .iter()
                .map(|(name, value)| ValueField::from((name.as_str(), value.as_str())))
        };
        let sent = Form::<TokenField<'r>>::parse_iter(values())
            .ok()
            .and_then(|field| field.csrf_token);
        let expected = token_in(request.cookies());
        let matches = matches!((sent, expected.as_deref()), (Some(sent), Some(expected)) if constant_time_eq(sent, expected));
        if !matches {
            let error = AppError::Forbidden(
                "this form has expired or did not come from Factdesk (its security token is missing or wrong); reload the page and try again".into(),
            );
            return refuse(request, error.problem());
        }
        match Form::<T>::parse_iter(values()) {
            Ok(value) => Outcome::Success(Protected(value)),
            Err(errors) => {
                let errors = errors
                    .iter()
                    .map(|e| FieldError {
                        field: e.name.as_ref().map_or("form".into(), |n| n.to_string()),
                        message: e.kind.to_string(),
                    })
                    .collect();
                refuse(request, AppError::invalid(errors).problem())
            }
        }
    }
}

/// Comparison whose time does not depend on where the strings differ.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn compares_whole_strings() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert!(!constant_time_eq("", "a"));
    }
}
