//! Pieces, anchoring claims in them, the demo piece, and listing claims.
use crate::support::{Answer, TestApp, spawn_app, spawn_app_with_demo};
use chrono::{DateTime, Utc};
use rocket::http::Status;
use serde_json::{Value, json};
use std::collections::HashSet;
use uuid::Uuid;

/// Multi-byte characters (—, ’, “, ”) before the quotes, so char and byte offsets differ;
/// "officials said" occurs twice.
const PASSAGE: &str = "WASHINGTON — Just after Iran shot down a U.S. drone in June, John Bolton, \
    Trump’s countrywide safety adviser at the time, pressed for a “proportional” response, \
    officials said. Later, officials said the strike was lawful.";

/// The chars `[start, end)` of `text`, counted the way the API counts: Unicode scalar values.
fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

fn selector_range(claim: &Value) -> (usize, usize) {
    let at = |key: &str| claim["selector"][key].as_u64().unwrap() as usize;
    (at("start"), at("end"))
}

fn quotes(claims: &Value) -> Vec<&str> {
    claims
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["selector"]["exact"].as_str().unwrap())
        .collect()
}

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn post_claim(app: &TestApp, piece: &str, body: Value) -> Answer {
    app.post(&format!("/api/v1/pieces/{piece}/claims"), &body)
        .await
}

/// PATCHes a claim with its current ETag and returns the new one.
async fn patch_claim(app: &TestApp, claim: &str, etag: &str, body: Value) -> String {
    let answer = app
        .patch(&format!("/api/v1/claims/{claim}"), Some(etag), &body)
        .await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    answer.etag.unwrap()
}

async fn claims_page(app: &TestApp, query: &str) -> Answer {
    let answer = app.get(&format!("/api/v1/claims?{query}")).await;
    assert_eq!(answer.status, Status::Ok, "{query}: {answer:#?}");
    answer
}

async fn piece_summary(app: &TestApp, piece: &str) -> Value {
    let list = app.get("/api/v1/pieces").await;
    assert_eq!(list.status, Status::Ok, "{list:#?}");
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == piece)
        .expect("the piece is listed")
        .clone()
}

/// What proves a refused claim wrote nothing.
async fn claim_rows(app: &TestApp) -> (i64, i64) {
    (app.count("claims").await, app.count("events").await)
}

// ---------------------------------------------------------------------------------------------
// Pieces

#[rocket::async_test]
async fn a_created_piece_is_at_its_location_with_every_field_as_stored() {
    let app = spawn_app().await;
    // The body is the published text: curly quotes and surrounding whitespace are part of it.
    let body = "\n  “There have been a quantity of possibilities,” a senior official stated.  \n";
    let input = json!({
        "title": "  Trump authorized Soleimani’s killing 7 months ago  ",
        "body": body,
        "outlet": "NBC News",
        "url": "https://www.nbcnews.com/politics/national-security/trump-authorized-soleimani-s-killing-7-months-ago-n1113271",
        "authors": ["Carol E. Lee", "Courtney Kube"],
        "published_at": "2020-01-13",
    });
    let created = app.post("/api/v1/pieces", &input).await;
    assert_eq!(created.status, Status::Created, "{created:#?}");
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(
        created.location.as_deref(),
        Some(format!("/api/v1/pieces/{id}").as_str())
    );
    assert_eq!(
        created.body["title"],
        "Trump authorized Soleimani’s killing 7 months ago"
    );
    assert_eq!(created.body["body"], body);
    assert_eq!(created.body["outlet"], "NBC News");
    assert_eq!(created.body["url"], input["url"]);
    assert_eq!(
        created.body["authors"],
        json!(["Carol E. Lee", "Courtney Kube"])
    );
    assert_eq!(created.body["published_at"], "2020-01-13T00:00:00Z");
    assert_eq!(created.body["claims"], json!([]));

    let fetched = app.get(created.location.as_deref().unwrap()).await;
    assert_eq!(fetched.status, Status::Ok, "{fetched:#?}");
    assert_eq!(fetched.body, created.body);
}

#[rocket::async_test]
async fn a_publication_time_with_an_offset_is_stored_in_utc() {
    let app = spawn_app().await;
    let input = json!({ "title": "Morning piece", "body": "Text.", "published_at": "2020-01-13T09:30:00-05:00" });
    let created = app.post("/api/v1/pieces", &input).await;
    assert_eq!(created.status, Status::Created, "{created:#?}");
    let fetched = app.get(created.location.as_deref().unwrap()).await;
    assert_eq!(fetched.body["published_at"], "2020-01-13T14:30:00Z");
    // Optional fields left out come back empty, not invented.
    assert_eq!(
        (&fetched.body["outlet"], &fetched.body["url"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(fetched.body["authors"], json!([]));
}

#[rocket::async_test]
async fn the_piece_list_counts_claims_at_each_of_the_six_statuses() {
    let app = spawn_app().await;
    let piece = app
        .create_piece("One claim. Two claims. Three claims.")
        .await;
    let summary = piece_summary(&app, &piece).await;
    assert_eq!(summary["claim_count"], 0);
    // A listing carries no texts: a piece's body can be 200,000 characters.
    assert!(summary.get("body").is_none(), "{summary:#?}");
    let none = json!({ "unchecked": 0, "in_progress": 0, "accurate": 0, "misleading": 0, "false": 0, "unverifiable": 0 });
    assert_eq!(summary["claims_by_status"], none);

    let (_, _) = app.create_claim(&piece, "One claim.").await;
    let (working, etag) = app.create_claim(&piece, "Two claims.").await;
    patch_claim(&app, &working, &etag, json!({ "status": "in_progress" })).await;
    let (judged, etag) = app.create_claim(&piece, "Three claims.").await;
    app.add_evidence(&judged, "refutes").await;
    patch_claim(
        &app,
        &judged,
        &etag,
        json!({ "status": "false", "reason": "The record shows otherwise." }),
    )
    .await;

    let summary = piece_summary(&app, &piece).await;
    assert_eq!(summary["claim_count"], 3);
    let expected = json!({ "unchecked": 1, "in_progress": 1, "accurate": 0, "misleading": 0, "false": 1, "unverifiable": 0 });
    assert_eq!(summary["claims_by_status"], expected);
}

#[rocket::async_test]
async fn a_piece_shows_its_claims_in_text_order_whatever_order_they_were_made_in() {
    let app = spawn_app().await;
    let piece = app.create_piece(PASSAGE).await;
    for quote in [
        "the strike was lawful",
        "WASHINGTON",
        "John Bolton",
        "“proportional” response",
    ] {
        app.create_claim(&piece, quote).await;
    }
    let shown = app.get(&format!("/api/v1/pieces/{piece}")).await;
    assert_eq!(shown.status, Status::Ok, "{shown:#?}");
    assert_eq!(
        quotes(&shown.body["claims"]),
        [
            "WASHINGTON",
            "John Bolton",
            "“proportional” response",
            "the strike was lawful"
        ]
    );
    let starts: Vec<usize> = shown.body["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| selector_range(c).0)
        .collect();
    assert!(starts.is_sorted(), "{starts:?}");
}

// ---------------------------------------------------------------------------------------------
// Anchoring claims

#[rocket::async_test]
async fn a_quote_after_multibyte_text_is_anchored_by_character_not_byte() {
    let app = spawn_app().await;
    let piece = app.create_piece(PASSAGE).await;
    let quote = "Trump’s countrywide safety adviser at the time";
    let created = post_claim(&app, &piece, json!({ "quote": quote })).await;
    assert_eq!(created.status, Status::Created, "{created:#?}");
    // Byte offsets would put it at 78: "—" and "’" are three bytes each.
    let expected = json!({
        "exact": quote,
        "prefix": ".S. drone in June, John Bolton, ",
        "suffix": ", pressed for a “proportional” r",
        "start": 74,
        "end": 120,
    });
    assert_eq!(created.body["selector"], expected);
    assert_eq!(chars(PASSAGE, 74, 120), quote);
    let fetched = app.get(created.location.as_deref().unwrap()).await;
    assert_eq!(fetched.body["selector"], expected);
}

#[rocket::async_test]
async fn context_is_at_most_32_characters_and_shorter_at_the_texts_edges() {
    let app = spawn_app().await;
    let piece = app.create_piece(PASSAGE).await;
    // (quote, start, prefix, suffix): a full 32 chars each side unless the text ends sooner.
    let cases = [
        ("WASHINGTON", 0, "", " — Just after Iran shot down a U"),
        (
            "Just after",
            13,
            "WASHINGTON — ",
            " Iran shot down a U.S. drone in ",
        ),
        ("lawful", 214, ", officials said the strike was ", "."),
        (
            "the strike was lawful.",
            199,
            "als said. Later, officials said ",
            "",
        ),
    ];
    for (quote, start, prefix, suffix) in cases {
        let created = post_claim(&app, &piece, json!({ "quote": quote })).await;
        assert_eq!(created.status, Status::Created, "{quote}: {created:#?}");
        let selector = &created.body["selector"];
        assert_eq!(
            selector_range(&created.body),
            (start, start + quote.chars().count()),
            "{quote}"
        );
        assert_eq!(selector["prefix"], prefix, "{quote}");
        assert_eq!(selector["suffix"], suffix, "{quote}");
        assert_eq!(
            selector["prefix"],
            chars(PASSAGE, start.saturating_sub(32), start),
            "{quote}"
        );
    }
}

#[rocket::async_test]
async fn a_quote_that_occurs_twice_needs_a_start_naming_one_of_its_positions() {
    let app = spawn_app().await;
    let piece = app.create_piece(PASSAGE).await;
    let before = claim_rows(&app).await;

    let ambiguous = post_claim(&app, &piece, json!({ "quote": "officials said" })).await;
    let detail = ambiguous.assert_problem(422);
    assert!(detail.contains("161") && detail.contains("184"), "{detail}");
    assert_eq!(ambiguous.error_fields(), ["quote"]);

    let wrong = post_claim(
        &app,
        &piece,
        json!({ "quote": "officials said", "start": 162 }),
    )
    .await;
    let detail = wrong.assert_problem(422);
    assert_eq!(wrong.error_fields(), ["start"]);
    assert!(detail.contains("161") && detail.contains("184"), "{detail}");
    assert_eq!(
        claim_rows(&app).await,
        before,
        "a refused claim wrote something"
    );

    let second = post_claim(
        &app,
        &piece,
        json!({ "quote": "officials said", "start": 184 }),
    )
    .await;
    assert_eq!(second.status, Status::Created, "{second:#?}");
    let expected = json!({
        "exact": "officials said",
        "prefix": "esponse, officials said. Later, ",
        "suffix": " the strike was lawful.",
        "start": 184,
        "end": 198,
    });
    assert_eq!(second.body["selector"], expected);
}

#[rocket::async_test]
async fn a_quote_not_in_the_body_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let piece = app.create_piece(PASSAGE).await;
    let before = claim_rows(&app).await;
    // The body has a curly apostrophe; a straight one is a different text.
    for body in [
        json!({ "quote": "Trump's countrywide" }),
        json!({ "quote": "Pompeo", "start": 5 }),
    ] {
        let refused = post_claim(&app, &piece, body.clone()).await;
        refused.assert_problem(422);
        assert_eq!(refused.error_fields(), ["quote"], "{body}");
    }
    assert_eq!(
        claim_rows(&app).await,
        before,
        "a refused claim wrote something"
    );
}

#[rocket::async_test]
async fn a_claim_on_an_unknown_piece_is_404() {
    let app = spawn_app().await;
    for piece in [Uuid::new_v4().to_string(), "not-a-uuid".to_owned()] {
        let answer = post_claim(&app, &piece, json!({ "quote": "WASHINGTON" })).await;
        let detail = answer.assert_problem(404);
        assert!(detail.contains(&piece), "{detail}");
    }
    assert_eq!(claim_rows(&app).await, (0, 0));
}

#[rocket::async_test]
async fn a_new_claim_is_unchecked_at_version_1_with_normal_priority_and_a_created_event() {
    let app = spawn_app().await;
    let piece = app.create_piece(PASSAGE).await;
    let created = post_claim(
        &app,
        &piece,
        json!({ "quote": "John Bolton", "claimant": "officials" }),
    )
    .await;
    assert_eq!(created.status, Status::Created, "{created:#?}");
    let claim = created.body["id"].as_str().unwrap();
    assert_eq!(
        created.location.as_deref(),
        Some(format!("/api/v1/claims/{claim}").as_str())
    );
    assert_eq!(created.etag.as_deref(), Some("\"1\""));
    for (field, value) in [
        ("status", json!("unchecked")),
        ("version", json!(1)),
        ("priority", json!("normal")),
        ("status_reason", Value::Null),
        ("assignee", Value::Null),
        ("claimant", json!("officials")),
        ("summary", json!("")),
        ("piece_id", json!(piece)),
        ("piece_title", json!("A test piece")),
        ("created_by", json!(app.editor.id)),
        ("updated_by", json!(app.editor.id)),
        ("verdict_by", Value::Null),
        ("signed_off_by", Value::Null),
    ] {
        assert_eq!(created.body[field], value, "{field}");
    }

    let fetched = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(fetched.etag.as_deref(), Some("\"1\""));
    assert_eq!(
        (&fetched.body["evidence"], &fetched.body["notes"]),
        (&json!([]), &json!([]))
    );

    let history = app.get(&format!("/api/v1/claims/{claim}/history")).await;
    assert_eq!(history.status, Status::Ok, "{history:#?}");
    let events = history.body.as_array().unwrap();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0]["kind"], "created");
    assert_eq!(events[0]["to"], "unchecked");
    assert_eq!(events[0]["claim_id"], claim);
    assert_eq!(
        events[0]["actor"],
        json!({ "id": app.editor.id, "name": app.editor.name })
    );
}

// ---------------------------------------------------------------------------------------------
// The demo piece

#[rocket::async_test]
async fn every_demo_claim_quotes_the_body_exactly_where_its_selector_says() {
    let (app, demo) = spawn_app_with_demo().await;
    let piece = app.get(&format!("/api/v1/pieces/{demo}")).await;
    assert_eq!(piece.status, Status::Ok, "{piece:#?}");
    assert_eq!(piece.body["outlet"], "NBC News");
    assert_eq!(piece.body["published_at"], "2020-01-13T00:00:00Z");
    let body = piece.body["body"].as_str().unwrap();
    let claims = piece.body["claims"].as_array().unwrap();
    assert!(claims.len() >= 30, "only {} demo claims", claims.len());

    for claim in claims {
        let (start, end) = selector_range(claim);
        let selector = &claim["selector"];
        assert_eq!(selector["exact"], chars(body, start, end), "{claim:#?}");
        assert_eq!(
            selector["prefix"],
            chars(body, start.saturating_sub(32), start),
            "{claim:#?}"
        );
        assert_eq!(selector["suffix"], chars(body, end, end + 32), "{claim:#?}");
        for field in ["claimant", "summary"] {
            assert!(
                claim[field].as_str().is_some_and(|s| !s.trim().is_empty()),
                "{field}: {claim:#?}"
            );
        }
    }
    let quotes = quotes(&piece.body["claims"]);
    let opening = "authorized the killing of Iranian Gen. Qassem Soleimani 7 months back";
    assert!(quotes.iter().any(|q| q.starts_with(opening)), "{quotes:#?}");
    assert!(
        quotes
            .iter()
            .any(|q| q.contains("was setting up imminent assaults on Us residents")),
        "{quotes:#?}"
    );
}

#[rocket::async_test]
async fn reloading_the_demo_replaces_it_rather_than_adding_a_second_copy() {
    let (app, demo) = spawn_app_with_demo().await;
    let claim_ids = |answer: &Answer| -> Vec<String> {
        answer.body["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = claim_ids(&app.get(&format!("/api/v1/pieces/{demo}")).await);
    let (rows, events) = claim_rows(&app).await;
    // A piece of the newsroom's own with the same headline is never the demo's.
    let own = app
        .post("/api/v1/pieces", &json!({ "title": factdesk::store::demo::TITLE, "body": "Our own copy.", "published_at": "2020-01-13" }))
        .await;
    assert_eq!(own.status, Status::Created, "{own:#?}");

    let reloaded = factdesk::store::demo::reload(&mut app.db.conn().await, false)
        .await
        .unwrap();

    assert_eq!(reloaded, demo, "the demo keeps its one id");
    let after = claim_ids(&app.get(&format!("/api/v1/pieces/{demo}")).await);
    assert_eq!(after.len(), before.len());
    assert!(
        after.iter().all(|id| !before.contains(id)),
        "the claims are fresh copies"
    );
    assert_eq!(
        claim_rows(&app).await,
        (rows, events),
        "the old copy's claims or history remain"
    );
    let own = own.body["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/pieces/{own}")).await.status,
        Status::Ok
    );
}

#[rocket::async_test]
async fn reloading_a_demo_people_have_worked_on_needs_force() {
    let (app, demo) = spawn_app_with_demo().await;
    let piece = app.get(&format!("/api/v1/pieces/{demo}")).await;
    let claim = piece.body["claims"][0]["id"].as_str().unwrap().to_owned();
    app.add_evidence(&claim, "supports").await;
    let work = claim_rows(&app).await;

    let refused = factdesk::store::demo::reload(&mut app.db.conn().await, false)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("--force"), "{refused}");
    assert_eq!(
        claim_rows(&app).await,
        work,
        "a refused reload changed something"
    );

    factdesk::store::demo::reload(&mut app.db.conn().await, true)
        .await
        .unwrap();
    let fresh = app.get(&format!("/api/v1/pieces/{demo}")).await;
    assert_eq!(
        fresh.body["claims"].as_array().unwrap().len(),
        piece.body["claims"].as_array().unwrap().len()
    );
    assert!(app.get(&format!("/api/v1/claims/{claim}")).await.status == Status::NotFound);
}

// ---------------------------------------------------------------------------------------------
// Listing claims

#[rocket::async_test]
async fn claims_are_filtered_by_piece_status_and_assignee() {
    let app = spawn_app().await;
    let one = app.create_piece("Alpha rose. Beta fell.").await;
    let other = app.create_piece("Gamma held.").await;
    let (alpha, _) = app.create_claim(&one, "Alpha rose.").await;
    let (beta, etag) = app.create_claim(&one, "Beta fell.").await;
    let (gamma, gamma_etag) = app.create_claim(&other, "Gamma held.").await;
    patch_claim(&app, &beta, &etag, json!({ "status": "in_progress" })).await;
    patch_claim(
        &app,
        &gamma,
        &gamma_etag,
        json!({ "assignee": app.editor.id }),
    )
    .await;

    let as_set = |items: &Value| ids(items).into_iter().collect::<HashSet<_>>();
    let expect = |list: &[&String]| list.iter().map(|s| s.to_string()).collect::<HashSet<_>>();
    let nobody = Uuid::new_v4();
    let cases = [
        (format!("piece={one}"), expect(&[&alpha, &beta])),
        (format!("piece={other}"), expect(&[&gamma])),
        ("status=in_progress".to_owned(), expect(&[&beta])),
        ("status=unchecked".to_owned(), expect(&[&alpha, &gamma])),
        (format!("piece={other}&status=in_progress"), expect(&[])),
        (format!("assignee={}", app.editor.id), expect(&[&gamma])),
        (format!("assignee={nobody}"), expect(&[])),
        (String::new(), expect(&[&alpha, &beta, &gamma])),
    ];
    for (query, expected) in cases {
        let page = claims_page(&app, &query).await;
        assert_eq!(as_set(&page.body["items"]), expected, "?{query}");
        assert_eq!(page.body["next_cursor"], Value::Null, "?{query}");
    }
}

#[rocket::async_test]
async fn q_matches_quote_summary_or_claimant_case_insensitively_and_literally() {
    let app = spawn_app().await;
    let piece = app.create_piece("Prices rose 50% in a year. Prices rose 501 times. Use snake_case here. Use snakeXcase there.").await;
    let claim = |quote: &'static str, extra: Value| {
        let mut body = json!({ "quote": quote });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        post_claim(&app, &piece, body)
    };
    let percent = claim(
        "Prices rose 50% in a year.",
        json!({ "claimant": "The Treasury" }),
    )
    .await;
    let fifty = claim(
        "Prices rose 501 times.",
        json!({ "summary": "An Inflation figure" }),
    )
    .await;
    let snake = claim("Use snake_case here.", json!({})).await;
    let snakex = claim("Use snakeXcase there.", json!({})).await;
    let id = |a: &Answer| {
        assert_eq!(a.status, Status::Created, "{a:#?}");
        a.body["id"].as_str().unwrap().to_owned()
    };
    let (percent, fifty, snake, snakex) = (id(&percent), id(&fifty), id(&snake), id(&snakex));

    let cases: [(&str, Vec<&String>); 8] = [
        ("PRICES%20ROSE", vec![&percent, &fifty]),
        ("treasury", vec![&percent]),
        ("inflation%20FIGURE", vec![&fifty]),
        // Words, not patterns: `%` and `_` are no wildcards, and alone they are no words at
        // all, so they filter nothing (see README, Search).
        ("50%25", vec![&percent]),
        ("%25", vec![&percent, &fifty, &snake, &snakex]),
        ("snake_case", vec![&snake]),
        ("_", vec![&percent, &fifty, &snake, &snakex]),
        ("nowhere", vec![]),
    ];
    for (q, expected) in cases {
        let page = claims_page(&app, &format!("q={q}")).await;
        let mut found = ids(&page.body["items"]);
        found.sort();
        let mut expected: Vec<String> = expected.into_iter().cloned().collect();
        expected.sort();
        assert_eq!(found, expected, "q={q}");
    }
    assert_eq!(
        ids(&claims_page(&app, "q=snakeXcase").await.body["items"]),
        [snakex]
    );
}

#[rocket::async_test]
async fn claims_are_listed_newest_change_first_and_a_patched_claim_moves_to_the_top() {
    let app = spawn_app().await;
    let piece = app.create_piece("First. Second. Third.").await;
    let (first, etag) = app.create_claim(&piece, "First.").await;
    let (second, _) = app.create_claim(&piece, "Second.").await;
    let (third, _) = app.create_claim(&piece, "Third.").await;
    assert_eq!(
        ids(&claims_page(&app, "").await.body["items"]),
        [third.as_str(), &second, &first]
    );

    patch_claim(&app, &first, &etag, json!({ "priority": "high" })).await;
    assert_eq!(
        ids(&claims_page(&app, "").await.body["items"]),
        [first.as_str(), &third, &second]
    );
}

#[rocket::async_test]
async fn walking_the_demo_seven_claims_at_a_time_returns_each_claim_once_in_order() {
    let (app, demo) = spawn_app_with_demo().await;
    // The demo's claims share one change time; changing a few spreads them over two, so pages
    // break both inside a run of equal times and across different ones.
    let all = app.get(&format!("/api/v1/pieces/{demo}")).await.body["claims"].clone();
    for claim in all.as_array().unwrap().iter().step_by(9) {
        patch_claim(
            &app,
            claim["id"].as_str().unwrap(),
            "\"1\"",
            json!({ "priority": "low" }),
        )
        .await;
    }

    let mut walked: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let query = match &cursor {
            Some(cursor) => format!("piece={demo}&limit=7&cursor={cursor}"),
            None => format!("piece={demo}&limit=7"),
        };
        let page = claims_page(&app, &query).await;
        let items = page.body["items"].as_array().unwrap();
        pages += 1;
        assert!(
            items.len() <= 7 && !items.is_empty(),
            "page {pages}: {} items",
            items.len()
        );
        walked.extend(items.iter().cloned());
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(pages < 20, "the walk does not end");
    }
    let total = all.as_array().unwrap().len();
    assert_eq!(pages, total.div_ceil(7));
    let walked_ids = ids(&Value::Array(walked.clone()));
    assert_eq!(
        walked_ids.iter().collect::<HashSet<_>>().len(),
        total,
        "a claim was repeated"
    );
    assert_eq!(
        walked_ids.iter().collect::<HashSet<_>>(),
        ids(&all).iter().collect::<HashSet<_>>()
    );

    let keys: Vec<(DateTime<Utc>, Uuid)> = walked
        .iter()
        .map(|c| {
            (
                serde_json::from_value(c["updated_at"].clone()).unwrap(),
                c["id"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] > w[1]),
        "not newest change first: {keys:#?}"
    );
    let one_page = claims_page(&app, &format!("piece={demo}&limit=100")).await;
    assert_eq!(walked_ids, ids(&one_page.body["items"]));
}

#[rocket::async_test]
async fn invalid_list_parameters_are_refused_naming_the_parameter() {
    let app = spawn_app().await;
    let cases = [
        ("limit=0", vec!["limit"]),
        ("limit=101", vec!["limit"]),
        ("limit=abc", vec!["limit"]),
        ("status=done", vec!["status"]),
        ("piece=not-a-uuid", vec!["piece"]),
        ("assignee=nobody", vec!["assignee"]),
        ("cursor=garbage", vec!["cursor"]),
        // A well-formed cursor from before Postgres's calendar starts.
        (
            "cursor=-8000000000000000000.0123456789abcdef0123456789abcdef",
            vec!["cursor"],
        ),
        ("q=", vec!["q"]),
        (
            "limit=0&status=done&cursor=garbage",
            vec!["status", "limit", "cursor"],
        ),
    ];
    for (query, fields) in cases {
        let answer = app.get(&format!("/api/v1/claims?{query}")).await;
        let detail = answer.assert_problem(422);
        assert_eq!(answer.error_fields(), fields, "?{query}");
        for field in fields {
            assert!(detail.contains(field), "?{query}: {detail}");
        }
    }
    // The limits themselves are accepted.
    for query in ["limit=1", "limit=100"] {
        claims_page(&app, query).await;
    }
}
