//! Editing a piece's details (issue 4): `PATCH /api/v1/pieces/{id}` with `If-Match`, its history
//! at `/api/v1/pieces/{id}/history`, and the page form at `/pieces/{id}/edit`. The text never
//! changes, claims stay anchored, every changed field leaves one append-only `piece_events` row,
//! and a refused edit writes nothing at all.
use crate::support::html::{Browser, Page, assert_page_markup, tags, unescape};
use crate::support::{Answer, TestApp, spawn_app};
use diesel_async::SimpleAsyncConnection;
use factdesk::domain::roles::Role;
use rocket::http::Status;
use serde_json::{Value, json};

const BODY: &str = "The mayor said the bridge cost 40 million. The council said it opened in May.";
const QUOTE: &str = "the bridge cost 40 million";
const UNKNOWN_ID: &str = "6f1c1a58-3b7e-4c1e-9d2a-0b8e4f5a7c31";

/// A piece with every optional detail set; returns its id.
async fn full_piece(app: &TestApp) -> String {
    let answer = app
        .post(
            "/api/v1/pieces",
            &json!({
                "title": "The bridge",
                "body": BODY,
                "outlet": "The Gazette",
                "url": "https://example.org/bridge",
                "authors": ["Carol E. Lee", "Courtney Kube"],
                "published_at": "2020-01-13",
            }),
        )
        .await;
    assert_eq!(answer.status, Status::Created, "{answer:#?}");
    answer.body["id"].as_str().unwrap().to_owned()
}

/// Everything an edit could change: the piece as the API reads it, and its history rows.
async fn state(app: &TestApp, piece: &str) -> (Value, i64) {
    let read = app.get(&format!("/api/v1/pieces/{piece}")).await;
    assert_eq!(read.status, Status::Ok, "{read:#?}");
    (read.body, app.count("piece_events").await)
}

async fn patch(app: &TestApp, piece: &str, if_match: Option<&str>, body: Value) -> Answer {
    app.patch(&format!("/api/v1/pieces/{piece}"), if_match, &body)
        .await
}

/// `(field, from, to)` of each history row, in order.
fn changes(rows: &[Value]) -> Vec<(String, Value, Value)> {
    rows.iter()
        .map(|row| {
            (
                row["field"].as_str().unwrap().to_owned(),
                row["from"].clone(),
                row["to"].clone(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The API

#[rocket::async_test]
async fn an_edit_without_a_matching_if_match_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let before = state(&app, &piece).await;
    assert_eq!(before.0["version"], 1);
    let edit = json!({ "title": "A new title" });

    let missing = patch(&app, &piece, None, edit.clone()).await;
    assert!(
        missing.assert_problem(428).contains("If-Match"),
        "{missing:#?}"
    );
    let star = patch(&app, &piece, Some("*"), edit.clone()).await;
    star.assert_problem(428);
    for stale in ["\"2\"", "\"0\"", "garbage", "W/\"1\"", "1"] {
        let answer = patch(&app, &piece, Some(stale), edit.clone()).await;
        answer.assert_problem(412);
    }
    assert_eq!(state(&app, &piece).await, before, "a refused edit wrote");

    // The ETag an edit replaced is stale from then on.
    let done = patch(&app, &piece, Some("\"1\""), edit).await;
    assert_eq!(done.status, Status::Ok, "{done:#?}");
    let after = state(&app, &piece).await;
    let again = patch(&app, &piece, Some("\"1\""), json!({ "title": "Another" })).await;
    assert!(
        again.assert_problem(412).contains("read it again"),
        "{again:#?}"
    );
    assert_eq!(state(&app, &piece).await, after, "a stale edit wrote");
}

#[rocket::async_test]
async fn an_edit_changes_the_details_bumps_the_version_and_records_each_change() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let read = app.get(&format!("/api/v1/pieces/{piece}")).await;
    assert_eq!(read.etag.as_deref(), Some("\"1\""), "{read:#?}");

    let edit = json!({
        "title": "  The bridge, corrected ",
        "outlet": null,
        "authors": ["Courtney Kube"],
        "published_at": "2020-01-14",
    });
    let answer = patch(&app, &piece, read.etag.as_deref(), edit).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    assert_eq!(answer.etag.as_deref(), Some("\"2\""));
    assert_eq!(answer.body["version"], 2);
    assert_eq!(answer.body["title"], "The bridge, corrected");
    assert_eq!(answer.body["outlet"], Value::Null, "null clears the outlet");
    assert_eq!(
        answer.body["url"], "https://example.org/bridge",
        "a field not sent stays"
    );
    assert_eq!(answer.body["authors"], json!(["Courtney Kube"]));
    assert_eq!(answer.body["published_at"], "2020-01-14T00:00:00Z");
    assert_eq!(answer.body["body"], BODY, "the text never changes");
    assert_eq!(answer.body["updated_by"], app.editor.id.to_string());

    let read = app.get(&format!("/api/v1/pieces/{piece}")).await;
    assert_eq!(read.etag.as_deref(), Some("\"2\""));
    assert_eq!(read.body["title"], "The bridge, corrected");
    assert_eq!(read.body["outlet"], Value::Null);

    let rows = app.piece_history(&piece).await;
    assert_eq!(
        changes(&rows),
        [
            (
                "title".to_owned(),
                json!("The bridge"),
                json!("The bridge, corrected")
            ),
            ("outlet".to_owned(), json!("The Gazette"), Value::Null),
            (
                "authors".to_owned(),
                json!("Carol E. Lee, Courtney Kube"),
                json!("Courtney Kube")
            ),
            (
                "published_at".to_owned(),
                json!("2020-01-13T00:00:00Z"),
                json!("2020-01-14T00:00:00Z")
            ),
        ]
    );
    for row in &rows {
        assert_eq!(row["actor"]["id"], app.editor.id.to_string(), "{row}");
        assert_eq!(row["actor"]["name"], app.editor.name.as_str(), "{row}");
        assert_eq!(row["piece_id"], piece.as_str(), "{row}");
        assert!(
            row["at"].as_str().is_some_and(|at| at.ends_with('Z')),
            "{row}"
        );
    }

    // A second edit sets what the first cleared, and says so from nothing.
    let answer = patch(
        &app,
        &piece,
        Some("\"2\""),
        json!({ "outlet": "The Herald", "url": null }),
    )
    .await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    assert_eq!(answer.etag.as_deref(), Some("\"3\""));
    let rows = app.piece_history(&piece).await;
    assert_eq!(
        changes(&rows[4..]),
        [
            ("outlet".to_owned(), Value::Null, json!("The Herald")),
            (
                "url".to_owned(),
                json!("https://example.org/bridge"),
                Value::Null
            ),
        ]
    );
}

#[rocket::async_test]
async fn an_edit_that_changes_nothing_keeps_the_version_and_records_nothing() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let before = state(&app, &piece).await;

    // Every value as it already is (the title with spaces the store trims away).
    let same = json!({
        "title": " The bridge ",
        "outlet": "The Gazette",
        "url": "https://example.org/bridge",
        "authors": ["Carol E. Lee", "Courtney Kube"],
        "published_at": "2020-01-13T00:00:00Z",
    });
    let answer = patch(&app, &piece, Some("\"1\""), same).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    assert_eq!(answer.etag.as_deref(), Some("\"1\""));
    assert_eq!(state(&app, &piece).await, before, "a no-op edit wrote");
    assert!(app.piece_history(&piece).await.is_empty());

    let empty = patch(&app, &piece, Some("\"1\""), json!({})).await;
    empty.assert_problem(422);
    let message = empty.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.starts_with("send at least one of title"),
        "{empty:#?}"
    );
    assert_eq!(state(&app, &piece).await, before, "an empty edit wrote");
}

#[rocket::async_test]
async fn bad_values_are_refused_naming_every_field_and_write_nothing() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let before = state(&app, &piece).await;

    let edit = json!({
        "title": "é".repeat(501),
        "outlet": " ",
        "url": "javascript:alert(1)",
        "authors": ["Courtney Kube", ""],
        "published_at": "13/01/2020",
    });
    let answer = patch(&app, &piece, Some("\"1\""), edit).await;
    answer.assert_problem(422);
    assert_eq!(
        answer.error_fields(),
        ["title", "outlet", "url", "authors", "published_at"],
        "{answer:#?}"
    );
    let message = |field: &str| {
        answer.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(message("title"), "is 501 characters long; the limit is 500");
    assert!(message("url").contains("http or https address"));
    assert!(message("published_at").contains("2020-01-13"));
    assert_eq!(state(&app, &piece).await, before, "a refused edit wrote");

    // A stale version is not even looked at before the values are checked: 422 either way.
    let stale = patch(&app, &piece, Some("\"9\""), json!({ "title": "" })).await;
    assert_eq!(stale.error_fields(), ["title"], "{stale:#?}");
    assert_eq!(state(&app, &piece).await, before);
}

#[rocket::async_test]
async fn a_reviewer_may_not_edit_and_an_unknown_piece_is_404() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let before = state(&app, &piece).await;
    let (_, reviewer) = app.user(Role::Reviewer).await;

    let refused = app
        .send(
            rocket::http::Method::Patch,
            &format!("/api/v1/pieces/{piece}"),
            Some(&reviewer),
            Some("\"1\""),
            Some(json!({ "title": "A new title" }).to_string()),
        )
        .await;
    assert!(
        refused
            .assert_problem(403)
            .contains("edit a piece's details"),
        "{refused:#?}"
    );
    assert_eq!(state(&app, &piece).await, before, "a refused edit wrote");
    // Reading the history is for everyone signed in.
    let read = app
        .send(
            rocket::http::Method::Get,
            &format!("/api/v1/pieces/{piece}/history"),
            Some(&reviewer),
            None,
            None,
        )
        .await;
    assert_eq!(read.status, Status::Ok, "{read:#?}");

    let unknown = patch(&app, UNKNOWN_ID, Some("\"1\""), json!({ "title": "x" })).await;
    assert!(
        unknown.assert_problem(404).starts_with("no "),
        "{unknown:#?}"
    );
    let unknown = app
        .get(&format!("/api/v1/pieces/{UNKNOWN_ID}/history"))
        .await;
    unknown.assert_problem(404);
    app.get("/api/v1/pieces/not-a-uuid/history")
        .await
        .assert_problem(404);
    assert_eq!(app.count("piece_events").await, 0);
}

#[rocket::async_test]
async fn claims_stay_anchored_where_they_were_after_an_edit() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let (claim, etag) = app.create_claim(&piece, QUOTE).await;
    let before = app.get(&format!("/api/v1/claims/{claim}")).await;

    let edit = json!({ "title": "Another headline", "published_at": "2021-06-01" });
    let answer = patch(&app, &piece, Some("\"1\""), edit).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");

    let after = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(after.body["selector"], before.body["selector"]);
    assert_eq!(after.body["selector"]["exact"], QUOTE);
    let start = after.body["selector"]["start"].as_u64().unwrap() as usize;
    let end = after.body["selector"]["end"].as_u64().unwrap() as usize;
    let shown: String = BODY.chars().skip(start).take(end - start).collect();
    assert_eq!(shown, QUOTE);
    assert_eq!(after.etag, Some(etag), "the claim's version is its own");
    let piece_now = app.get(&format!("/api/v1/pieces/{piece}")).await;
    assert_eq!(piece_now.body["claims"][0]["id"], claim.as_str());
    assert_eq!(
        piece_now.body["claims"][0]["selector"],
        before.body["selector"]
    );
}

#[rocket::async_test]
async fn the_database_refuses_to_change_or_delete_a_pieces_history() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let answer = patch(&app, &piece, Some("\"1\""), json!({ "title": "Edited" })).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    let mut conn = app.db.conn().await;
    for statement in [
        "UPDATE piece_events SET to_value = 'rewritten'".to_owned(),
        "DELETE FROM piece_events".to_owned(),
        "TRUNCATE piece_events".to_owned(),
        // Deleting the piece would take its history with it (ON DELETE CASCADE).
        format!("DELETE FROM pieces WHERE id = '{piece}'"),
    ] {
        let error = conn.batch_execute(&statement).await.expect_err(&statement);
        assert!(
            error.to_string().contains("append-only"),
            "{statement}: {error}"
        );
    }
    assert_eq!(app.count("piece_events").await, 1);
    assert_eq!(app.piece_history(&piece).await[0]["to"], "Edited");
}

// ---------------------------------------------------------------------------------------------
// The pages

#[track_caller]
fn assert_page(what: &str, page: &Page, status: Status) {
    page.assert_html(what, status);
    assert_page_markup(what, &page.body);
}

/// The value of the `input` named `name`.
fn value(page: &Page, name: &str) -> String {
    page.input(name)
        .unwrap_or_else(|| panic!("no input {name}: {page:?}"))
        .attribute("value")
        .unwrap_or_default()
        .to_owned()
}

/// The text of the authors' textarea, as a browser shows it.
fn authors_field(page: &Page) -> String {
    let open = "<textarea id=\"piece-authors\"";
    let from = page.body.find(open).expect("an authors field");
    let from = from + page.body[from..].find('>').unwrap() + 1;
    let to = from + page.body[from..].find("</textarea>").unwrap();
    // A browser drops the newline that starts a textarea.
    unescape(
        page.body[from..to]
            .strip_prefix('\n')
            .unwrap_or(&page.body[from..to]),
    )
}

/// The edit form's fields as the form holds them, with `changes` typed over them.
fn form_fields(form: &Page, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        "title",
        "outlet",
        "url",
        "published_at",
        "version",
        "seen",
        "csrf_token",
    ]
    .iter()
    .map(|name| ((*name).to_owned(), value(form, name)))
    .collect();
    fields.push(("authors".into(), authors_field(form)));
    for (name, typed) in changes {
        let slot = fields.iter_mut().find(|(n, _)| n == name).unwrap();
        slot.1 = (*typed).to_owned();
    }
    fields
}

async fn send_form(browser: &Browser, piece: &str, fields: &[(String, String)]) -> Page {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser
        .post_form(&format!("/pieces/{piece}/edit"), &fields)
        .await
}

#[rocket::async_test]
async fn an_editor_edits_the_details_through_the_form() {
    let app = spawn_app().await;
    let hostile = "Bridge <costs> & \"delays\"";
    let created = app
        .post(
            "/api/v1/pieces",
            &json!({
                "title": hostile,
                "body": BODY,
                "outlet": "The Gazette",
                "authors": ["Carol E. Lee", "Courtney Kube"],
                "published_at": "2020-01-13",
            }),
        )
        .await;
    let piece = created.body["id"].as_str().unwrap().to_owned();
    let browser = app.browser_for(&app.editor).await;

    let page = browser.get(&format!("/pieces/{piece}")).await;
    assert!(
        page.body
            .contains(&format!("href=\"/pieces/{piece}/edit\"")),
        "an editor is offered the form: {page:?}"
    );
    assert!(!page.body.contains("Details last edited"), "{page:?}");

    let form = browser.get(&format!("/pieces/{piece}/edit")).await;
    assert_page("the edit form", &form, Status::Ok);
    assert_eq!(value(&form, "title"), hostile);
    assert!(!form.body.contains(hostile), "escaped: {form:?}");
    assert_eq!(value(&form, "outlet"), "The Gazette");
    assert_eq!(value(&form, "url"), "");
    assert_eq!(value(&form, "published_at"), "2020-01-13T00:00:00Z");
    assert_eq!(authors_field(&form), "Carol E. Lee\nCourtney Kube");
    assert_eq!(value(&form, "version"), "1");
    assert_eq!(value(&form, "seen"), "0");
    assert!(
        !form.body.contains("name=\"body\""),
        "the text is not a field: {form:?}"
    );
    let action = tags(&form.body)
        .into_iter()
        .find(|t| t.name == "form" && t.attribute("class") == Some("piece-form"))
        .and_then(|t| t.attribute("action").map(str::to_owned));
    assert_eq!(action, Some(format!("/pieces/{piece}/edit")));

    let fields = form_fields(
        &form,
        &[
            ("title", "The bridge, corrected"),
            ("outlet", ""),
            ("url", "https://example.org/bridge"),
            ("authors", "Courtney Kube\r\n\r\nCarol E. Lee\r\n"),
            ("published_at", "2020-01-14"),
        ],
    );
    let saved = send_form(&browser, &piece, &fields).await;
    assert_eq!(saved.status, Status::SeeOther, "{saved:?}");
    assert_eq!(saved.location(), Some(format!("/pieces/{piece}").as_str()));

    let read = app.get(&format!("/api/v1/pieces/{piece}")).await;
    assert_eq!(read.body["title"], "The bridge, corrected");
    assert_eq!(
        read.body["outlet"],
        Value::Null,
        "an emptied outlet is none"
    );
    assert_eq!(read.body["url"], "https://example.org/bridge");
    assert_eq!(
        read.body["authors"],
        json!(["Courtney Kube", "Carol E. Lee"])
    );
    assert_eq!(read.body["published_at"], "2020-01-14T00:00:00Z");
    assert_eq!(read.body["body"], BODY);
    assert_eq!(read.etag.as_deref(), Some("\"2\""));
    let rows = app.piece_history(&piece).await;
    let fields: Vec<&str> = rows.iter().map(|r| r["field"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        ["title", "outlet", "url", "authors", "published_at"]
    );

    let page = browser.get(&format!("/pieces/{piece}")).await;
    assert_page("the piece after the edit", &page, Status::Ok);
    let text = unescape(&page.body);
    assert!(text.contains("The bridge, corrected"), "{page:?}");
    assert!(
        text.contains(&format!("Details last edited by {}", app.editor.name)),
        "{page:?}"
    );

    // The form made from the edited piece knows the new version and history.
    let form = browser.get(&format!("/pieces/{piece}/edit")).await;
    assert_eq!(value(&form, "version"), "2");
    assert_eq!(value(&form, "seen"), "5");
}

#[rocket::async_test]
async fn an_invalid_edit_comes_back_with_what_was_typed_and_writes_nothing() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let before = state(&app, &piece).await;
    let browser = app.browser_for(&app.editor).await;
    let form = browser.get(&format!("/pieces/{piece}/edit")).await;

    let typed_title = format!("Bridge <{}>", "x".repeat(500));
    let fields = form_fields(
        &form,
        &[
            ("title", &typed_title),
            ("url", "ftp://example.org/"),
            ("authors", "Courtney Kube\nA <new> author"),
            ("published_at", "yesterday"),
        ],
    );
    let page = send_form(&browser, &piece, &fields).await;
    assert_page("an invalid edit", &page, Status::UnprocessableEntity);
    assert_eq!(value(&page, "title"), typed_title);
    assert_eq!(value(&page, "url"), "ftp://example.org/");
    assert_eq!(value(&page, "published_at"), "yesterday");
    assert_eq!(authors_field(&page), "Courtney Kube\nA <new> author");
    assert_eq!(
        value(&page, "version"),
        "1",
        "still the version it was made on"
    );
    let text = unescape(&page.body);
    assert!(text.contains("Nothing was changed"), "{text}");
    assert!(text.contains("the limit is 500"), "{text}");
    assert!(text.contains("must be an http or https address"), "{text}");
    assert!(text.contains("must be a date"), "{text}");
    for id in ["piece-title", "piece-url", "piece-published_at"] {
        let tag = tags(&page.body)
            .into_iter()
            .find(|t| t.attribute("id") == Some(id))
            .unwrap();
        assert_eq!(tag.attribute("aria-invalid"), Some("true"), "{id}");
    }
    assert!(page.csrf_token().is_some(), "the form can be sent again");
    assert_eq!(state(&app, &piece).await, before, "a refused edit wrote");
}

#[rocket::async_test]
async fn a_stale_edit_is_refused_saying_what_changed_and_keeping_what_was_typed() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let (other, _) = app.user(Role::Editor).await;
    let mine = app.browser_for(&app.editor).await;
    let theirs = app.browser_for(&other).await;
    let my_form = mine.get(&format!("/pieces/{piece}/edit")).await;
    let their_form = theirs.get(&format!("/pieces/{piece}/edit")).await;

    let first = form_fields(&their_form, &[("title", "Their <better> title")]);
    let saved = send_form(&theirs, &piece, &first).await;
    assert_eq!(saved.status, Status::SeeOther, "{saved:?}");
    let after_theirs = state(&app, &piece).await;

    let late = form_fields(&my_form, &[("title", "My title"), ("outlet", "The Herald")]);
    let page = send_form(&mine, &piece, &late).await;
    assert_page("a stale edit", &page, Status::PreconditionFailed);
    assert_eq!(
        state(&app, &piece).await,
        after_theirs,
        "a stale edit wrote"
    );
    assert_eq!(value(&page, "title"), "My title", "what I typed is kept");
    assert_eq!(value(&page, "outlet"), "The Herald");
    assert_eq!(
        value(&page, "version"),
        "2",
        "sending it again is checked anew"
    );
    assert_eq!(value(&page, "seen"), "1");

    let from = page
        .body
        .find("class=\"what-changed\"")
        .expect("what changed since the form was opened");
    let to = from + page.body[from..].find("</div>").unwrap();
    let changed = unescape(&page.body[from..to]);
    assert!(changed.contains(&other.name), "who: {changed}");
    assert!(changed.contains("title"), "which field: {changed}");
    assert!(changed.contains("The bridge"), "from what: {changed}");
    assert!(
        changed.contains("Their <better> title"),
        "to what: {changed}"
    );
    assert!(
        !page.body.contains("Their <better> title"),
        "escaped: {page:?}"
    );

    // Having read what changed, I send my form again: it is checked against the new version.
    let again = form_fields(&page, &[]);
    let saved = send_form(&mine, &piece, &again).await;
    assert_eq!(saved.status, Status::SeeOther, "{saved:?}");
    let read = app.get(&format!("/api/v1/pieces/{piece}")).await;
    assert_eq!(read.body["title"], "My title");
    assert_eq!(read.body["outlet"], "The Herald");
    assert_eq!(read.body["version"], 3);
}

#[rocket::async_test]
async fn a_reviewer_may_not_open_or_send_the_edit_form() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let before = state(&app, &piece).await;
    let (reviewer, _) = app.user(Role::Reviewer).await;
    let browser = app.browser_for(&reviewer).await;

    let page = browser.get(&format!("/pieces/{piece}")).await;
    assert_page("the piece page as reviewer", &page, Status::Ok);
    assert!(!page.body.contains("/edit\""), "no edit link: {page:?}");

    let form = browser.get(&format!("/pieces/{piece}/edit")).await;
    assert_page("the edit form as reviewer", &form, Status::Forbidden);
    assert!(form.body.contains("edit a piece"), "says why: {form:?}");

    let token = browser.csrf_token().await;
    let fields = [
        ("title", "A reviewer's title"),
        ("published_at", "2020-01-13"),
        ("version", "1"),
        ("seen", "0"),
        ("csrf_token", token.as_str()),
    ];
    let page = browser
        .post_form(&format!("/pieces/{piece}/edit"), &fields)
        .await;
    assert_page("POST the edit as reviewer", &page, Status::Forbidden);
    assert_eq!(state(&app, &piece).await, before, "a refused edit wrote");
}

#[rocket::async_test]
async fn the_edit_form_without_its_csrf_token_is_refused() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let before = state(&app, &piece).await;
    let browser = app.browser_for(&app.editor).await;
    let form = browser.get(&format!("/pieces/{piece}/edit")).await;

    let mut fields = form_fields(&form, &[("title", "A forged title")]);
    fields.retain(|(name, _)| name != "csrf_token");
    let page = send_form(&browser, &piece, &fields).await;
    assert_page("POST the edit without a token", &page, Status::Forbidden);
    fields.push(("csrf_token".into(), "forged".into()));
    let page = send_form(&browser, &piece, &fields).await;
    assert_page("POST the edit with a wrong token", &page, Status::Forbidden);
    assert_eq!(state(&app, &piece).await, before, "a forged edit wrote");

    // Not signed in at all: sent to sign in, nothing written.
    let stranger = Browser::open(&app.db).await;
    let page = stranger.get(&format!("/pieces/{piece}/edit")).await;
    assert_eq!(page.location(), Some("/login"), "{page:?}");
    assert_eq!(state(&app, &piece).await, before);
}

#[rocket::async_test]
async fn an_unknown_piece_has_no_edit_form() {
    let app = spawn_app().await;
    let browser = app.browser_for(&app.editor).await;
    for path in [
        format!("/pieces/{UNKNOWN_ID}/edit"),
        "/pieces/not-a-uuid/edit".to_owned(),
    ] {
        let page = browser.get(&path).await;
        assert_page(&path, &page, Status::NotFound);
    }
}

#[rocket::async_test]
async fn the_new_piece_forms_authors_one_a_line_are_stored() {
    let app = spawn_app().await;
    let browser = app.browser_for(&app.editor).await;
    let form = browser.get("/pieces/new").await;
    assert_eq!(authors_field(&form), "", "an empty authors field");
    let token = form.csrf_token().unwrap();
    let page = browser
        .post_form(
            "/pieces",
            &[
                ("title", "The bridge"),
                ("published_at", "2020-01-13"),
                ("authors", "Carol E. Lee\r\n\r\n  Courtney Kube \r\n"),
                ("body", BODY),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(page.status, Status::SeeOther, "{page:?}");
    let id = page.location().unwrap().strip_prefix("/pieces/").unwrap();
    let read = app.get(&format!("/api/v1/pieces/{id}")).await;
    assert_eq!(
        read.body["authors"],
        json!(["Carol E. Lee", "Courtney Kube"])
    );

    // A refused form keeps the authors as typed.
    let typed = "Carol E. Lee\nCourtney Kube";
    let page = browser
        .post_form(
            "/pieces",
            &[
                ("title", ""),
                ("published_at", "2020-01-13"),
                ("authors", typed),
                ("body", BODY),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_page("an invalid piece", &page, Status::UnprocessableEntity);
    assert_eq!(authors_field(&page), typed);
}

#[rocket::async_test]
async fn an_edit_form_that_lost_its_version_is_refused_keeping_what_was_typed() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let before = state(&app, &piece).await;
    let browser = app.browser_for(&app.editor).await;
    let form = browser.get(&format!("/pieces/{piece}/edit")).await;

    for version in [None, Some("two")] {
        let mut fields = form_fields(&form, &[("title", "A title typed at length")]);
        fields.retain(|(name, _)| name != "version");
        if let Some(version) = version {
            fields.push(("version".into(), version.into()));
        }
        let page = send_form(&browser, &piece, &fields).await;
        assert_page(
            "an edit without its version",
            &page,
            Status::UnprocessableEntity,
        );
        assert!(
            unescape(&page.body).contains("lost the piece's version"),
            "{page:?}"
        );
        assert!(
            page.body.contains("A title typed at length"),
            "kept: {page:?}"
        );
    }
    assert_eq!(state(&app, &piece).await, before, "nothing written");
}

#[rocket::async_test]
async fn the_piece_page_names_whoever_edited_the_details_last() {
    let app = spawn_app().await;
    let piece = full_piece(&app).await;
    let (other, other_token) = app.user(Role::Editor).await;
    let browser = app.browser_for(&app.editor).await;
    let before = unescape(&browser.get(&format!("/pieces/{piece}")).await.body);
    assert!(!before.contains("Details last edited"), "never edited yet");

    let first = patch(&app, &piece, Some("\"1\""), json!({ "title": "First" })).await;
    assert_eq!(first.status, Status::Ok, "{first:#?}");
    let second = app
        .send(
            rocket::http::Method::Patch,
            &format!("/api/v1/pieces/{piece}"),
            Some(&other_token),
            Some("\"2\""),
            Some(json!({ "outlet": null, "title": "Second" }).to_string()),
        )
        .await;
    assert_eq!(second.status, Status::Ok, "{second:#?}");

    let page = unescape(&browser.get(&format!("/pieces/{piece}")).await.body);
    assert!(
        page.contains(&format!("Details last edited by {}", other.name)),
        "{page}"
    );
}
