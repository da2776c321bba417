//! Publishing signed-off verdicts: the ClaimReview JSON-LD (API, feed, embedded in pages), the
//! public page `/checks/{id}`, and that nothing else is published.
use crate::support::html::{
    Browser, DATA_BLOCK, Page, assert_page_markup, assert_security_headers, tags, unescape,
};
use crate::support::{Answer, PASSWORD, TestApp, spawn_app, spawn_app_with_demo};
use factdesk::domain::roles::Role;
use rocket::http::{Method, Status};
use serde_json::{Value, json};
use uuid::Uuid;

const HOSTILE: &str = "</script><script>alert(1)</script>";
const JSON_LD: &str = "application/ld+json";
const BODY: &str = "The minister said unemployment fell to 4.1 percent in March, a record.";
const QUOTE: &str = "unemployment fell to 4.1 percent in March";

/// Adds an evidence link to `claim`, then sets `verdict` (with `wording`: reason, summary …) as
/// the desk's editor; returns the claim's new ETag.
async fn set_verdict(app: &TestApp, claim: &str, wording: Value) -> String {
    let evidence = json!({
        "url": "https://www.state.gov/remarks?a=1&b=2",
        "title": "Remarks on Iran",
        "publisher": "U.S. Department of State",
        "stance": "refutes",
        "note": "INTERNAL evidence note",
    });
    let added = app
        .post(&format!("/api/v1/claims/{claim}/evidence"), &evidence)
        .await;
    assert_eq!(added.status, Status::Created, "{added:#?}");
    app.change_claim(claim, &wording).await
}

/// A new claim on a new piece, with a verdict set and signed off.
async fn published(app: &TestApp, wording: Value) -> String {
    let piece = app.create_another_piece(BODY).await;
    let (claim, _) = app.create_claim(&piece, QUOTE).await;
    set_verdict(app, &claim, wording).await;
    app.sign_off_as_a_reviewer(&claim, Some("INTERNAL sign-off note"))
        .await;
    claim
}

/// The JSON-LD an answer carries (the API's and the feed's are served as `application/ld+json`).
fn json_ld(answer: &Answer) -> Value {
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    assert_eq!(answer.content_type.as_deref(), Some(JSON_LD), "{answer:#?}");
    match &answer.body {
        Value::String(text) => serde_json::from_str(text).unwrap(),
        other => other.clone(),
    }
}

async fn claimreview(app: &TestApp, claim: &str) -> Answer {
    app.get(&format!("/api/v1/claims/{claim}/claimreview"))
        .await
}

/// The feed as a crawler reads it: no credentials.
async fn feed(app: &TestApp) -> Value {
    json_ld(
        &app.send(Method::Get, "/claimreview.json", None, None, None)
            .await,
    )
}

fn feed_urls(feed: &Value) -> Vec<String> {
    feed["dataFeedElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|review| review["url"].as_str().unwrap().to_owned())
        .collect()
}

fn check_url(claim: &str) -> String {
    format!("http://127.0.0.1:8000/checks/{claim}")
}

/// The page's data blocks, parsed (each checked by `assert_page_markup` to hold only JSON).
fn data_blocks(page: &Page) -> Vec<Value> {
    page.body
        .split(DATA_BLOCK)
        .skip(1)
        .map(|rest| serde_json::from_str(&rest[..rest.find("</script>").unwrap()]).unwrap())
        .collect()
}

/// A browser nobody signed in to.
async fn anonymous(app: &TestApp) -> Browser {
    Browser::open(&app.db).await
}

#[rocket::async_test]
async fn a_signed_off_demo_verdict_is_published_with_every_claimreview_field() {
    let (app, piece) = spawn_app_with_demo().await;
    // The demo piece has no address of its own: give it one, as the desk would.
    let url = "https://www.nbcnews.com/politics/national-security/trump-authorized-soleimani-s-killing-7-months-ago-conditions-n1113271";
    let answer = app
        .patch(
            &format!("/api/v1/pieces/{piece}"),
            Some("\"1\""),
            &json!({ "url": url }),
        )
        .await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    let demo = app.get(&format!("/api/v1/pieces/{piece}")).await.body;
    let first = &demo["claims"][0];
    let claim = first["id"].as_str().unwrap().to_owned();
    let reason = "Bolton's own account puts the authorisation in June 2019; the \
                  administration gave no other date.";
    set_verdict(
        &app,
        &claim,
        json!({ "status": "misleading", "reason": reason }),
    )
    .await;
    app.sign_off_as_a_reviewer(&claim, Some("INTERNAL sign-off note"))
        .await;
    let signed = app.get(&format!("/api/v1/claims/{claim}")).await.body;
    let signed_on = &signed["signed_off_at"].as_str().unwrap()[..10];

    let review = json_ld(&claimreview(&app, &claim).await);

    println!(
        "ClaimReview of a demo claim:\n{}",
        serde_json::to_string_pretty(&review).unwrap()
    );
    // The cut itself is tested below and in `domain::claimreview`.
    let summary = first["summary"].as_str().unwrap();
    let claimed = factdesk::domain::claimreview::shorten(summary, 75);
    assert_eq!(
        review,
        json!({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": check_url(&claim),
            "claimReviewed": claimed,
            "datePublished": signed_on,
            "author": {
                "@type": "Organization",
                "name": "Factdesk newsroom",
                "url": "http://127.0.0.1:8000",
            },
            "reviewRating": {
                "@type": "Rating",
                "alternateName": "Misleading",
                "ratingValue": 2,
                "bestRating": 5,
                "worstRating": 1,
                "ratingExplanation": reason,
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": { "@type": "Person", "name": first["claimant"] },
                "datePublished": "2020-01-13",
                "appearance": {
                    "@type": "CreativeWork",
                    "url": url,
                    "headline": factdesk::store::demo::TITLE,
                },
            },
        })
    );

    // The same ClaimReview is in the feed, embedded in the public page and in the claim page.
    let listed = feed(&app).await;
    let mut element = review.clone();
    element.as_object_mut().unwrap().remove("@context");
    assert_eq!(listed["dataFeedElement"], json!([element]));
    assert_eq!(listed["@type"], "DataFeed");
    assert_eq!(listed["url"], "http://127.0.0.1:8000/claimreview.json");
    let page = anonymous(&app).await.get(&format!("/checks/{claim}")).await;
    assert_eq!(data_blocks(&page), std::slice::from_ref(&review));
    let desk = Browser::open(&app.db).await;
    let signed_in = desk.sign_in(&app.editor.email, PASSWORD).await;
    assert_eq!(signed_in.status, Status::SeeOther, "{signed_in:?}");
    let claim_page = desk.get(&format!("/claims/{claim}")).await;
    assert_page_markup("the claim page", &claim_page.body);
    assert_eq!(data_blocks(&claim_page), [review]);
}

#[rocket::async_test]
async fn the_claim_reviewed_is_cut_to_75_characters_between_graphemes() {
    let app = spawn_app().await;
    // 74 characters of ASCII, then an accented letter made of two characters: cutting after 74
    // characters would split it, so the cut falls before it.
    let summary = format!("{}e\u{301}{}", "a".repeat(73), "ü".repeat(40));
    let claim = published(
        &app,
        json!({ "status": "false", "reason": "No.", "summary": summary }),
    )
    .await;

    let review = json_ld(&claimreview(&app, &claim).await);

    let reviewed = review["claimReviewed"].as_str().unwrap();
    assert_eq!(reviewed, format!("{}…", "a".repeat(73)));
    assert!(reviewed.chars().count() <= 75);

    // Multibyte text all through: 75 characters exactly, the last an ellipsis.
    let claim = published(
        &app,
        json!({ "status": "accurate", "reason": "Yes.", "summary": "事实核查".repeat(30) }),
    )
    .await;
    let reviewed = json_ld(&claimreview(&app, &claim).await)["claimReviewed"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(reviewed.chars().count(), 75);
    assert_eq!(
        reviewed,
        format!(
            "{}…",
            "事实核查".repeat(30).chars().take(74).collect::<String>()
        )
    );

    // No summary: the quote, which fits whole.
    let claim = published(&app, json!({ "status": "accurate", "reason": "Yes." })).await;
    let review = json_ld(&claimreview(&app, &claim).await);
    assert_eq!(review["claimReviewed"], QUOTE);
    assert!(
        review["itemReviewed"].get("author").is_none(),
        "no claimant, no author: {review}"
    );
}

#[rocket::async_test]
async fn hostile_text_cannot_break_out_of_the_embedded_json_ld() {
    let app = spawn_app().await;
    let wording = json!({
        "status": "false",
        "reason": HOSTILE,
        "summary": HOSTILE,
        "claimant": format!("{HOSTILE} & 'friends' <!--"),
    });
    let claim = published(&app, wording).await;
    let review = json_ld(&claimreview(&app, &claim).await);
    assert_eq!(review["reviewRating"]["ratingExplanation"], HOSTILE);

    let public = anonymous(&app).await;
    let page = public.get(&format!("/checks/{claim}")).await;
    let desk = Browser::open(&app.db).await;
    let signed_in = desk.sign_in(&app.editor.email, PASSWORD).await;
    assert_eq!(signed_in.status, Status::SeeOther, "{signed_in:?}");
    let claim_page = desk.get(&format!("/claims/{claim}")).await;

    for (what, page) in [("the public page", &page), ("the claim page", &claim_page)] {
        page.assert_html(what, Status::Ok);
        // One script element besides the app's own files: the data block; the hostile text
        // added none.
        let scripts = crate::support::html::without_app_scripts(&page.body);
        assert_eq!(scripts.matches("<script").count(), 1, "{what}: {page:?}");
        assert!(!page.body.contains(HOSTILE), "{what}: {page:?}");
        assert_page_markup(what, &page.body);
        assert_eq!(data_blocks(page), std::slice::from_ref(&review), "{what}");
    }
}

#[rocket::async_test]
async fn only_signed_off_verdicts_are_published_and_reopening_unpublishes() {
    let app = spawn_app().await;
    let piece = app.create_piece(BODY).await;
    let (unchecked, _) = app.create_claim(&piece, QUOTE).await;
    let (unsigned, _) = app.create_claim(&piece, "a record").await;
    set_verdict(
        &app,
        &unsigned,
        json!({ "status": "false", "reason": "No." }),
    )
    .await;
    let kept = published(&app, json!({ "status": "accurate", "reason": "Yes." })).await;
    let reopened = published(&app, json!({ "status": "false", "reason": "No." })).await;
    assert_eq!(
        feed_urls(&feed(&app).await).len(),
        2,
        "both signed-off verdicts, before one is reopened"
    );
    let etag = app.get(&format!("/api/v1/claims/{reopened}")).await.etag;
    let reopen = json!({ "status": "in_progress", "reason": "A new source." });
    let answer = app
        .patch(
            &format!("/api/v1/claims/{reopened}"),
            etag.as_deref(),
            &reopen,
        )
        .await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");

    assert_eq!(feed_urls(&feed(&app).await), [check_url(&kept)]);
    let events = app.count("events").await;
    let public = anonymous(&app).await;
    let missing = Uuid::new_v4().to_string();
    let malformed = "not-a-uuid".to_owned();
    for claim in [&unchecked, &unsigned, &reopened, &missing, &malformed] {
        claimreview(&app, claim).await.assert_problem(404);
        let page = public.get(&format!("/checks/{claim}")).await;
        page.assert_html(&format!("/checks/{claim}"), Status::NotFound);
        assert_security_headers("a check that is not published", &page);
        assert!(!page.body.contains(DATA_BLOCK), "{page:?}");
    }
    assert_eq!(app.count("events").await, events, "reading writes nothing");
    let page = public.get(&format!("/checks/{kept}")).await;
    page.assert_html("a published check", Status::Ok);
}

#[rocket::async_test]
async fn the_public_page_needs_no_sign_in_and_shows_nothing_internal() {
    let app = spawn_app().await;
    let claim = published(
        &app,
        json!({
            "status": "false",
            "reason": "The statistics office's March figure is 4.4 percent.",
            "summary": "Unemployment fell to 4.1% in March.",
            "claimant": "The minister",
            "assignee": app.editor.id,
        }),
    )
    .await;
    let note = json!({ "body": "INTERNAL note: call the office back" });
    let answer = app
        .post(&format!("/api/v1/claims/{claim}/notes"), &note)
        .await;
    assert_eq!(answer.status, Status::Created, "{answer:#?}");
    let (_, admin) = app.user(Role::Admin).await;
    let names: Vec<String> = app
        .send(Method::Get, "/api/v1/users", Some(&admin), None, None)
        .await
        .body
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| u["name"].as_str().unwrap().to_owned())
        .filter(|name| name != "System")
        .collect();
    assert!(
        names.len() >= 3,
        "the editor, the signer and the admin: {names:?}"
    );

    let page = anonymous(&app).await.get(&format!("/checks/{claim}")).await;

    page.assert_html("the public page", Status::Ok);
    assert_security_headers("the public page", &page);
    assert_page_markup("the public page", &page.body);
    let text = unescape(&page.body);
    for shown in [
        "The minister said <em>unemployment fell to 4.1 percent in March</em>, a record.",
        "Unemployment fell to 4.1% in March.",
        "The minister, in",
        "The statistics office's March figure is 4.4 percent.",
        "Remarks on Iran",
        "U.S. Department of State",
        "False",
        "Factdesk newsroom",
    ] {
        assert!(text.contains(shown), "{shown:?} not in {page:?}");
    }
    let source = tags(&page.body)
        .into_iter()
        .find(|tag| {
            tag.name == "a"
                && tag.attribute("href") == Some("https://www.state.gov/remarks?a=1&b=2")
        })
        .unwrap_or_else(|| panic!("no link to the evidence in {page:?}"));
    assert_eq!(source.attribute("rel"), Some("noopener noreferrer"));
    for hidden in ["INTERNAL", "History", "Assigned", "Sign out", "csrf_token"] {
        assert!(!page.body.contains(hidden), "{hidden:?} in {page:?}");
    }
    for name in names {
        assert!(!text.contains(&name), "{name:?} in {page:?}");
    }
}

#[rocket::async_test]
async fn the_api_answer_needs_a_token_and_the_feed_does_not() {
    let app = spawn_app().await;
    let claim = published(
        &app,
        json!({ "status": "unverifiable", "reason": "No record." }),
    )
    .await;
    let path = format!("/api/v1/claims/{claim}/claimreview");

    app.send(Method::Get, &path, None, None, None)
        .await
        .assert_problem(401);
    let (_, reviewer) = app.user(Role::Reviewer).await;
    let review = json_ld(
        &app.send(Method::Get, &path, Some(&reviewer), None, None)
            .await,
    );
    assert_eq!(review["reviewRating"]["alternateName"], "Unverifiable");
    assert_eq!(review["reviewRating"]["ratingValue"], 3);

    let listed = feed(&app).await;
    assert_eq!(feed_urls(&listed), [check_url(&claim)]);
    assert!(listed["dateModified"].is_string(), "{listed}");
}

#[rocket::async_test]
async fn an_empty_feed_is_still_a_data_feed() {
    let app = spawn_app().await;
    let listed = feed(&app).await;
    assert_eq!(listed["@type"], "DataFeed");
    assert_eq!(listed["dataFeedElement"], json!([]));
    assert!(listed.get("dateModified").is_none(), "{listed}");
}

#[rocket::async_test]
async fn the_feed_answers_its_errors_as_problem_documents_for_machines() {
    let app = spawn_app().await;

    let response = app.client.post("/claimreview.json").dispatch().await;

    assert_eq!(response.status().code, 405);
    assert_eq!(
        response.content_type().map(|t| t.to_string()).as_deref(),
        Some("application/problem+json")
    );
    assert_eq!(response.headers().get_one("Allow"), Some("GET"));
}

#[rocket::async_test]
async fn an_organisations_claim_is_published_with_an_organization_as_its_author() {
    let app = spawn_app().await;
    let piece = app.create_piece(BODY).await;
    let answer = app
        .post(
            &format!("/api/v1/pieces/{piece}/claims"),
            &json!({ "quote": QUOTE, "claimant": "Ministry of Labour", "claimant_kind": "organization" }),
        )
        .await;
    assert_eq!(answer.status, Status::Created, "{answer:#?}");
    assert_eq!(answer.body["claimant_kind"], "organization");
    let claim = answer.body["id"].as_str().unwrap().to_owned();
    let wording = json!({ "status": "false", "reason": "The release says 4.4 percent." });
    set_verdict(&app, &claim, wording).await;
    app.sign_off_as_a_reviewer(&claim, None).await;
    let review = json_ld(&claimreview(&app, &claim).await);
    assert_eq!(
        review["itemReviewed"]["author"],
        json!({ "@type": "Organization", "name": "Ministry of Labour" })
    );
    // The page's embedded JSON-LD and the feed say the same.
    assert_eq!(
        feed(&app).await["dataFeedElement"][0]["itemReviewed"]["author"]["@type"],
        "Organization"
    );

    // Saying it was a person's is a change of the claim's wording: it voids the sign-off, and
    // the check is no longer published until someone signs it off again.
    app.change_claim(&claim, &json!({ "claimant_kind": "person" }))
        .await;
    let after = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(after.body["claimant_kind"], "person");
    assert!(after.body["signed_off_by"].is_null(), "{after:#?}");
    claimreview(&app, &claim).await.assert_problem(404);
    let history = app.claim_history(&claim).await;
    let kinds: Vec<(&str, &str)> = history
        .iter()
        .filter(|e| e["field"] == "claimant_kind")
        .map(|e| (e["from"].as_str().unwrap(), e["to"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("organization", "person")]);
    assert!(history.iter().any(|e| e["kind"] == "signoff_voided"));
}

#[rocket::async_test]
async fn a_claimant_kind_that_is_neither_is_refused_by_the_api_and_the_form_and_writes_nothing() {
    let app = spawn_app().await;
    let piece = app.create_piece(BODY).await;
    let before = app.count("claims").await;
    let refused = app
        .post(
            &format!("/api/v1/pieces/{piece}/claims"),
            &json!({ "quote": QUOTE, "claimant": "Acme", "claimant_kind": "company" }),
        )
        .await;
    refused.assert_problem(422);
    assert_eq!(
        refused.body["errors"][0]["field"], "claimant_kind",
        "{refused:#?}"
    );
    assert_eq!(app.count("claims").await, before);

    // A claim without one is a person's, as every claim made before the field was.
    let (claim, tag) = app.create_claim(&piece, QUOTE).await;
    let path = format!("/api/v1/claims/{claim}");
    assert_eq!(app.get(&path).await.body["claimant_kind"], "person");
    let patch = app
        .patch(
            &path,
            Some(&tag),
            &json!({ "claimant_kind": "Organization" }),
        )
        .await;
    patch.assert_problem(422);
    assert_eq!(patch.body["errors"][0]["field"], "claimant_kind");
    assert_eq!(app.get(&path).await.etag.as_deref(), Some(tag.as_str()));
}
