//! The piece page, `/pieces/{id}`: the piece's text with every claim marked in place (however
//! claims overlap or nest, as well-formed HTML), and its claims listed in text order.
use crate::support::html::{Browser, Page, assert_page_markup, tags, unescape};
use crate::support::{TestApp, spawn_app, spawn_app_with_demo};
use factdesk::domain::roles::Role;
use factdesk::domain::workflow::Status as WorkflowStatus;
use rocket::http::Status;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// What the marks in the piece's text say.
#[derive(Debug, Default)]
struct Marked {
    /// Each claim's text: every run inside one of its marks, joined (status words for screen
    /// readers left out).
    text: BTreeMap<String, String>,
    /// Each claim's `data-status`, `title` and how many marks it has.
    status: BTreeMap<String, String>,
    title: BTreeMap<String, String>,
    /// The claims each link in the text opens, by the claim of the mark it sits in.
    links: BTreeMap<String, BTreeSet<String>>,
    /// The text as a reader sees it, marks and all.
    shown: String,
}

/// Reads the piece's text (`<div class="piece-text">`) with a stack of open elements: panics if an
/// element is closed out of order, or left open, or a link is nested in a link.
fn marked(page: &Page) -> Marked {
    let html = &page.body;
    let open = "<div class=\"piece-text\" id=\"piece-text\">";
    let from = html.find(open).expect("the piece's text") + open.len();
    let to = from + html[from..].find("</div>").expect("its end");
    let mut rest = &html[from..to];
    let mut stack: Vec<(String, Option<String>, bool)> = Vec::new();
    let mut out = Marked::default();
    while !rest.is_empty() {
        let next = rest.find('<').unwrap_or(rest.len());
        let text = unescape(&rest[..next]);
        let hidden = stack.iter().any(|(_, _, hidden)| *hidden);
        if !hidden {
            out.shown.push_str(&text);
            for id in stack.iter().filter_map(|(_, id, _)| id.as_ref()) {
                out.text.entry(id.clone()).or_default().push_str(&text);
            }
        }
        rest = &rest[next..];
        if rest.is_empty() {
            break;
        }
        let end = rest.find('>').expect("a tag's end") + 1;
        let tag = &rest[..end];
        rest = &rest[end..];
        if let Some(name) = tag.strip_prefix("</") {
            let name = name.trim_end_matches('>');
            let (top, _, _) = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing: {html}"));
            assert_eq!(top, name, "<{top}> closed by </{name}>: out of order");
            continue;
        }
        let parsed = tags(tag).pop().expect("a start tag");
        let name = parsed.name.clone();
        let hidden = parsed.attribute("class") == Some("visually-hidden");
        let mut claim = None;
        match name.as_str() {
            "mark" => {
                let id = parsed
                    .attribute("data-claim-id")
                    .expect("a claim id")
                    .to_owned();
                let status = parsed
                    .attribute("data-status")
                    .expect("a status")
                    .to_owned();
                let title = parsed.attribute("title").expect("a title").to_owned();
                let class = parsed.attribute("class").unwrap_or_default();
                assert!(class.contains(&format!("status-{status}")), "{tag}");
                let before = out.status.insert(id.clone(), status.clone());
                assert!(before.is_none_or(|b| b == status), "{tag}");
                out.title.insert(id.clone(), title);
                claim = Some(id);
            }
            "a" => {
                assert!(
                    !stack.iter().any(|(n, _, _)| n == "a"),
                    "a link inside a link: {tag}"
                );
                let href = parsed.attribute("href").expect("an href");
                // Hover or keyboard focus shows the claim's status and summary.
                let title = parsed.attribute("title").expect("a title");
                assert_eq!(parsed.attribute("data-tip"), Some(title), "{tag}");
                let target = href.strip_prefix("/claims/").expect("a claim link");
                for id in stack.iter().filter_map(|(_, id, _)| id.as_ref()) {
                    out.links
                        .entry(id.clone())
                        .or_default()
                        .insert(target.to_owned());
                }
            }
            "span" => {}
            other => panic!("unexpected <{other}> in the text: {tag}"),
        }
        stack.push((name, claim, hidden));
    }
    assert!(stack.is_empty(), "left open: {stack:?}");
    out
}

/// The claims the API gives for a piece: (id, quote, status).
async fn api_claims(app: &TestApp, piece: &str) -> Vec<(String, String, String)> {
    let answer = app.get(&format!("/api/v1/pieces/{piece}")).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    answer.body["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c: &Value| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["selector"]["exact"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[track_caller]
fn assert_every_claim_marked_with_its_quote(page: &Page, claims: &[(String, String, String)]) {
    let marked = marked(page);
    let ids: BTreeSet<&String> = marked.text.keys().collect();
    let expected: BTreeSet<&String> = claims.iter().map(|(id, _, _)| id).collect();
    assert_eq!(ids, expected, "one data-claim-id per claim");
    for (id, quote, status) in claims {
        assert_eq!(&marked.text[id], quote, "the marks of claim {id}");
        assert_eq!(&marked.status[id], status, "claim {id}");
        let label = status.parse::<WorkflowStatus>().unwrap().label();
        assert!(
            marked.title[id].starts_with(&format!("{label}: ")),
            "the title says the status: {}",
            marked.title[id]
        );
        // The list beside the text links to the claim too.
        assert!(
            page.body
                .contains(&format!("class=\"piece-claim-text\" href=\"/claims/{id}\"")),
            "claim {id} in the list"
        );
    }
}

#[rocket::async_test]
async fn anonymous_visitors_are_sent_to_sign_in() {
    let app = spawn_app().await;
    let piece = app.create_piece("The minister said crime fell.").await;
    let browser = Browser::open(&app.db).await;

    let page = browser.get(&format!("/pieces/{piece}")).await;

    assert_eq!(page.status, Status::SeeOther, "{page:?}");
    assert_eq!(page.location(), Some("/login"));
}

#[rocket::async_test]
async fn a_reviewer_sees_the_demo_piece_with_one_mark_per_claim_reading_its_quote() {
    let (app, demo) = spawn_app_with_demo().await;
    let browser = app.browser_as(Role::Reviewer).await.1;
    let claims = api_claims(&app, &demo.to_string()).await;
    assert_eq!(claims.len(), 55);

    let page = browser.get(&format!("/pieces/{demo}")).await;

    page.assert_html("the demo piece", Status::Ok);
    assert_page_markup("the demo piece", &page.body);
    let distinct: BTreeSet<String> = tags(&page.body)
        .iter()
        .filter_map(|t| t.attribute("data-claim-id").map(str::to_owned))
        .collect();
    assert_eq!(distinct.len(), 55);
    assert_every_claim_marked_with_its_quote(&page, &claims);
    // The whole body is there, in order, as written.
    let body = app.get(&format!("/api/v1/pieces/{demo}")).await.body["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(marked(&page).shown, body);
    // The claims are listed in text order (as the API gives them).
    let positions: Vec<usize> = claims
        .iter()
        .map(|(id, _, _)| {
            page.body
                .find(&format!("class=\"piece-claim-text\" href=\"/claims/{id}\""))
                .unwrap()
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "in text order");
    assert!(page.body.contains("55 claims"), "{page:?}");
}

#[rocket::async_test]
async fn overlapping_and_nested_claims_render_as_well_formed_nested_marks() {
    let app = spawn_app().await;
    // Curly quotes, an apostrophe and an emoji: positions are characters, not bytes.
    let body = "It’s “official” 🎉: the strike killed Qassem Soleimani on 3 January 2020 near Baghdad airport.\n\nA second paragraph.";
    let piece = app.create_piece(body).await;
    let quotes = [
        "the strike killed Qassem Soleimani",  // overlaps the next
        "Qassem Soleimani on 3 January 2020",  // contains the next
        "3 January 2020",                      // nested
        "3 January 2020 near Baghdad airport", // starts with the one before
        "“official” 🎉",                       // multi-byte characters
        "It’s “official” 🎉: the strike",      // contains it, overlaps the first
        "airport.\n\nA second",                // across a paragraph break
    ];
    let mut ids = Vec::new();
    for quote in quotes {
        ids.push(app.create_claim(&piece, quote).await.0);
    }
    // A second claim on exactly the same words as another: refused now, but a desk may hold one
    // from before duplicates were caught (issue 12), so one is made behind the API's back.
    let twin = app
        .post(
            &format!("/api/v1/pieces/{piece}/claims"),
            &json!({ "quote": "January 2020", "summary": "The date of the strike." }),
        )
        .await;
    assert_eq!(twin.status, Status::Created, "{twin:#?}");
    let twin = twin.body["id"].as_str().unwrap().to_owned();
    {
        use diesel_async::RunQueryDsl;
        let moved = diesel::sql_query(
            "UPDATE claims AS twin SET quote_exact = c.quote_exact, quote_prefix = c.quote_prefix,
                 quote_suffix = c.quote_suffix, quote_start = c.quote_start, quote_end = c.quote_end
             FROM claims AS c WHERE twin.id = $1::uuid AND c.id = $2::uuid",
        )
        .bind::<diesel::sql_types::Text, _>(&twin)
        .bind::<diesel::sql_types::Text, _>(&ids[2])
        .execute(&mut app.db.conn().await)
        .await
        .unwrap();
        assert_eq!(moved, 1);
    }
    let browser = app.browser_as(Role::Editor).await.1;

    let page = browser.get(&format!("/pieces/{piece}")).await;

    page.assert_html("the piece", Status::Ok);
    assert_page_markup("the piece", &page.body);
    let claims = api_claims(&app, &piece).await;
    assert_eq!(claims.len(), quotes.len() + 1);
    assert_every_claim_marked_with_its_quote(&page, &claims);
    let marked = marked(&page);
    assert_eq!(marked.shown, body);
    // Where claims nest, the text links to the innermost; every claim not wholly covered by
    // others links to itself somewhere.
    for id in &ids[..2] {
        assert!(marked.links[id].contains(id), "claim {id} links to itself");
    }
    // Two claims on the same words: the text links to one of them, the list to both.
    let date_links = &marked.links[&ids[2]];
    assert!(
        date_links.iter().all(|t| *t == ids[2] || *t == twin),
        "{date_links:?}"
    );
}

#[rocket::async_test]
async fn the_list_shows_each_claims_status_priority_and_assignee() {
    let app = spawn_app().await;
    let piece = app
        .create_piece("The minister said crime fell by a third in 2019.")
        .await;
    let (claim, etag) = app.create_claim(&piece, "crime fell by a third").await;
    let (other, _) = app.create_claim(&piece, "in 2019").await;
    let change = json!({ "status": "in_progress", "priority": "high", "assignee": app.editor.id });
    let answer = app
        .patch(&format!("/api/v1/claims/{claim}"), Some(&etag), &change)
        .await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    let browser = app.browser_as(Role::Admin).await.1;

    let page = browser.get(&format!("/pieces/{piece}")).await;

    page.assert_html("the piece", Status::Ok);
    let marked = marked(&page);
    assert_eq!(marked.status[&claim], "in_progress");
    assert_eq!(marked.status[&other], "unchecked");
    assert_eq!(marked.title[&claim], "In progress: crime fell by a third");
    let text = unescape(&page.body);
    assert!(
        text.contains("[In progress claim]"),
        "status in words: {text}"
    );
    assert!(text.contains("[Unchecked claim]"), "{text}");
    assert!(text.contains("High priority"), "{text}");
    assert!(text.contains("Normal priority"), "{text}");
    assert!(
        text.contains(&format!("assigned to {}", app.editor.name)),
        "{text}"
    );
    assert!(text.contains("unassigned"), "{text}");
    assert!(
        page.body.contains("<time datetime=\"2020-01-13T00:00:00Z\" title=\"2020-01-13T00:00:00Z\">13 Jan 2020</time>"),
        "{page:?}"
    );
}

#[rocket::async_test]
async fn a_piece_without_claims_is_its_text_alone() {
    let app = spawn_app().await;
    let piece = app.create_piece("Nothing to check here.").await;
    let browser = app.browser_as(Role::Reviewer).await.1;

    let page = browser.get(&format!("/pieces/{piece}")).await;

    page.assert_html("the piece", Status::Ok);
    assert!(
        page.body
            .contains("<div class=\"piece-text\" id=\"piece-text\">Nothing to check here.</div>"),
        "{page:?}"
    );
    assert!(!page.body.contains("<mark"), "{page:?}");
    assert!(page.body.contains("No claims are anchored"), "{page:?}");
}

#[rocket::async_test]
async fn an_unknown_or_malformed_id_is_a_404_page() {
    let app = spawn_app().await;
    let browser = app.browser_as(Role::Reviewer).await.1;

    for path in [
        format!("/pieces/{}", uuid::Uuid::new_v4()),
        "/pieces/not-an-id".to_owned(),
        "/pieces/%3Cb%3E".to_owned(),
    ] {
        let page = browser.get(&path).await;

        page.assert_html(&path, Status::NotFound);
        assert_page_markup(&path, &page.body);
        assert!(!page.body.contains("<b>"), "{page:?}");
    }
}

/// The piece page's add-claim form, posted as a browser posts it.
async fn add_claim(browser: &Browser, piece: &str, fields: &[(&str, &str)]) -> Page {
    let token = browser
        .get(&format!("/pieces/{piece}"))
        .await
        .csrf_token()
        .expect("the piece page carries a token");
    let mut form = fields.to_vec();
    form.push(("csrf_token", &token));
    browser
        .post_form(&format!("/pieces/{piece}/claims"), &form)
        .await
}

const TWICE: &str = "Crime fell in March.\r\nCrime fell in March, the minister said.";

#[rocket::async_test]
async fn an_editor_adds_a_claim_by_pasting_its_words_and_sees_it_marked() {
    let app = spawn_app().await;
    let piece = app
        .create_piece("The minister said crime fell.\nCrime fell by 4.1 percent in March.")
        .await;
    let browser = app.browser_as(Role::Editor).await.1;
    let form = browser.get(&format!("/pieces/{piece}")).await;
    assert!(form.body.contains(r#"<form id="add-claim""#), "{form:?}");
    assert!(
        form.body.contains(crate::support::html::APP_SCRIPT),
        "{form:?}"
    );

    // Pasted from a browser: its line break comes as CRLF, the piece's is LF.
    let page = add_claim(
        &browser,
        &piece,
        &[
            ("quote", "crime fell.\r\nCrime fell by 4.1 percent"),
            ("claimant", "The minister"),
            ("summary", "Crime fell by 4.1 percent in March."),
            ("priority", "high"),
            ("start", ""),
        ],
    )
    .await;

    assert_eq!(page.status, Status::SeeOther, "{page:?}");
    let location = page.location().unwrap().to_owned();
    let prefix = format!("/pieces/{piece}?added=");
    assert!(location.starts_with(&prefix), "{location}");
    let claim = &location[prefix.len()..location.find('#').unwrap()];
    let stored = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(
        stored.body["selector"]["exact"],
        "crime fell.\nCrime fell by 4.1 percent"
    );
    assert_eq!(stored.body["selector"]["start"], 18);
    assert_eq!(stored.body["claimant"], "The minister");
    assert_eq!(stored.body["priority"], "high");
    // A browser keeps the fragment (`#claim-…`) to itself.
    let shown = browser.get(location.split('#').next().unwrap()).await;
    shown.assert_html("the piece after adding", Status::Ok);
    assert!(shown.body.contains("Claim added"), "{shown:?}");
    let marked = marked(&shown);
    assert_eq!(marked.text[claim], "crime fell.\nCrime fell by 4.1 percent");
    let history = app.get(&format!("/api/v1/claims/{claim}/history")).await;
    assert_eq!(history.body[0]["kind"], "created", "{history:?}");
}

#[rocket::async_test]
async fn a_quote_that_occurs_twice_asks_which_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let piece = app.create_piece(&TWICE.replace("\r\n", "\n")).await;
    let browser = app.browser_as(Role::Editor).await.1;

    let page = add_claim(
        &browser,
        &piece,
        &[
            ("quote", "Crime fell in March"),
            ("summary", "Typed <b>& kept</b>"),
        ],
    )
    .await;

    page.assert_html("an ambiguous quote", Status::UnprocessableEntity);
    assert_eq!(app.count("claims").await, 0, "nothing written");
    assert!(page.body.contains("occur 2 times"), "{page:?}");
    let choices: Vec<String> = tags(&page.body)
        .into_iter()
        .filter(|t| t.name == "input" && t.attribute("name") == Some("start"))
        .filter_map(|t| t.attribute("value").map(str::to_owned))
        .collect();
    assert_eq!(choices, ["0", "21"]);
    assert!(
        page.body
            .contains("Typed &#60;b&#62;&#38; kept&#60;/b&#62;"),
        "the summary is kept, escaped: {page:?}"
    );

    let chosen = add_claim(
        &browser,
        &piece,
        &[("quote", "Crime fell in March"), ("start", "21")],
    )
    .await;
    assert_eq!(chosen.status, Status::SeeOther, "{chosen:?}");
    let claims = app.get(&format!("/api/v1/pieces/{piece}")).await;
    assert_eq!(claims.body["claims"][0]["selector"]["start"], 21);
}

#[rocket::async_test]
async fn words_not_in_the_piece_or_a_bad_start_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let piece = app.create_piece("The minister said crime fell.").await;
    let browser = app.browser_as(Role::Editor).await.1;

    for (fields, says) in [
        (vec![("quote", "crime rose")], "does not occur"),
        (vec![("quote", "  ")], "quote"),
        (
            vec![("quote", "crime fell"), ("start", "two")],
            "character position",
        ),
        (
            vec![("quote", "crime fell"), ("start", "3")],
            "does not start at character 3",
        ),
        (
            vec![("quote", "crime fell"), ("priority", "urgent")],
            "priority",
        ),
    ] {
        let page = add_claim(&browser, &piece, &fields).await;
        page.assert_html("a refused claim", Status::UnprocessableEntity);
        assert!(page.body.contains(says), "{says:?} in {page:?}");
        assert!(page.body.contains("The claim was not added"), "{page:?}");
    }
    assert_eq!(app.count("claims").await, 0, "nothing written");
    assert_eq!(app.count("events").await, 0, "nothing written");
}

#[rocket::async_test]
async fn reviewers_get_no_add_claim_form_and_cannot_post_one() {
    let app = spawn_app().await;
    let piece = app.create_piece("The minister said crime fell.").await;
    let browser = app.browser_as(Role::Reviewer).await.1;

    let page = browser
        .get(&format!("/pieces/{piece}?added=not-a-claim"))
        .await;
    page.assert_html("the piece for a reviewer", Status::Ok);
    assert!(!page.body.contains("add-claim"), "{page:?}");
    // No selection script for a reviewer: only the live pages' one.
    let scripts = crate::support::html::without_app_scripts(&page.body);
    assert!(
        !page.body.contains("/static/factdesk.js") && !scripts.contains("<script"),
        "{page:?}"
    );
    assert!(!page.body.contains("Claim added"), "{page:?}");

    let refused = add_claim(&browser, &piece, &[("quote", "crime fell")]).await;
    refused.assert_html("a reviewer adding a claim", Status::Forbidden);
    let forged = browser
        .post_form(
            &format!("/pieces/{piece}/claims"),
            &[("quote", "crime fell")],
        )
        .await;
    forged.assert_html("no CSRF token", Status::Forbidden);
    assert_eq!(app.count("claims").await, 0, "nothing written");
}

#[rocket::async_test]
async fn an_editors_claim_without_this_browsers_csrf_token_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let piece = app.create_piece("The minister said crime fell.").await;
    let browser = app.browser_as(Role::Editor).await.1;
    let path = format!("/pieces/{piece}/claims");

    let missing = browser.post_form(&path, &[("quote", "crime fell")]).await;
    let forged = browser
        .post_form(&path, &[("quote", "crime fell"), ("csrf_token", "forged")])
        .await;

    missing.assert_html("no CSRF token", Status::Forbidden);
    forged.assert_html("a forged CSRF token", Status::Forbidden);
    assert_eq!(app.count("claims").await, 0, "nothing written");
    let allowed = add_claim(&browser, &piece, &[("quote", "crime fell")]).await;
    assert_eq!(
        allowed.status,
        Status::SeeOther,
        "with its token: {allowed:?}"
    );
}

#[rocket::async_test]
async fn a_claim_added_on_the_page_can_be_an_organisations_and_a_refused_one_keeps_the_choice() {
    let app = spawn_app().await;
    let piece = app
        .create_piece("The ministry said crime fell by 4.1 percent in March.")
        .await;
    let browser = app.browser_as(Role::Editor).await.1;
    let refused = add_claim(
        &browser,
        &piece,
        &[
            ("quote", "not in the piece"),
            ("claimant_kind", "organization"),
        ],
    )
    .await;
    refused.assert_html("a quote not in the piece", Status::UnprocessableEntity);
    let kept = tags(&refused.body).into_iter().any(|t| {
        t.name == "option"
            && t.attribute("value") == Some("organization")
            && t.attribute("selected").is_some()
    });
    assert!(kept, "the choice is kept: {refused:?}");
    assert_eq!(app.count("claims").await, 0, "nothing written");

    let added = add_claim(
        &browser,
        &piece,
        &[
            ("quote", "crime fell by 4.1 percent"),
            ("claimant", "The ministry"),
            ("claimant_kind", "organization"),
        ],
    )
    .await;
    assert_eq!(added.status, Status::SeeOther, "{added:?}");
    let claims = app.get(&format!("/api/v1/claims?piece={piece}")).await;
    assert_eq!(claims.body["items"][0]["claimant_kind"], "organization");
}
