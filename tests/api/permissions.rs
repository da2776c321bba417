//! The permission table in the README, checked against the running app: every route it lists,
//! as every principal it names, with a request that is valid in every other way (a real body,
//! ids that exist, the right `If-Match`, a claim in a state that allows the action). The table is
//! read from README.md at test time, so the documentation and the behaviour cannot drift apart.
use crate::support::html::{Browser, Page, SESSION_COOKIE};
use crate::support::{Answer, PASSWORD, TestApp, spawn_app};
use factdesk::domain::roles::Role;
use factdesk::store::credentials::{self, Kind};
use factdesk::store::users::User;
use rocket::http::{Method, Status};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use uuid::Uuid;

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
const SECTION: &str = "## Permissions";
const COLUMNS: [&str; 4] = ["anonymous", "reviewer", "editor", "admin"];
const PIECE_BODY: &str = "The minister said unemployment fell to 4.1 percent in March.";
const QUOTE: &str = "unemployment fell to 4.1 percent in March";

/// One row of the table: a route, and whether each column's principal may use it.
#[derive(Debug)]
struct Row {
    method: String,
    /// As the table writes it: `/api/v1/claims/{id}`.
    path: String,
    allowed: [bool; 4],
}

impl Row {
    fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// The table under "## Permissions" in README.md. Panics on anything it cannot read, so a
/// malformed table fails the tests rather than being half-checked.
fn permission_table() -> Vec<Row> {
    let readme = std::fs::read_to_string(README).expect("README.md is readable");
    let section: Vec<&str> = readme
        .lines()
        .skip_while(|line| line.trim() != SECTION)
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .filter(|line| line.trim_start().starts_with('|'))
        .collect();
    let cells = |line: &str| -> Vec<String> {
        let line = line.trim().trim_start_matches('|').trim_end_matches('|');
        line.split('|').map(|cell| cell.trim().to_owned()).collect()
    };
    let (header, rows) = section
        .split_first()
        .unwrap_or_else(|| panic!("README.md has no table under {SECTION:?}"));
    assert_eq!(
        cells(header)[1..],
        COLUMNS,
        "the permission table's columns"
    );
    let rows: Vec<Row> = rows
        .iter()
        .skip(1) // | --- | --- |
        .map(|line| {
            let cells = cells(line);
            assert_eq!(cells.len(), 1 + COLUMNS.len(), "cells of row {line:?}");
            let route = cells[0]
                .split('`')
                .nth(1)
                .unwrap_or_else(|| panic!("no `METHOD /path` in row {line:?}"));
            let (method, path) = route
                .split_once(' ')
                .unwrap_or_else(|| panic!("no `METHOD /path` in row {line:?}"));
            let mut allowed = [false; 4];
            for (slot, cell) in allowed.iter_mut().zip(&cells[1..]) {
                *slot = match cell.as_str() {
                    "✓" => true,
                    "✗" => false,
                    other => panic!("cell {other:?} in row {line:?} is neither ✓ nor ✗"),
                };
            }
            Row {
                method: method.to_owned(),
                path: path.to_owned(),
                allowed,
            }
        })
        .collect();
    assert!(!rows.is_empty(), "the permission table has no rows");
    rows
}

/// `/api/v1/claims/<id>` as the table writes it: `/api/v1/claims/{id}`.
fn table_path(route_path: &str) -> String {
    route_path
        .split('/')
        .map(|segment| match segment.strip_prefix('<') {
            Some(name) => format!("{{{}}}", name.trim_end_matches('>')),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[rocket::async_test]
async fn the_permission_table_lists_every_mounted_route_and_only_those() {
    let app = spawn_app().await;
    let mounted: BTreeSet<String> = app
        .client
        .rocket()
        .routes()
        .map(|route| format!("{} {}", route.method, table_path(route.uri.path())))
        .collect();
    let table = permission_table();
    let listed: BTreeSet<String> = table.iter().map(Row::route).collect();
    assert_eq!(
        listed.len(),
        table.len(),
        "a route is listed twice: {table:#?}"
    );
    let unlisted: Vec<_> = mounted.difference(&listed).collect();
    let unserved: Vec<_> = listed.difference(&mounted).collect();
    assert!(
        unlisted.is_empty() && unserved.is_empty(),
        "routes the README's permission table does not list: {unlisted:?}; \
         rows of the table no route serves: {unserved:?}"
    );
}

/// What came of a request.
#[derive(Debug, PartialEq)]
enum Outcome {
    Served,
    /// 401 from the API; a redirect to /login from the pages.
    NotSignedIn,
    Forbidden,
    /// Anything else: the request should have been valid, so this is a broken test fixture or a
    /// broken route.
    Unexpected(String),
}

fn api_outcome(answer: &Answer) -> Outcome {
    match answer.status.code {
        200..=399 => Outcome::Served,
        401 => Outcome::NotSignedIn,
        403 => Outcome::Forbidden,
        _ => Outcome::Unexpected(format!("{answer:?}")),
    }
}

/// A redirect to /login is "sign in first", unless it ends a session (signing out ends there
/// too). The page forms answer 303 when served; a form that only shows what it would do (a
/// correction's preview, `step=preview`) answers its page, 200.
fn page_outcome(method: &Method, page: &Page, previews: bool) -> Outcome {
    let to_login = page.status == Status::SeeOther && page.location() == Some("/login");
    match page.status.code {
        _ if to_login && page.set_cookie(SESSION_COOKIE).is_none() => Outcome::NotSignedIn,
        303 if *method == Method::Post && !previews => Outcome::Served,
        200 if *method == Method::Post && previews => Outcome::Served,
        200..=399 if *method != Method::Post => Outcome::Served,
        403 => Outcome::Forbidden,
        _ => Outcome::Unexpected(format!("{page:?}")),
    }
}

/// Someone sending requests: anonymous (no account) or a fresh user of a role. Every request
/// starts afresh: API requests carry a new bearer token each (`DELETE /tokens/current` revokes
/// its own), page requests come from a new browser, signed in through the login form for a role
/// (`POST /logout` ends its session, and `POST /login` would sign the anonymous one in).
struct Principal {
    column: &'static str,
    account: Option<User>,
}

impl Principal {
    async fn new(app: &TestApp, column: &'static str) -> Principal {
        let account = match column.parse::<Role>() {
            Ok(role) => Some(app.user(role).await.0),
            Err(_) => None,
        };
        Principal { column, account }
    }

    async fn bearer_token(&self, app: &TestApp) -> Option<String> {
        let user = self.account.as_ref()?;
        let mut conn = app.db.conn().await;
        let issued = credentials::issue(&mut conn, user.id, Kind::ApiToken).await;
        Some(issued.unwrap().secret)
    }

    async fn browser(&self, app: &TestApp) -> Browser {
        let browser = Browser::open(&app.db).await;
        if let Some(user) = &self.account {
            let page = browser.sign_in(&user.email, PASSWORD).await;
            assert_eq!(
                page.location(),
                Some("/"),
                "{} signs in: {page:?}",
                self.column
            );
        }
        browser
    }

    async fn send(&self, app: &TestApp, request: Request) -> Outcome {
        match request {
            Request::Api {
                method,
                path,
                if_match,
                body,
            } => {
                let token = self.bearer_token(app).await;
                let body = body.map(|body| body.to_string());
                let answer = app
                    .send(method, &path, token.as_deref(), if_match.as_deref(), body)
                    .await;
                api_outcome(&answer)
            }
            Request::Page {
                method,
                path,
                mut form,
            } => {
                let browser = self.browser(app).await;
                let previews = form.iter().any(|(k, v)| k == "step" && v == "preview");
                let page = if method == Method::Post {
                    form.push(("csrf_token".into(), browser.csrf_token().await));
                    let fields: Vec<(&str, &str)> =
                        form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    browser.post_form(&path, &fields).await
                } else if path.starts_with("/live") {
                    // A stream of changes never ends: its answer is judged by its head.
                    browser.head_of(&path).await
                } else {
                    browser.get(&path).await
                };
                page_outcome(&method, &page, previews)
            }
        }
    }
}

/// A request to make, everything but its credentials.
#[derive(Debug)]
enum Request {
    Api {
        method: Method,
        path: String,
        if_match: Option<String>,
        body: Option<Value>,
    },
    /// `csrf_token` is added to the form of every POST.
    Page {
        method: Method,
        path: String,
        form: Vec<(String, String)>,
    },
}

impl Request {
    /// The request made wrong in every way but its credentials: no `If-Match`, and a body with
    /// a field no route takes (an empty form, for a page).
    fn spoiled(&self) -> Request {
        match self {
            Request::Api {
                method, path, body, ..
            } => Request::Api {
                method: *method,
                path: path.clone(),
                if_match: None,
                body: body.as_ref().map(|_| json!({ "no_such_field": true })),
            },
            Request::Page { method, path, .. } => Request::Page {
                method: *method,
                path: path.clone(),
                form: Vec::new(),
            },
        }
    }
}

fn api(method: Method, path: String, if_match: Option<String>, body: Option<Value>) -> Request {
    Request::Api {
        method,
        path,
        if_match,
        body,
    }
}

/// A page request; `csrf_token` is added to a POST's form when it is sent.
fn page(method: Method, path: String, form: &[(&str, &str)]) -> Request {
    Request::Page {
        method,
        path,
        form: form
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

/// What the requests act on, made by the desk's own editor (who is none of the principals).
/// A piece's text the desk does not hold yet: every principal allowed to add a piece adds one, and
/// the desk refuses a text it already holds.
fn new_text() -> String {
    format!("{PIECE_BODY} Filed as {}.", uuid::Uuid::new_v4().simple())
}

/// An evidence address the desk's claim does not have yet.
fn new_address() -> String {
    format!("https://www.bls.gov/{}/", uuid::Uuid::new_v4().simple())
}

struct Desk<'a> {
    app: &'a TestApp,
    piece: String,
    claim: String,
}

impl Desk<'_> {
    /// A claim of its own (on a piece of its own: a piece refuses a second claim over the same
    /// words), unchecked, and its ETag.
    async fn fresh_claim(&self) -> (String, String) {
        let piece = self.app.create_another_piece(PIECE_BODY).await;
        self.app.create_claim(&piece, QUOTE).await
    }

    /// A fresh claim the desk's editor archived, and its ETag ("2").
    async fn archived_claim(&self) -> (String, String) {
        let (claim, etag) = self.fresh_claim().await;
        let answer = self
            .app
            .send(
                Method::Post,
                &format!("/api/v1/claims/{claim}/archive"),
                Some(&self.app.token),
                Some(&etag),
                Some(json!({ "reason": "Claimed twice." }).to_string()),
            )
            .await;
        assert_eq!(answer.status, Status::Ok, "{answer:#?}");
        (claim, answer.etag.unwrap())
    }

    /// A fresh piece the desk's editor archived (at version 2).
    async fn archived_piece(&self) -> String {
        let piece = self.app.create_another_piece(PIECE_BODY).await;
        let answer = self
            .app
            .send(
                Method::Post,
                &format!("/api/v1/pieces/{piece}/archive"),
                Some(&self.app.token),
                Some("\"1\""),
                Some(json!({ "reason": "Sent twice." }).to_string()),
            )
            .await;
        assert_eq!(answer.status, Status::Ok, "{answer:#?}");
        piece
    }

    /// A note on the desk's claim written by `who` (by the desk's editor for anonymous, who
    /// is refused before it matters): (claim, note).
    async fn note_by(&self, who: &Principal) -> (String, String) {
        let author = who.account.as_ref().unwrap_or(&self.app.editor).id;
        let claim = self.claim.parse().unwrap();
        let note =
            factdesk::store::notes::add(&mut self.app.db.conn().await, author, claim, "A note.")
                .await
                .unwrap();
        (self.claim.clone(), note.id.to_string())
    }

    /// A fresh claim whose verdict the desk's editor set, ready for anyone else to sign off.
    async fn claim_with_verdict(&self) -> String {
        let (claim, etag) = self.fresh_claim().await;
        self.app.add_evidence(&claim, "supports").await;
        let verdict = json!({ "status": "accurate", "reason": "The statistics office says so." });
        let answer = self
            .app
            .patch(&format!("/api/v1/claims/{claim}"), Some(&etag), &verdict)
            .await;
        assert_eq!(answer.status, Status::Ok, "{answer:#?}");
        claim
    }

    /// The valid request(s) for a row, made ready for `who`: fresh objects where the request
    /// uses them up. A row whose rule covers several kinds of request gets one of each.
    async fn requests(&self, row: &Row, who: &Principal) -> Result<Vec<Request>, String> {
        use Method::*;
        let (piece, claim) = (&self.piece, &self.claim);
        // Whose credentials sign-in requests carry: the principal's own, else the desk editor's.
        let email = who
            .account
            .as_ref()
            .unwrap_or(&self.app.editor)
            .email
            .clone();
        let requests = match (row.method.as_str(), row.path.as_str()) {
            ("POST", "/api/v1/pieces") => vec![api(
                Post,
                "/api/v1/pieces".into(),
                None,
                Some(
                    json!({ "title": "A piece", "body": new_text(), "published_at": "2020-01-13" }),
                ),
            )],
            ("GET", "/api/v1/pieces/{id}") => {
                vec![api(Get, format!("/api/v1/pieces/{piece}"), None, None)]
            }
            // A piece of its own, so that its version is the "1" the request names.
            // Its details, and its text corrected (each on a piece of its own at version 1).
            ("PATCH", "/api/v1/pieces/{id}") => {
                let piece = self.app.create_another_piece(PIECE_BODY).await;
                let corrected = self.app.create_another_piece(PIECE_BODY).await;
                let correction = json!({ "body": new_text(), "reason": "Correction: the month." });
                vec![
                    api(
                        Patch,
                        format!("/api/v1/pieces/{piece}"),
                        Some("\"1\"".into()),
                        Some(json!({ "title": "A corrected title", "outlet": "The Gazette" })),
                    ),
                    api(
                        Patch,
                        format!("/api/v1/pieces/{corrected}"),
                        Some("\"1\"".into()),
                        Some(correction),
                    ),
                ]
            }
            ("GET", "/api/v1/pieces/{id}/revisions") => {
                vec![api(
                    Get,
                    format!("/api/v1/pieces/{piece}/revisions"),
                    None,
                    None,
                )]
            }
            ("GET", "/api/v1/pieces/{id}/revisions/{revision}") => {
                vec![api(
                    Get,
                    format!("/api/v1/pieces/{piece}/revisions/1"),
                    None,
                    None,
                )]
            }
            ("GET", "/api/v1/pieces/{id}/history") => {
                vec![api(
                    Get,
                    format!("/api/v1/pieces/{piece}/history"),
                    None,
                    None,
                )]
            }
            // On a piece of its own: a piece refuses a second claim over the same words.
            ("POST", "/api/v1/pieces/{id}/claims") => {
                let piece = self.app.create_another_piece(PIECE_BODY).await;
                vec![api(
                    Post,
                    format!("/api/v1/pieces/{piece}/claims"),
                    None,
                    Some(json!({ "quote": QUOTE })),
                )]
            }
            ("POST", "/api/v1/tokens") => vec![api(
                Post,
                "/api/v1/tokens".into(),
                None,
                Some(json!({ "email": email, "password": PASSWORD })),
            )],
            ("DELETE", "/api/v1/tokens/current") => {
                vec![api(Delete, "/api/v1/tokens/current".into(), None, None)]
            }
            ("POST", "/api/v1/users") => {
                let email = format!("new-{}@factdesk.test", Uuid::new_v4().simple());
                vec![api(
                    Post,
                    "/api/v1/users".into(),
                    None,
                    Some(
                        json!({ "name": "New Person", "email": email, "role": "reviewer", "password": PASSWORD }),
                    ),
                )]
            }
            ("GET", "/api/v1/claims/{id}") => {
                vec![api(Get, format!("/api/v1/claims/{claim}"), None, None)]
            }
            ("PATCH", "/api/v1/claims/{id}") => {
                let edit = json!({ "status": "in_progress", "summary": "Unemployment was 4.1% in March." });
                let assignment = json!({ "assignee": self.app.editor.id });
                let mut requests = Vec::new();
                for body in [edit, assignment] {
                    let (claim, etag) = self.fresh_claim().await;
                    requests.push(api(
                        Patch,
                        format!("/api/v1/claims/{claim}"),
                        Some(etag),
                        Some(body),
                    ));
                }
                requests
            }
            // At an address of its own: a claim refuses the same address twice.
            ("POST", "/api/v1/claims/{id}/evidence") => vec![api(
                Post,
                format!("/api/v1/claims/{claim}/evidence"),
                None,
                Some(json!({ "url": new_address(), "title": "The figures", "stance": "supports" })),
            )],
            ("DELETE", "/api/v1/evidence/{id}") => {
                let evidence = self.app.add_evidence(claim, "context").await;
                vec![api(
                    Delete,
                    format!("/api/v1/evidence/{evidence}"),
                    None,
                    None,
                )]
            }
            ("POST", "/api/v1/claims/{id}/signoff") => {
                let claim = self.claim_with_verdict().await;
                let seen = self.app.get(&format!("/api/v1/claims/{claim}")).await.etag;
                vec![api(
                    Post,
                    format!("/api/v1/claims/{claim}/signoff"),
                    seen,
                    Some(json!({ "note": "Checked the figures again." })),
                )]
            }
            ("POST", "/api/v1/claims/{id}/notes") => vec![api(
                Post,
                format!("/api/v1/claims/{claim}/notes"),
                None,
                Some(json!({ "body": "The *March* figure, not February's." })),
            )],
            ("GET", "/api/v1/claims/{id}/history") => {
                vec![api(
                    Get,
                    format!("/api/v1/claims/{claim}/history"),
                    None,
                    None,
                )]
            }
            ("POST", "/login") => vec![Request::Page {
                method: Post,
                path: "/login".into(),
                form: vec![
                    ("email".into(), email),
                    ("password".into(), PASSWORD.into()),
                ],
            }],
            ("POST", "/logout") => vec![Request::Page {
                method: Post,
                path: "/logout".into(),
                form: Vec::new(),
            }],
            // The claim page and its forms (`version` is the claim's ETag without its quotes).
            ("GET", "/claims/{id}") => vec![page(Get, format!("/claims/{claim}"), &[])],
            // The piece page.
            ("GET", "/pieces/{id}") => vec![page(Get, format!("/pieces/{piece}"), &[])],
            // Editing a piece's details: its form, and the form sent (on a piece of its own).
            ("GET", "/pieces/{id}/edit") => vec![page(Get, format!("/pieces/{piece}/edit"), &[])],
            ("POST", "/pieces/{id}/edit") => {
                let piece = self.app.create_another_piece(PIECE_BODY).await;
                let form = [
                    ("title", "A corrected title"),
                    ("outlet", "The Gazette"),
                    ("url", ""),
                    ("authors", "A. Writer"),
                    ("published_at", "2020-01-13"),
                    ("version", "1"),
                    ("seen", "0"),
                ];
                vec![page(Post, format!("/pieces/{piece}/edit"), &form)]
            }
            // Correcting a piece's text: its form, a preview and a correction saved (on a piece
            // of its own at version 1).
            ("GET", "/pieces/{id}/correct") => {
                vec![page(Get, format!("/pieces/{piece}/correct"), &[])]
            }
            ("POST", "/pieces/{id}/correct") => {
                let piece = self.app.create_another_piece(PIECE_BODY).await;
                let text = new_text();
                let path = format!("/pieces/{piece}/correct");
                let sent = |step| {
                    let form = [
                        ("body", text.as_str()),
                        ("reason", "Correction: the month."),
                        ("version", "1"),
                        ("step", step),
                    ];
                    page(Post, path.clone(), &form)
                };
                vec![sent("preview"), sent("save")]
            }
            ("POST", "/claims/{id}/status") => {
                let (claim, etag) = self.fresh_claim().await;
                let form = [
                    ("status", "in_progress"),
                    ("version", etag.trim_matches('"')),
                ];
                vec![page(Post, format!("/claims/{claim}/status"), &form)]
            }
            ("POST", "/claims/{id}/details") => {
                let (claim, etag) = self.fresh_claim().await;
                let form = [
                    ("summary", "Unemployment was 4.1% in March."),
                    ("claimant", "The minister"),
                    ("priority", "high"),
                    ("version", etag.trim_matches('"')),
                ];
                vec![page(Post, format!("/claims/{claim}/details"), &form)]
            }
            ("POST", "/claims/{id}/assign") => {
                let (claim, etag) = self.fresh_claim().await;
                let editor = self.app.editor.id.to_string();
                let form = [
                    ("assignee", editor.as_str()),
                    ("version", etag.trim_matches('"')),
                ];
                vec![page(Post, format!("/claims/{claim}/assign"), &form)]
            }
            ("POST", "/claims/{id}/evidence") => {
                let url = new_address();
                let form = [
                    ("url", url.as_str()),
                    ("title", "The figures"),
                    ("stance", "supports"),
                ];
                vec![page(Post, format!("/claims/{claim}/evidence"), &form)]
            }
            ("POST", "/claims/{id}/evidence/{evidence}/remove") => {
                let evidence = self.app.add_evidence(claim, "context").await;
                let path = format!("/claims/{claim}/evidence/{evidence}/remove");
                vec![page(Post, path, &[])]
            }
            ("POST", "/claims/{id}/notes") => {
                let form = [("body", "The *March* figure, not February's.")];
                vec![page(Post, format!("/claims/{claim}/notes"), &form)]
            }
            ("POST", "/claims/{id}/signoff") => {
                let claim = self.claim_with_verdict().await;
                let seen = self.app.get(&format!("/api/v1/claims/{claim}")).await.etag;
                let version = seen.unwrap().trim_matches('"').to_owned();
                let form = [
                    ("note", "Checked the figures again."),
                    ("version", &version),
                ];
                vec![page(Post, format!("/claims/{claim}/signoff"), &form)]
            }
            // Adding a claim through the piece page's form (a pasted quote, no start).
            ("POST", "/pieces/{id}/claims") => {
                let piece = self.app.create_another_piece(PIECE_BODY).await;
                let form = [("quote", QUOTE), ("summary", "A claim added on the page.")];
                vec![page(Post, format!("/pieces/{piece}/claims"), &form)]
            }
            // Adding a piece through its form (the desk's pages).
            ("POST", "/pieces") => vec![Request::Page {
                method: Post,
                path: "/pieces".into(),
                form: vec![
                    ("title".into(), "A piece".into()),
                    ("published_at".into(), "2020-01-13".into()),
                    ("body".into(), new_text()),
                ],
            }],
            // A published check: a verdict the desk's editor set, signed off by someone else.
            ("GET", "/api/v1/claims/{id}/claimreview" | "/checks/{id}") => {
                let claim = self.claim_with_verdict().await;
                let (_, signer) = self.app.user(Role::Reviewer).await;
                let path = format!("/api/v1/claims/{claim}");
                let seen = self.app.get(&path).await.etag;
                let signed = self
                    .app
                    .send(
                        Post,
                        &format!("{path}/signoff"),
                        Some(&signer),
                        seen.as_deref(),
                        Some("{}".into()),
                    )
                    .await;
                assert_eq!(signed.status, Status::Ok, "{signed:#?}");
                if row.path.starts_with("/api/") {
                    vec![api(Get, format!("{path}/claimreview"), None, None)]
                } else {
                    vec![page(Get, format!("/checks/{claim}"), &[])]
                }
            }
            ("GET", "/api/v1/claims/{id}/similar") => {
                vec![api(
                    Get,
                    format!("/api/v1/claims/{claim}/similar"),
                    None,
                    None,
                )]
            }
            ("POST", "/api/v1/claims/{id}/anchor") => {
                let (claim, etag) = self.fresh_claim().await;
                vec![api(
                    Post,
                    format!("/api/v1/claims/{claim}/anchor"),
                    Some(etag),
                    Some(json!({ "quote": QUOTE })),
                )]
            }
            ("POST", "/api/v1/claims/{id}/archive") => {
                let (claim, etag) = self.fresh_claim().await;
                vec![api(
                    Post,
                    format!("/api/v1/claims/{claim}/archive"),
                    Some(etag),
                    Some(json!({ "reason": "Claimed twice." })),
                )]
            }
            ("POST", "/api/v1/claims/{id}/restore") => {
                let (claim, etag) = self.archived_claim().await;
                vec![api(
                    Post,
                    format!("/api/v1/claims/{claim}/restore"),
                    Some(etag),
                    Some(json!({})),
                )]
            }
            ("POST", "/api/v1/pieces/{id}/archive") => {
                let piece = self.app.create_another_piece(PIECE_BODY).await;
                vec![api(
                    Post,
                    format!("/api/v1/pieces/{piece}/archive"),
                    Some("\"1\"".into()),
                    Some(json!({ "reason": "Sent twice." })),
                )]
            }
            ("POST", "/api/v1/pieces/{id}/restore") => {
                let piece = self.archived_piece().await;
                vec![api(
                    Post,
                    format!("/api/v1/pieces/{piece}/restore"),
                    Some("\"2\"".into()),
                    Some(json!({})),
                )]
            }
            ("PATCH", "/api/v1/notes/{id}") => {
                let (_, note) = self.note_by(who).await;
                vec![api(
                    Patch,
                    format!("/api/v1/notes/{note}"),
                    Some("\"1\"".into()),
                    Some(json!({ "body": "Reworded." })),
                )]
            }
            ("POST", "/api/v1/notes/{id}/withdraw") => {
                let (_, note) = self.note_by(who).await;
                vec![api(
                    Post,
                    format!("/api/v1/notes/{note}/withdraw"),
                    Some("\"1\"".into()),
                    None,
                )]
            }
            ("GET", "/pieces/{id}/revisions") => {
                vec![page(Get, format!("/pieces/{piece}/revisions"), &[])]
            }
            ("GET", "/pieces/{id}/archive") => {
                vec![page(Get, format!("/pieces/{piece}/archive"), &[])]
            }
            ("POST", "/pieces/{id}/archive") => {
                let piece = self.app.create_another_piece(PIECE_BODY).await;
                let form = [
                    ("reason", "Sent twice."),
                    ("confirm", "yes"),
                    ("version", "1"),
                ];
                vec![page(Post, format!("/pieces/{piece}/archive"), &form)]
            }
            ("POST", "/pieces/{id}/restore") => {
                let piece = self.archived_piece().await;
                vec![page(
                    Post,
                    format!("/pieces/{piece}/restore"),
                    &[("version", "2")],
                )]
            }
            ("POST", "/archived/claims/{id}/restore") => {
                let (claim, _) = self.archived_claim().await;
                let path = format!("/archived/claims/{claim}/restore");
                vec![page(Post, path, &[("version", "2")])]
            }
            ("POST", "/claims/{id}/archive") => {
                let (claim, _) = self.fresh_claim().await;
                let form = [
                    ("reason", "Claimed twice."),
                    ("confirm", "yes"),
                    ("version", "1"),
                ];
                vec![page(Post, format!("/claims/{claim}/archive"), &form)]
            }
            ("POST", "/claims/{id}/restore") => {
                let (claim, _) = self.archived_claim().await;
                vec![page(
                    Post,
                    format!("/claims/{claim}/restore"),
                    &[("version", "2")],
                )]
            }
            ("POST", "/claims/{id}/anchor") => {
                let (claim, _) = self.fresh_claim().await;
                let form = [("quote", QUOTE), ("version", "1")];
                vec![page(Post, format!("/claims/{claim}/anchor"), &form)]
            }
            ("POST", "/claims/{id}/notes/{note}/edit") => {
                let (claim, note) = self.note_by(who).await;
                let form = [("body", "Reworded."), ("version", "1")];
                vec![page(
                    Post,
                    format!("/claims/{claim}/notes/{note}/edit"),
                    &form,
                )]
            }
            ("POST", "/claims/{id}/notes/{note}/withdraw") => {
                let (claim, note) = self.note_by(who).await;
                let path = format!("/claims/{claim}/notes/{note}/withdraw");
                vec![page(Post, path, &[("version", "1")])]
            }
            // Any other GET without an id needs nothing made first.
            ("GET", path) if !path.contains('{') => {
                if path.starts_with("/api/") {
                    vec![api(Get, path.into(), None, None)]
                } else {
                    vec![Request::Page {
                        method: Get,
                        path: path.into(),
                        form: Vec::new(),
                    }]
                }
            }
            _ => return Err("this test has no request for it: add one to `Desk::requests`".into()),
        };
        Ok(requests)
    }
}

#[rocket::async_test]
async fn every_principal_gets_what_the_readme_permission_table_says() {
    let table = permission_table();
    let app = spawn_app().await;
    let piece = app.create_piece(PIECE_BODY).await;
    let (claim, _) = app.create_claim(&piece, QUOTE).await;
    let desk = Desk {
        app: &app,
        piece,
        claim,
    };
    let mut principals = Vec::new();
    for column in COLUMNS {
        principals.push(Principal::new(&app, column).await);
    }

    let mut differences = Vec::new();
    for row in &table {
        for (who, allowed) in principals.iter().zip(row.allowed) {
            let expected = match (allowed, &who.account) {
                (true, _) => Outcome::Served,
                (false, None) => Outcome::NotSignedIn,
                (false, Some(_)) => Outcome::Forbidden,
            };
            let requests = match desk.requests(row, who).await {
                Ok(requests) => requests,
                Err(why) => {
                    differences.push(format!("{} as {}: {why}", row.route(), who.column));
                    continue;
                }
            };
            // Refused roles are refused before anything else is looked at: the same request
            // with a body no route takes and without `If-Match` is still 403 (not 422 or 428).
            let spoiled: Vec<Request> = match expected {
                Outcome::Forbidden => requests.iter().map(Request::spoiled).collect(),
                _ => Vec::new(),
            };
            for request in requests.into_iter().chain(spoiled) {
                let what = format!("{request:?}");
                let outcome = who.send(&app, request).await;
                if outcome != expected {
                    differences.push(format!(
                        "{} as {}: the table says {expected:?}, the app answered {outcome:?} to {what}",
                        row.route(),
                        who.column
                    ));
                }
            }
        }
    }
    assert!(
        differences.is_empty(),
        "the README's permission table and the app disagree:\n{}",
        differences.join("\n")
    );
}
