//! Hostile strings in every field people fill in, and every place that shows them: pages show
//! them escaped and inert, the JSON API gives them back byte for byte as JSON (never sniffable
//! as HTML), and a note's rendered HTML never carries anything that runs.
//!
//! The pages are listed in [`desk_pages`], each with the stored texts it shows, and every hostile
//! string is tried on each: a new page that shows stored text joins that list.
use crate::support::html::{
    Browser, Page, assert_inert, assert_page_markup, assert_security_headers, unescape,
};
use crate::support::{PASSWORD, TestApp, spawn_app};
use factdesk::domain::fields::limits;
use factdesk::domain::roles::Role;
use factdesk::store::credentials::{self, Kind};
use factdesk::store::users::{NewUser, User};
use rocket::http::{Header, Method, Status};
use serde_json::{Value, json};
use uuid::Uuid;

/// The long one is cut to each field's limit (see [`fit`]); every other one fits everywhere.
const LONG: usize = 10_000;

fn hostile_strings() -> Vec<String> {
    let mut strings: Vec<String> = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "' onmouseover='alert(1)",
        "</textarea><svg onload=alert(1)>",
        "{{7*7}}",
        "<a href=\"javascript:alert(1)\">x</a>",
        "[x](javascript:alert(1))",
        // Already escaped: must be shown as typed, never unescaped into markup.
        "&lt;script&gt;",
    ]
    .map(str::to_owned)
    .into();
    strings.push("<".repeat(LONG));
    strings
}

/// `text` cut to a field's limit (in characters, as the API counts them).
fn fit(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// An http(s) URL carrying `text` in its query, cut to the URL limit. It stays a valid URL, so
/// the API keeps it, normalised: the expected value is what the URL standard makes of it.
fn url_with(prefix: &str, text: &str) -> (String, String) {
    let sent = fit(&format!("{prefix}{text}"), limits::URL);
    let normalised = url::Url::parse(&sent).unwrap().to_string();
    (sent, normalised)
}

/// What one hostile string becomes in each field (URLs as sent and as the API keeps them).
struct Sent {
    title: String,
    outlet: String,
    author: String,
    piece_url: (String, String),
    body: String,
    quote: String,
    claimant: String,
    summary: String,
    reason: String,
    evidence_title: String,
    publisher: String,
    evidence_note: String,
    evidence_url: (String, String),
    archived_url: (String, String),
    note: String,
    signoff_note: String,
    name: String,
}

impl Sent {
    fn of(hostile: &str) -> Sent {
        Sent {
            title: fit(hostile, limits::TITLE),
            outlet: fit(hostile, limits::OUTLET),
            author: fit(hostile, limits::AUTHOR),
            piece_url: url_with("https://example.org/?q=", hostile),
            body: fit(hostile, limits::BODY),
            quote: fit(hostile, limits::QUOTE),
            claimant: fit(hostile, limits::CLAIMANT),
            summary: fit(hostile, limits::SUMMARY),
            reason: fit(hostile, limits::REASON),
            evidence_title: fit(hostile, limits::TITLE),
            publisher: fit(hostile, limits::PUBLISHER),
            evidence_note: fit(hostile, limits::EVIDENCE_NOTE),
            evidence_url: url_with("https://example.org/source?q=", hostile),
            archived_url: url_with(
                "https://web.archive.org/web/2024/https://example.org/?q=",
                hostile,
            ),
            note: fit(hostile, limits::NOTE),
            signoff_note: fit(hostile, limits::REASON),
            name: fit(hostile, limits::NAME),
        }
    }
}

/// Everything one hostile string can reach: a piece, a claim anchored in it with evidence, a
/// verdict, a note and a sign-off, and an editor named with it who wrote the note and set the
/// piece's title (so its name is shown as the last to edit the details).
struct World {
    sent: Sent,
    reader: User,
    reader_token: String,
    piece: String,
    claim: String,
}

fn password_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| factdesk::domain::password::hash(PASSWORD))
}

/// A user named `name` (straight into the store: nothing checks a name's characters), with an
/// API token.
async fn user_named(app: &TestApp, name: &str, role: Role) -> (User, String) {
    let mut conn = app.db.conn().await;
    let new = NewUser {
        name: name.to_owned(),
        email: format!("hostile-{}@factdesk.test", Uuid::new_v4().simple()),
        role,
        password_hash: password_hash().to_owned(),
    };
    let user = factdesk::store::users::add(&mut conn, &new).await.unwrap();
    let token = credentials::issue(&mut conn, user.id, Kind::ApiToken)
        .await
        .unwrap()
        .secret;
    (user, token)
}

async fn write(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    if_match: Option<&str>,
    body: Value,
) -> crate::support::Answer {
    let answer = app
        .send(method, path, Some(token), if_match, Some(body.to_string()))
        .await;
    assert!(
        answer.status.class().is_success(),
        "{method} {path}: {answer:#?}"
    );
    answer
}

/// Puts `hostile` into every field, through the API as people do (the name through the store).
async fn world(app: &TestApp, hostile: &str) -> World {
    let sent = Sent::of(hostile);
    let (reader, reader_token) = user_named(app, &sent.name, Role::Editor).await;
    let piece = write(
        app,
        Method::Post,
        "/api/v1/pieces",
        &app.token,
        None,
        json!({
            "title": "A plain title",
            "outlet": sent.outlet,
            "authors": [sent.author, "A. Plain"],
            "url": sent.piece_url.0,
            "body": sent.body,
            "published_at": "2020-01-13",
        }),
    )
    .await;
    let piece = piece.body["id"].as_str().unwrap().to_owned();
    // The title is set by an edit, so the piece's history carries it and the reader's name.
    write(
        app,
        Method::Patch,
        &format!("/api/v1/pieces/{piece}"),
        &reader_token,
        Some("\"1\""),
        json!({ "title": sent.title }),
    )
    .await;
    let claim = write(
        app,
        Method::Post,
        &format!("/api/v1/pieces/{piece}/claims"),
        &app.token,
        None,
        json!({ "quote": sent.quote, "start": 0, "claimant": sent.claimant, "summary": "A plain summary." }),
    )
    .await;
    let id = claim.body["id"].as_str().unwrap().to_owned();
    let claim_path = format!("/api/v1/claims/{id}");
    write(
        app,
        Method::Post,
        &format!("{claim_path}/evidence"),
        &app.token,
        None,
        json!({
            "url": sent.evidence_url.0,
            "title": sent.evidence_title,
            "stance": "refutes",
            "publisher": sent.publisher,
            "note": sent.evidence_note,
            "archived_url": sent.archived_url.0,
        }),
    )
    .await;
    // The summary is changed rather than set, so the history carries it too.
    let edited = write(
        app,
        Method::Patch,
        &claim_path,
        &app.token,
        claim.etag.as_deref(),
        json!({ "summary": sent.summary }),
    )
    .await;
    write(
        app,
        Method::Patch,
        &claim_path,
        &app.token,
        edited.etag.as_deref(),
        json!({ "status": "false", "reason": sent.reason }),
    )
    .await;
    write(
        app,
        Method::Post,
        &format!("{claim_path}/notes"),
        &reader_token,
        None,
        json!({ "body": sent.note }),
    )
    .await;
    let seen = app.get(&claim_path).await.etag;
    write(
        app,
        Method::Post,
        &format!("{claim_path}/signoff"),
        &reader_token,
        seen.as_deref(),
        json!({ "note": sent.signoff_note }),
    )
    .await;
    World {
        sent,
        reader,
        reader_token,
        piece,
        claim: id,
    }
}

/// A page a signed-in reader opens, and the stored texts it must show, escaped.
struct DeskPage {
    path: String,
    shows: Vec<(&'static str, String)>,
}

/// Every page a signed-in reader can open, for the world of one hostile string. When the desk's
/// pages arrive (issue 4), add each here with what it shows (a piece's title, outlet, authors and
/// body; a claim's quote, claimant, summary, reason; evidence; notes; history …).
fn desk_pages(world: &World) -> Vec<DeskPage> {
    // Words to search for: the claimant's, cut to the longest search there is.
    let searched = fit(&world.sent.claimant, limits::SEARCH);
    vec![
        // The desk: the piece in its list, the claim among those recently changed.
        DeskPage {
            path: "/".into(),
            shows: vec![
                ("the reader's name", world.sent.name.clone()),
                ("the piece's title", world.sent.title.clone()),
                ("the piece's outlet", world.sent.outlet.clone()),
                ("the claim's summary", world.sent.summary.clone()),
            ],
        },
        // Search: the claim (found by its words) with its piece, and the filters' choices.
        DeskPage {
            path: format!("/claims?piece={}", world.piece),
            shows: vec![
                ("the reader's name", world.sent.name.clone()),
                ("the piece's title", world.sent.title.clone()),
                ("the claim's summary", world.sent.summary.clone()),
            ],
        },
        DeskPage {
            path: format!(
                "/claims?q={}",
                url::form_urlencoded::byte_serialize(searched.as_bytes()).collect::<String>()
            ),
            shows: vec![
                ("the searched words", searched.clone()),
                ("the claim's summary", world.sent.summary.clone()),
            ],
        },
        // The claim page: everything a claim carries, and the reader who wrote its note and
        // signed it off (as note author, signer and in the history).
        DeskPage {
            path: format!("/claims/{}", world.claim),
            shows: vec![
                ("the piece's title", world.sent.title.clone()),
                ("the quote", world.sent.quote.clone()),
                ("the claimant", world.sent.claimant.clone()),
                ("the summary", world.sent.summary.clone()),
                ("the verdict's reason", world.sent.reason.clone()),
                ("the evidence title", world.sent.evidence_title.clone()),
                ("the publisher", world.sent.publisher.clone()),
                ("the evidence note", world.sent.evidence_note.clone()),
                ("the evidence url", world.sent.evidence_url.1.clone()),
                ("the sign-off note", world.sent.signoff_note.clone()),
                ("the reader's name", world.sent.name.clone()),
            ],
        },
        // The public page of the signed-off verdict: what the newsroom publishes, in the page
        // and in its JSON-LD (whose data block `assert_page_markup` checks holds only JSON).
        DeskPage {
            path: format!("/checks/{}", world.claim),
            shows: vec![
                ("the piece's title", world.sent.title.clone()),
                ("the quote", world.sent.quote.clone()),
                ("the claimant", world.sent.claimant.clone()),
                ("the summary", world.sent.summary.clone()),
                ("the verdict's reason", world.sent.reason.clone()),
                ("the evidence title", world.sent.evidence_title.clone()),
                ("the publisher", world.sent.publisher.clone()),
            ],
        },
        // The piece page: the piece's details, its text (the claim's quote is its start, marked
        // apart from the rest) and the claim in the list beside it.
        DeskPage {
            path: format!("/pieces/{}", world.piece),
            shows: vec![
                ("the piece's title", world.sent.title.clone()),
                ("the piece's outlet", world.sent.outlet.clone()),
                ("the piece's author", world.sent.author.clone()),
                ("the piece's url", world.sent.piece_url.1.clone()),
                ("the quote, marked", world.sent.quote.clone()),
                (
                    "the body after the quote",
                    world
                        .sent
                        .body
                        .chars()
                        .skip(world.sent.quote.chars().count())
                        .collect(),
                ),
                ("the claimant", world.sent.claimant.clone()),
                ("the summary", world.sent.summary.clone()),
                ("the last to edit its details", world.sent.name.clone()),
            ],
        },
        // The form for the piece's details, filled in with them.
        DeskPage {
            path: format!("/pieces/{}/edit", world.piece),
            shows: vec![
                ("the reader's name", world.sent.name.clone()),
                ("the piece's title", world.sent.title.clone()),
                ("the piece's outlet", world.sent.outlet.clone()),
                ("the piece's author", world.sent.author.clone()),
                ("the piece's url", world.sent.piece_url.1.clone()),
            ],
        },
    ]
}

/// The characters that mean something in HTML: a text holding one must never appear raw.
const MARKUP: [char; 5] = ['<', '>', '"', '\'', '&'];

/// `html` shows `text` to a reader, as text: escaped, so none of it became markup.
#[track_caller]
fn assert_shows_escaped(what: &str, html: &str, text: &str) {
    assert!(
        unescape(html).contains(text),
        "{what}: does not show {text:?} as typed: {html}"
    );
    if text.contains(MARKUP) {
        assert!(
            !html.contains(text),
            "{what}: {text:?} is in the page unescaped: {html}"
        );
    }
}

/// Nothing hostile is in `html` raw: a text holding markup characters never appears as it is.
#[track_caller]
fn assert_never_raw(what: &str, html: &str, text: &str) {
    if text.contains(MARKUP) {
        assert!(!html.contains(text), "{what}: {text:?} unescaped: {html}");
    }
}

#[track_caller]
fn assert_safe_page(what: &str, page: &Page, status: Status) {
    page.assert_html(what, status);
    assert_security_headers(what, page);
    assert_page_markup(what, &page.body);
}

#[rocket::async_test]
async fn every_desk_page_shows_hostile_strings_escaped_and_inert() {
    let app = spawn_app().await;

    for hostile in hostile_strings() {
        let world = world(&app, &hostile).await;
        let browser = Browser::open(&app.db).await;
        let signed_in = browser.sign_in(&world.reader.email, PASSWORD).await;
        assert_eq!(signed_in.status, Status::SeeOther, "{signed_in:?}");

        for page in desk_pages(&world) {
            let what = format!("GET {} with {:.40?}", page.path, hostile);
            let answer = browser.get(&page.path).await;

            assert_safe_page(&what, &answer, Status::Ok);
            for (field, text) in &page.shows {
                assert_shows_escaped(&format!("{what}, {field}"), &answer.body, text);
            }
        }
    }
}

#[rocket::async_test]
async fn the_sign_in_page_shows_a_hostile_email_back_escaped_and_inert() {
    let app = spawn_app().await;
    let browser = Browser::open(&app.db).await;

    for hostile in hostile_strings() {
        let email = fit(&hostile, limits::EMAIL);
        let what = format!("POST /login with the email {email:.40?}");

        let page = browser.sign_in(&email, "not the password").await;

        // Ten hostile emails fail; past the throttle's limit the form comes back as 429 instead.
        let status = if page.status == Status::TooManyRequests {
            Status::TooManyRequests
        } else {
            Status::Unauthorized
        };
        assert_safe_page(&what, &page, status);
        assert_shows_escaped(&what, &page.body, &email);
        let kept = page.input("email").expect("the form again");
        assert_eq!(kept.attribute("value"), Some(email.as_str()), "{what}");
    }
}

#[rocket::async_test]
async fn error_pages_never_echo_a_hostile_string_unescaped() {
    let app = spawn_app().await;
    let browser = Browser::open(&app.db).await;
    let token = browser.csrf_token().await;

    for hostile in hostile_strings() {
        let text = fit(&hostile, 300);
        let encoded: String = text.bytes().map(|b| format!("%{b:02X}")).collect();
        let answers = [
            (
                "a page that does not exist",
                Status::NotFound,
                browser.get(&format!("/{encoded}")).await,
            ),
            (
                "a page under a page that does not exist",
                Status::NotFound,
                browser.get(&format!("/login/{encoded}")).await,
            ),
            (
                "a sign-in form without its password",
                Status::UnprocessableEntity,
                browser
                    .post_form(
                        "/login",
                        &[("email", &text), (&text, &text), ("csrf_token", &token)],
                    )
                    .await,
            ),
            (
                "a sign-in form with a hostile token",
                Status::Forbidden,
                browser
                    .post_form(
                        "/login",
                        &[("email", &text), ("password", &text), ("csrf_token", &text)],
                    )
                    .await,
            ),
        ];

        for (what, status, page) in answers {
            let what = format!("{what} ({text:.40?})");
            assert_safe_page(&what, &page, status);
            assert_never_raw(&what, &page.body, &text);
        }
    }
}

/// A GET as `token`, checked to be served as JSON and nothing a browser could take for HTML.
async fn read_json(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app
        .client
        .get(path.to_owned())
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch()
        .await;
    let status = response.status();
    let content_type = response
        .headers()
        .get_one("Content-Type")
        .map(str::to_owned);
    let nosniff = response
        .headers()
        .get_one("X-Content-Type-Options")
        .map(str::to_owned);
    let text = response.into_string().await.unwrap_or_default();
    assert_eq!(status, Status::Ok, "GET {path}: {text}");
    assert_eq!(
        content_type.as_deref(),
        Some("application/json"),
        "GET {path}"
    );
    assert_eq!(nosniff.as_deref(), Some("nosniff"), "GET {path}");
    serde_json::from_str(&text).unwrap()
}

/// The element of a JSON array whose `key` is `value`.
fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .and_then(|items| items.iter().find(|item| item[key] == value))
        .unwrap_or_else(|| panic!("no {key} = {value} in {list}"))
}

#[rocket::async_test]
async fn the_json_api_gives_hostile_strings_back_byte_for_byte_as_json_only() {
    let app = spawn_app().await;
    let (_, admin) = app.user(Role::Admin).await;

    for hostile in hostile_strings() {
        let w = world(&app, &hostile).await;
        let s = &w.sent;
        let piece = read_json(&app, &format!("/api/v1/pieces/{}", w.piece), &app.token).await;
        let pieces = read_json(&app, "/api/v1/pieces", &app.token).await;
        let listed_piece = find(&pieces["items"], "id", &w.piece);
        let claim = read_json(&app, &format!("/api/v1/claims/{}", w.claim), &app.token).await;
        let claims = read_json(
            &app,
            &format!("/api/v1/claims?piece={}", w.piece),
            &app.token,
        )
        .await;
        let listed_claim = find(&claims["items"], "id", &w.claim);
        let history = read_json(
            &app,
            &format!("/api/v1/claims/{}/history", w.claim),
            &app.token,
        )
        .await;
        let event = |kind: &str| find(&history, "kind", kind).clone();
        let me = read_json(&app, "/api/v1/users/me", &w.reader_token).await;
        let users = read_json(&app, "/api/v1/users", &admin).await;
        let reader_id = w.reader.id.to_string();

        let checks: Vec<(&str, &Value, &str)> = vec![
            ("piece title", &piece["title"], &s.title),
            ("piece outlet", &piece["outlet"], &s.outlet),
            ("piece author", &piece["authors"][0], &s.author),
            ("piece url", &piece["url"], &s.piece_url.1),
            ("piece body", &piece["body"], &s.body),
            (
                "piece's claim quote",
                &piece["claims"][0]["selector"]["exact"],
                &s.quote,
            ),
            (
                "piece's claim claimant",
                &piece["claims"][0]["claimant"],
                &s.claimant,
            ),
            ("listed piece title", &listed_piece["title"], &s.title),
            ("listed piece outlet", &listed_piece["outlet"], &s.outlet),
            (
                "listed piece author",
                &listed_piece["authors"][0],
                &s.author,
            ),
            ("claim quote", &claim["selector"]["exact"], &s.quote),
            ("claim piece title", &claim["piece_title"], &s.title),
            ("claim claimant", &claim["claimant"], &s.claimant),
            ("claim summary", &claim["summary"], &s.summary),
            ("claim reason", &claim["status_reason"], &s.reason),
            (
                "claim sign-off note",
                &claim["signoff_note"],
                &s.signoff_note,
            ),
            (
                "evidence title",
                &claim["evidence"][0]["title"],
                &s.evidence_title,
            ),
            (
                "evidence publisher",
                &claim["evidence"][0]["publisher"],
                &s.publisher,
            ),
            (
                "evidence note",
                &claim["evidence"][0]["note"],
                &s.evidence_note,
            ),
            (
                "evidence url",
                &claim["evidence"][0]["url"],
                &s.evidence_url.1,
            ),
            (
                "evidence archive",
                &claim["evidence"][0]["archived_url"],
                &s.archived_url.1,
            ),
            ("note body", &claim["notes"][0]["body"], &s.note),
            ("note author", &claim["notes"][0]["author"]["name"], &s.name),
            (
                "listed claim claimant",
                &listed_claim["claimant"],
                &s.claimant,
            ),
            ("listed claim summary", &listed_claim["summary"], &s.summary),
            (
                "listed claim quote",
                &listed_claim["selector"]["exact"],
                &s.quote,
            ),
            ("users/me name", &me["name"], &s.name),
            (
                "users list name",
                &find(&users, "id", &reader_id)["name"],
                &s.name,
            ),
        ];
        for (what, got, want) in checks {
            assert_eq!(got.as_str(), Some(want), "{what} for {hostile:.40?}");
        }
        let events = [
            (
                "history: the summary edit",
                event("edited")["to"].clone(),
                &s.summary,
            ),
            (
                "history: the verdict's reason",
                event("status_changed")["reason"].clone(),
                &s.reason,
            ),
            (
                "history: the sign-off note",
                event("signed_off")["reason"].clone(),
                &s.signoff_note,
            ),
            (
                "history: who signed off",
                event("signed_off")["actor"]["name"].clone(),
                &s.name,
            ),
            (
                "history: who added the note",
                event("note_added")["actor"]["name"].clone(),
                &s.name,
            ),
        ];
        for (what, got, want) in events {
            assert_eq!(
                got.as_str(),
                Some(want.as_str()),
                "{what} for {hostile:.40?}"
            );
        }
        // URLs are kept valid: what could end an attribute or open a tag is percent-encoded.
        for url in [&s.piece_url.1, &s.evidence_url.1, &s.archived_url.1] {
            assert!(!url.contains(['<', '>', '"', '\'', ' ']), "{url}");
        }
    }
}

#[rocket::async_test]
async fn api_errors_that_echo_a_hostile_string_are_problem_json_never_html() {
    let app = spawn_app().await;

    for hostile in hostile_strings() {
        let text = fit(&hostile, 300);
        let encoded: String = text.bytes().map(|b| format!("%{b:02X}")).collect();
        let response = app
            .client
            .get(format!("/api/v1/pieces/{encoded}"))
            .header(Header::new(
                "Authorization",
                format!("Bearer {}", app.token),
            ))
            .dispatch()
            .await;
        let status = response.status();
        let header = |name: &str| response.headers().get_one(name).map(str::to_owned);
        let (content_type, nosniff) = (header("Content-Type"), header("X-Content-Type-Options"));
        let body: Value = serde_json::from_str(&response.into_string().await.unwrap()).unwrap();

        assert_eq!(status, Status::NotFound, "{body}");
        assert_eq!(content_type.as_deref(), Some("application/problem+json"));
        assert_eq!(nosniff.as_deref(), Some("nosniff"));
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains(&text), "the id as sent, as data: {detail}");
    }
}

#[rocket::async_test]
async fn a_notes_html_never_carries_a_script_a_handler_or_a_javascript_link() {
    let app = spawn_app().await;
    let piece = app
        .create_piece("The minister said crime fell by a third.")
        .await;
    let (claim, _) = app.create_claim(&piece, "crime fell by a third").await;
    let path = format!("/api/v1/claims/{claim}/notes");

    for hostile in hostile_strings() {
        let body = fit(&hostile, limits::NOTE);
        let note = app.post(&path, &json!({ "body": body })).await;
        assert_eq!(note.status, Status::Created, "{note:#?}");
        assert_eq!(note.body["body"], body.as_str(), "the Markdown, as written");

        let html = note.body["body_html"].as_str().unwrap();

        assert_inert(&format!("body_html of {hostile:.40?}"), html);
    }
    let shown = read_json(&app, &format!("/api/v1/claims/{claim}"), &app.token).await;
    let notes = shown["notes"].as_array().unwrap();
    assert_eq!(notes.len(), hostile_strings().len());
    for note in notes {
        assert_inert("body_html as shown", note["body_html"].as_str().unwrap());
    }
}
