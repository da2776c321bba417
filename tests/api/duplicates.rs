//! Duplicates are caught (issue 12): a piece whose text is already on the desk, a claim over
//! exactly the words of another claim of its piece, evidence whose address its claim already has.
//! Each answers 409 naming the one there, writes nothing, and the pages offer to open it.
use crate::support::html::Browser;
use crate::support::{TestApp, spawn_app};
use factdesk::domain::roles::Role;
use futures_util::future::join_all;
use rocket::http::Status;
use serde_json::{Value, json};

const TEXT: &str = "The minister said crime fell by a third in March. Critics said crime rose.";

/// The problem's `existing`, checked to name `kind` and `id` and to point at where it is read.
#[track_caller]
fn existing(body: &Value, kind: &str, id: &str, href: &str) {
    assert_eq!(body["existing"]["kind"], kind, "{body:#}");
    assert_eq!(body["existing"]["id"], id, "{body:#}");
    assert_eq!(body["existing"]["href"], href, "{body:#}");
}

async fn write_counts(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["pieces", "claims", "evidence", "events", "piece_events"] {
        counts.push(app.count(table).await);
    }
    counts
}

#[rocket::async_test]
async fn a_piece_whose_text_is_already_on_the_desk_is_refused_naming_it() {
    let app = spawn_app().await;
    let first = app.create_piece(TEXT).await;
    let before = write_counts(&app).await;

    let again = app
        .post(
            "/api/v1/pieces",
            &json!({ "title": "Sent twice", "body": TEXT, "published_at": "2020-01-14" }),
        )
        .await;
    let detail = again.assert_problem(409);
    assert!(detail.contains("A test piece"), "{detail}");
    assert!(detail.contains(&first), "{detail}");
    existing(
        &again.body,
        "piece",
        &first,
        &format!("/api/v1/pieces/{first}"),
    );
    assert_eq!(
        write_counts(&app).await,
        before,
        "a refused piece wrote nothing"
    );

    // Only the same text: one more character is another piece.
    app.create_piece(&format!("{TEXT} ")).await;
}

#[rocket::async_test]
async fn a_claim_over_exactly_the_words_of_another_is_refused_but_overlapping_ones_are_not() {
    let app = spawn_app().await;
    let piece = app.create_piece(TEXT).await;
    let (claim, _) = app.create_claim(&piece, "crime fell by a third").await;
    let before = write_counts(&app).await;

    let path = format!("/api/v1/pieces/{piece}/claims");
    let again = app
        .post(
            &path,
            &json!({ "quote": "crime fell by a third", "summary": "Again" }),
        )
        .await;
    let detail = again.assert_problem(409);
    assert!(detail.contains(&claim), "{detail}");
    existing(
        &again.body,
        "claim",
        &claim,
        &format!("/api/v1/claims/{claim}"),
    );
    assert_eq!(
        write_counts(&app).await,
        before,
        "a refused claim wrote nothing"
    );

    // Words inside it, around it, or the same words elsewhere are claims of their own.
    app.create_claim(&piece, "crime fell").await;
    app.create_claim(&piece, "said crime fell by a third").await;
    let other = app.create_piece(&format!("Later: {TEXT}")).await;
    app.create_claim(&other, "crime fell by a third").await;
}

#[rocket::async_test]
async fn evidence_whose_address_the_claim_has_is_refused_until_that_evidence_is_removed() {
    let app = spawn_app().await;
    let piece = app.create_piece(TEXT).await;
    let (claim, _) = app.create_claim(&piece, "crime fell by a third").await;
    let path = format!("/api/v1/claims/{claim}/evidence");
    let link = json!({ "url": "https://www.example.org/figures", "title": "Figures", "stance": "refutes" });
    let added = app.post(&path, &link).await;
    assert_eq!(added.status, Status::Created, "{added:#?}");
    let evidence = added.body["id"].as_str().unwrap().to_owned();
    let before = write_counts(&app).await;

    let again = app
        .post(&path, &json!({ "url": "https://www.example.org/figures", "title": "The same", "stance": "supports" }))
        .await;
    let detail = again.assert_problem(409);
    assert!(detail.contains(&evidence), "{detail}");
    existing(
        &again.body,
        "evidence",
        &evidence,
        &format!("/api/v1/claims/{claim}"),
    );
    assert_eq!(
        write_counts(&app).await,
        before,
        "refused evidence wrote nothing"
    );

    // Another claim may cite the same address; and once removed, it may be added again.
    let (other, _) = app.create_claim(&piece, "crime rose").await;
    let cited = app
        .post(&format!("/api/v1/claims/{other}/evidence"), &link)
        .await;
    assert_eq!(cited.status, Status::Created, "{cited:#?}");
    let removed = app.delete(&format!("/api/v1/evidence/{evidence}")).await;
    assert!(removed.status.code < 300, "{removed:#?}");
    let readded = app.post(&path, &link).await;
    assert_eq!(readded.status, Status::Created, "{readded:#?}");
}

#[rocket::async_test]
async fn the_same_piece_claim_or_evidence_sent_many_times_at_once_is_added_once() {
    let app = spawn_app().await;
    let sends = |path: &'static str, body: Value| {
        let app = &app;
        join_all((0..8).map(move |_| {
            let body = body.clone();
            async move { app.post(path, &body).await.status.code }
        }))
    };
    let piece = json!({ "title": "At once", "body": TEXT, "published_at": "2020-01-14" });
    let mut codes = sends("/api/v1/pieces", piece).await;
    codes.sort();
    assert_eq!(codes, [201, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(app.count("pieces").await, 1);

    let piece = app.get("/api/v1/pieces").await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path: &'static str = format!("/api/v1/pieces/{piece}/claims").leak();
    let mut codes = sends(path, json!({ "quote": "crime rose" })).await;
    codes.sort();
    assert_eq!(codes, [201, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(app.count("claims").await, 1);

    let claim = app.get(&format!("/api/v1/pieces/{piece}")).await.body["claims"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path: &'static str = format!("/api/v1/claims/{claim}/evidence").leak();
    let link = json!({ "url": "https://www.example.org/figures", "title": "Figures", "stance": "refutes" });
    let mut codes = sends(path, link).await;
    codes.sort();
    assert_eq!(codes, [201, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(app.count("evidence").await, 1);
}

/// Posts a page's form with the CSRF token its page carries.
async fn post_from(
    browser: &Browser,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> crate::support::html::Page {
    let token = browser
        .get(page)
        .await
        .csrf_token()
        .expect("the page carries a token");
    let mut form = fields.to_vec();
    form.push(("csrf_token", &token));
    browser.post_form(action, &form).await
}

#[rocket::async_test]
async fn the_pages_refuse_a_duplicate_with_what_was_typed_and_a_link_to_the_one_there() {
    let app = spawn_app().await;
    let (_, browser) = app.browser_as(Role::Editor).await;
    let piece = app.create_piece(TEXT).await;
    let (claim, _) = app.create_claim(&piece, "crime fell by a third").await;
    let url = "https://www.example.org/figures";
    let link = json!({ "url": url, "title": "Figures", "stance": "refutes" });
    let added = app
        .post(&format!("/api/v1/claims/{claim}/evidence"), &link)
        .await;
    let evidence = added.body["id"].as_str().unwrap().to_owned();

    let sent = post_from(
        &browser,
        "/pieces/new",
        "/pieces",
        &[
            ("title", "Typed again"),
            ("published_at", "2020-01-14"),
            ("body", TEXT),
        ],
    )
    .await;
    sent.assert_html("a piece sent twice", Status::Conflict);
    assert!(
        sent.body.contains(&format!("href=\"/pieces/{piece}\"")),
        "{}",
        sent.body
    );
    assert!(
        sent.body.contains("Open the piece already on the desk"),
        "{}",
        sent.body
    );
    assert!(
        sent.body.contains("value=\"Typed again\""),
        "what was typed is kept"
    );

    let page = format!("/pieces/{piece}");
    let sent = post_from(
        &browser,
        &page,
        &format!("/pieces/{piece}/claims"),
        &[
            ("quote", "crime fell by a third"),
            ("summary", "Typed again"),
        ],
    )
    .await;
    sent.assert_html("a claim over the same words", Status::Conflict);
    assert!(
        sent.body.contains(&format!("href=\"/claims/{claim}\"")),
        "{}",
        sent.body
    );
    assert!(sent.body.contains("Typed again"), "what was typed is kept");

    let page = format!("/claims/{claim}");
    let sent = post_from(
        &browser,
        &page,
        &format!("/claims/{claim}/evidence"),
        &[
            ("url", url),
            ("title", "Typed again"),
            ("stance", "supports"),
        ],
    )
    .await;
    sent.assert_html("evidence with the same address", Status::Conflict);
    let anchor = format!("href=\"/claims/{claim}#evidence-{evidence}\"");
    assert!(sent.body.contains(&anchor), "{}", sent.body);
    assert!(
        sent.body.contains(&format!("id=\"evidence-{evidence}\"")),
        "the link lands on it"
    );
    assert!(sent.body.contains("Typed again"), "what was typed is kept");
    assert_eq!(app.count("pieces").await, 1);
    assert_eq!(app.count("claims").await, 1);
    assert_eq!(app.count("evidence").await, 1);
}
