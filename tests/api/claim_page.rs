//! The claim status page, `/claims/{id}`, and its forms: what it shows, who may use each form,
//! CSRF on every one, and stale, refused and invalid forms answered with the claim as it is now
//! and nothing typed lost.
use crate::support::html::{Browser, Page, assert_page_markup, tags, unescape};
use crate::support::{TestApp, spawn_app};
use factdesk::domain::roles::Role;
use rocket::http::Status;
use serde_json::json;

const BODY: &str =
    "Officials said the strike killed Qassem Soleimani on 3 January 2020 near Baghdad airport.";
const QUOTE: &str = "killed Qassem Soleimani on 3 January 2020";

/// A piece and a claim on it (made by the desk's editor through the API).
async fn claim(app: &TestApp) -> (String, String) {
    let piece = app.create_another_piece(BODY).await;
    let (claim, _) = app.create_claim(&piece, QUOTE).await;
    (piece, claim)
}

/// The text in the `<textarea name=…>` of `page`, as the browser shows it.
fn textarea(page: &Page, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let mut rest = page.body.as_str();
    while let Some(at) = rest.find("<textarea") {
        rest = &rest[at..];
        let close = rest.find('>')?;
        if rest[..close].contains(&marker) {
            let end = rest.find("</textarea>")?;
            return Some(unescape(&rest[close + 1..end]));
        }
        rest = &rest[close..];
    }
    None
}

/// The value of the `<option selected>` in the `<select name=…>` of `page`.
fn selected(page: &Page, name: &str) -> Option<String> {
    let all = tags(&page.body);
    let start = all
        .iter()
        .position(|t| t.name == "select" && t.attribute("name") == Some(name))?;
    all[start + 1..]
        .iter()
        .take_while(|t| t.name == "option")
        .find(|t| t.attribute("selected").is_some())
        .and_then(|t| t.attribute("value").map(str::to_owned))
}

/// The page's CSRF token and the claim version its forms carry.
fn form_state(page: &Page) -> (String, String) {
    let token = page.csrf_token().expect("a csrf_token");
    let version = page
        .input("version")
        .and_then(|v| v.attribute("value").map(str::to_owned))
        .expect("a version field");
    (token, version)
}

/// What the claim's forms write to, counted behind the app's back.
async fn written(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("events").await,
        app.count("evidence").await,
        app.count("notes").await,
    )
}

#[rocket::async_test]
async fn the_page_shows_the_quote_in_context_the_piece_evidence_by_stance_notes_and_history() {
    let app = spawn_app().await;
    let (piece, claim) = claim(&app).await;
    let path = format!("/api/v1/claims/{claim}/evidence");
    for (stance, title) in [
        ("refutes", "Refuting source"),
        ("context", "Context source"),
        ("supports", "Supporting source"),
    ] {
        let url = format!("https://example.org/{stance}");
        let body = json!({ "url": url, "title": title, "stance": stance, "publisher": format!("{title} Press"), "archived_url": format!("https://web.archive.org/web/2020/{url}") });
        assert_eq!(app.post(&path, &body).await.status, Status::Created);
    }
    let note = json!({ "body": "Checked **twice** against the _Pentagon_ statement." });
    let posted = app
        .post(&format!("/api/v1/claims/{claim}/notes"), &note)
        .await;
    assert_eq!(posted.status, Status::Created);
    let (_, browser) = app.browser_as(Role::Reviewer).await;

    let page = browser.get(&format!("/claims/{claim}")).await;

    page.assert_html("the claim page", Status::Ok);
    assert_page_markup("the claim page", &page.body);
    let text = unescape(&page.body);
    assert!(
        page.body
            .contains("Officials said the strike <em>killed Qassem Soleimani on 3 January 2020</em> near Baghdad airport."),
        "the quote in its context: {page:?}"
    );
    assert!(
        page.body
            .contains(&format!("<a href=\"/pieces/{piece}\">A test piece</a>")),
        "{page:?}"
    );
    assert!(
        page.body.contains(
            r#"<time datetime="2020-01-13T00:00:00Z" title="2020-01-13T00:00:00Z">13 Jan 2020</time>"#
        ),
        "the piece's date, exact in a tooltip: {page:?}"
    );
    assert!(
        page.body.contains("status-badge status-unchecked"),
        "{page:?}"
    );
    assert!(text.contains("Status: </span>Unchecked"), "in words too");
    // Grouped by stance, in the order supports, refutes, context, each under its heading.
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in {page:?}"))
    };
    let order = [
        at("Supports (1)"),
        at("Supporting source"),
        at("Supporting source Press"),
        at("Refutes (1)"),
        at("Refuting source"),
        at("Context (1)"),
        at("Context source"),
    ];
    assert!(order.is_sorted(), "evidence by stance: {order:?}");
    let links: Vec<String> = tags(&page.body)
        .into_iter()
        .filter(|t| t.name == "a")
        .filter_map(|t| t.attribute("href").map(str::to_owned))
        .filter(|href| href.contains("/evidence/"))
        .collect();
    assert_eq!(links.len(), 0, "no detour through the app: {links:?}");
    let archived = tags(&page.body)
        .into_iter()
        .filter(|t| t.name == "a" && t.attribute("rel") == Some("noopener noreferrer"))
        .count();
    assert_eq!(
        archived, 6,
        "a link and an archive link each, straight to the source"
    );
    // The note, rendered from Markdown and sanitised.
    assert!(
        page.body.contains("<strong>twice</strong>") && page.body.contains("<em>Pentagon</em>"),
        "{page:?}"
    );
    // The history, oldest first, with names.
    let history = &text[at("History")..];
    let added = history.find("added the claim").unwrap();
    let evidence = history.find("added evidence").unwrap();
    let noted = history.find("added a note").unwrap();
    assert!(added < evidence && evidence < noted, "{history}");
    assert!(history.contains(&app.editor.name), "{history}");
    // A reviewer may add notes but not change the claim.
    assert!(textarea(&page, "body").is_some(), "the note form");
    assert!(textarea(&page, "reason").is_none(), "no status form");
    assert!(!page.body.contains("/remove\""), "no remove buttons");
}

#[rocket::async_test]
async fn evidence_links_go_straight_to_the_source_and_its_archive_telling_them_nothing() {
    let app = spawn_app().await;
    let (_, claim) = claim(&app).await;
    let body = json!({ "url": "https://www.bls.gov/news?id=1&x=2", "title": "The figures",
        "stance": "context", "archived_url": "https://web.archive.org/web/2020/https://www.bls.gov/" });
    let added = app
        .post(&format!("/api/v1/claims/{claim}/evidence"), &body)
        .await;
    assert_eq!(added.status, Status::Created, "{added:?}");
    let (_, browser) = app.browser_as(Role::Reviewer).await;

    let page = browser.get(&format!("/claims/{claim}")).await;

    page.assert_html("the claim page", Status::Ok);
    for address in [
        "https://www.bls.gov/news?id=1&#38;x=2",
        "https://web.archive.org/web/2020/https://www.bls.gov/",
    ] {
        assert!(
            page.body.contains(&format!(
                r#"<a href="{address}" rel="noopener noreferrer">"#
            )),
            "{address} linked with rel=noopener noreferrer: {}",
            page.body
        );
    }
}

async fn claim_on_new_piece(app: &TestApp) -> (String, String) {
    claim(app).await
}

#[rocket::async_test]
async fn a_status_change_with_evidence_and_a_reason_redirects_and_shows_the_verdict_and_its_history()
 {
    let app = spawn_app().await;
    let (_, claim) = claim(&app).await;
    let (editor, browser) = app.browser_as(Role::Editor).await;
    let page_path = format!("/claims/{claim}");
    let (token, _) = form_state(&browser.get(&page_path).await);

    let added = browser
        .post_form(
            &format!("/claims/{claim}/evidence"),
            &[
                ("url", "https://www.defense.gov/statement"),
                ("title", "Pentagon statement"),
                ("publisher", "US Department of Defense"),
                ("stance", "supports"),
                ("archived_url", ""),
                ("note", "Confirms the date."),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(added.status, Status::SeeOther, "{added:?}");
    assert_eq!(added.location(), Some(page_path.as_str()));
    let (_, version) = form_state(&browser.get(&page_path).await);
    let changed = browser
        .post_form(
            &format!("/claims/{claim}/status"),
            &[
                ("status", "accurate"),
                ("reason", "The Pentagon confirmed the strike and its date."),
                ("version", &version),
                ("csrf_token", &token),
            ],
        )
        .await;

    assert_eq!(changed.status, Status::SeeOther, "{changed:?}");
    assert_eq!(changed.location(), Some(page_path.as_str()));
    let page = browser.get(&page_path).await;
    let text = unescape(&page.body);
    assert!(
        page.body.contains("status-badge status-accurate"),
        "{page:?}"
    );
    assert!(text.contains("Status: </span>Accurate"));
    assert!(text.contains("The Pentagon confirmed the strike and its date."));
    let verdict = &text[text.find("Verdict set by").expect("who set the verdict")..];
    assert!(verdict[..200].contains(&editor.name), "{verdict}");
    let history = &text[text.find("History").unwrap()..];
    let change = &history[history.find("changed the status").expect("the change")..];
    assert!(change.contains("Unchecked</q>"), "{history}");
    assert!(
        change.contains("<q class=\"history-to\">Accurate</q>"),
        "{history}"
    );
    assert!(
        history.contains("Reason: The Pentagon confirmed"),
        "{history}"
    );
    assert!(text.contains("Pentagon statement") && text.contains("Confirms the date."));
    // The verdict's author is not offered the sign-off; a reviewer is, and signs it off.
    assert!(
        !page
            .body
            .contains(&format!("action=\"/claims/{claim}/signoff\""))
    );
    let (reviewer, second) = app.browser_as(Role::Reviewer).await;
    let seen = second.get(&page_path).await;
    assert!(
        seen.body
            .contains(&format!("action=\"/claims/{claim}/signoff\"")),
        "{seen:?}"
    );
    let (token, version) = form_state(&seen);
    let signed = second
        .post_form(
            &format!("/claims/{claim}/signoff"),
            &[
                ("note", "Read the statement."),
                ("version", &version),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(signed.status, Status::SeeOther, "{signed:?}");
    let after = unescape(&second.get(&page_path).await.body);
    let signed_off = &after[after.find("Signed off by").expect("who signed off")..];
    assert!(signed_off[..200].contains(&reviewer.name), "{signed_off}");
    assert!(after.contains("Read the statement."));
}

#[rocket::async_test]
async fn a_note_added_through_the_page_is_shown_rendered_from_markdown() {
    let app = spawn_app().await;
    let (_, claim) = claim(&app).await;
    let (reviewer, browser) = app.browser_as(Role::Reviewer).await;
    let page_path = format!("/claims/{claim}");
    let token = browser.get(&page_path).await.csrf_token().unwrap();

    let posted = browser
        .post_form(
            &format!("/claims/{claim}/notes"),
            &[
                ("body", "See the *second* paragraph:\n\n- one\n- two"),
                ("csrf_token", &token),
            ],
        )
        .await;

    assert_eq!(posted.status, Status::SeeOther, "{posted:?}");
    let page = browser.get(&page_path).await;
    assert!(page.body.contains("<em>second</em>"), "{page:?}");
    assert!(page.body.contains("<li>one</li>"), "{page:?}");
    assert!(unescape(&page.body).contains(&reviewer.name));
    assert_page_markup("after a note", &page.body);
}

/// Every form of the page, filled in validly for a fresh claim of its own. Returns
/// (what, path, fields); `version` is the claim's current one.
async fn forms(app: &TestApp) -> Vec<(&'static str, String, Vec<(&'static str, String)>)> {
    let mut forms = Vec::new();
    let fresh = async || {
        let (_, claim) = claim(app).await;
        claim
    };
    let claim = fresh().await;
    forms.push((
        "status",
        format!("/claims/{claim}/status"),
        vec![
            ("status", "in_progress".into()),
            ("reason", "Starting.".into()),
            ("version", "1".into()),
        ],
    ));
    let claim = fresh().await;
    forms.push((
        "details",
        format!("/claims/{claim}/details"),
        vec![
            ("summary", "The strike killed him on 3 January.".into()),
            ("claimant", "Officials".into()),
            ("priority", "high".into()),
            ("version", "1".into()),
        ],
    ));
    let claim = fresh().await;
    forms.push((
        "assign",
        format!("/claims/{claim}/assign"),
        vec![
            ("assignee", app.editor.id.to_string()),
            ("version", "1".into()),
        ],
    ));
    let claim = fresh().await;
    forms.push((
        "evidence",
        format!("/claims/{claim}/evidence"),
        vec![
            ("url", "https://example.org/x".into()),
            ("title", "A source".into()),
            ("stance", "context".into()),
        ],
    ));
    let claim = fresh().await;
    let evidence = app.add_evidence(&claim, "context").await;
    forms.push((
        "remove evidence",
        format!("/claims/{claim}/evidence/{evidence}/remove"),
        Vec::new(),
    ));
    let claim = fresh().await;
    forms.push((
        "note",
        format!("/claims/{claim}/notes"),
        vec![("body", "A *note*.".into())],
    ));
    // A verdict set by the desk's editor, at version 2, for anyone else to sign off.
    let claim = fresh().await;
    app.add_evidence(&claim, "supports").await;
    let verdict = json!({ "status": "accurate", "reason": "Confirmed." });
    let set = app
        .patch(&format!("/api/v1/claims/{claim}"), Some("\"1\""), &verdict)
        .await;
    assert_eq!(set.status, Status::Ok, "{set:?}");
    forms.push((
        "signoff",
        format!("/claims/{claim}/signoff"),
        vec![("note", "Agreed.".into()), ("version", "2".into())],
    ));
    forms
}

async fn send(
    browser: &Browser,
    path: &str,
    fields: &[(&'static str, String)],
    token: Option<&str>,
) -> Page {
    let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    if let Some(token) = token {
        pairs.push(("csrf_token", token));
    }
    browser.post_form(path, &pairs).await
}

#[rocket::async_test]
async fn each_form_is_served_to_an_editor_and_only_notes_and_sign_off_to_a_reviewer() {
    let app = spawn_app().await;
    let (_, reviewer) = app.browser_as(Role::Reviewer).await;
    let (_, editor) = app.browser_as(Role::Editor).await;
    let reviewer_token = reviewer.get("/").await.csrf_token().unwrap();
    let editor_token = editor.get("/").await.csrf_token().unwrap();

    for (what, path, fields) in forms(&app).await {
        let reviewer_may = matches!(what, "note" | "signoff");
        let before = written(&app).await;
        let answer = send(&reviewer, &path, &fields, Some(&reviewer_token)).await;
        if reviewer_may {
            assert_eq!(
                answer.status,
                Status::SeeOther,
                "reviewer, {what}: {answer:?}"
            );
            continue;
        }
        answer.assert_html(&format!("reviewer, {what}"), Status::Forbidden);
        assert_eq!(
            written(&app).await,
            before,
            "reviewer, {what}: something was written"
        );
        let answer = send(&editor, &path, &fields, Some(&editor_token)).await;
        assert_eq!(
            answer.status,
            Status::SeeOther,
            "editor, {what}: {answer:?}"
        );
        let claim_page = path.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
        assert_eq!(
            answer.location(),
            Some(claim_page.as_str()),
            "editor, {what}"
        );
        assert_ne!(
            written(&app).await,
            before,
            "editor, {what}: nothing was written"
        );
    }
}

#[rocket::async_test]
async fn every_form_without_its_csrf_token_or_signed_out_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let (_, admin) = app.browser_as(Role::Admin).await;
    let anonymous = Browser::open(&app.db).await;
    let anonymous_token = anonymous.csrf_token().await;

    for (what, path, fields) in forms(&app).await {
        let before = written(&app).await;
        for (who, page) in [
            ("no token", send(&admin, &path, &fields, None).await),
            (
                "a wrong token",
                send(&admin, &path, &fields, Some("forged")).await,
            ),
            (
                "signed out",
                send(&anonymous, &path, &fields, Some(&anonymous_token)).await,
            ),
        ] {
            if who == "signed out" {
                assert_eq!(page.status, Status::SeeOther, "{what}, {who}: {page:?}");
                assert_eq!(page.location(), Some("/login"), "{what}, {who}");
            } else {
                page.assert_html(&format!("{what}, {who}"), Status::Forbidden);
                assert_page_markup(what, &page.body);
            }
            assert_eq!(
                written(&app).await,
                before,
                "{what}, {who}: something was written"
            );
        }
    }
}

#[rocket::async_test]
async fn a_stale_form_is_refused_shows_the_claim_as_it_is_now_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let (_, first) = app.browser_as(Role::Editor).await;
    let (mover, second) = app.browser_as(Role::Editor).await;
    let (_, claim) = claim(&app).await;
    let page_path = format!("/claims/{claim}");
    let opened = first.get(&page_path).await;
    let (token, version) = form_state(&opened);
    assert_eq!(version, "1");
    let seen = opened
        .input("seen")
        .and_then(|t| t.attribute("value").map(str::to_owned));
    assert_eq!(
        seen.as_deref(),
        Some("1"),
        "the page showed one event: the claim's creation"
    );
    // Someone else moves the claim on meanwhile.
    let (other_token, _) = form_state(&second.get(&page_path).await);
    let moved = second
        .post_form(
            &format!("/claims/{claim}/status"),
            &[
                ("status", "in_progress"),
                ("version", "1"),
                ("csrf_token", &other_token),
            ],
        )
        .await;
    assert_eq!(moved.status, Status::SeeOther, "{moved:?}");
    let before = written(&app).await;

    let typed = "My careful <reasoning> & \"quotes\", typed at length.";
    let stale = first
        .post_form(
            &format!("/claims/{claim}/status"),
            &[
                ("status", "in_progress"),
                ("reason", typed),
                ("version", &version),
                ("seen", "1"),
                ("csrf_token", &token),
            ],
        )
        .await;

    stale.assert_html("a stale status form", Status::PreconditionFailed);
    // What changed since the form's page was opened: the other editor's move, and only that.
    let text = unescape(&stale.body);
    let changed = &text[text.find("class=\"what-changed\"").expect("what changed")..];
    let changed = &changed[..changed.find("</div>").unwrap()];
    assert!(
        changed.contains(&format!(
            "<strong>{}</strong> changed the status",
            mover.name
        )),
        "{changed}"
    );
    assert!(
        changed.contains("to <q class=\"history-to\">In progress</q>"),
        "{changed}"
    );
    assert!(
        !changed.contains("added the claim"),
        "only what it missed: {changed}"
    );
    assert_page_markup("a stale status form", &stale.body);
    assert!(
        stale.body.contains("status-badge status-in_progress"),
        "as it is now: {stale:?}"
    );
    assert!(unescape(&stale.body).contains("This claim changed after you opened it"));
    assert_eq!(
        textarea(&stale, "reason").as_deref(),
        Some(typed),
        "the reason kept"
    );
    assert!(!stale.body.contains(typed), "escaped");
    let (_, now) = form_state(&stale);
    assert_eq!(now, "2", "the form carries the version it now shows");
    assert_eq!(written(&app).await, before, "nothing written");

    // The same for the wording and the sign-off: what was typed comes back.
    let summary = "A summary typed over a stale form.";
    let stale = first
        .post_form(
            &format!("/claims/{claim}/details"),
            &[
                ("summary", summary),
                ("claimant", "Officials"),
                ("priority", "high"),
                ("version", "1"),
                ("csrf_token", &token),
            ],
        )
        .await;
    stale.assert_html("a stale details form", Status::PreconditionFailed);
    assert_eq!(textarea(&stale, "summary").as_deref(), Some(summary));
    assert_eq!(selected(&stale, "priority").as_deref(), Some("high"));
    assert_eq!(
        stale
            .input("claimant")
            .and_then(|i| i.attribute("value").map(str::to_owned))
            .as_deref(),
        Some("Officials")
    );
    assert_eq!(written(&app).await, before, "nothing written");
}

#[rocket::async_test]
async fn a_stale_sign_off_is_refused_and_keeps_its_note() {
    let app = spawn_app().await;
    let (_, claim) = claim(&app).await;
    app.add_evidence(&claim, "supports").await;
    let verdict = json!({ "status": "false", "reason": "No record of it." });
    let path = format!("/api/v1/claims/{claim}");
    assert_eq!(
        app.patch(&path, Some("\"1\""), &verdict).await.status,
        Status::Ok
    );
    let (_, reviewer) = app.browser_as(Role::Reviewer).await;
    let (token, version) = form_state(&reviewer.get(&format!("/claims/{claim}")).await);
    assert_eq!(version, "2");
    // The verdict is reopened and set again before the reviewer sends the form.
    let reopen = json!({ "status": "in_progress", "reason": "A new source." });
    assert_eq!(
        app.patch(&path, Some("\"2\""), &reopen).await.status,
        Status::Ok
    );
    let again = json!({ "status": "misleading", "reason": "Partly true." });
    assert_eq!(
        app.patch(&path, Some("\"3\""), &again).await.status,
        Status::Ok
    );
    let before = written(&app).await;

    let note = "I read the statement <twice>.";
    let stale = reviewer
        .post_form(
            &format!("/claims/{claim}/signoff"),
            &[
                ("note", note),
                ("version", &version),
                ("csrf_token", &token),
            ],
        )
        .await;

    stale.assert_html("a stale sign-off", Status::PreconditionFailed);
    assert!(
        stale.body.contains("status-badge status-misleading"),
        "{stale:?}"
    );
    assert_eq!(textarea(&stale, "note").as_deref(), Some(note));
    assert_eq!(written(&app).await, before);
}

#[rocket::async_test]
async fn refused_and_invalid_forms_answer_readable_pages_with_the_form_refilled() {
    let app = spawn_app().await;
    let (_, claim) = claim(&app).await;
    let (_, editor) = app.browser_as(Role::Editor).await;
    let (token, version) = form_state(&editor.get(&format!("/claims/{claim}")).await);
    let before = written(&app).await;

    // A verdict without evidence: the workflow refuses it (409).
    let reason = "It is accurate, I am sure.";
    let refused = editor
        .post_form(
            &format!("/claims/{claim}/status"),
            &[
                ("status", "accurate"),
                ("reason", reason),
                ("version", &version),
                ("csrf_token", &token),
            ],
        )
        .await;
    refused.assert_html("a verdict without evidence", Status::Conflict);
    assert!(unescape(&refused.body).contains("a verdict needs at least one evidence link"));
    assert_eq!(textarea(&refused, "reason").as_deref(), Some(reason));
    assert_eq!(selected(&refused, "status").as_deref(), Some("accurate"));

    // Evidence with a bad address and no title (422): every field comes back.
    let invalid = editor
        .post_form(
            &format!("/claims/{claim}/evidence"),
            &[
                ("url", "not an address"),
                ("title", ""),
                ("publisher", "The <Publisher>"),
                ("stance", "refutes"),
                ("archived_url", "ftp://example.org/x"),
                ("note", "Kept note."),
                ("csrf_token", &token),
            ],
        )
        .await;
    invalid.assert_html("invalid evidence", Status::UnprocessableEntity);
    assert_page_markup("invalid evidence", &invalid.body);
    let value = |name: &str| {
        invalid
            .input(name)
            .and_then(|i| i.attribute("value").map(str::to_owned))
    };
    assert_eq!(value("url").as_deref(), Some("not an address"));
    assert_eq!(value("publisher").as_deref(), Some("The <Publisher>"));
    assert_eq!(
        value("archived_url").as_deref(),
        Some("ftp://example.org/x")
    );
    assert_eq!(selected(&invalid, "stance").as_deref(), Some("refutes"));
    assert_eq!(textarea(&invalid, "note").as_deref(), Some("Kept note."));
    let text = unescape(&invalid.body);
    for field in ["url", "title", "archived_url"] {
        assert!(
            text.contains(&format!("<strong>{field}</strong>")),
            "{field}: {text}"
        );
    }

    // An empty note (422), and a version that is not one.
    let empty = editor
        .post_form(
            &format!("/claims/{claim}/notes"),
            &[("body", "  "), ("csrf_token", &token)],
        )
        .await;
    empty.assert_html("an empty note", Status::UnprocessableEntity);
    let mangled = editor
        .post_form(
            &format!("/claims/{claim}/details"),
            &[
                ("summary", "Kept summary."),
                ("version", "x"),
                ("csrf_token", &token),
            ],
        )
        .await;
    mangled.assert_html("a mangled version", Status::UnprocessableEntity);
    assert_eq!(
        textarea(&mangled, "summary").as_deref(),
        Some("Kept summary.")
    );
    assert_eq!(written(&app).await, before, "nothing written");
}

#[rocket::async_test]
async fn removing_evidence_takes_it_off_the_page_and_only_this_claims_evidence_can_be() {
    let app = spawn_app().await;
    let (_, claim) = claim(&app).await;
    let (_, other) = claim_on_new_piece(&app).await;
    let evidence = app.add_evidence(&claim, "refutes").await;
    let elsewhere = app.add_evidence(&other, "refutes").await;
    let (_, editor) = app.browser_as(Role::Editor).await;
    let page_path = format!("/claims/{claim}");
    let page = editor.get(&page_path).await;
    let remove = format!("/claims/{claim}/evidence/{evidence}/remove");
    assert!(
        page.body.contains(&format!("action=\"{remove}\"")),
        "{page:?}"
    );
    let (token, _) = form_state(&page);
    let before = written(&app).await;

    let foreign = editor
        .post_form(
            &format!("/claims/{claim}/evidence/{elsewhere}/remove"),
            &[("csrf_token", &token)],
        )
        .await;
    foreign.assert_html("another claim's evidence", Status::Gone);
    assert_eq!(written(&app).await, before, "nothing written");

    let removed = editor.post_form(&remove, &[("csrf_token", &token)]).await;

    assert_eq!(removed.status, Status::SeeOther, "{removed:?}");
    let page = editor.get(&page_path).await;
    assert!(unescape(&page.body).contains("Refutes (0)"), "{page:?}");
    assert!(
        unescape(&page.body).contains("removed evidence"),
        "in the history"
    );
}

#[rocket::async_test]
async fn the_page_needs_a_session_and_a_claim_that_exists() {
    let app = spawn_app().await;
    let (_, claim) = claim(&app).await;
    let anonymous = Browser::open(&app.db).await;
    let (_, reviewer) = app.browser_as(Role::Reviewer).await;

    let away = anonymous.get(&format!("/claims/{claim}")).await;
    let unknown = reviewer
        .get(&format!("/claims/{}", uuid::Uuid::new_v4()))
        .await;
    let not_an_id = reviewer.get("/claims/not-an-id").await;

    assert_eq!(away.status, Status::SeeOther);
    assert_eq!(away.location(), Some("/login"));
    unknown.assert_html("an unknown claim", Status::NotFound);
    not_an_id.assert_html("not an id", Status::NotFound);
    assert_page_markup("404", &unknown.body);
}

#[rocket::async_test]
async fn the_last_evidence_of_a_standing_verdict_stays_and_unknown_claims_answer_404_pages() {
    let app = spawn_app().await;
    let (_, claim) = claim(&app).await;
    let evidence = app.add_evidence(&claim, "supports").await;
    let verdict = json!({ "status": "accurate", "reason": "Confirmed." });
    let set = app
        .patch(&format!("/api/v1/claims/{claim}"), Some("\"1\""), &verdict)
        .await;
    assert_eq!(set.status, Status::Ok, "{set:?}");
    let (_, editor) = app.browser_as(Role::Editor).await;
    let token = editor.get("/").await.csrf_token().unwrap();
    let before = written(&app).await;

    let refused = editor
        .post_form(
            &format!("/claims/{claim}/evidence/{evidence}/remove"),
            &[("csrf_token", &token)],
        )
        .await;

    refused.assert_html("removing a verdict's last evidence", Status::Conflict);
    assert_page_markup("409", &refused.body);
    assert!(
        refused.body.contains("The evidence was not removed"),
        "{refused:?}"
    );
    assert!(
        unescape(&refused.body).contains("Supports (1)"),
        "still there"
    );
    assert_eq!(written(&app).await, before, "nothing written");

    let unknown = uuid::Uuid::new_v4();
    for path in [
        format!("/claims/{unknown}/notes"),
        format!("/claims/{unknown}/evidence/{evidence}/remove"),
        "/claims/not-an-id/notes".to_owned(),
    ] {
        let page = editor
            .post_form(&path, &[("body", "A note."), ("csrf_token", &token)])
            .await;
        page.assert_html(&path, Status::NotFound);
    }
    assert_eq!(written(&app).await, before, "nothing written");
}

#[rocket::async_test]
async fn the_details_form_says_whether_the_claimant_is_a_person_or_an_organisation() {
    let app = spawn_app().await;
    let (_, claim) = claim(&app).await;
    let (_, editor) = app.browser_as(Role::Editor).await;
    let path = format!("/claims/{claim}");
    let page = editor.get(&path).await;
    let selected: Vec<String> = tags(&page.body)
        .into_iter()
        .filter(|t| t.name == "option" && t.attribute("selected").is_some())
        .filter_map(|t| t.attribute("value").map(str::to_owned))
        .collect();
    assert!(selected.contains(&"person".to_owned()), "{selected:?}");
    assert!(
        page.body.contains("name=\"claimant_kind\""),
        "the form offers it: {page:?}"
    );
    let (token, version) = form_state(&page);
    let sent = editor
        .post_form(
            &format!("/claims/{claim}/details"),
            &[
                ("claimant", "Ministry of Labour"),
                ("claimant_kind", "organization"),
                ("version", &version),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(sent.status, Status::SeeOther, "{sent:?}");
    assert_eq!(
        app.get(&format!("/api/v1/claims/{claim}")).await.body["claimant_kind"],
        "organization"
    );
    let page = editor.get(&path).await;
    let text = unescape(&page.body);
    assert!(
        text.contains("Ministry of Labour <span class=\"hint\">(an organisation)</span>"),
        "{text}"
    );
    assert!(
        text.contains("changed whether the claimant is a person or an organisation"),
        "the history says it in words: {text}"
    );
    // The history tells the stored wire names in words, as the form's options do.
    assert!(
        text.contains(r#"<q class="history-from">A person</q>"#)
            && text.contains(r#"<q class="history-to">An organisation</q>"#),
        "{text}"
    );

    // A kind that is neither is refused with the form kept, and changes nothing.
    let (token, version) = form_state(&page);
    let before = written(&app).await;
    let refused = editor
        .post_form(
            &format!("/claims/{claim}/details"),
            &[
                ("claimant_kind", "company"),
                ("version", &version),
                ("csrf_token", &token),
            ],
        )
        .await;
    refused.assert_html(
        "a claimant kind that is neither",
        Status::UnprocessableEntity,
    );
    assert_eq!(written(&app).await, before, "nothing written");
}
