//! Mistakes can be undone (issue 12): an orphan re-attached to words of the corrected text,
//! pieces and claims archived and restored as they were, and notes edited or withdrawn by their
//! author with every wording kept in the history.
use crate::support::{Answer, TestApp, spawn_app, spawn_app_with_demo};
use factdesk::domain::roles::Role;
use rocket::http::{Method, Status};
use serde_json::{Value, json};

const TEXT: &str = "Alpha said the budget rose by 4%. Beta said the deficit fell. Gamma agreed.";
const LOST: &str = "Beta said the deficit fell.";
const CORRECTED: &str = "Alpha said the budget rose by 4%. Gamma agreed. Delta, the minister, declined to comment on the figures.";

/// POST as the desk's editor, with `If-Match` when given.
async fn post(app: &TestApp, path: &str, if_match: Option<&str>, body: &Value) -> Answer {
    app.send(
        Method::Post,
        path,
        Some(&app.token),
        if_match,
        Some(body.to_string()),
    )
    .await
}

/// POST at the version the claim (or piece) at `item` is at now.
async fn post_current(app: &TestApp, item: &str, action: &str, body: &Value) -> Answer {
    let tag = app.get(item).await.etag;
    post(app, &format!("{item}/{action}"), tag.as_deref(), body).await
}

/// A piece of `TEXT` with a claim on `LOST`, given a verdict, and the text corrected so that
/// the claim's words are gone: (app, piece, claim).
async fn orphan() -> (TestApp, String, String) {
    let app = spawn_app().await;
    let piece = app.create_piece(TEXT).await;
    let (claim, _) = app.create_claim(&piece, LOST).await;
    app.give_verdict(
        &claim,
        &json!({ "status": "accurate", "reason": "The Treasury's figures say so." }),
    )
    .await;
    let path = format!("/api/v1/pieces/{piece}");
    let tag = app.get(&path).await.etag;
    let body = json!({ "body": CORRECTED, "reason": "Correction: Beta's words were misquoted." });
    let answer = app.patch(&path, tag.as_deref(), &body).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    let now = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(now.body["anchor"], "orphaned", "{:#?}", now.body);
    (app, piece, claim)
}

#[rocket::async_test]
async fn an_orphan_is_reattached_to_words_of_the_new_text_and_its_verdict_reopened() {
    let (app, _, claim) = orphan().await;
    let path = format!("/api/v1/claims/{claim}");
    let words = "Delta, the minister, declined to comment on the figures.";

    // Refused first, each writing nothing: no If-Match, words not in the text, no words.
    let events = app.count("events").await;
    let anchor = format!("{path}/anchor");
    post(&app, &anchor, None, &json!({ "quote": words }))
        .await
        .assert_problem(428);
    let tag = app.get(&path).await.etag;
    let missing = post(&app, &anchor, tag.as_deref(), &json!({ "quote": LOST })).await;
    missing.assert_problem(422);
    assert_eq!(missing.error_fields(), ["quote"]);
    post(&app, &anchor, tag.as_deref(), &json!({ "quote": " " }))
        .await
        .assert_problem(422);
    post(&app, &anchor, Some("\"1\""), &json!({ "quote": words }))
        .await
        .assert_problem(412);
    assert_eq!(app.count("events").await, events);

    let answer = post(&app, &anchor, tag.as_deref(), &json!({ "quote": words })).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    let claim_now = &answer.body;
    assert_eq!(claim_now["anchor"], "exact");
    assert_eq!(claim_now["selector"]["exact"], words);
    let start = CORRECTED.find(words).unwrap();
    assert_eq!(claim_now["selector"]["start"], start);
    assert_eq!(claim_now["selector"]["end"], start + words.len());
    // Other words than its verdict was given on: looked at again, as a correction would.
    assert_eq!(claim_now["status"], "in_progress");
    assert_eq!(answer.etag, Some(format!("\"{}\"", claim_now["version"])));

    let history = app.claim_history(&claim).await;
    let kinds: Vec<&str> = history
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        &kinds[kinds.len() - 4..],
        ["orphaned", "reattached", "edited", "status_changed"]
    );
    let reattached = &history[history.len() - 3];
    assert_eq!(reattached["to"], format!("{start}-{}", start + words.len()));
    assert_eq!(reattached["revision"], Value::Null, "no correction did it");
    let edited = &history[history.len() - 2];
    assert_eq!(
        (&edited["from"], &edited["to"]),
        (&json!(LOST), &json!(words))
    );
    // Re-attached, it counts no more as an orphan on the desk.
    let desk = app.get("/api/v1/pieces").await;
    assert_eq!(desk.body["items"][0]["orphaned_claims"], 0);
}

#[rocket::async_test]
async fn a_claim_is_not_reattached_over_the_words_of_another() {
    let (app, piece, claim) = orphan().await;
    let (other, _) = app.create_claim(&piece, "Gamma agreed.").await;
    let path = format!("/api/v1/claims/{claim}");
    let answer = post_current(&app, &path, "anchor", &json!({ "quote": "Gamma agreed." })).await;
    answer.assert_problem(409);
    assert_eq!(answer.body["existing"]["id"], other.as_str());
    assert_eq!(
        app.get(&path).await.body["anchor"],
        "orphaned",
        "nothing changed"
    );
}

/// A claim as it is read, without what its archive and restore change (its version, and the
/// archive itself).
fn as_it_was(claim: &Value) -> Value {
    let mut claim = claim.clone();
    let object = claim.as_object_mut().unwrap();
    object.remove("version");
    object.remove("archived");
    claim
}

#[rocket::async_test]
async fn an_archived_claim_leaves_the_desk_refuses_changes_and_comes_back_as_it_was() {
    let (app, piece) = spawn_app_with_demo().await;
    let detail = app.get(&format!("/api/v1/pieces/{piece}")).await;
    let claim = detail.body["claims"][3]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/claims/{claim}");
    app.give_verdict(
        &claim,
        &json!({ "status": "false", "reason": "No such order was given." }),
    )
    .await;
    app.sign_off_as_a_reviewer(&claim, None).await;
    let note = json!({ "body": "Spoke to the **Pentagon**." });
    assert_eq!(
        app.post(&format!("{path}/notes"), &note).await.status,
        Status::Created
    );
    let before = app.get(&path).await.body;
    let published = app.get("/claimreview.json").await;
    assert!(published.body.to_string().contains(&claim));

    // An archive says why, names the version it was read at, and is an editor's to make.
    let events = app.count("events").await;
    post_current(&app, &path, "archive", &json!({}))
        .await
        .assert_problem(422);
    post(
        &app,
        &format!("{path}/archive"),
        None,
        &json!({ "reason": "Twice." }),
    )
    .await
    .assert_problem(428);
    let (_, reviewer) = app.user(Role::Reviewer).await;
    let tag = app.get(&path).await.etag;
    let refused = app
        .send(
            Method::Post,
            &format!("{path}/archive"),
            Some(&reviewer),
            tag.as_deref(),
            Some(json!({ "reason": "Twice." }).to_string()),
        )
        .await;
    refused.assert_problem(403);
    assert_eq!(app.count("events").await, events);

    let reason = "Claimed twice: the claim on the same sentence is being checked.";
    let answer = post_current(&app, &path, "archive", &json!({ "reason": reason })).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    assert_eq!(answer.body["archived"]["reason"], reason);
    assert_eq!(answer.body["archived"]["by"], app.editor.id.to_string());
    assert_eq!(answer.body["archived"]["with_piece"], false);
    post_current(&app, &path, "archive", &json!({ "reason": reason }))
        .await
        .assert_problem(409);

    // Off the desk: the listing, search, the piece's claims, the feed and the public page.
    let listed = app.get("/api/v1/claims?limit=100").await;
    assert!(!listed.body.to_string().contains(&claim));
    let searched = app.get("/api/v1/claims?q=Pentagon").await;
    assert!(!searched.body.to_string().contains(&claim));
    let piece_now = app.get(&format!("/api/v1/pieces/{piece}")).await;
    assert_eq!(piece_now.body["claims"].as_array().unwrap().len(), 54);
    let desk = app.get("/api/v1/pieces").await;
    assert_eq!(desk.body["items"][0]["claim_count"], 54);
    let feed = app.get("/claimreview.json").await;
    assert!(!feed.body.to_string().contains(&claim));
    assert_eq!(
        app.get(&format!("/api/v1/claims/{claim}/claimreview"))
            .await
            .status,
        Status::NotFound
    );
    // In the archive, with who and why.
    let archive = app.get("/api/v1/archived").await;
    assert_eq!(archive.body["claims"][0]["id"], claim.as_str());
    assert_eq!(archive.body["claims"][0]["archived"]["reason"], reason);

    // Nothing changes while it is archived.
    let events = app.count("events").await;
    let tag = app.get(&path).await.etag;
    app.patch(&path, tag.as_deref(), &json!({ "priority": "high" }))
        .await
        .assert_problem(409);
    app.post(&format!("{path}/notes"), &note)
        .await
        .assert_problem(409);
    let evidence = json!({ "url": "https://example.org/a", "title": "A", "stance": "supports" });
    app.post(&format!("{path}/evidence"), &evidence)
        .await
        .assert_problem(409);
    assert_eq!(app.count("events").await, events);

    let restored = post_current(&app, &path, "restore", &json!({})).await;
    assert_eq!(restored.status, Status::Ok, "{restored:#?}");
    assert_eq!(restored.body["archived"], Value::Null);
    assert_eq!(as_it_was(&restored.body), as_it_was(&before));
    assert!(
        app.get("/claimreview.json")
            .await
            .body
            .to_string()
            .contains(&claim),
        "published again"
    );
    post_current(&app, &path, "restore", &json!({}))
        .await
        .assert_problem(409);
    let history = app.claim_history(&claim).await;
    let kinds: Vec<&str> = history
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(&kinds[kinds.len() - 2..], ["archived", "restored"]);
    assert_eq!(history[history.len() - 2]["reason"], reason);
}

#[rocket::async_test]
async fn archiving_a_piece_takes_its_claims_and_restoring_it_brings_back_only_those() {
    let (app, piece) = spawn_app_with_demo().await;
    let piece_path = format!("/api/v1/pieces/{piece}");
    let detail = app.get(&piece_path).await;
    let alone = detail.body["claims"][0]["id"].as_str().unwrap().to_owned();
    let taken = detail.body["claims"][1]["id"].as_str().unwrap().to_owned();
    let archived = post_current(
        &app,
        &format!("/api/v1/claims/{alone}"),
        "archive",
        &json!({ "reason": "Not a factual claim." }),
    )
    .await;
    assert_eq!(archived.status, Status::Ok);

    let reason = "Sent twice: the copy filed at 9:02 is the one checked.";
    let answer = post_current(&app, &piece_path, "archive", &json!({ "reason": reason })).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    assert_eq!(answer.body["archived"]["reason"], reason);
    let claims = answer.body["claims"].as_array().unwrap();
    assert_eq!(
        claims.len(),
        54,
        "its claims, as they were, the one archived alone aside"
    );
    assert!(claims.iter().all(|c| c["archived"]["with_piece"] == true));
    assert_eq!(app.get("/api/v1/pieces").await.body["items"], json!([]));
    assert_eq!(
        app.get("/api/v1/claims").await.body["items"],
        json!([]),
        "no claim of it on the desk"
    );
    let archive = app.get("/api/v1/archived").await;
    assert_eq!(archive.body["pieces"][0]["id"], piece.to_string());
    assert_eq!(
        archive.body["claims"].as_array().unwrap().len(),
        1,
        "its claims are with it, only the one archived alone is listed"
    );
    let piece_events = app.piece_history(&piece.to_string()).await;
    let last = piece_events.last().unwrap();
    assert_eq!(
        (&last["field"], &last["to"]),
        (&json!("archived"), &json!("archived"))
    );

    // An archived piece takes no change, and a claim it took comes back with it only.
    let tag = app.get(&piece_path).await.etag;
    app.patch(&piece_path, tag.as_deref(), &json!({ "title": "New" }))
        .await
        .assert_problem(409);
    app.post(
        &format!("{piece_path}/claims"),
        &json!({ "quote": "Trump" }),
    )
    .await
    .assert_problem(409);
    post_current(
        &app,
        &format!("/api/v1/claims/{taken}"),
        "restore",
        &json!({}),
    )
    .await
    .assert_problem(409);

    let restored = post_current(&app, &piece_path, "restore", &json!({})).await;
    assert_eq!(restored.status, Status::Ok, "{restored:#?}");
    assert_eq!(restored.body["archived"], Value::Null);
    let listed = app.get("/api/v1/pieces").await;
    assert_eq!(listed.body["items"][0]["claim_count"], 54);
    let alone_now = app.get(&format!("/api/v1/claims/{alone}")).await;
    assert_eq!(
        alone_now.body["archived"]["reason"], "Not a factual claim.",
        "archived on its own, it stays archived"
    );
    let taken_history = app.claim_history(&taken).await;
    let last = taken_history.last().unwrap();
    assert_eq!(
        (&last["kind"], &last["field"]),
        (&json!("restored"), &json!("piece"))
    );
}

/// Adds a note to `claim` as the user of `token`; returns the note's id.
async fn note(app: &TestApp, claim: &str, token: &str, body: &str) -> String {
    let answer = app
        .send(
            Method::Post,
            &format!("/api/v1/claims/{claim}/notes"),
            Some(token),
            None,
            Some(json!({ "body": body }).to_string()),
        )
        .await;
    assert_eq!(answer.status, Status::Created, "{answer:#?}");
    answer.body["id"].as_str().unwrap().to_owned()
}

#[rocket::async_test]
async fn a_note_is_edited_and_withdrawn_by_its_author_and_every_wording_kept() {
    let (app, piece) = spawn_app_with_demo().await;
    let detail = app.get(&format!("/api/v1/pieces/{piece}")).await;
    let claim = detail.body["claims"][0]["id"].as_str().unwrap().to_owned();
    let (_, reviewer) = app.user(Role::Reviewer).await;
    let first = "Called the *Pentagon* press office: no zeppelin answer yet.";
    let id = note(&app, &claim, &reviewer, first).await;
    let path = format!("/api/v1/notes/{id}");
    let edit = |token: &str, tag: &str, body: &str| {
        let (token, tag, body) = (token.to_owned(), tag.to_owned(), body.to_owned());
        let app = &app;
        let path = &path;
        async move {
            app.send(
                Method::Patch,
                path,
                Some(&token),
                Some(&tag),
                Some(json!({ "body": body }).to_string()),
            )
            .await
        }
    };

    // Only its author, at the version read, with words.
    let events = app.count("events").await;
    edit(&app.token, "\"1\"", "Mine now.")
        .await
        .assert_problem(403);
    edit(&reviewer, "\"2\"", "Stale.").await.assert_problem(412);
    edit(&reviewer, "\"1\"", "  ").await.assert_problem(422);
    assert_eq!(app.count("events").await, events);

    let second = "Called the *Pentagon* press office: they answered on Tuesday.";
    let edited = edit(&reviewer, "\"1\"", second).await;
    assert_eq!(edited.status, Status::Ok, "{edited:#?}");
    assert_eq!(edited.body["version"], 2);
    assert_eq!(edited.body["body"], second);
    assert!(!edited.body["edited_at"].is_null());
    assert_eq!(edited.etag.as_deref(), Some("\"2\""));
    let claim_now = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(claim_now.body["notes"][0]["body"], second);
    // Search follows the words the note has now.
    let found = |q: &'static str| {
        let app = &app;
        async move {
            app.get(&format!("/api/v1/claims?q={q}"))
                .await
                .body
                .to_string()
        }
    };
    assert!(!found("zeppelin").await.contains(&claim));
    assert!(found("Tuesday").await.contains(&claim));
    let history = app.claim_history(&claim).await;
    let last = history.last().unwrap();
    assert_eq!(last["kind"], "note_edited");
    assert_eq!(
        (&last["from"], &last["to"]),
        (&json!(first), &json!(second))
    );
    assert_eq!(last["subject_id"], id.as_str());

    // Withdrawn: off the claim and its search, its last words kept in the history.
    let withdraw = format!("{path}/withdraw");
    let not_author = app
        .send(
            Method::Post,
            &withdraw,
            Some(&app.token),
            Some("\"2\""),
            None,
        )
        .await;
    not_author.assert_problem(403);
    let gone = app
        .send(
            Method::Post,
            &withdraw,
            Some(&reviewer),
            Some("\"2\""),
            None,
        )
        .await;
    assert_eq!(gone.status, Status::NoContent, "{gone:#?}");
    let claim_now = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(claim_now.body["notes"], json!([]));
    assert!(!found("Tuesday").await.contains(&claim));
    let history = app.claim_history(&claim).await;
    let last = history.last().unwrap();
    assert_eq!(
        (&last["kind"], &last["from"]),
        (&json!("note_withdrawn"), &json!(second))
    );
    edit(&reviewer, "\"3\"", "Back.").await.assert_problem(410);
    assert_eq!(app.count("notes").await, 1, "the row is kept");
}

/// A form sent from `browser`, with its CSRF token.
async fn send_form(
    browser: &crate::support::html::Browser,
    path: &str,
    fields: &[(&str, &str)],
) -> crate::support::html::Page {
    let token = browser.csrf_token().await;
    let mut fields = fields.to_vec();
    fields.push(("csrf_token", &token));
    browser.post_form(path, &fields).await
}

#[rocket::async_test]
async fn on_the_pages_a_claim_is_archived_once_confirmed_listed_and_restored() {
    use crate::support::html::{assert_page_markup, unescape};
    let (app, piece) = spawn_app_with_demo().await;
    let detail = app.get(&format!("/api/v1/pieces/{piece}")).await;
    let claim = detail.body["claims"][2]["id"].as_str().unwrap().to_owned();
    let version = detail.body["claims"][2]["version"].to_string();
    let browser = app.browser_for(&app.editor).await;
    let page = browser.get(&format!("/claims/{claim}")).await;
    assert!(
        page.body
            .contains(&format!("action=\"/claims/{claim}/archive\""))
    );

    // Unconfirmed: refused, the reason kept, nothing written.
    let events = app.count("events").await;
    let path = format!("/claims/{claim}/archive");
    let reason = "Claimed twice.";
    let refused = send_form(
        &browser,
        &path,
        &[("reason", reason), ("version", &version)],
    )
    .await;
    refused.assert_html("an unconfirmed archive", Status::UnprocessableEntity);
    assert!(unescape(&refused.body).contains("Yes, archive this claim"));
    assert!(refused.body.contains(reason));
    assert_eq!(app.count("events").await, events);

    let form = [
        ("reason", reason),
        ("version", version.as_str()),
        ("confirm", "yes"),
    ];
    let archived = send_form(&browser, &path, &form).await;
    assert_eq!(archived.status, Status::SeeOther, "{archived:?}");
    let page = browser.get(&format!("/claims/{claim}")).await;
    page.assert_html("an archived claim", Status::Ok);
    assert_page_markup("an archived claim", &page.body);
    let text = unescape(&page.body);
    assert!(
        text.contains("Archived by") && text.contains(reason),
        "{text}"
    );
    assert!(
        page.body
            .contains(&format!("action=\"/claims/{claim}/restore\""))
    );
    assert!(
        !page
            .body
            .contains(&format!("action=\"/claims/{claim}/status\"")),
        "no form changes an archived claim"
    );
    // Off the desk's pages, on the archive's.
    let piece_page = browser.get(&format!("/pieces/{piece}")).await;
    assert!(!piece_page.body.contains(&format!("/claims/{claim}\"")));
    let listed = browser.get("/archived").await;
    listed.assert_html("the archive", Status::Ok);
    assert_page_markup("the archive", &listed.body);
    assert!(
        listed
            .body
            .contains(&format!("/archived/claims/{claim}/restore"))
    );
    assert!(unescape(&listed.body).contains(reason));

    let version = app.get(&format!("/api/v1/claims/{claim}")).await.body["version"].to_string();
    let restore = format!("/archived/claims/{claim}/restore");
    let restored = send_form(&browser, &restore, &[("version", &version)]).await;
    assert_eq!(restored.status, Status::SeeOther, "{restored:?}");
    assert_eq!(restored.location(), Some("/archived"));
    let claim_now = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(claim_now.body["archived"], Value::Null);
    // Restoring it again, from a page read before: refused on the page, not a 500.
    let again = send_form(&browser, &restore, &[("version", &version)]).await;
    again.assert_html("a stale restore", Status::PreconditionFailed);
}

#[rocket::async_test]
async fn on_the_pages_a_piece_is_archived_from_its_confirmation_and_restored() {
    use crate::support::html::{assert_page_markup, unescape};
    let (app, piece) = spawn_app_with_demo().await;
    let browser = app.browser_for(&app.editor).await;
    let confirm = browser.get(&format!("/pieces/{piece}/archive")).await;
    confirm.assert_html("the archive confirmation", Status::Ok);
    assert_page_markup("the archive confirmation", &confirm.body);
    assert!(unescape(&confirm.body).contains("its 55 claims"));
    let path = format!("/pieces/{piece}/archive");
    let unconfirmed = send_form(&browser, &path, &[("reason", "Twice."), ("version", "1")]).await;
    unconfirmed.assert_html("an unconfirmed archive", Status::UnprocessableEntity);
    let form = [
        ("reason", "Sent twice."),
        ("version", "1"),
        ("confirm", "yes"),
    ];
    let archived = send_form(&browser, &path, &form).await;
    assert_eq!(archived.status, Status::SeeOther, "{archived:?}");
    let desk = browser.get("/").await;
    assert!(
        !desk.body.contains(&format!("/pieces/{piece}\"")),
        "off the desk"
    );
    let page = browser.get(&format!("/pieces/{piece}")).await;
    assert!(unescape(&page.body).contains("Archived by"));
    assert!(
        page.body
            .contains(&format!("action=\"/pieces/{piece}/restore\""))
    );
    assert!(!page.body.contains(&format!("/pieces/{piece}/correct")));
    let restored = send_form(
        &browser,
        &format!("/pieces/{piece}/restore"),
        &[("version", "2")],
    )
    .await;
    assert_eq!(restored.status, Status::SeeOther, "{restored:?}");
    let desk = browser.get("/").await;
    assert!(
        desk.body.contains(&format!("/pieces/{piece}")),
        "back on the desk"
    );
}

#[rocket::async_test]
async fn the_revisions_page_shows_each_correction_word_by_word() {
    use crate::support::html::{assert_page_markup, unescape};
    let (app, piece, _) = orphan().await;
    let browser = app.browser_for(&app.editor).await;
    let piece_page = browser.get(&format!("/pieces/{piece}")).await;
    assert!(
        piece_page
            .body
            .contains(&format!("/pieces/{piece}/revisions"))
    );
    let page = browser.get(&format!("/pieces/{piece}/revisions")).await;
    page.assert_html("the revisions page", Status::Ok);
    assert_page_markup("the revisions page", &page.body);
    let text = unescape(&page.body);
    assert!(
        text.contains("Revision 2") && text.contains("Beta's words were misquoted"),
        "{text}"
    );
    assert!(
        page.body
            .contains("<del>Beta said the deficit fell. </del>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<ins> Delta, the minister, declined to comment on the figures.</ins>"),
        "{}",
        page.body
    );
}

#[rocket::async_test]
async fn on_the_claim_page_an_author_edits_a_note_and_an_orphan_is_reattached() {
    use crate::support::html::unescape;
    let (app, piece, claim) = orphan().await;
    let id = note(&app, &claim, &app.token, "First words.").await;
    let browser = app.browser_for(&app.editor).await;
    let page = browser.get(&format!("/claims/{claim}")).await;
    assert!(
        page.body
            .contains(&format!("/claims/{claim}/notes/{id}/edit"))
    );
    assert!(
        page.body
            .contains(&format!("action=\"/claims/{claim}/anchor\""))
    );
    // Another reviewer sees no edit of a note not theirs.
    let (_, other) = app.browser_as(Role::Reviewer).await;
    let theirs = other.get(&format!("/claims/{claim}")).await;
    assert!(!theirs.body.contains(&format!("/notes/{id}/edit")));

    let edit = format!("/claims/{claim}/notes/{id}/edit");
    let stale = send_form(
        &browser,
        &edit,
        &[("body", "Kept words."), ("version", "7")],
    )
    .await;
    stale.assert_html("a stale note edit", Status::PreconditionFailed);
    assert!(stale.body.contains("Kept words."), "what was typed is kept");
    // The note through another claim's page is no note of that claim.
    let (other, _) = app.create_claim(&piece, "Gamma agreed.").await;
    let elsewhere = format!("/claims/{other}/notes/{id}/edit");
    let events = app.count("events").await;
    let astray = send_form(
        &browser,
        &elsewhere,
        &[("body", "Astray."), ("version", "1")],
    )
    .await;
    astray.assert_html("a note through another claim", Status::NotFound);
    assert_eq!(app.count("events").await, events);
    let edited = send_form(
        &browser,
        &edit,
        &[("body", "Second words."), ("version", "1")],
    )
    .await;
    assert_eq!(edited.status, Status::SeeOther, "{edited:?}");
    let page = browser.get(&format!("/claims/{claim}")).await;
    let text = unescape(&page.body);
    assert!(
        text.contains("Second words.") && text.contains("Edited"),
        "{text}"
    );
    assert!(text.contains("edited a note"), "the history says so");

    let version = app.get(&format!("/api/v1/claims/{claim}")).await.body["version"].to_string();
    let words = "Delta, the minister, declined to comment on the figures.";
    let anchor = format!("/claims/{claim}/anchor");
    let wrong = send_form(
        &browser,
        &anchor,
        &[("quote", "No such words."), ("version", &version)],
    )
    .await;
    wrong.assert_html("words not in the text", Status::UnprocessableEntity);
    let attached = send_form(
        &browser,
        &anchor,
        &[("quote", words), ("version", &version)],
    )
    .await;
    assert_eq!(attached.status, Status::SeeOther, "{attached:?}");
    let claim_now = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(claim_now.body["anchor"], "exact");
    assert_eq!(claim_now.body["selector"]["exact"], words);
}
