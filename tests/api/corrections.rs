//! Correcting a piece's text (issue 12): realistic corrections of the demo piece through the
//! API, each checking every claim's `anchor`, position and words, what the history says, and
//! every earlier text kept.
use crate::support::html::{Page, assert_page_markup, unescape};
use crate::support::{Answer, TestApp, spawn_app, spawn_app_with_demo};
use factdesk::domain::roles::Role;
use rocket::http::Status;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const REASON: &str = "Correction: an earlier version misstated Bolton's title.";
/// A sentence of the demo piece that holds one claim whole, and a phrase inside another claim.
const SENTENCE: &str =
    " Bolton and the Point out Department also did not answer to requests for comment.";
const TITLE: &str = "countrywide safety adviser";
const TITLE_FIXED: &str = "national security adviser";

/// The demo piece's text with `TITLE` fixed (and, with `cut`, `SENTENCE` deleted).
fn fixed(body: &str, cut: bool) -> String {
    let body = body.replace(TITLE, TITLE_FIXED);
    if cut {
        body.replace(SENTENCE, "")
    } else {
        body
    }
}

/// The app with the demo loaded, and the piece as the API answers it before any correction.
struct Demo {
    app: TestApp,
    id: String,
    before: Value,
    body: String,
    old: BTreeMap<String, Value>,
}

async fn demo() -> Demo {
    let (app, id) = spawn_app_with_demo().await;
    let id = id.to_string();
    let (before, body) = piece(&app, &id).await;
    let old = claims(&before);
    Demo {
        app,
        id,
        before,
        body,
        old,
    }
}

/// The demo piece as the API answers it, and its text.
async fn piece(app: &TestApp, piece: &str) -> (Value, String) {
    let answer = app.get(&format!("/api/v1/pieces/{piece}")).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    let body = answer.body["body"].as_str().unwrap().to_owned();
    (answer.body, body)
}

/// The piece's claims by id.
fn claims(piece: &Value) -> BTreeMap<String, Value> {
    piece["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_owned(), c.clone()))
        .collect()
}

/// Sends `body` as the piece's corrected text, at the version it is at now.
async fn correct(app: &TestApp, piece: &str, body: &str) -> Answer {
    let path = format!("/api/v1/pieces/{piece}");
    let seen = app.get(&path).await.etag;
    app.patch(
        &path,
        seen.as_deref(),
        &json!({ "body": body, "reason": REASON }),
    )
    .await
}

/// `correct`, which must be taken: the piece as it answered.
async fn corrected(app: &TestApp, piece: &str, body: &str) -> Value {
    let answer = correct(app, piece, body).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    answer.body
}

/// Characters before `needle` in `text` (positions are in characters).
fn char_index(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in the text"));
    text[..at].chars().count()
}

/// The text a claim's selector points at.
fn text_at(text: &str, claim: &Value) -> String {
    let (start, end) = span(claim);
    text.chars().skip(start).take(end - start).collect()
}

fn span(claim: &Value) -> (usize, usize) {
    let selector = &claim["selector"];
    (
        selector["start"].as_u64().unwrap() as usize,
        selector["end"].as_u64().unwrap() as usize,
    )
}

fn quote(claim: &Value) -> &str {
    claim["selector"]["exact"].as_str().unwrap()
}

/// The id of the demo claim whose quote starts with `words`.
fn claim_quoting(claims: &BTreeMap<String, Value>, words: &str) -> String {
    claims
        .iter()
        .find(|(_, c)| quote(c).starts_with(words))
        .unwrap_or_else(|| panic!("a demo claim quoting {words}"))
        .0
        .clone()
}

#[rocket::async_test]
async fn a_paragraph_inserted_at_the_top_moves_every_claim_exactly() {
    let Demo {
        app,
        id,
        before,
        body,
        ..
    } = demo().await;
    let note = "Editor's note: this article was updated on 14 January 2020 with the Pentagon's account.\n\n";
    let new = format!("{note}{body}");

    let after = corrected(&app, &id, &new).await;

    assert_eq!(after["body"], new.as_str());
    assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);
    let shift = note.chars().count();
    let (old, now) = (claims(&before), claims(&after));
    assert_eq!(old.len(), now.len());
    for (claim, was) in &old {
        let is = &now[claim];
        assert_eq!(is["anchor"], "exact", "{is}");
        assert_eq!(quote(is), quote(was));
        let (start, end) = span(was);
        assert_eq!(span(is), (start + shift, end + shift), "{}", quote(was));
        assert_eq!(text_at(&new, is), quote(was));
        assert_eq!(is["status"], was["status"]);
        // Moved: a new version, and the move in its history with the correction's revision.
        assert_eq!(is["version"], was["version"].as_i64().unwrap() + 1);
        let event = app.claim_history(claim).await.pop().unwrap();
        assert_eq!(
            (&event["kind"], &event["field"], &event["revision"]),
            (&json!("reanchored"), &json!("exact"), &json!(2)),
        );
        assert_eq!(event["from"], format!("{start}-{end}"));
        assert_eq!(event["to"], format!("{}-{}", start + shift, end + shift));
        assert_eq!(event["reason"], REASON);
    }
}

#[rocket::async_test]
async fn a_phrase_fixed_inside_a_claim_changes_it_reopens_its_verdict_and_leaves_the_rest_exact() {
    let Demo {
        app, id, body, old, ..
    } = demo().await;
    let bolton = claim_quoting(&old, "John Bolton, Trump’s countrywide safety adviser");
    app.add_evidence(&bolton, "supports").await;
    app.give_verdict(
        &bolton,
        &json!({ "status": "accurate", "reason": "Bolton urged it; two officials confirm." }),
    )
    .await;
    app.sign_off_as_a_reviewer(&bolton, None).await;
    let review = format!("/api/v1/claims/{bolton}/claimreview");
    assert_eq!(app.get(&review).await.status, Status::Ok, "published");
    let signed = app.get(&format!("/api/v1/claims/{bolton}")).await.body;

    let new = fixed(&body, false);
    let after = corrected(&app, &id, &new).await;

    let now = claims(&after);
    let changed = &now[&bolton];
    assert_eq!(changed["anchor"], "changed");
    let words = quote(&old[&bolton]).replace("countrywide safety", "national security");
    assert_eq!(quote(changed), words);
    assert_eq!(text_at(&new, changed), words);
    assert_eq!(changed["status"], "in_progress", "its verdict is reopened");
    assert_eq!(changed["signed_off_by"], Value::Null);
    assert_eq!(changed["verdict_by"], Value::Null);
    assert_eq!(changed["version"], signed["version"].as_i64().unwrap() + 1);
    assert_ne!(app.get(&review).await.status, Status::Ok, "withdrawn");
    // The search index follows the new words, in the correction's transaction.
    let found = |q: &'static str| {
        let (app, bolton) = (&app, &bolton);
        async move {
            let hits = app.get(&format!("/api/v1/claims?q={q}")).await.body;
            hits["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|hit| hit["id"] == bolton.as_str())
        }
    };
    assert!(found("security%20adviser").await, "found by its new words");
    assert!(
        !found("safety%20adviser").await,
        "no longer by its old ones"
    );
    // Its history: where its words went, the words before, the reopening and the void, each
    // naming the correction.
    let history = app.claim_history(&bolton).await;
    let tail: Vec<(&Value, &Value)> = history[history.len() - 4..]
        .iter()
        .map(|e| (&e["kind"], &e["field"]))
        .collect();
    assert_eq!(
        tail,
        [
            (&json!("reanchored"), &json!("changed")),
            (&json!("edited"), &json!("quote")),
            (&json!("status_changed"), &Value::Null),
            (&json!("signoff_voided"), &Value::Null),
        ]
    );
    let edit = &history[history.len() - 3];
    assert_eq!(edit["from"], quote(&old[&bolton]));
    assert_eq!(edit["to"], words.as_str());
    let reopening = &history[history.len() - 2];
    assert_eq!(
        (&reopening["from"], &reopening["to"]),
        (&json!("accurate"), &json!("in_progress"))
    );
    let why = reopening["reason"].as_str().unwrap();
    assert!(why.contains("revision 2") && why.contains(REASON), "{why}");
    assert!(
        history[history.len() - 4..]
            .iter()
            .all(|e| e["revision"] == 2)
    );

    // Every other claim is exact: where it was before the fix, one character back after it.
    let fix_at = char_index(&body, "countrywide safety adviser");
    for (claim, was) in old.iter().filter(|(c, _)| **c != bolton) {
        let is = &now[claim];
        assert_eq!(is["anchor"], "exact", "{}", quote(was));
        assert_eq!(quote(is), quote(was));
        assert_eq!(text_at(&new, is), quote(was));
        let (start, end) = span(was);
        let expected = if start > fix_at {
            (start - 1, end - 1)
        } else {
            (start, end)
        };
        assert_eq!(span(is), expected, "{}", quote(was));
        assert_eq!(is["status"], was["status"]);
    }
    // A claim far before the fix, its context untouched, is not written at all.
    let first = claim_quoting(&old, "authorized the killing");
    assert_eq!(now[&first]["version"], old[&first]["version"]);
    assert_eq!(
        app.claim_history(&first).await.len(),
        1,
        "only its creation"
    );
}

#[rocket::async_test]
async fn a_deleted_sentence_orphans_its_claim_which_keeps_its_words() {
    let Demo {
        app, id, body, old, ..
    } = demo().await;
    assert!(body.contains(SENTENCE));
    let new = body.replace(SENTENCE, "");

    let after = corrected(&app, &id, &new).await;

    let now = claims(&after);
    let lost = claim_quoting(&old, "Bolton and the Point out Department");
    assert_eq!(now[&lost]["anchor"], "orphaned");
    assert_eq!(
        now[&lost]["selector"], old[&lost]["selector"],
        "its last words kept"
    );
    assert_eq!(now[&lost]["status"], old[&lost]["status"]);
    let event = app.claim_history(&lost).await.pop().unwrap();
    assert_eq!(
        (&event["kind"], &event["revision"]),
        (&json!("orphaned"), &json!(2))
    );
    let (start, end) = span(&old[&lost]);
    assert_eq!(
        (&event["from"], &event["to"]),
        (&json!(format!("{start}-{end}")), &Value::Null)
    );
    // The orphan's old span is no claim in the new text: a claim over exactly those characters
    // of it is not a duplicate of the orphan.
    let words: String = new.chars().skip(start).take(end - start).collect();
    let added = app
        .post(
            &format!("/api/v1/pieces/{id}/claims"),
            &json!({ "quote": words, "start": start }),
        )
        .await;
    assert_eq!(added.status, Status::Created, "{added:#?}");
    let cut = SENTENCE.chars().count();
    for (claim, was) in old.iter().filter(|(c, _)| **c != lost) {
        let is = &now[claim];
        assert_eq!(is["anchor"], "exact", "{}", quote(was));
        assert_eq!(text_at(&new, is), quote(was));
        let (start, end) = span(was);
        let expected = if start > span(&old[&lost]).0 {
            (start - cut, end - cut)
        } else {
            (start, end)
        };
        assert_eq!(span(is), expected, "{}", quote(was));
    }
}

#[rocket::async_test]
async fn a_moved_paragraph_takes_its_claims_to_their_new_place() {
    let Demo {
        app, id, body, old, ..
    } = demo().await;
    let mut paragraphs: Vec<&str> = body.split("\n\n").collect();
    let moved = paragraphs.remove(7);
    assert!(moved.starts_with("Neither the White Property"), "{moved}");
    paragraphs.insert(9, moved);
    let new = paragraphs.join("\n\n");

    let after = corrected(&app, &id, &new).await;

    let now = claims(&after);
    let moved_at = char_index(&new, moved);
    let mut inside = 0;
    for (claim, was) in &old {
        let is = &now[claim];
        assert_eq!(is["anchor"], "exact", "{}", quote(was));
        assert_eq!(quote(is), quote(was));
        assert_eq!(text_at(&new, is), quote(was));
        if moved.contains(quote(was)) {
            inside += 1;
            assert!(
                span(is).0 >= moved_at,
                "followed to the paragraph's new place"
            );
        }
    }
    assert_eq!(inside, 2, "the paragraph holds two claims");
}

#[rocket::async_test]
async fn where_a_quote_occurs_twice_after_a_correction_its_context_chooses() {
    let Demo {
        app, id, body, old, ..
    } = demo().await;
    let pompeo = claim_quoting(&old, "Secretary of Condition Mike Pompeo");
    let words = quote(&old[&pompeo]).to_owned();
    // The correction adds the same words again, at the end, in other words around them.
    let new = format!("{body}\n\nAn earlier version said that {words}; officials now dispute it.");
    assert_eq!(new.matches(words.as_str()).count(), 2);

    let after = corrected(&app, &id, &new).await;

    let is = &claims(&after)[&pompeo];
    assert_eq!(is["anchor"], "exact");
    assert_eq!(
        span(is),
        span(&old[&pompeo]),
        "still the words it was anchored to"
    );
    assert_eq!(
        is["version"], old[&pompeo]["version"],
        "nothing about it changed"
    );
}

#[rocket::async_test]
async fn a_correction_and_its_revert_put_every_claim_back_and_the_history_shows_both() {
    let Demo {
        app, id, body, old, ..
    } = demo().await;
    let new = fixed(&body, true);
    corrected(&app, &id, &new).await;

    let after = corrected(&app, &id, &body).await;

    assert_eq!(after["body"], body.as_str());
    let now = claims(&after);
    let bolton = claim_quoting(&old, "John Bolton, Trump’s countrywide safety adviser");
    for (claim, was) in &old {
        let is = &now[claim];
        // Every claim is where and as it was; the one whose words the revert changed back says
        // so, as it said so when they were first changed.
        let anchor = if *claim == bolton { "changed" } else { "exact" };
        assert_eq!(is["anchor"], anchor, "{}", quote(was));
        assert_eq!(is["selector"], was["selector"], "{}", quote(was));
    }
    let quotes: Vec<Value> = app
        .claim_history(&bolton)
        .await
        .iter()
        .filter(|e| e["field"] == "quote")
        .map(|e| json!([e["from"], e["to"], e["revision"]]))
        .collect();
    let (first, fixed) = (
        quote(&old[&bolton]).to_owned(),
        quote(&old[&bolton]).replace("countrywide safety", "national security"),
    );
    assert_eq!(quotes, [json!([first, fixed, 2]), json!([fixed, first, 3])]);
    let lost = claim_quoting(&old, "Bolton and the Point out Department");
    let kinds: Vec<(Value, Value)> = app
        .claim_history(&lost)
        .await
        .iter()
        .map(|e| (e["kind"].clone(), e["revision"].clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (json!("created"), Value::Null),
            (json!("orphaned"), json!(2)),
            (json!("reanchored"), json!(3)),
        ]
    );
    // The piece's history: each correction, from revision to revision, with its reason.
    let history = app.piece_history(&id).await;
    let corrections: Vec<(&Value, &Value, &Value, &Value)> = history
        .iter()
        .filter(|e| e["field"] == "body")
        .map(|e| (&e["from"], &e["to"], &e["reason"], &e["actor"]["id"]))
        .collect();
    let editor = json!(app.editor.id);
    assert_eq!(
        corrections,
        [
            (&json!("1"), &json!("2"), &json!(REASON), &editor),
            (&json!("2"), &json!("3"), &json!(REASON), &editor),
        ]
    );
}

#[rocket::async_test]
async fn every_earlier_text_is_kept_and_read_back_by_revision() {
    let (app, id) = spawn_app_with_demo().await;
    let id = id.to_string();
    let (_, body) = piece(&app, &id).await;
    let path = format!("/api/v1/pieces/{id}/revisions");

    // Never corrected: one revision, the text as added.
    let first = app.get(&path).await;
    assert_eq!(first.status, Status::Ok, "{first:#?}");
    assert_eq!(first.body.as_array().unwrap().len(), 1);
    assert_eq!(first.body[0]["revision"], 1);
    assert_eq!(first.body[0]["reason"], Value::Null);
    assert_eq!(first.body[0]["chars"], body.chars().count());
    let one = app.get(&format!("{path}/1")).await;
    assert_eq!(one.body["body"], body.as_str());

    let new = fixed(&body, false);
    corrected(&app, &id, &new).await;

    let list = app.get(&path).await.body;
    let summary: Vec<(Value, Value, Value)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["revision"].clone(),
                r["reason"].clone(),
                r["chars"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (json!(1), Value::Null, json!(body.chars().count())),
            (json!(2), json!(REASON), json!(new.chars().count())),
        ]
    );
    assert_eq!(
        list[0]["at"], first.body[0]["at"],
        "revision 1 keeps when it was added"
    );
    assert_eq!(list[1]["by"]["id"], json!(app.editor.id));
    assert_eq!(
        app.get(&format!("{path}/1")).await.body["body"],
        body.as_str()
    );
    let second = app.get(&format!("{path}/2")).await;
    assert_eq!(
        (&second.body["body"], &second.body["reason"]),
        (&json!(new), &json!(REASON))
    );
    for missing in ["3", "0", "-1", "two", "99999999999"] {
        app.get(&format!("{path}/{missing}"))
            .await
            .assert_problem(404);
    }
    let unknown = "/api/v1/pieces/6f1c1a58-3b7e-4c1e-9d2a-0b8e4f5a7c31/revisions";
    app.get(unknown).await.assert_problem(404);
    app.get(&format!("{unknown}/1")).await.assert_problem(404);
}

/// Rows a refused correction must leave as they were.
async fn written(app: &TestApp) -> [i64; 5] {
    [
        app.count("piece_revisions").await,
        app.count("piece_events").await,
        app.count("events").await,
        app.count("claims WHERE anchor <> 'exact'").await,
        app.count("pieces WHERE version > 1").await,
    ]
}

#[rocket::async_test]
async fn a_correction_needs_a_reason_its_version_and_a_text_no_other_piece_has() {
    let app = spawn_app().await;
    let text = "The mayor said the bridge cost 40 million. It opened in May.";
    let piece = app.create_piece(text).await;
    app.create_claim(&piece, "the bridge cost 40 million").await;
    let other = app.create_piece("Another text entirely.").await;
    let path = format!("/api/v1/pieces/{piece}");
    let before = written(&app).await;
    let new = "The mayor said the bridge cost 45 million. It opened in May.";

    for (edit, field) in [
        (json!({ "body": new }), "reason"),
        (json!({ "body": new, "reason": "  " }), "reason"),
        (json!({ "reason": REASON }), "reason"),
        (json!({ "title": "A title", "reason": REASON }), "reason"),
        (json!({ "body": "", "reason": REASON }), "body"),
        (json!({ "body": null, "reason": REASON }), "body"),
        (json!({ "body": "x\u{0}y", "reason": REASON }), "body"),
    ] {
        let answer = app.patch(&path, Some("\"1\""), &edit).await;
        answer.assert_problem(422);
        assert_eq!(answer.error_fields(), [field], "{edit}: {answer:#?}");
    }
    // Stale, or without If-Match.
    let correction = json!({ "body": new, "reason": REASON });
    app.patch(&path, Some("\"7\""), &correction)
        .await
        .assert_problem(412);
    app.patch(&path, None, &correction)
        .await
        .assert_problem(428);
    // The text of another piece: that one is named.
    let copy = json!({ "body": "Another text entirely.", "reason": REASON });
    let answer = app.patch(&path, Some("\"1\""), &copy).await;
    answer.assert_problem(409);
    assert_eq!(answer.body["existing"]["id"], other.as_str());
    assert_eq!(written(&app).await, before, "a refused correction wrote");
    assert_eq!(piece_text(&app, &piece).await, text);

    // The same text again, with a reason: nothing to correct, nothing written.
    let same = json!({ "body": text, "reason": REASON });
    let answer = app.patch(&path, Some("\"1\""), &same).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    assert_eq!(answer.etag.as_deref(), Some("\"1\""));
    assert_eq!(written(&app).await, before);

    let answer = app.patch(&path, Some("\"1\""), &correction).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    assert_eq!(answer.etag.as_deref(), Some("\"2\""));
    assert_eq!(answer.body["claims"][0]["anchor"], "changed");
    assert_eq!(
        answer.body["claims"][0]["selector"]["exact"],
        "the bridge cost 45 million"
    );
}

async fn piece_text(app: &TestApp, piece: &str) -> String {
    app.get(&format!("/api/v1/pieces/{piece}")).await.body["body"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[rocket::async_test]
async fn two_corrections_sent_at_once_from_the_same_version_are_one_taken_one_refused() {
    let app = spawn_app().await;
    let piece = app
        .create_piece("The mayor said the bridge cost 40 million. It opened in May.")
        .await;
    app.create_claim(&piece, "the bridge cost 40 million").await;
    let path = format!("/api/v1/pieces/{piece}");
    let first = json!({ "body": "The mayor said the bridge cost 45 million. It opened in May.", "reason": REASON });
    let second = json!({ "body": "The mayor said the bridge cost 40 million. It opened in June.", "reason": REASON });

    let (a, b) = futures_util::join!(
        app.patch(&path, Some("\"1\""), &first),
        app.patch(&path, Some("\"1\""), &second)
    );

    let mut statuses = [a.status.code, b.status.code];
    statuses.sort();
    assert_eq!(statuses, [200, 412], "{a:#?} {b:#?}");
    assert_eq!(
        app.count("piece_revisions").await,
        2,
        "revision 1 and the one taken"
    );
}

#[rocket::async_test]
async fn the_pages_list_an_orphan_without_marking_it_and_say_which_correction_took_its_words() {
    let Demo {
        app, id, body, old, ..
    } = demo().await;
    let lost = claim_quoting(&old, "Bolton and the Point out Department");
    let bolton = claim_quoting(&old, "John Bolton, Trump’s countrywide safety adviser");
    let new = fixed(&body, true);
    corrected(&app, &id, &new).await;
    let browser = app.browser_as(Role::Reviewer).await.1;

    let page = browser.get(&format!("/pieces/{id}")).await;

    page.assert_html("the corrected piece", Status::Ok);
    assert_page_markup("the corrected piece", &page.body);
    let text = unescape(&page.body);
    assert!(
        text.contains("1 claim lost its words in the correction of"),
        "{text}"
    );
    assert!(text.contains(&format!("(revision 2): {REASON}")), "{text}");
    assert!(
        !page.body.contains(&format!("data-claim-id=\"{lost}\"")),
        "an orphan is not marked"
    );
    assert!(
        page.body.contains(&format!("id=\"claim-{lost}\"")),
        "but it is listed"
    );
    assert!(page.body.contains(&format!("data-claim-id=\"{bolton}\"")));
    assert!(text.contains("its words are gone from the text"), "{text}");
    assert!(
        text.contains("its words were changed by a correction"),
        "{text}"
    );
    // Every other claim is marked.
    let marked = old
        .keys()
        .filter(|claim| page.body.contains(&format!("data-claim-id=\"{claim}\"")))
        .count();
    assert_eq!(marked, old.len() - 1);

    // The desk flags the piece, and the API counts its orphans.
    let desk = browser.get("/").await;
    desk.assert_html("the desk", Status::Ok);
    assert!(
        unescape(&desk.body).contains("1 claim lost its words in a correction"),
        "{}",
        desk.body
    );
    let listed = app.get("/api/v1/pieces").await.body;
    assert_eq!(listed["items"][0]["orphaned_claims"], 1);

    let orphan = browser.get(&format!("/claims/{lost}")).await;
    orphan.assert_html("an orphan's page", Status::Ok);
    assert!(unescape(&orphan.body).contains("A correction of the piece took these words out"));
    let changed = browser.get(&format!("/claims/{bolton}")).await;
    assert!(unescape(&changed.body).contains("A correction of the piece changed these words"));
}

/// The text a page's textarea `id` holds, as a browser shows it.
fn textarea(page: &Page, id: &str) -> String {
    let open = format!("<textarea id=\"{id}\"");
    let from = page
        .body
        .find(&open)
        .unwrap_or_else(|| panic!("a {id} field"));
    let from = from + page.body[from..].find('>').unwrap() + 1;
    let to = from + page.body[from..].find("</textarea>").unwrap();
    let text = &page.body[from..to];
    // A browser drops the newline that starts a textarea.
    unescape(text.strip_prefix('\n').unwrap_or(text))
}

#[rocket::async_test]
async fn an_editor_previews_a_correction_on_its_page_then_saves_it() {
    let Demo {
        app, id, body, old, ..
    } = demo().await;
    let bolton = claim_quoting(&old, "John Bolton, Trump’s countrywide safety adviser");
    let browser = app.browser_for(&app.editor).await;
    let form = browser.get(&format!("/pieces/{id}/correct")).await;
    form.assert_html("the correction form", Status::Ok);
    assert_page_markup("the correction form", &form.body);
    assert_eq!(
        textarea(&form, "correction-body"),
        body,
        "the text as it is"
    );
    let token = browser.csrf_token().await;
    let path = format!("/pieces/{id}/correct");
    let new = fixed(&body, true);
    let rows = written(&app).await;

    // The preview: each claim's outcome, nothing written, what was typed kept.
    let fields = |step: &'static str, reason: &'static str| {
        vec![
            ("csrf_token", token.clone()),
            ("version", "1".to_owned()),
            ("body", new.clone()),
            ("reason", reason.to_owned()),
            ("step", step.to_owned()),
        ]
    };
    let send = async |fields: Vec<(&str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        browser.post_form(&path, &fields).await
    };
    let preview = send(fields("preview", "")).await;
    preview.assert_html("the preview", Status::Ok);
    assert_page_markup("the preview", &preview.body);
    let text = unescape(&preview.body);
    assert!(
        text.contains(&format!(
            "{} exact, 1 changed, 1 losing their words",
            old.len() - 2
        )),
        "{text}"
    );
    assert!(text.contains("national security adviser"), "{text}");
    assert_eq!(textarea(&preview, "correction-body"), new);
    assert_eq!(written(&app).await, rows, "a preview writes nothing");

    // Saving without a reason: refused, kept.
    let refused = send(fields("save", "")).await;
    refused.assert_html("a correction without a reason", Status::UnprocessableEntity);
    assert!(
        unescape(&refused.body).contains("Reason"),
        "{}",
        refused.body
    );
    assert_eq!(textarea(&refused, "correction-body"), new);
    assert_eq!(written(&app).await, rows);

    let saved = send(fields("save", REASON)).await;
    assert_eq!(saved.status, Status::SeeOther, "{saved:?}");
    assert_eq!(saved.location(), Some(format!("/pieces/{id}").as_str()));
    let (after, text) = piece(&app, &id).await;
    assert_eq!(text, new);
    assert_eq!(claims(&after)[&bolton]["anchor"], "changed");

    // The same form again, made from version 1: stale, nothing written, the text kept.
    let rows = written(&app).await;
    let stale = send(fields("save", REASON)).await;
    stale.assert_html("a stale correction", Status::PreconditionFailed);
    assert!(unescape(&stale.body).contains("Nothing was changed"));
    assert_eq!(written(&app).await, rows);

    // A reviewer may neither open nor send it.
    let reviewer = app.browser_as(Role::Reviewer).await.1;
    reviewer
        .get(&format!("/pieces/{id}/correct"))
        .await
        .assert_html("the form, for a reviewer", Status::Forbidden);
}
