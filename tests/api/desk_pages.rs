//! The desk `/`, search `/claims` and adding a piece (`/pieces/new`, `POST /pieces`): as each
//! role and anonymous, with and without the CSRF token.
use crate::support::html::{Browser, Page, assert_page_markup, tags, unescape};
use crate::support::{spawn_app, spawn_app_with_demo};
use factdesk::domain::roles::Role;
use rocket::http::Status;
use serde_json::json;

/// A page that loaded, kept to the markup rules, and labels every field it has.
#[track_caller]
fn assert_page(what: &str, page: &Page, status: Status) {
    page.assert_html(what, status);
    assert_page_markup(what, &page.body);
    let all = tags(&page.body);
    let labelled: Vec<&str> = all
        .iter()
        .filter(|t| t.name == "label")
        .filter_map(|t| t.attribute("for"))
        .collect();
    for field in all
        .iter()
        .filter(|t| matches!(t.name.as_str(), "input" | "select" | "textarea"))
        .filter(|t| t.attribute("type") != Some("hidden"))
    {
        let id = field.attribute("id").unwrap_or_default();
        assert!(
            !id.is_empty() && labelled.contains(&id),
            "{what}: a field without a label: {field:?}"
        );
    }
}

/// The HTML from the element with `id` to the end of its list (`</ul>`).
fn list_with_id<'a>(html: &'a str, id: &str) -> &'a str {
    let marker = format!("id=\"{id}\"");
    match html.find(&marker) {
        Some(start) => {
            let rest = &html[start..];
            &rest[..rest.find("</ul>").unwrap_or(rest.len())]
        }
        None => "",
    }
}

const BODY: &str = "The mayor said the bridge cost 40 million. The council said it opened in May. \
                    Traffic fell by a third.";

#[rocket::async_test]
async fn anonymous_visitors_are_sent_to_sign_in_from_every_desk_page() {
    let app = spawn_app().await;
    let browser = Browser::open(&app.db).await;
    for path in [
        "/",
        "/?status=unchecked",
        "/claims",
        "/claims?q=bridge",
        "/pieces/new",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, Status::SeeOther, "GET {path}: {page:?}");
        assert_eq!(page.location(), Some("/login"), "GET {path}");
    }
    let pieces = app.count("pieces").await;
    let token = browser.csrf_token().await;
    let fields = [
        ("title", "A piece"),
        ("published_at", "2020-01-13"),
        ("body", BODY),
        ("csrf_token", token.as_str()),
    ];
    let page = browser.post_form("/pieces", &fields).await;
    assert_eq!(page.location(), Some("/login"), "{page:?}");
    assert_eq!(app.count("pieces").await, pieces, "nothing written");
}

#[rocket::async_test]
async fn the_desk_shows_the_demo_pieces_progress_and_it_moves_with_a_verdict() {
    let (app, demo) = spawn_app_with_demo().await;
    let (reviewer, _) = app.user(Role::Reviewer).await;
    let browser = app.browser_for(&reviewer).await;

    let desk = browser.get("/").await;
    assert_page("the desk", &desk, Status::Ok);
    assert!(
        desk.body.contains(&format!("href=\"/pieces/{demo}\"")),
        "{desk:?}"
    );
    assert!(desk.body.contains("0 of 55 checked"), "{desk:?}");
    assert!(desk.body.contains("<meter"), "a progress bar: {desk:?}");
    // The navigation: no "Add a piece" for a reviewer; a skip link to the content.
    assert!(desk.body.contains("href=\"#main\""), "{desk:?}");
    assert!(desk.body.contains("href=\"/claims\""), "{desk:?}");
    assert!(!desk.body.contains("href=\"/pieces/new\""), "{desk:?}");

    let claims = app
        .get(&format!("/api/v1/claims?piece={demo}&limit=1"))
        .await;
    let claim = claims.body["items"][0]["id"].as_str().unwrap().to_owned();
    app.give_verdict(
        &claim,
        &json!({ "status": "accurate", "reason": "The record says so." }),
    )
    .await;

    let desk = browser.get("/").await;
    assert!(desk.body.contains("1 of 55 checked"), "{desk:?}");
    assert!(!desk.body.contains("0 of 55 checked"), "{desk:?}");
    // The claim is the most recently changed, and the status filter finds it in words.
    let recent = list_with_id(&desk.body, "recent");
    assert!(recent.contains(&format!("/claims/{claim}")), "{recent}");
    let accurate = browser.get("/?status=accurate").await;
    assert_page("the desk, filtered", &accurate, Status::Ok);
    let recent = list_with_id(&accurate.body, "recent");
    assert_eq!(recent.matches("href=\"/claims/").count(), 1, "{recent}");
    assert!(recent.contains("Accurate"), "{recent}");
    let unchecked = browser.get("/?status=unchecked").await;
    let recent = list_with_id(&unchecked.body, "recent");
    assert!(!recent.contains(&format!("/claims/{claim}")), "{recent}");
    assert_eq!(
        recent.matches("href=\"/claims/").count(),
        20,
        "the newest 20"
    );

    let editor = app.browser_for(&app.editor).await;
    let desk = editor.get("/").await;
    assert!(
        desk.body.contains("href=\"/pieces/new\""),
        "editors may add: {desk:?}"
    );
}

#[rocket::async_test]
async fn assigned_to_me_lists_only_my_open_claims() {
    let app = spawn_app().await;
    let (me, _) = app.user(Role::Editor).await;
    let (other, _) = app.user(Role::Reviewer).await;
    let piece = app.create_piece(BODY).await;
    let (mine, _) = app.create_claim(&piece, "the bridge cost 40 million").await;
    let (theirs, _) = app.create_claim(&piece, "it opened in May").await;
    let (done, _) = app.create_claim(&piece, "Traffic fell by a third").await;
    app.change_claim(&mine, &json!({ "assignee": &me.id }))
        .await;
    app.change_claim(&theirs, &json!({ "assignee": &other.id }))
        .await;
    app.change_claim(&done, &json!({ "assignee": &me.id }))
        .await;
    app.give_verdict(
        &done,
        &json!({ "status": "accurate", "reason": "The record says so." }),
    )
    .await;

    let browser = app.browser_for(&me).await;
    let desk = browser.get("/").await;
    assert_page("the desk", &desk, Status::Ok);
    let assigned = list_with_id(&desk.body, "assigned-to-me");
    assert!(assigned.contains(&format!("/claims/{mine}")), "{assigned}");
    assert!(
        !assigned.contains(&format!("/claims/{theirs}")),
        "{assigned}"
    );
    assert!(
        !assigned.contains(&format!("/claims/{done}")),
        "a verdict is not open: {assigned}"
    );
    assert!(desk.body.contains("1 of 3 checked"), "{desk:?}");

    // The assignee filter of the recent list.
    let filtered = browser.get(&format!("/?assignee={}", other.id)).await;
    let recent = list_with_id(&filtered.body, "recent");
    assert!(recent.contains(&format!("/claims/{theirs}")), "{recent}");
    assert_eq!(recent.matches("href=\"/claims/").count(), 1, "{recent}");

    let nobody = app.browser_for(&app.editor).await;
    let desk = nobody.get("/").await;
    assert!(
        desk.body.contains("Nothing open is assigned to you."),
        "{desk:?}"
    );
}

#[rocket::async_test]
async fn the_desk_lists_twenty_of_my_open_claims_of_each_status_and_links_to_the_rest() {
    let app = spawn_app().await;
    let (me, _) = app.user(Role::Editor).await;
    let body: String = (1..=23)
        .map(|n| format!("Fact number {n} is true. "))
        .collect();
    let piece = app.create_piece(&body).await;
    let mut unchecked = Vec::new();
    for n in 1..=22 {
        let (claim, _) = app
            .create_claim(&piece, &format!("Fact number {n} is true."))
            .await;
        app.change_claim(&claim, &json!({ "assignee": &me.id }))
            .await;
        unchecked.push(claim);
    }
    let (started, _) = app.create_claim(&piece, "Fact number 23 is true.").await;
    app.change_claim(&started, &json!({ "assignee": &me.id }))
        .await;
    app.change_claim(&started, &json!({ "status": "in_progress" }))
        .await;

    let browser = app.browser_for(&me).await;
    let desk = browser.get("/").await;
    assert_page("the desk", &desk, Status::Ok);
    let assigned = list_with_id(&desk.body, "assigned-to-me");
    assert_eq!(
        assigned.matches("href=\"/claims/").count(),
        21,
        "the 20 most recently changed unchecked claims and the one in progress: {assigned}"
    );
    assert!(
        assigned.contains(&format!("/claims/{started}")),
        "{assigned}"
    );
    for older in &unchecked[..2] {
        assert!(
            !assigned.contains(&format!("/claims/{older}\"")),
            "the two changed longest ago are a link away: {assigned}"
        );
    }
    let all = format!("/claims?status=unchecked&assignee={}", me.id);
    let links: Vec<String> = tags(&desk.body)
        .iter()
        .filter(|t| t.name == "a")
        .filter_map(|t| t.attribute("href"))
        .map(unescape)
        .filter(|href| href.starts_with("/claims?"))
        .collect();
    assert_eq!(
        links,
        std::slice::from_ref(&all),
        "the one list cut short is linked in full"
    );
    assert!(
        desk.body.contains("All my claims that are unchecked</a>"),
        "{desk:?}"
    );
    let everything = browser.get(&all).await;
    assert_page("all my unchecked claims", &everything, Status::Ok);
    for claim in &unchecked {
        assert!(
            everything.body.contains(&format!("/claims/{claim}")),
            "{claim} is among all my unchecked claims: {everything:?}"
        );
    }
    assert!(
        !everything.body.contains(&format!("/claims/{started}")),
        "{everything:?}"
    );
}

#[rocket::async_test]
async fn search_filters_by_status_and_words_and_counts_each_status() {
    let app = spawn_app().await;
    let (reviewer, _) = app.user(Role::Reviewer).await;
    let piece = app.create_piece(BODY).await;
    let other_piece = app.create_another_piece(BODY).await;
    let (bridge, _) = app.create_claim(&piece, "the bridge cost 40 million").await;
    let (opened, _) = app.create_claim(&piece, "it opened in May").await;
    let (traffic, _) = app
        .create_claim(&other_piece, "Traffic fell by a third")
        .await;
    app.change_claim(&bridge, &json!({ "summary": "The bridge's cost" }))
        .await;
    app.give_verdict(
        &opened,
        &json!({ "status": "accurate", "reason": "The record says so." }),
    )
    .await;
    let browser = app.browser_for(&reviewer).await;

    let all = browser.get("/claims").await;
    assert_page("search", &all, Status::Ok);
    let results = list_with_id(&all.body, "results");
    for claim in [&bridge, &opened, &traffic] {
        assert!(
            results.contains(&format!("href=\"/claims/{claim}\"")),
            "{results}"
        );
    }
    assert!(
        results.contains(&format!("href=\"/pieces/{piece}\"")),
        "{results}"
    );
    assert!(
        results.contains("The bridge&#39;s cost")
            || unescape(results).contains("The bridge's cost")
    );
    let counts = unescape(list_with_id(&all.body, "status-counts"));
    assert!(
        counts.contains("Unchecked</span> <span class=\"count\">2"),
        "{counts}"
    );
    assert!(
        counts.contains("Accurate</span> <span class=\"count\">1"),
        "{counts}"
    );
    assert!(all.body.contains("3 in all"), "{all:?}");

    let accurate = browser
        .get("/claims?status=accurate&q=&piece=&assignee=")
        .await;
    assert_page("search by status", &accurate, Status::Ok);
    let results = list_with_id(&accurate.body, "results");
    assert_eq!(results.matches("href=\"/claims/").count(), 1, "{results}");
    assert!(results.contains(&format!("/claims/{opened}")), "{results}");
    // The form keeps the choice.
    assert!(
        accurate
            .body
            .contains("<option value=\"accurate\" selected>"),
        "{accurate:?}"
    );

    let words = browser.get("/claims?q=BRIDGE").await;
    let results = list_with_id(&words.body, "results");
    assert_eq!(results.matches("href=\"/claims/").count(), 1, "{results}");
    assert!(results.contains(&format!("/claims/{bridge}")), "{results}");
    assert_eq!(words.input("q").unwrap().attribute("value"), Some("BRIDGE"));

    let by_piece = browser.get(&format!("/claims?piece={other_piece}")).await;
    let results = list_with_id(&by_piece.body, "results");
    assert_eq!(results.matches("href=\"/claims/").count(), 1, "{results}");
    assert!(results.contains(&format!("/claims/{traffic}")), "{results}");
    assert!(by_piece.body.contains("1 in all"), "{by_piece:?}");
}

#[rocket::async_test]
async fn search_pages_through_the_results_by_cursor() {
    let (app, demo) = spawn_app_with_demo().await;
    let browser = app.browser_for(&app.editor).await;

    let first = browser.get(&format!("/claims?piece={demo}")).await;
    assert_page("search, page 1", &first, Status::Ok);
    let results = list_with_id(&first.body, "results");
    assert_eq!(results.matches("href=\"/claims/").count(), 50, "{results}");
    let next = tags(&first.body)
        .into_iter()
        .find(|t| t.name == "a" && t.attribute("rel") == Some("next"))
        .and_then(|t| t.attribute("href").map(str::to_owned))
        .expect("a link to the next page");
    assert!(
        next.starts_with("/claims?") && next.contains("cursor="),
        "{next}"
    );
    assert!(
        next.contains(&format!("piece={demo}")),
        "the filters travel: {next}"
    );

    let second = browser.get(&next).await;
    assert_page("search, page 2", &second, Status::Ok);
    let results = list_with_id(&second.body, "results");
    assert_eq!(results.matches("href=\"/claims/").count(), 5, "{results}");
    assert!(
        !second.body.contains("rel=\"next\""),
        "the last page: {second:?}"
    );
    assert!(second.body.contains("First page"), "{second:?}");
    let first_ids: Vec<&str> = first.body.split("href=\"/claims/").skip(1).collect();
    for id in second.body.split("href=\"/claims/").skip(1) {
        let id = &id[..36];
        assert!(
            !first_ids.iter().any(|f| f.starts_with(id)),
            "{id} is on both pages"
        );
    }
}

#[rocket::async_test]
async fn bad_search_parameters_answer_a_readable_422_page() {
    let app = spawn_app().await;
    let browser = app.browser_for(&app.editor).await;
    for (path, field) in [
        ("/claims?status=done", "status"),
        ("/claims?piece=not-a-uuid", "piece"),
        ("/claims?assignee=42", "assignee"),
        ("/claims?cursor=nonsense", "cursor"),
        ("/?status=nope", "status"),
    ] {
        let page = browser.get(path).await;
        assert_page(path, &page, Status::UnprocessableEntity);
        assert!(page.body.contains(field), "{path}: names {field}: {page:?}");
        assert!(page.body.contains("href=\"/\""), "a way back: {page:?}");
    }
}

#[rocket::async_test]
async fn a_piece_as_long_as_the_api_takes_can_be_pasted_into_the_form() {
    let app = spawn_app().await;
    let browser = app.browser_for(&app.editor).await;
    let token = browser.get("/pieces/new").await.csrf_token().unwrap();
    // Curly quotes take nine bytes each once urlencoded: the form limit must allow for that.
    let body = "“Quoted” words, ".repeat(12_500);
    assert_eq!(body.chars().count(), 200_000);
    let fields = [
        ("title", "A long read"),
        ("published_at", "2020-01-13"),
        ("body", body.as_str()),
        ("csrf_token", &token),
    ];
    let page = browser.post_form("/pieces", &fields).await;
    assert_eq!(page.status, Status::SeeOther, "{page:?}");
}

#[rocket::async_test]
async fn an_editor_adds_a_piece_through_the_form() {
    let app = spawn_app().await;
    let browser = app.browser_for(&app.editor).await;

    let form = browser.get("/pieces/new").await;
    assert_page("the piece form", &form, Status::Ok);
    let token = form.csrf_token().expect("the form carries its token");
    for field in ["title", "outlet", "url", "published_at"] {
        assert!(form.input(field).is_some(), "a {field} field: {form:?}");
    }
    assert!(
        form.body
            .contains("<textarea id=\"piece-body\" name=\"body\""),
        "{form:?}"
    );

    let body = "First line.\r\nThe bridge cost 40 million.";
    let page = browser
        .post_form(
            "/pieces",
            &[
                ("title", "The bridge"),
                ("outlet", "The Gazette"),
                ("url", ""),
                ("published_at", "2020-01-13"),
                ("body", body),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(page.status, Status::SeeOther, "{page:?}");
    let location = page.location().unwrap().to_owned();
    let id = location.strip_prefix("/pieces/").expect("to the piece");
    let piece = app.get(&format!("/api/v1/pieces/{id}")).await;
    assert_eq!(piece.status, Status::Ok, "{piece:#?}");
    assert_eq!(piece.body["title"], "The bridge");
    assert_eq!(piece.body["outlet"], "The Gazette");
    assert_eq!(
        piece.body["url"],
        serde_json::Value::Null,
        "an empty url is none"
    );
    assert_eq!(
        piece.body["body"],
        "First line.\nThe bridge cost 40 million."
    );
    assert_eq!(piece.body["published_at"], "2020-01-13T00:00:00Z");
    assert_eq!(piece.body["created_by"], app.editor.id.to_string());

    let desk = browser.get("/").await;
    assert!(
        desk.body.contains(&format!("href=\"/pieces/{id}\"")),
        "{desk:?}"
    );
}

#[rocket::async_test]
async fn a_reviewer_may_not_add_a_piece() {
    let app = spawn_app().await;
    let (reviewer, _) = app.user(Role::Reviewer).await;
    let browser = app.browser_for(&reviewer).await;

    let form = browser.get("/pieces/new").await;
    assert_page("the piece form as reviewer", &form, Status::Forbidden);
    assert!(form.body.contains("add pieces"), "says why: {form:?}");

    let token = browser.csrf_token().await;
    let page = browser
        .post_form(
            "/pieces",
            &[
                ("title", "A piece"),
                ("published_at", "2020-01-13"),
                ("body", BODY),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_page("POST /pieces as reviewer", &page, Status::Forbidden);
    assert_eq!(app.count("pieces").await, 0, "nothing written");
}

#[rocket::async_test]
async fn the_piece_form_without_its_csrf_token_is_refused() {
    let app = spawn_app().await;
    let browser = app.browser_for(&app.editor).await;
    let fields = [
        ("title", "A piece"),
        ("published_at", "2020-01-13"),
        ("body", BODY),
    ];
    let page = browser.post_form("/pieces", &fields).await;
    assert_page("POST /pieces without a token", &page, Status::Forbidden);

    let wrong = [("csrf_token", "forged"), fields[0], fields[1], fields[2]];
    let page = browser.post_form("/pieces", &wrong).await;
    assert_page("POST /pieces with a wrong token", &page, Status::Forbidden);
    assert_eq!(app.count("pieces").await, 0, "nothing written");
}

#[rocket::async_test]
async fn an_invalid_piece_comes_back_with_what_was_typed_and_what_is_wrong() {
    let app = spawn_app().await;
    let browser = app.browser_for(&app.editor).await;
    let token = browser.csrf_token().await;
    let typed = "Bridge <costs> & \"delays\"";
    let page = browser
        .post_form(
            "/pieces",
            &[
                ("title", typed),
                ("url", "ftp://example.org/"),
                ("published_at", "yesterday"),
                ("body", "  "),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_page("an invalid piece", &page, Status::UnprocessableEntity);
    assert_eq!(page.input("title").unwrap().attribute("value"), Some(typed));
    assert_eq!(
        page.input("published_at").unwrap().attribute("value"),
        Some("yesterday")
    );
    assert!(!page.body.contains(typed), "escaped: {page:?}");
    let text = unescape(&page.body);
    assert!(text.contains("must be a date"), "{text}");
    assert!(text.contains("must be an http or https address"), "{text}");
    assert!(text.contains("must not be empty"), "the body: {text}");
    for field in ["piece-published_at", "piece-url", "piece-body"] {
        let tag = tags(&page.body)
            .into_iter()
            .find(|t| t.attribute("id") == Some(field))
            .unwrap();
        assert_eq!(tag.attribute("aria-invalid"), Some("true"), "{field}");
    }
    assert!(page.csrf_token().is_some(), "the form can be sent again");
    assert_eq!(app.count("pieces").await, 0, "nothing written");
}

/// A route that fails as a bug would, mounted only in this test.
#[rocket::get("/boom")]
fn boom() -> Result<&'static str, factdesk::web::error::AppError> {
    Err(factdesk::web::error::AppError::Internal(
        "a detail of the failure meant for the log only".into(),
    ))
}

#[rocket::async_test]
async fn a_failure_on_our_side_is_a_500_page_in_the_layout_with_a_way_back_and_no_detail() {
    let db = crate::support::TestDb::new().await;
    let config = factdesk::Config::from_env()
        .unwrap()
        .with_database_url(&db.url)
        .unwrap();
    let rocket = factdesk::rocket(config).mount("/test", rocket::routes![boom]);
    let client = rocket::local::asynchronous::Client::tracked(rocket)
        .await
        .unwrap();

    let response = client.get("/test/boom").dispatch().await;

    assert_eq!(response.status(), Status::InternalServerError);
    assert_eq!(
        response.content_type(),
        Some(rocket::http::ContentType::HTML)
    );
    let body = response.into_string().await.unwrap();
    crate::support::html::assert_page_markup("the 500 page", &body);
    assert!(body.contains("500 · Internal Server Error"), "{body}");
    assert!(body.contains("it has been logged"), "{body}");
    assert!(
        body.contains(r#"<a href="/">Back to the desk</a>"#),
        "{body}"
    );
    assert!(
        body.contains(r#"class="masthead""#),
        "in the layout: {body}"
    );
    assert!(!body.contains("meant for the log only"), "{body}");
}
