//! The pages in a browser: signing in and out, the session cookie, CSRF on every form that
//! changes something, and the headers and markup rules every HTML answer keeps.
//!
//! A [`Browser`] is a tracked local client: it keeps its cookies as a real browser does. Two
//! browsers on one test database are two people (or a person and an attacker). The browser and
//! the HTML helpers are `support::html`'s.
use crate::support::{PASSWORD, TestDb, spawn_app};
use chrono::Utc;
use factdesk::domain::roles::Role;
use factdesk::store::throttle;
use rocket::http::{ContentType, Header, Status};
use sha2::{Digest, Sha256};

use crate::support::html::*;

/// What a refused sign-in says, whatever was wrong (so it tells no one which emails exist).
const GENERIC: &str = "that email and password do not match an account that may sign in";

async fn sessions(db: &TestDb) -> Vec<CredentialRow> {
    let mut rows = credentials(db).await;
    rows.retain(|row| row.kind == "session");
    rows
}

/// The stored row of a session, found by its secret's hash.
async fn session_row(db: &TestDb, secret: &str) -> CredentialRow {
    let hash = Sha256::digest(secret.as_bytes()).to_vec();
    let mut rows: Vec<CredentialRow> = credentials(db).await;
    rows.retain(|row| row.secret_hash == hash);
    assert_eq!(rows.len(), 1, "one row per session secret: {rows:?}");
    rows.remove(0)
}

/// A token of the same shape as a real one that matches no one's: the real one with its last
/// character changed.
fn tampered(token: &str) -> String {
    let (head, last) = token.split_at(token.len() - 1);
    format!("{head}{}", if last == "0" { "1" } else { "0" })
}

#[rocket::async_test]
async fn an_anonymous_visit_to_the_desk_is_sent_to_sign_in() {
    let app = spawn_app().await;
    let browser = Browser::open(&app.db).await;

    let page = browser.get("/").await;

    assert_eq!(page.status, Status::SeeOther, "{page:?}");
    assert_eq!(page.location(), Some("/login"));
}

#[rocket::async_test]
async fn the_sign_in_page_has_a_hidden_csrf_token_and_labelled_email_and_password_fields() {
    let app = spawn_app().await;
    let browser = Browser::open(&app.db).await;

    let page = browser.get("/login").await;

    page.assert_html("GET /login", Status::Ok);
    let token = page.input("csrf_token").expect("a csrf_token input");
    assert_eq!(token.attribute("type"), Some("hidden"));
    let value = token.attribute("value").unwrap_or_default();
    assert!(
        value.len() >= 32 && value.bytes().all(|b| b.is_ascii_hexdigit()),
        "a random token: {value:?}"
    );
    let tags = tags(&page.body);
    for (name, kind) in [("email", "email"), ("password", "password")] {
        let input = page
            .input(name)
            .unwrap_or_else(|| panic!("no {name} input"));
        assert_eq!(input.attribute("type"), Some(kind), "{input:?}");
        let id = input
            .attribute("id")
            .unwrap_or_else(|| panic!("the {name} input has no id to label it by"));
        assert!(
            tags.iter()
                .any(|tag| tag.name == "label" && tag.attribute("for") == Some(id)),
            "no <label for=\"{id}\"> in {page:?}"
        );
    }
    let form = tags.iter().find(|tag| tag.name == "form").unwrap();
    assert_eq!(form.attribute("method"), Some("post"));
    assert_eq!(form.attribute("action"), Some("/login"));
}

#[rocket::async_test]
async fn signing_in_sets_a_private_http_only_lax_expiring_session_cookie_and_opens_the_desk() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Reviewer).await;
    let browser = Browser::open(&app.db).await;

    let page = browser.sign_in(&user.email, PASSWORD).await;

    assert_eq!(page.status, Status::SeeOther, "{page:?}");
    assert_eq!(page.location(), Some("/"));
    let header = page
        .set_cookie(SESSION_COOKIE)
        .unwrap_or_else(|| panic!("no session cookie: {page:?}"));
    let attributes: Vec<String> = header
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    for wanted in ["httponly", "samesite=lax", "path=/"] {
        assert!(
            attributes.iter().any(|a| a == wanted),
            "{wanted} missing: {header}"
        );
    }
    // It ends with the session: about 12 hours from now, not when the browser closes.
    let cookie = browser.session_cookie().expect("the browser keeps it");
    let expires = cookie
        .expires_datetime()
        .unwrap_or_else(|| panic!("no expiry: {header}"))
        .unix_timestamp();
    let hours_left = (expires - Utc::now().timestamp()) as f64 / 3600.0;
    assert!((11.9..=12.1).contains(&hours_left), "{hours_left} hours");
    // Private: the browser holds a sealed value, not the secret; the table holds only hashes.
    let secret = browser
        .session_secret()
        .expect("the app can open its own cookie");
    assert!(!cookie.value().contains(&secret), "{header}");
    assert!(!header.contains(&secret), "{header}");
    let rows = credentials(&app.db).await;
    for row in &rows {
        assert_eq!(
            row.secret_hash.len(),
            32,
            "a SHA-256, not a secret: {row:?}"
        );
        assert_ne!(row.secret_hash, secret.as_bytes());
    }
    let session = session_row(&app.db, &secret).await;
    assert_eq!(session.kind, "session");
    assert_eq!(session.revoked_at, None);

    let desk = browser.get("/").await;

    desk.assert_html("GET / signed in", Status::Ok);
    let shown = unescape(&desk.body);
    assert!(shown.contains(&user.name), "{desk:?}");
    assert!(shown.contains("Reviewer"), "the role: {desk:?}");
}

/// The three ways a forged or stale form arrives.
#[derive(Debug, Clone, Copy)]
enum ForgedToken {
    Missing,
    Wrong,
    /// Valid, but for another browser's session: what a cross-site attacker could get.
    OtherBrowsers,
}

const FORGED: [ForgedToken; 3] = [
    ForgedToken::Missing,
    ForgedToken::Wrong,
    ForgedToken::OtherBrowsers,
];

/// The form fields with `token` in place of the right one.
fn forged_fields<'a>(
    mut fields: Vec<(&'a str, &'a str)>,
    token: ForgedToken,
    wrong: &'a str,
    others: &'a str,
) -> Vec<(&'a str, &'a str)> {
    match token {
        ForgedToken::Missing => {}
        ForgedToken::Wrong => fields.push(("csrf_token", wrong)),
        ForgedToken::OtherBrowsers => fields.push(("csrf_token", others)),
    }
    fields
}

#[rocket::async_test]
async fn a_sign_in_without_this_browsers_csrf_token_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Editor).await;
    let browser = Browser::open(&app.db).await;
    let other = Browser::open(&app.db).await;
    let own = browser.csrf_token().await;
    let others = other.csrf_token().await;
    assert_ne!(own, others, "each browser has its own token");
    let wrong = tampered(&own);
    let before = (
        app.count("credentials").await,
        app.count("sign_in_failures").await,
    );

    for token in FORGED {
        // The right password would sign in, a wrong one would count as a failure: neither may.
        for password in [PASSWORD, "not the password at all"] {
            let what = format!("{token:?} token, password {password:?}");
            let fields = vec![("email", user.email.as_str()), ("password", password)];
            let fields = forged_fields(fields, token, &wrong, &others);

            let page = browser.post_form("/login", &fields).await;

            page.assert_html(&what, Status::Forbidden);
            assert!(page.body.contains("403"), "{what}: {page:?}");
            assert_page_markup(&what, &page.body);
            assert_eq!(page.set_cookie(SESSION_COOKIE), None, "{what}: {page:?}");
            assert_eq!(browser.session_secret(), None, "{what}");
            let after = (
                app.count("credentials").await,
                app.count("sign_in_failures").await,
            );
            assert_eq!(after, before, "{what}: (credentials, failures) changed");
        }
    }
    // The same browser with its own token is let in: the token was all that was wrong.
    let page = browser
        .post_form(
            "/login",
            &[
                ("email", &user.email),
                ("password", PASSWORD),
                ("csrf_token", &own),
            ],
        )
        .await;
    assert_eq!(page.status, Status::SeeOther, "{page:?}");
}

#[rocket::async_test]
async fn signing_out_without_this_browsers_csrf_token_is_refused_and_the_session_lives_on() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Editor).await;
    let browser = Browser::open(&app.db).await;
    assert_eq!(
        browser.sign_in(&user.email, PASSWORD).await.status,
        Status::SeeOther
    );
    let secret = browser.session_secret().unwrap();
    let own = browser
        .get("/")
        .await
        .csrf_token()
        .expect("a sign-out form");
    let others = Browser::open(&app.db).await.csrf_token().await;
    let wrong = tampered(&own);

    for token in FORGED {
        let what = format!("POST /logout, {token:?} token");
        let fields = forged_fields(Vec::new(), token, &wrong, &others);

        let page = browser.post_form("/logout", &fields).await;

        page.assert_html(&what, Status::Forbidden);
        assert_eq!(page.set_cookie(SESSION_COOKIE), None, "{what}: {page:?}");
        assert_eq!(
            session_row(&app.db, &secret).await.revoked_at,
            None,
            "{what}"
        );
        let desk = browser.get("/").await;
        assert_eq!(desk.status, Status::Ok, "{what}: still signed in: {desk:?}");
    }
}

#[rocket::async_test]
async fn signing_out_revokes_the_session_so_even_a_replayed_cookie_is_sent_to_sign_in() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Editor).await;
    let browser = Browser::open(&app.db).await;
    assert_eq!(
        browser.sign_in(&user.email, PASSWORD).await.status,
        Status::SeeOther
    );
    let secret = browser.session_secret().unwrap();
    let copy = browser.session_cookie().unwrap();
    // The copy is a working credential while the session lives: another browser sending it is in.
    let replayed = Browser::open(&app.db).await.get_with("/", &copy).await;
    assert_eq!(replayed.status, Status::Ok, "{replayed:?}");
    let token = browser
        .get("/")
        .await
        .csrf_token()
        .expect("a sign-out form");

    let page = browser
        .post_form("/logout", &[("csrf_token", &token)])
        .await;

    assert_eq!(page.status, Status::SeeOther, "{page:?}");
    assert_eq!(page.location(), Some("/login"));
    assert_eq!(browser.session_secret(), None, "the browser forgets it");
    assert!(
        session_row(&app.db, &secret).await.revoked_at.is_some(),
        "the session is revoked in the database"
    );
    let desk = browser.get("/").await;
    assert_eq!(desk.status, Status::SeeOther, "{desk:?}");
    assert_eq!(desk.location(), Some("/login"));
    let replayed = Browser::open(&app.db).await.get_with("/", &copy).await;
    assert_eq!(replayed.status, Status::SeeOther, "{replayed:?}");
    assert_eq!(replayed.location(), Some("/login"));
}

#[rocket::async_test]
async fn a_refused_sign_in_shows_the_form_again_with_the_email_kept_and_a_message_that_tells_nothing()
 {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Editor).await;
    let (disabled, _) = app.user(Role::Editor).await;
    factdesk::store::users::set_disabled(&mut app.db.conn().await, &disabled.email, true)
        .await
        .unwrap();
    let browser = Browser::open(&app.db).await;
    let cases = [
        ("a wrong password", user.email.as_str(), "not the password"),
        (
            "an unknown email that needs escaping",
            "o'neil+\"desk\"&<b>@example.test",
            PASSWORD,
        ),
        (
            "a disabled account's right password",
            disabled.email.as_str(),
            PASSWORD,
        ),
    ];

    for (what, email, password) in cases {
        let page = browser.sign_in(email, password).await;

        page.assert_html(what, Status::Unauthorized);
        assert_page_markup(what, &page.body);
        assert!(page.body.contains(GENERIC), "{what}: {page:?}");
        let kept = page.input("email").expect("the form again");
        assert_eq!(kept.attribute("value"), Some(email), "{what}");
        if email.contains(['<', '"', '\'', '&']) {
            assert!(!page.body.contains(email), "{what}: unescaped: {page:?}");
        }
        let password_input = page.input("password").unwrap();
        assert_eq!(password_input.attribute("value"), None, "never sent back");
        assert!(!page.body.contains(password), "{what}: {page:?}");
        assert!(
            page.csrf_token().is_some(),
            "{what}: the form can be sent again"
        );
        assert_eq!(page.set_cookie(SESSION_COOKIE), None, "{what}");
    }
    assert!(sessions(&app.db).await.is_empty());
}

#[rocket::async_test]
async fn after_ten_failed_sign_ins_the_next_is_refused_with_429_and_retry_after_even_with_the_right_password()
 {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Editor).await;
    let browser = Browser::open(&app.db).await;
    for attempt in 1..=throttle::LIMIT {
        let page = browser.sign_in(&user.email, "not the password").await;
        assert_eq!(page.status, Status::Unauthorized, "attempt {attempt}");
    }

    let page = browser.sign_in(&user.email, PASSWORD).await;

    page.assert_html("the eleventh sign-in", Status::TooManyRequests);
    assert_page_markup("429", &page.body);
    let retry: i64 = page
        .header("Retry-After")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After seconds: {page:?}"));
    assert!(
        (1..=throttle::WINDOW_SECONDS).contains(&retry),
        "{retry} seconds"
    );
    assert_eq!(
        page.input("email").unwrap().attribute("value"),
        Some(user.email.as_str())
    );
    assert_eq!(page.set_cookie(SESSION_COOKIE), None);
    assert!(sessions(&app.db).await.is_empty());
}

#[rocket::async_test]
async fn disabling_a_user_ends_their_page_session_at_once() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Editor).await;
    let browser = Browser::open(&app.db).await;
    browser.sign_in(&user.email, PASSWORD).await;
    assert_eq!(browser.get("/").await.status, Status::Ok);

    factdesk::store::users::set_disabled(&mut app.db.conn().await, &user.email, true)
        .await
        .unwrap();

    let desk = browser.get("/").await;
    assert_eq!(desk.status, Status::SeeOther, "{desk:?}");
    assert_eq!(desk.location(), Some("/login"));
}

#[rocket::async_test]
async fn every_html_answer_carries_the_security_headers_and_keeps_to_same_origin_markup() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Editor).await;
    let anonymous = Browser::open(&app.db).await;
    let browser = Browser::open(&app.db).await;
    let token = anonymous.csrf_token().await;
    let mut answers: Vec<(&str, Status, Page)> = vec![
        (
            "GET / anonymous",
            Status::SeeOther,
            anonymous.get("/").await,
        ),
        ("GET /login", Status::Ok, anonymous.get("/login").await),
        (
            "a form without its token",
            Status::Forbidden,
            anonymous
                .post_form("/login", &[("email", &user.email), ("password", PASSWORD)])
                .await,
        ),
        (
            "a form missing a field",
            Status::UnprocessableEntity,
            anonymous
                .post_form("/login", &[("email", &user.email), ("csrf_token", &token)])
                .await,
        ),
        (
            "a page that does not exist",
            Status::NotFound,
            anonymous.get("/no/such/page").await,
        ),
        (
            "a method the address does not take",
            Status::MethodNotAllowed,
            anonymous.get("/logout").await,
        ),
        (
            "signing in",
            Status::SeeOther,
            browser.sign_in(&user.email, PASSWORD).await,
        ),
        ("GET / signed in", Status::Ok, browser.get("/").await),
    ];
    let sign_out = browser.get("/").await.csrf_token().unwrap();
    answers.push((
        "signing out",
        Status::SeeOther,
        browser
            .post_form("/logout", &[("csrf_token", &sign_out)])
            .await,
    ));
    answers.push((
        "a wrong password",
        Status::Unauthorized,
        anonymous.sign_in(&user.email, "not the password").await,
    ));
    for _ in 1..throttle::LIMIT {
        anonymous.sign_in(&user.email, "not the password").await;
    }
    answers.push((
        "too many failures",
        Status::TooManyRequests,
        anonymous.sign_in(&user.email, "not the password").await,
    ));

    for (what, status, page) in &answers {
        assert_eq!(page.status, *status, "{what}: {page:?}");
        assert_security_headers(what, page);
        if page.status == Status::SeeOther {
            continue;
        }
        page.assert_html(what, *status);
        assert_page_markup(what, &page.body);
        assert!(
            page.body
                .contains(r#"<link rel="stylesheet" href="/static/factdesk.css">"#),
            "{what}: in the site's layout: {page:?}"
        );
    }
}

#[rocket::async_test]
async fn an_impossible_email_or_password_is_refused_like_wrong_credentials_and_writes_nothing() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Editor).await;
    let browser = Browser::open(&app.db).await;
    let written = async || {
        (
            app.count("credentials").await,
            app.count("sign_in_failures").await,
        )
    };
    let before = written().await;
    let long_email = format!("{}{}", "a".repeat(5_000 - user.email.len()), user.email);
    let cases = [
        (
            "a NUL in the email",
            user.email.replacen('@', "\0@", 1),
            PASSWORD.to_owned(),
        ),
        ("a 5,000-character email", long_email, PASSWORD.to_owned()),
        // The longest password any account can have is far shorter (see `password::MAX_CHARS`).
        (
            "a 2,000-character password",
            user.email.clone(),
            "a".repeat(2_000),
        ),
    ];
    for (what, email, password) in &cases {
        let page = browser.sign_in(email, password).await;

        page.assert_html(what, Status::Unauthorized);
        assert!(page.body.contains(GENERIC), "{what}: {page:?}");
        assert_page_markup(what, &page.body);
        assert_eq!(page.set_cookie(SESSION_COOKIE), None, "{what}");
        assert_eq!(
            written().await,
            before,
            "{what}: (credentials, failures) changed"
        );
    }
    // A 1 MiB password fits in a form (pieces are long) and is refused like any other.
    let page = browser.sign_in(&user.email, &"a".repeat(1 << 20)).await;
    page.assert_html("a 1 MiB password", Status::Unauthorized);
    assert_eq!(written().await, before, "a 1 MiB password wrote");
    // What does not fit is refused before anything is read into a sign-in.
    let page = browser.sign_in(&user.email, &"a".repeat(5 << 20)).await;
    page.assert_html("a 5 MiB password", Status::PayloadTooLarge);
    assert_eq!(written().await, before, "a 5 MiB password wrote");
}

#[rocket::async_test]
async fn signing_in_gives_the_browser_a_new_csrf_token_so_one_known_before_is_worthless() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Editor).await;
    let browser = Browser::open(&app.db).await;
    let before = browser.csrf_token().await;

    let page = browser.sign_in(&user.email, PASSWORD).await;

    assert_eq!(page.status, Status::SeeOther, "{page:?}");
    assert!(page.set_cookie(CSRF_COOKIE).is_some(), "{page:?}");
    let secret = browser.session_secret().unwrap();
    let after = browser
        .get("/")
        .await
        .csrf_token()
        .expect("a sign-out form");
    assert_ne!(after, before);
    let stale = browser
        .post_form("/logout", &[("csrf_token", &before)])
        .await;
    stale.assert_html("signing out with the token from before", Status::Forbidden);
    assert_eq!(session_row(&app.db, &secret).await.revoked_at, None);
    let out = browser
        .post_form("/logout", &[("csrf_token", &after)])
        .await;
    assert_eq!(out.status, Status::SeeOther, "{out:?}");
    assert!(session_row(&app.db, &secret).await.revoked_at.is_some());
}

#[rocket::async_test]
async fn signing_in_again_in_a_browser_revokes_the_session_it_had() {
    let app = spawn_app().await;
    let (first, _) = app.user(Role::Editor).await;
    let (second, _) = app.user(Role::Reviewer).await;
    let browser = Browser::open(&app.db).await;
    browser.sign_in(&first.email, PASSWORD).await;
    let earlier = browser.session_secret().unwrap();
    let copy = browser.session_cookie().unwrap();

    let page = browser.sign_in(&second.email, PASSWORD).await;

    assert_eq!(page.status, Status::SeeOther, "{page:?}");
    let now = browser.session_secret().unwrap();
    assert_ne!(now, earlier);
    assert!(
        session_row(&app.db, &earlier).await.revoked_at.is_some(),
        "the earlier session lives on"
    );
    assert_eq!(session_row(&app.db, &now).await.revoked_at, None);
    let desk = browser.get("/").await;
    assert!(unescape(&desk.body).contains(&second.name), "{desk:?}");
    let replayed = Browser::open(&app.db).await.get_with("/", &copy).await;
    assert_eq!(replayed.status, Status::SeeOther, "{replayed:?}");
    assert_eq!(replayed.location(), Some("/login"));

    // A refused sign-in leaves the session alone.
    let refused = browser.sign_in(&first.email, "not the password").await;
    assert_eq!(refused.status, Status::Unauthorized, "{refused:?}");
    assert_eq!(session_row(&app.db, &now).await.revoked_at, None);
    assert_eq!(browser.get("/").await.status, Status::Ok);
}

/// Whether a `Set-Cookie` header carries the `Secure` attribute.
fn is_secure(set_cookie: &str) -> bool {
    set_cookie
        .split(';')
        .skip(1)
        .any(|attribute| attribute.trim().eq_ignore_ascii_case("secure"))
}

#[rocket::async_test]
async fn with_secure_cookies_every_cookie_is_secure_and_browsers_are_told_to_keep_to_https() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Editor).await;
    for secure in [false, true] {
        let browser = Browser::open_with(&app.db, secure).await;
        let form = browser.get("/login").await;
        let signed_in = browser.sign_in(&user.email, PASSWORD).await;
        assert_eq!(signed_in.status, Status::SeeOther, "{signed_in:?}");
        let cookies = [
            ("the CSRF cookie", form.set_cookie(CSRF_COOKIE)),
            ("the session cookie", signed_in.set_cookie(SESSION_COOKIE)),
            ("the new CSRF cookie", signed_in.set_cookie(CSRF_COOKIE)),
        ];
        for (what, cookie) in cookies {
            let cookie = cookie.unwrap_or_else(|| panic!("{what} is not set"));
            assert_eq!(is_secure(cookie), secure, "{what}: {cookie}");
        }
        let answers = [
            ("GET /login", form),
            ("signing in", signed_in),
            ("GET /", browser.get("/").await),
            ("the stylesheet", browser.get("/static/factdesk.css").await),
            ("the API", browser.get("/api/v1/pieces").await),
            (
                "a page that does not exist",
                browser.get("/no/such/page").await,
            ),
        ];
        for (what, page) in answers {
            let expected = secure.then_some("max-age=31536000");
            assert_eq!(
                page.header("Strict-Transport-Security"),
                expected,
                "{what}, secure_cookies {secure}: {page:?}"
            );
        }
    }
}

#[rocket::async_test]
async fn no_answer_is_cached_but_the_stylesheet_which_is_kept_for_an_hour() {
    let app = spawn_app().await;
    let browser = Browser::open(&app.db).await;
    let sign_in = app
        .client
        .post("/api/v1/tokens")
        .header(ContentType::JSON)
        .body(format!(
            r#"{{"email": "{}", "password": "{PASSWORD}"}}"#,
            app.editor.email
        ));
    let bearer = Header::new("Authorization", format!("Bearer {}", app.token));
    let api = |path: &str| app.client.get(path.to_owned()).header(bearer.clone());
    let answers = [
        (
            "a new token",
            Status::Created,
            Page::read(sign_in.dispatch().await).await,
        ),
        (
            "JSON",
            Status::Ok,
            Page::read(api("/api/v1/pieces").dispatch().await).await,
        ),
        (
            "a problem",
            Status::NotFound,
            Page::read(api("/api/v1/claims/not-a-uuid").dispatch().await).await,
        ),
        (
            "no token",
            Status::Unauthorized,
            Page::read(app.client.get("/api/v1/users/me").dispatch().await).await,
        ),
        ("a health check", Status::Ok, browser.get("/healthz").await),
        ("the sign-in page", Status::Ok, browser.get("/login").await),
        ("a redirect", Status::SeeOther, browser.get("/").await),
    ];
    for (what, status, page) in &answers {
        assert_eq!(page.status, *status, "{what}: {page:?}");
        assert_eq!(
            page.header("Cache-Control"),
            Some("no-store"),
            "{what}: {page:?}"
        );
    }

    let stylesheet = browser.get("/static/factdesk.css").await;

    assert_eq!(stylesheet.status, Status::Ok);
    assert_eq!(
        stylesheet.header("Cache-Control"),
        Some("public, max-age=3600"),
        "{stylesheet:?}"
    );
}

#[test]
fn the_markup_checks_catch_what_they_are_for() {
    let bad = [
        r#"<p>hi</p><script>alert(1)</script>"#,
        r#"<img src=x onerror=alert(1)>"#,
        r#"<input value="" onmouseover="alert(1)">"#,
        r#"<a href="javascript:alert(1)">x</a>"#,
        r#"<a href=" jav&#x61;script:alert(1)">x</a>"#,
        r#"<SVG ONLOAD=alert(1)>"#,
    ];
    for html in bad {
        let caught = std::panic::catch_unwind(|| assert_inert("sample", html));
        assert!(caught.is_err(), "{html} passed as inert");
    }
    let leaves = [
        r#"<link rel="stylesheet" href="https://cdn.example/x.css">"#,
        r#"<img src="//evil.example/x.png">"#,
        r#"<p style="color:red">x</p>"#,
        r#"<style>p{}</style>"#,
        r#"<a href="https://elsewhere.example/">x</a>"#,
        r#"<a href="ftp://elsewhere.example/" rel="noopener noreferrer">x</a>"#,
        r#"<script src="/static/factdesk.js" defer></script><script>alert(1)</script>"#,
        // A data block a stored text broke out of, one that is not data, one left open.
        r#"<script type="application/ld+json">{"a":"</script><script>alert(1)</script>"}</script>"#,
        r#"<script type="application/ld+json">{"a":"x"}<!--</script>"#,
        r#"<script type="application/ld+json">alert(1)</script>"#,
        r#"<script type="application/ld+json">{"a":1}"#,
        r#"<script type="application/ld+json">{}</script><script type="text/javascript">alert(1)</script>"#,
    ];
    for html in leaves {
        let caught = std::panic::catch_unwind(|| assert_page_markup("sample", html));
        assert!(caught.is_err(), "{html} passed as same-origin markup");
    }
    let fine =
        r#"<!doctype html><a href="/api/v1/pieces">x</a> &#60;script&#62; onerror=1 &lt;svg"#;
    assert_page_markup("sample", fine);
    let linked = r#"<script src="/static/factdesk.js" defer></script><a href="https://elsewhere.example/a?b" rel="noopener noreferrer">x</a>"#;
    assert_page_markup("sample", linked);
    let data = r#"<script type="application/ld+json">{"a":"\u003c/script\u003e"}</script><p>x</p>"#;
    assert_page_markup("sample", data);
    assert_eq!(
        unescape("&#60;b&#62; &amp;lt; &#x27;&quot; & x"),
        "<b> &lt; '\" & x"
    );
}
