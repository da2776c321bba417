//! Search (issue 5): full-text search of claims, their notes and evidence titles through
//! `GET /api/v1/claims?q=` and the `/claims` page, and the claims "checked before" on other pieces
//! (`GET /api/v1/claims/{id}/similar` and the claim page).
use crate::support::html::assert_page_markup;
use crate::support::{Answer, TestApp, spawn_app, spawn_app_with_demo};
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use factdesk::domain::roles::Role;
use rocket::http::Status;
use serde_json::{Value, json};
use std::collections::HashSet;

/// A piece whose sentences the claims below quote.
const BODY: &str = "The army killed the commander. Prices rose by half. The bridge cost 40 million. \
                    The mayor spoke at noon. Tom & Jerry <i>killed</i> a cat. The river flooded. \
                    Taxes fell in May. Wages grew fast. Rents doubled. Crime dropped.";

/// Adds a claim quoting `quote` of `piece` with `summary` (none when empty); its id.
async fn claim(app: &TestApp, piece: &str, quote: &str, summary: &str) -> String {
    let mut body = json!({ "quote": quote });
    if !summary.is_empty() {
        body["summary"] = json!(summary);
    }
    let answer = app
        .post(&format!("/api/v1/pieces/{piece}/claims"), &body)
        .await;
    assert_eq!(answer.status, Status::Created, "{answer:#?}");
    answer.body["id"].as_str().unwrap().to_owned()
}

async fn search(app: &TestApp, query: &str) -> Answer {
    let answer = app.get(&format!("/api/v1/claims?{query}")).await;
    assert_eq!(answer.status, Status::Ok, "?{query}: {answer:#?}");
    answer
}

/// The ids found, in order.
async fn found(app: &TestApp, query: &str) -> Vec<String> {
    ids(&search(app, query).await.body["items"])
}

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The headline of a found item as text, its matched fragments in [brackets].
fn headline(item: &Value) -> String {
    item["match"]["headline"]
        .as_array()
        .expect("a search with words gives each item a headline")
        .iter()
        .map(|f| {
            let text = f["text"].as_str().unwrap();
            if f["match"] == json!(true) {
                format!("[{text}]")
            } else {
                text.to_owned()
            }
        })
        .collect()
}

async fn sql(app: &TestApp, statement: &str) {
    app.db.conn().await.batch_execute(statement).await.unwrap();
}

#[rocket::async_test]
async fn words_are_stemmed_and_found_in_quotes_summaries_claimants_notes_and_evidence_titles() {
    let app = spawn_app().await;
    let piece = app.create_piece(BODY).await;
    let killing = claim(
        &app,
        &piece,
        "The army killed the commander.",
        "The killing of the commander",
    )
    .await;
    let prices = claim(&app, &piece, "Prices rose by half.", "").await;
    let patch = app
        .patch(
            &format!("/api/v1/claims/{prices}"),
            Some("\"1\""),
            &json!({ "claimant": "The statistics bureau" }),
        )
        .await;
    assert_eq!(patch.status, Status::Ok, "{patch:#?}");
    let bridge = claim(&app, &piece, "The bridge cost 40 million.", "").await;
    let note = app
        .post(
            &format!("/api/v1/claims/{bridge}/notes"),
            &json!({ "body": "Asked the *engineers* for invoices." }),
        )
        .await;
    assert_eq!(note.status, Status::Created, "{note:#?}");
    let mayor = claim(&app, &piece, "The mayor spoke at noon.", "").await;
    let evidence = app
        .post(
            &format!("/api/v1/claims/{mayor}/evidence"),
            &json!({ "url": "https://example.org/diary", "title": "The council's published diary", "stance": "supports" }),
        )
        .await;
    assert_eq!(evidence.status, Status::Created, "{evidence:#?}");

    // "killed" and "killing" share the stem "kill".
    assert_eq!(found(&app, "q=killed").await, [killing.as_str()]);
    assert_eq!(found(&app, "q=KILLS").await, [killing.as_str()]);
    assert_eq!(found(&app, "q=statistic").await, [prices.as_str()]);
    assert_eq!(found(&app, "q=engineer").await, [bridge.as_str()]);
    assert_eq!(found(&app, "q=diaries").await, [mayor.as_str()]);
    // Every word must match; a quoted phrase keeps its order; `-` excludes.
    assert_eq!(found(&app, "q=bridge%20invoices").await, [bridge.as_str()]);
    assert!(found(&app, "q=bridge%20diary").await.is_empty());
    assert_eq!(
        found(&app, "q=%22killing%20of%20the%20commander%22").await,
        [killing.as_str()]
    );
    assert!(found(&app, "q=%22killing%20commander%22").await.is_empty());
    assert_eq!(found(&app, "q=killing%20-bridge").await, [killing.as_str()]);
    assert!(found(&app, "q=nowhere").await.is_empty());
}

#[rocket::async_test]
async fn words_of_the_claim_itself_rank_above_its_claimant_evidence_and_notes() {
    let app = spawn_app().await;
    let piece = app.create_piece(BODY).await;
    let in_note = claim(&app, &piece, "Taxes fell in May.", "").await;
    app.post(
        &format!("/api/v1/claims/{in_note}/notes"),
        &json!({ "body": "Compare with the flood records." }),
    )
    .await;
    let in_summary = claim(
        &app,
        &piece,
        "Rents doubled.",
        "Rents doubled after the flood",
    )
    .await;
    let in_quote = claim(&app, &piece, "The river flooded.", "").await;
    let in_evidence = claim(&app, &piece, "Wages grew fast.", "").await;
    app.post(
        &format!("/api/v1/claims/{in_evidence}/evidence"),
        &json!({ "url": "https://example.org/f", "title": "Flood damage report", "stance": "context" }),
    )
    .await;

    let answer = search(&app, "q=flood").await;
    let items = answer.body["items"].as_array().unwrap();
    let order = ids(&answer.body["items"]);
    assert_eq!(order.len(), 4, "{answer:#?}");
    // Quote and summary share the top weight; evidence titles come next, notes last.
    let top: HashSet<&String> = order[..2].iter().collect();
    assert_eq!(top, HashSet::from([&in_summary, &in_quote]));
    assert_eq!(order[2..], [in_evidence, in_note]);
    let ranks: Vec<f64> = items
        .iter()
        .map(|i| i["match"]["rank"].as_f64().unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    assert!(ranks[1] > ranks[2] && ranks[2] > ranks[3], "{ranks:?}");
    // Without words, no ranks: the newest change first.
    let all = search(&app, "").await;
    assert!(all.body["items"][0].get("match").is_none(), "{all:#?}");
    assert_eq!(all.body["words_ignored"], json!(false));
}

#[rocket::async_test]
async fn matched_words_are_marked_in_the_headline_and_hostile_text_stays_text() {
    let app = spawn_app().await;
    let piece = app.create_piece(BODY).await;
    let hostile = "Tom & Jerry <i>killed</i> a cat <script>alert('killing')</script> \u{E000}";
    let id = claim(&app, &piece, "Tom & Jerry <i>killed</i> a cat.", hostile).await;

    let answer = search(&app, "q=kill").await;
    assert_eq!(ids(&answer.body["items"]), [id.as_str()]);
    let item = &answer.body["items"][0];
    // The text comes back whole, as typed (less our marker characters), the matches flagged
    // (Postgres's parser reads what is inside a script element as no words).
    assert_eq!(
        headline(item),
        "Tom & Jerry <i>[killed]</i> a cat <script>alert('killing')</script> "
    );

    let browser = app.browser_for(&app.editor).await;
    let page = browser.get("/claims?q=kill").await;
    page.assert_html("search with words", Status::Ok);
    assert_page_markup("search with words", &page.body);
    assert!(
        page.body.contains(
            "Tom &#38; Jerry &#60;i&#62;<mark>killed</mark>&#60;/i&#62; a cat &#60;script&#62;alert(&#39;killing&#39;)&#60;/script&#62;"
        ) || page.body.contains(
            "Tom &amp; Jerry &lt;i&gt;<mark>killed</mark>&lt;/i&gt; a cat &lt;script&gt;alert(&#x27;killing&#x27;)&lt;/script&gt;"
        ),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>alert"), "{}", page.body);
    assert!(!page.body.contains("<i>"), "{}", page.body);
}

#[rocket::async_test]
async fn words_combine_with_status_piece_assignee_and_verdict_dates_in_one_search() {
    let app = spawn_app().await;
    let first = app.create_piece(BODY).await;
    let second = app.create_another_piece(BODY).await;
    let (reviewer, _) = app.user(Role::Reviewer).await;
    let a = claim(&app, &first, "Taxes fell in May.", "Taxes fell in May").await;
    let b = claim(&app, &first, "Wages grew fast.", "Taxes on wages grew").await;
    let c = claim(&app, &second, "Taxes fell in May.", "Taxes fell in May").await;
    let d = claim(&app, &second, "Crime dropped.", "Crime dropped").await;
    for (claim, reason) in [(&a, "The tax office says so"), (&c, "No: they rose")] {
        app.add_evidence(claim, "supports").await;
        let to = if claim == &a { "accurate" } else { "false" };
        let answer = app
            .patch(
                &format!("/api/v1/claims/{claim}"),
                Some("\"1\""),
                &json!({ "status": to, "reason": reason, "assignee": reviewer.id }),
            )
            .await;
        assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    }
    // Verdicts set on days of the test's choosing (the app always takes the database's clock).
    sql(
        &app,
        &format!("UPDATE claims SET verdict_at = '2019-03-12T23:30:00Z' WHERE id = '{a}'"),
    )
    .await;
    sql(
        &app,
        &format!("UPDATE claims SET verdict_at = '2019-03-13T00:00:00Z' WHERE id = '{c}'"),
    )
    .await;

    let set = |ids: Vec<String>| ids.into_iter().collect::<HashSet<_>>();
    let expect = |ids: &[&String]| ids.iter().map(|s| (*s).clone()).collect::<HashSet<_>>();
    assert_eq!(set(found(&app, "q=taxes").await), expect(&[&a, &b, &c]));
    assert_eq!(
        set(found(&app, &format!("q=taxes&piece={first}")).await),
        expect(&[&a, &b])
    );
    assert_eq!(
        set(found(&app, "q=taxes&status=false").await),
        expect(&[&c])
    );
    let mine = format!("assignee={}", reviewer.id);
    assert_eq!(
        set(found(&app, &format!("q=taxes&{mine}")).await),
        expect(&[&a, &c])
    );
    // Days are whole UTC days, both ends included.
    assert_eq!(
        set(found(
            &app,
            "q=taxes&verdict_from=2019-03-12&verdict_to=2019-03-12"
        )
        .await),
        expect(&[&a])
    );
    assert_eq!(
        set(found(&app, "q=taxes&verdict_from=2019-03-13").await),
        expect(&[&c])
    );
    assert_eq!(
        set(found(&app, "verdict_to=2019-03-13").await),
        expect(&[&a, &c])
    );
    assert!(found(&app, "verdict_to=2019-03-11").await.is_empty());
    assert_eq!(
        set(found(&app, &format!("q=taxes&piece={second}&status=false&verdict_from=2019-03-01&verdict_to=2019-03-31&{mine}")).await),
        expect(&[&c])
    );
    assert!(
        found(&app, &format!("q=crime&piece={first}"))
            .await
            .is_empty()
    );
    assert_eq!(found(&app, "q=crime").await, [d]);

    // The page searches the same way, and keeps the dates in its form and its links.
    let browser = app.browser_for(&app.editor).await;
    let page = browser
        .get("/claims?q=taxes&verdict_from=2019-03-12&verdict_to=2019-03-12&status=&piece=&assignee=")
        .await;
    page.assert_html("search by verdict dates", Status::Ok);
    assert_eq!(
        page.body.matches("href=\"/claims/").count(),
        1,
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!("href=\"/claims/{a}\"")),
        "{}",
        page.body
    );
    assert_eq!(
        page.input("verdict_from").unwrap().attribute("value"),
        Some("2019-03-12")
    );
    assert!(page.body.contains("1 in all"), "{}", page.body);
    assert!(
        page.body.contains(
            "status=accurate&amp;q=taxes&amp;verdict_from=2019-03-12&amp;verdict_to=2019-03-12"
        ) || page.body.contains(
            "status=accurate&#38;q=taxes&#38;verdict_from=2019-03-12&#38;verdict_to=2019-03-12"
        ),
        "the status links keep the dates: {}",
        page.body
    );
}

#[rocket::async_test]
async fn a_search_with_words_pages_through_every_match_once_in_rank_order() {
    let app = spawn_app().await;
    let body: String = (0..40).map(|i| format!("Line {i} is here. ")).collect();
    let piece = app.create_piece(&body).await;
    let mut all = Vec::new();
    for i in 0..23 {
        // Three ranks, many ties within each: pages break inside runs of equal ranks.
        let summary = match i % 3 {
            0 => "Budget budget budget cut",
            1 => "Budget cut",
            _ => "A cut with a budget and many other words around it to dilute it",
        };
        all.push(claim(&app, &piece, &format!("Line {i} is here."), summary).await);
    }
    claim(&app, &piece, "Line 30 is here.", "Nothing to see").await;

    let mut walked: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    for page in 0.. {
        assert!(page < 20, "the walk does not end");
        let query = match &cursor {
            Some(c) => format!("q=budget&limit=4&cursor={c}"),
            None => "q=budget&limit=4".to_owned(),
        };
        let answer = search(&app, &query).await;
        let items = answer.body["items"].as_array().unwrap();
        assert!(!items.is_empty() && items.len() <= 4, "{answer:#?}");
        walked.extend(items.iter().cloned());
        match answer.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let walked_ids = ids(&Value::Array(walked.clone()));
    assert_eq!(walked_ids.len(), 23, "{walked_ids:?}");
    assert_eq!(
        walked_ids.iter().collect::<HashSet<_>>(),
        all.iter().collect::<HashSet<_>>()
    );
    let keys: Vec<(f64, String)> = walked
        .iter()
        .map(|i| {
            (
                i["match"]["rank"].as_f64().unwrap(),
                i["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        keys.windows(2)
            .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 > w[1].1)),
        "best match first, then id: {keys:#?}"
    );
    assert_eq!(walked_ids, found(&app, "q=budget&limit=100").await);

    // The page walks the same order, its links carrying the words.
    let browser = app.browser_for(&app.editor).await;
    let first = browser.get("/claims?q=budget").await;
    first.assert_html("search page", Status::Ok);
    // Every "budget" is marked: three in eight summaries, one in fifteen.
    assert_eq!(first.body.matches("<mark>").count(), 8 * 3 + 15);
}

#[rocket::async_test]
async fn bad_search_parameters_are_refused_naming_them() {
    let app = spawn_app().await;
    let piece = app.create_piece(BODY).await;
    for i in ["Taxes fell in May.", "Wages grew fast.", "Rents doubled."] {
        claim(&app, &piece, i, "Taxes and more").await;
    }
    let ranked = search(&app, "q=taxes&limit=1").await.body["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let changed = search(&app, "limit=1").await.body["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let cases = [
        ("verdict_from=yesterday".to_owned(), vec!["verdict_from"]),
        ("verdict_to=2019-02-30".to_owned(), vec!["verdict_to"]),
        (
            "verdict_from=2019-03-02&verdict_to=2019-03-01".to_owned(),
            vec!["verdict_to"],
        ),
        ("verdict_from=".to_owned(), vec!["verdict_from"]),
        (
            "q=&verdict_to=x&limit=0".to_owned(),
            vec!["q", "verdict_to", "limit"],
        ),
        // A cursor belongs to its order: ranked without the words, or by change with them.
        (format!("cursor={ranked}"), vec!["cursor"]),
        (format!("q=taxes&cursor={changed}"), vec!["cursor"]),
        (
            "q=taxes&cursor=r7fc00000.0123456789abcdef0123456789abcdef".to_owned(),
            vec!["cursor"],
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
    // The page refuses the same, naming the parameter.
    let browser = app.browser_for(&app.editor).await;
    for (path, field) in [
        ("/claims?verdict_from=12.03.2019", "verdict_from"),
        (&*format!("/claims?cursor={ranked}"), "cursor"),
    ] {
        let page = browser.get(path).await;
        page.assert_html(path, Status::UnprocessableEntity);
        assert!(page.body.contains(field), "{path}: {}", page.body);
    }
}

#[rocket::async_test]
async fn words_too_common_to_search_for_are_taken_as_no_words() {
    let app = spawn_app().await;
    let piece = app.create_piece(BODY).await;
    let a = claim(&app, &piece, "Taxes fell in May.", "").await;
    let b = claim(&app, &piece, "Crime dropped.", "").await;
    for q in ["the", "%25", "_", "the%20and%20of"] {
        let answer = search(&app, &format!("q={q}")).await;
        assert_eq!(ids(&answer.body["items"]), [b.clone(), a.clone()], "q={q}");
        assert_eq!(answer.body["words_ignored"], json!(true), "q={q}");
        assert!(answer.body["items"][0].get("match").is_none());
    }
    let browser = app.browser_for(&app.editor).await;
    let page = browser.get("/claims?q=the").await;
    page.assert_html("stop words", Status::Ok);
    assert!(page.body.contains("id=\"words-ignored\""), "{}", page.body);
    assert!(page.body.contains("2 in all"), "{}", page.body);
}

#[rocket::async_test]
async fn the_index_follows_notes_evidence_and_new_wording_in_their_own_transaction() {
    let app = spawn_app().await;
    let piece = app.create_piece(BODY).await;
    let id = claim(&app, &piece, "Rents doubled.", "Rents doubled in the city").await;
    assert!(found(&app, "q=landlords").await.is_empty());

    app.post(
        &format!("/api/v1/claims/{id}/notes"),
        &json!({ "body": "Called two landlords." }),
    )
    .await;
    assert_eq!(found(&app, "q=landlord").await, [id.as_str()]);

    let evidence = app
        .post(
            &format!("/api/v1/claims/{id}/evidence"),
            &json!({ "url": "https://example.org/r", "title": "Housing survey", "stance": "context" }),
        )
        .await;
    assert_eq!(found(&app, "q=surveys").await, [id.as_str()]);
    let removed = app
        .delete(&format!(
            "/api/v1/evidence/{}",
            evidence.body["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(removed.status, Status::NoContent, "{removed:#?}");
    assert!(
        found(&app, "q=surveys").await.is_empty(),
        "removed evidence is not searched"
    );

    app.change_claim(
        &id,
        &json!({ "summary": "Rents tripled downtown", "claimant": "The housing minister" }),
    )
    .await;
    assert!(
        found(&app, "q=city").await.is_empty(),
        "the old summary is gone"
    );
    assert_eq!(
        found(&app, "q=tripled%20downtown%20minister").await,
        [id.as_str()]
    );

    // A refused change leaves the index as it was.
    let stale = app
        .patch(
            &format!("/api/v1/claims/{id}"),
            Some("\"1\""),
            &json!({ "summary": "Something else entirely" }),
        )
        .await;
    assert_eq!(stale.status, Status::PreconditionFailed);
    assert!(found(&app, "q=entirely").await.is_empty());
    assert_eq!(app.count("claim_search").await, 1);
}

/// Two pieces, and the claim of the second that the first's claims resemble or not.
#[rocket::async_test]
async fn similar_claims_of_earlier_other_pieces_are_found_best_first() {
    let app = spawn_app().await;
    let old = app
        .create_piece(
            "The bridge cost 40 million. The bridge cost 40 million pounds. Crime dropped.",
        )
        .await;
    let new = app.create_piece(BODY).await;
    let near = claim(
        &app,
        &old,
        "The bridge cost 40 million.",
        "The bridge cost about 40 million pounds, said the town's mayor",
    )
    .await;
    let nearer = claim(
        &app,
        &old,
        "The bridge cost 40 million pounds.",
        "The mayor said the new bridge cost 40 million pounds",
    )
    .await;
    let unrelated = claim(&app, &old, "Crime dropped.", "Crime dropped last year").await;
    let same_piece = claim(
        &app,
        &new,
        "The bridge cost 40 million.",
        "The mayor said the new bridge cost 40 million pounds",
    )
    .await;
    let asked = claim(
        &app,
        &new,
        "The mayor spoke at noon.",
        "The mayor said the new bridge cost 40 million pounds",
    )
    .await;
    // Added after it: not "checked before".
    let later_piece = app.create_piece("The bridge cost 40 million pounds.").await;
    let later = claim(
        &app,
        &later_piece,
        "The bridge cost 40 million pounds.",
        "The mayor said the new bridge cost 40 million pounds",
    )
    .await;

    let answer = app.get(&format!("/api/v1/claims/{asked}/similar")).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    let items = answer.body.as_array().unwrap();
    assert_eq!(
        ids(&answer.body),
        [nearer.clone(), near.clone()],
        "{answer:#?}"
    );
    assert_eq!(items[0]["similarity"].as_f64().unwrap(), 1.0);
    let second = items[1]["similarity"].as_f64().unwrap();
    assert!((0.5..1.0).contains(&second), "{second}");
    assert_eq!(items[0]["piece_id"], json!(old));
    assert_eq!(items[0]["piece_title"], json!("A test piece"));
    assert_eq!(items[0]["status"], json!("unchecked"));
    assert_eq!(
        items[0]["text"],
        json!("The mayor said the new bridge cost 40 million pounds")
    );
    for excluded in [&unrelated, &same_piece, &later] {
        assert!(!ids(&answer.body).contains(excluded));
    }

    // The later claim finds every earlier one of other pieces, its own piece's excluded.
    let from_later = ids(&app
        .get(&format!("/api/v1/claims/{later}/similar"))
        .await
        .body);
    assert_eq!(
        from_later.iter().collect::<HashSet<_>>(),
        HashSet::from([&nearer, &near, &same_piece, &asked])
    );

    // An archived claim is no claim checked before; restored, it is again.
    let path = format!("/api/v1/claims/{nearer}");
    let tag = app.get(&path).await.etag;
    let archive = |action: &'static str, tag: Option<String>| {
        let (app, path) = (&app, &path);
        async move {
            let body = json!({ "reason": "Claimed twice." }).to_string();
            let body = if action == "restore" {
                "{}".to_owned()
            } else {
                body
            };
            app.send(
                rocket::http::Method::Post,
                &format!("{path}/{action}"),
                Some(&app.token),
                tag.as_deref(),
                Some(body),
            )
            .await
        }
    };
    let archived = archive("archive", tag).await;
    assert_eq!(archived.status, Status::Ok, "{archived:#?}");
    let shown = ids(&app
        .get(&format!("/api/v1/claims/{asked}/similar"))
        .await
        .body);
    assert_eq!(shown, std::slice::from_ref(&near));
    let restored = archive("restore", archived.etag).await;
    assert_eq!(restored.status, Status::Ok, "{restored:#?}");
    let shown = ids(&app
        .get(&format!("/api/v1/claims/{asked}/similar"))
        .await
        .body);
    assert_eq!(shown, [nearer.clone(), near.clone()]);

    let unknown = app
        .get("/api/v1/claims/00000000-0000-4000-8000-000000000000/similar")
        .await;
    unknown.assert_problem(404);
    app.get("/api/v1/claims/not-an-id/similar")
        .await
        .assert_problem(404);
    let none = app
        .get(&format!("/api/v1/claims/{unrelated}/similar"))
        .await;
    assert_eq!(none.body, json!([]));
}

/// Changes a claim's summary through the API.
async fn resummarise(app: &TestApp, id: &str, summary: &str) {
    let version = app.get(&format!("/api/v1/claims/{id}")).await.etag;
    let answer = app
        .patch(
            &format!("/api/v1/claims/{id}"),
            version.as_deref(),
            &json!({ "summary": summary }),
        )
        .await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
}

async fn similar_ids(app: &TestApp, id: &str) -> Vec<String> {
    let answer = app.get(&format!("/api/v1/claims/{id}/similar")).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    ids(&answer.body)
}

/// "Checked before" is kept once found (migration 000007): every change that could make a kept
/// list wrong drops it, so what is shown is what finding it afresh would show.
#[rocket::async_test]
async fn a_kept_checked_before_list_follows_every_change_of_the_texts_it_was_found_from() {
    let app = spawn_app().await;
    let old = app
        .create_piece("The bridge cost 40 million. Crime dropped. Rents doubled.")
        .await;
    let new = app.create_piece(BODY).await;
    const BRIDGE: &str = "The mayor said the new bridge cost 40 million pounds";
    let alike = claim(&app, &old, "The bridge cost 40 million.", BRIDGE).await;
    let other = claim(&app, &old, "Crime dropped.", "Crime dropped last year").await;
    let asked = claim(&app, &new, "The mayor spoke at noon.", BRIDGE).await;
    let kept = || async {
        let mut conn = app.db.conn().await;
        diesel::sql_query("SELECT claim_id FROM claim_checked_before")
            .load::<KeptList>(&mut conn)
            .await
            .unwrap()
            .into_iter()
            .map(|k| k.claim_id.to_string())
            .collect::<HashSet<_>>()
    };
    assert!(
        kept().await.is_empty(),
        "nothing is found before it is asked for"
    );
    // While a change that could stale it is in flight, the list is found and shown, not kept.
    let mut changing = app.db.conn().await;
    changing
        .batch_execute("BEGIN; SELECT claim_checked_before_changing();")
        .await
        .unwrap();
    assert_eq!(similar_ids(&app, &asked).await, [alike.as_str()]);
    assert!(kept().await.is_empty(), "kept while a change was in flight");
    changing.batch_execute("COMMIT").await.unwrap();
    assert_eq!(similar_ids(&app, &asked).await, [alike.as_str()]);
    assert_eq!(kept().await, HashSet::from([asked.clone()]));
    // A status change leaves the list alone, and the list shows the claim as it now is.
    app.change_claim(&alike, &json!({ "status": "in_progress" }))
        .await;
    assert_eq!(kept().await, HashSet::from([asked.clone()]));
    let shown = app.get(&format!("/api/v1/claims/{asked}/similar")).await;
    assert_eq!(shown.body[0]["status"], json!("in_progress"));

    // An earlier claim reworded to say the same joins the list; one reworded away leaves it.
    resummarise(&app, &other, BRIDGE).await;
    assert_eq!(similar_ids(&app, &asked).await.len(), 2);
    resummarise(&app, &alike, "Rents doubled in a year").await;
    assert_eq!(similar_ids(&app, &asked).await, [other.as_str()]);
    // The claim's own text changed: its list is found for the new text.
    resummarise(&app, &asked, "Rents doubled in a year").await;
    assert_eq!(similar_ids(&app, &asked).await, [alike.as_str()]);

    // A claim dated before it (as an import brings) that says the same joins it too.
    let mut conn = app.db.conn().await;
    let imported = uuid::Uuid::new_v4();
    diesel::sql_query(
        "INSERT INTO claims (id, piece_id, quote_exact, quote_prefix, quote_suffix, quote_start,
                             quote_end, summary, created_at, created_by, updated_at, updated_by)
         SELECT $2, piece_id, quote_exact, quote_prefix, quote_suffix, quote_start,
                quote_end, 'Rents doubled in a year', '2001-01-01', created_by, '2001-01-01',
                updated_by
           FROM claims WHERE id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(other.parse::<uuid::Uuid>().unwrap())
    .bind::<diesel::sql_types::Uuid, _>(imported)
    .execute(&mut conn)
    .await
    .unwrap();
    // Both say exactly the same (similarity 1): by id.
    let mut both = vec![alike.clone(), imported.to_string()];
    both.sort();
    assert_eq!(similar_ids(&app, &asked).await, both);
    // A claim gone leaves every list that named it.
    diesel::sql_query("DELETE FROM claims WHERE id = $1")
        .bind::<diesel::sql_types::Uuid, _>(imported)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(similar_ids(&app, &asked).await, [alike.as_str()]);
}

#[derive(diesel::QueryableByName)]
struct KeptList {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    claim_id: uuid::Uuid,
}

#[rocket::async_test]
async fn the_claim_page_shows_what_was_checked_before_with_its_verdict_and_day() {
    let app = spawn_app().await;
    let old = app
        .create_piece("Unemployment fell to 3.5 percent. Crime dropped.")
        .await;
    let earlier = claim(
        &app,
        &old,
        "Unemployment fell to 3.5 percent.",
        "Unemployment fell to 3.5 percent in 2019",
    )
    .await;
    app.add_evidence(&earlier, "refutes").await;
    let verdict = app
        .patch(
            &format!("/api/v1/claims/{earlier}"),
            Some("\"1\""),
            &json!({ "status": "false", "reason": "It was 3.7 <b>percent</b>" }),
        )
        .await;
    assert_eq!(verdict.status, Status::Ok, "{verdict:#?}");
    sql(
        &app,
        &format!("UPDATE claims SET verdict_at = '2019-03-12T10:00:00Z' WHERE id = '{earlier}'"),
    )
    .await;
    let new = app
        .create_piece("Jobless rate fell to 3.5 percent in 2019, he said.")
        .await;
    let asked = claim(
        &app,
        &new,
        "Jobless rate fell to 3.5 percent in 2019",
        "Unemployment fell to 3.5 percent in 2019, the minister said",
    )
    .await;

    let browser = app.browser_for(&app.editor).await;
    let page = browser.get(&format!("/claims/{asked}")).await;
    page.assert_html("claim page", Status::Ok);
    assert_page_markup("claim page", &page.body);
    let start = page
        .body
        .find("id=\"checked-before\"")
        .expect("a Checked before box");
    let section = &page.body[start..start + page.body[start..].find("</section>").unwrap()];
    assert!(section.contains("Checked before"), "{section}");
    assert!(
        section.contains(&format!("href=\"/claims/{earlier}\"")),
        "{section}"
    );
    assert!(
        section.contains("Unemployment fell to 3.5 percent in 2019</a>"),
        "{section}"
    );
    assert!(section.contains("False</span>"), "{section}");
    assert!(section.contains("12 Mar 2019"), "{section}");

    // The earlier claim's own page has nothing before it.
    let page = browser.get(&format!("/claims/{earlier}")).await;
    assert!(
        !page.body.contains("id=\"checked-before\""),
        "{}",
        page.body
    );
}

#[rocket::async_test]
async fn the_demo_is_searchable_from_its_first_load_and_after_a_reload() {
    let (app, _) = spawn_app_with_demo().await;
    // Reloading deletes the demo's claims (their notes and evidence with them) and adds them
    // again: every claim keeps exactly one document.
    factdesk::store::demo::reload(&mut app.db.conn().await, true)
        .await
        .unwrap();
    assert_eq!(app.count("claim_search").await, app.count("claims").await);
    let answer = search(&app, "q=killed&limit=3").await;
    let items = answer.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{answer:#?}");
    for item in items {
        assert!(headline(item).contains("[kill"), "{}", headline(item));
    }
}
