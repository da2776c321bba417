//! Evidence links and notes hanging off a claim, and the history they leave.
use crate::support::{TestApp, spawn_app};
use chrono::{DateTime, Utc};
use rocket::http::Status;
use serde_json::{Value, json};

const UNKNOWN: &str = "6f1c2a36-52a4-4c1e-9d7b-3f0c6c1d2e90";

/// A claim on a fresh piece; returns its id.
async fn a_claim(app: &TestApp) -> String {
    let piece = app
        .create_piece("The minister said crime fell by a third last year.")
        .await;
    app.create_claim(&piece, "crime fell by a third").await.0
}

async fn claim(app: &TestApp, id: &str) -> Value {
    let answer = app.get(&format!("/api/v1/claims/{id}")).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    assert_eq!(
        answer.etag,
        Some(format!("\"{}\"", answer.body["version"])),
        "the ETag is the version"
    );
    answer.body
}

fn updated_at(claim: &Value) -> DateTime<Utc> {
    claim["updated_at"].as_str().unwrap().parse().unwrap()
}

/// Rows of every table a refused request might have written to.
async fn counts(app: &TestApp) -> [i64; 4] {
    [
        app.count("claims").await,
        app.count("evidence").await,
        app.count("notes").await,
        app.count("events").await,
    ]
}

fn evidence_path(claim: &str) -> String {
    format!("/api/v1/claims/{claim}/evidence")
}

fn notes_path(claim: &str) -> String {
    format!("/api/v1/claims/{claim}/notes")
}

#[rocket::async_test]
async fn added_evidence_is_returned_shown_on_the_claim_and_recorded_in_the_history() {
    let app = spawn_app().await;
    let id = a_claim(&app).await;
    let sent = json!({
        "url": "https://www.ons.gov.uk/crime/2024?table=3",
        "title": "Crime in England and Wales",
        "stance": "refutes",
        "publisher": "Office for National Statistics",
        "note": "Table 3 shows a fall of 8%, not a third.",
        "archived_url": "https://web.archive.org/web/2024/https://www.ons.gov.uk/crime/2024",
    });

    let answer = app.post(&evidence_path(&id), &sent).await;

    assert_eq!(answer.status, Status::Created, "{answer:#?}");
    assert_eq!(
        answer.location.as_deref(),
        Some(format!("/api/v1/claims/{id}").as_str())
    );
    let evidence = &answer.body;
    for field in [
        "url",
        "title",
        "stance",
        "publisher",
        "note",
        "archived_url",
    ] {
        assert_eq!(evidence[field], sent[field], "{field}");
    }
    assert_eq!(
        (&evidence["claim_id"], &evidence["added_by"]),
        (&json!(id), &json!(app.editor.id))
    );
    let evidence_id = evidence["id"].as_str().unwrap();

    assert_eq!(claim(&app, &id).await["evidence"], json!([evidence]));
    let event = app.claim_history(&id).await.pop().unwrap();
    assert_eq!(
        (
            &event["kind"],
            &event["from"],
            &event["to"],
            &event["subject_id"]
        ),
        (
            &json!("evidence_added"),
            &Value::Null,
            &sent["url"],
            &json!(evidence_id)
        )
    );
}

#[rocket::async_test]
async fn every_stance_is_accepted_and_optional_fields_default_to_empty() {
    let app = spawn_app().await;
    let id = a_claim(&app).await;
    for stance in ["supports", "refutes", "context"] {
        let answer = app
            .post(
                &evidence_path(&id),
                &json!({ "url": format!("https://example.org/{stance}"), "title": "A", "stance": stance }),
            )
            .await;
        assert_eq!(answer.status, Status::Created, "{answer:#?}");
        assert_eq!(answer.body["stance"], stance);
        assert_eq!(
            (
                &answer.body["publisher"],
                &answer.body["note"],
                &answer.body["archived_url"]
            ),
            (&json!(""), &json!(""), &Value::Null)
        );
    }
    let stances: Vec<Value> = claim(&app, &id).await["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["stance"].clone())
        .collect();
    assert_eq!(
        stances,
        [json!("supports"), json!("refutes"), json!("context")],
        "oldest first"
    );
}

#[rocket::async_test]
async fn invalid_evidence_is_refused_with_422_naming_the_field_and_writes_nothing() {
    let app = spawn_app().await;
    let id = a_claim(&app).await;
    let good = json!({ "url": "https://example.org/a", "title": "A source", "stance": "supports" });
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    let cases = [
        (with("url", json!("javascript:alert(1)")), "url"),
        (with("url", json!("ftp://example.org/a")), "url"),
        (with("url", json!("/relative/path")), "url"),
        (with("archived_url", json!("example.org/a")), "archived_url"),
        (with("title", json!("   ")), "title"),
        (with("publisher", json!("")), "publisher"),
        (with("note", json!("x".repeat(5001))), "note"),
        (with("stance", json!("neutral")), "stance"),
    ];
    let before = (counts(&app).await, claim(&app, &id).await);
    for (body, field) in cases {
        let answer = app.post(&evidence_path(&id), &body).await;
        let detail = answer.assert_problem(422);
        assert_eq!(answer.error_fields(), [field], "{body}");
        assert!(detail.contains(field), "{detail}");
    }
    // Unknown or malformed claims are simply not there.
    for claim in [UNKNOWN, "not-a-uuid"] {
        app.post(&evidence_path(claim), &good)
            .await
            .assert_problem(404);
    }
    assert_eq!((counts(&app).await, claim(&app, &id).await), before);
}

#[rocket::async_test]
async fn removed_evidence_leaves_the_claim_but_keeps_its_row_and_a_second_removal_is_gone() {
    let app = spawn_app().await;
    let id = a_claim(&app).await;
    let kept = app.add_evidence(&id, "context").await;
    let removed = app.add_evidence(&id, "supports").await;
    let removed_url = claim(&app, &id).await["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == json!(removed))
        .expect("the evidence added is shown")["url"]
        .clone();
    let rows = app.count("evidence").await;

    let answer = app.delete(&format!("/api/v1/evidence/{removed}")).await;

    assert_eq!(
        (answer.status, &answer.body),
        (Status::NoContent, &Value::Null),
        "{answer:#?}"
    );
    let shown: Vec<Value> = claim(&app, &id).await["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].clone())
        .collect();
    assert_eq!(shown, [json!(kept)]);
    assert_eq!(
        app.count("evidence").await,
        rows,
        "removal keeps the row for the record"
    );
    let event = app.claim_history(&id).await.pop().unwrap();
    assert_eq!(
        (
            &event["kind"],
            &event["from"],
            &event["to"],
            &event["subject_id"]
        ),
        (
            &json!("evidence_removed"),
            &removed_url,
            &Value::Null,
            &json!(removed)
        )
    );

    let before = (counts(&app).await, claim(&app, &id).await);
    let again = app.delete(&format!("/api/v1/evidence/{removed}")).await;
    assert!(again.assert_problem(410).contains(&removed), "{again:#?}");
    for unknown in [UNKNOWN, "not-a-uuid"] {
        app.delete(&format!("/api/v1/evidence/{unknown}"))
            .await
            .assert_problem(404);
    }
    assert_eq!(
        (counts(&app).await, claim(&app, &id).await),
        before,
        "a refused removal writes nothing"
    );
}

#[rocket::async_test]
async fn notes_keep_their_markdown_as_written_and_show_it_rendered() {
    let app = spawn_app().await;
    let id = a_claim(&app).await;
    // Leading indentation is Markdown (a code block): trimming it would change the note.
    let markdown =
        "    total = 8%\n\n**Checked** against [the transcript](https://example.org/t).\n";

    let answer = app
        .post(&notes_path(&id), &json!({ "body": markdown }))
        .await;

    assert_eq!(answer.status, Status::Created, "{answer:#?}");
    assert_eq!(
        answer.location.as_deref(),
        Some(format!("/api/v1/claims/{id}").as_str())
    );
    let note = &answer.body;
    assert_eq!(note["body"], markdown);
    let html = note["body_html"].as_str().unwrap();
    for rendered in [
        "<pre><code>total = 8%",
        "<strong>Checked</strong>",
        "href=\"https://example.org/t\"",
    ] {
        assert!(html.contains(rendered), "{rendered} missing from {html}");
    }
    assert_eq!(
        (&note["claim_id"], &note["author"]),
        (
            &json!(id),
            &json!({ "id": app.editor.id, "name": app.editor.name })
        )
    );
    assert_eq!(claim(&app, &id).await["notes"], json!([note]));
}

#[rocket::async_test]
async fn a_note_never_carries_a_script_or_a_javascript_link_into_body_html() {
    let app = spawn_app().await;
    let id = a_claim(&app).await;
    let markdown = "<script>steal()</script>\n\n[click me](javascript:steal()) and \
                    <a href=\"javascript:steal()\">me too</a> <img src=x onerror=steal()>";

    let answer = app
        .post(&notes_path(&id), &json!({ "body": markdown }))
        .await;

    assert_eq!(answer.status, Status::Created, "{answer:#?}");
    assert_eq!(
        answer.body["body"], markdown,
        "the note is stored as written; only its HTML is cleaned"
    );
    let html = answer.body["body_html"].as_str().unwrap();
    for hostile in ["<script", "javascript:", "onerror", "steal()"] {
        assert!(
            !html.to_lowercase().contains(hostile),
            "{hostile} survived in {html}"
        );
    }
    assert!(
        html.contains("click me") && html.contains("me too"),
        "the harmless text stays: {html}"
    );
    let shown = claim(&app, &id).await;
    assert_eq!(
        shown["notes"][0]["body_html"], html,
        "the claim shows the same cleaned HTML"
    );
}

#[rocket::async_test]
async fn notes_are_listed_oldest_first_and_each_is_recorded() {
    let app = spawn_app().await;
    let id = a_claim(&app).await;
    let mut ids = Vec::new();
    for body in [
        "First look: the ONS figure is 8%.",
        "Second look: the minister meant knife crime.",
    ] {
        let answer = app.post(&notes_path(&id), &json!({ "body": body })).await;
        assert_eq!(answer.status, Status::Created, "{answer:#?}");
        ids.push(answer.body["id"].clone());
    }

    let notes: Vec<Value> = claim(&app, &id).await["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    assert_eq!(notes, ids);
    let recorded: Vec<(Value, Value)> = app
        .claim_history(&id)
        .await
        .into_iter()
        .filter(|e| e["kind"] == "note_added")
        .map(|e| (e["subject_id"].clone(), e["to"].clone()))
        .collect();
    assert_eq!(
        recorded,
        ids.iter()
            .map(|id| (id.clone(), Value::Null))
            .collect::<Vec<_>>()
    );
}

#[rocket::async_test]
async fn an_empty_note_or_a_note_on_an_unknown_claim_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let id = a_claim(&app).await;
    let before = (counts(&app).await, claim(&app, &id).await);
    for blank in ["", " \n\t "] {
        let answer = app.post(&notes_path(&id), &json!({ "body": blank })).await;
        answer.assert_problem(422);
        assert_eq!(answer.error_fields(), ["body"], "{blank:?}");
    }
    let long = app
        .post(&notes_path(&id), &json!({ "body": "x".repeat(20_001) }))
        .await;
    assert!(long.assert_problem(422).contains("body"));
    for claim in [UNKNOWN, "not-a-uuid"] {
        app.post(&notes_path(claim), &json!({ "body": "A note" }))
            .await
            .assert_problem(404);
    }
    assert_eq!((counts(&app).await, claim(&app, &id).await), before);
}

#[rocket::async_test]
async fn evidence_and_notes_move_updated_at_but_not_the_version() {
    let app = spawn_app().await;
    let id = a_claim(&app).await;
    let mut last = claim(&app, &id).await;
    let changes = [
        app.post(
            &evidence_path(&id),
            &json!({ "url": "https://example.org/a", "title": "A", "stance": "context" }),
        )
        .await,
        app.post(&notes_path(&id), &json!({ "body": "Looked at it." }))
            .await,
    ];
    let evidence = changes[0].body["id"].as_str().unwrap().to_owned();
    let removal = app.delete(&format!("/api/v1/evidence/{evidence}")).await;
    assert_eq!(removal.status, Status::NoContent);
    for answer in &changes {
        assert_eq!(answer.status, Status::Created, "{answer:#?}");
    }

    let now = claim(&app, &id).await;
    assert_eq!(now["version"], 1);
    assert!(
        updated_at(&now) > updated_at(&last),
        "{} is not after {}",
        now["updated_at"],
        last["updated_at"]
    );
    last = now;

    // So a reviewer's ETag stays good while colleagues add sources and notes.
    let answer = app
        .patch(
            &format!("/api/v1/claims/{id}"),
            Some("\"1\""),
            &json!({ "priority": "high" }),
        )
        .await;
    assert_eq!(
        (answer.status, answer.etag.as_deref()),
        (Status::Ok, Some("\"2\"")),
        "{answer:#?}"
    );
    assert!(updated_at(&answer.body) > updated_at(&last));
}

#[rocket::async_test]
async fn the_history_lists_every_event_oldest_first_each_by_the_signed_in_editor() {
    let app = spawn_app().await;
    let id = a_claim(&app).await;
    let evidence = app.add_evidence(&id, "supports").await;
    let edit = app
        .patch(
            &format!("/api/v1/claims/{id}"),
            Some("\"1\""),
            &json!({ "summary": "Crime fell" }),
        )
        .await;
    assert_eq!(edit.status, Status::Ok, "{edit:#?}");
    let note = app
        .post(&notes_path(&id), &json!({ "body": "Checked." }))
        .await;
    assert_eq!(note.status, Status::Created, "{note:#?}");
    assert_eq!(
        app.delete(&format!("/api/v1/evidence/{evidence}"))
            .await
            .status,
        Status::NoContent
    );

    let events = app.claim_history(&id).await;

    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "created",
            "evidence_added",
            "edited",
            "note_added",
            "evidence_removed"
        ]
    );
    assert_eq!(
        (&events[0]["to"], &events[0]["from"]),
        (&json!("unchecked"), &Value::Null)
    );
    for event in &events {
        assert_eq!(event["claim_id"], id);
        assert_eq!(
            event["actor"],
            json!({ "id": app.editor.id, "name": app.editor.name })
        );
    }
    let times: Vec<DateTime<Utc>> = events
        .iter()
        .map(|e| e["at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(times.is_sorted(), "{times:?}");
}

#[rocket::async_test]
async fn the_history_of_an_unknown_claim_is_404() {
    let app = spawn_app().await;
    for claim in [UNKNOWN, "not-a-uuid"] {
        let detail = app
            .get(&format!("/api/v1/claims/{claim}/history"))
            .await
            .assert_problem(404)
            .to_owned();
        assert!(detail.contains(claim), "{detail}");
    }
}

/// A claim found false by the kit's editor, on `links` evidence links; returns its id and the
/// ids of the links.
async fn a_verdict_on(app: &TestApp, links: usize) -> (String, Vec<String>) {
    let piece = app
        .create_piece("The minister said crime fell by a third last year.")
        .await;
    let (claim, etag) = app.create_claim(&piece, "crime fell by a third").await;
    let mut evidence = Vec::new();
    for _ in 0..links {
        evidence.push(app.add_evidence(&claim, "refutes").await);
    }
    let verdict = app
        .patch(
            &format!("/api/v1/claims/{claim}"),
            Some(&etag),
            &json!({ "status": "false", "reason": "The ONS says 8%" }),
        )
        .await;
    assert_eq!(verdict.status, Status::Ok, "{verdict:#?}");
    (claim, evidence)
}

#[rocket::async_test]
async fn a_standing_verdict_keeps_its_last_evidence_link() {
    let app = spawn_app().await;
    let (claim, evidence) = a_verdict_on(&app, 1).await;
    let before = (
        app.get(&format!("/api/v1/claims/{claim}")).await.body,
        app.count("events").await,
    );

    let refused = app
        .delete(&format!("/api/v1/evidence/{}", evidence[0]))
        .await;
    let detail = refused.assert_problem(409);
    assert!(detail.contains("reopen the claim"), "{detail}");
    let after = (
        app.get(&format!("/api/v1/claims/{claim}")).await.body,
        app.count("events").await,
    );
    assert_eq!(after, before, "a refused removal changed something");
}

#[rocket::async_test]
async fn removing_evidence_from_a_signed_off_verdict_voids_the_sign_off() {
    let app = spawn_app().await;
    let (claim, evidence) = a_verdict_on(&app, 2).await;
    app.sign_off_as_a_reviewer(&claim, None).await;
    let signed = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert!(signed.body["signed_off_by"].is_string());

    let removed = app
        .delete(&format!("/api/v1/evidence/{}", evidence[0]))
        .await;
    assert_eq!(removed.status, Status::NoContent, "{removed:#?}");

    let after = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(after.body["signed_off_by"], Value::Null);
    assert_eq!(after.body["signed_off_at"], Value::Null);
    assert_eq!(after.body["status"], "false", "the verdict itself stands");
    assert_eq!(
        after.body["version"],
        signed.body["version"].as_i64().unwrap() + 1
    );
    assert_eq!(
        last_events(&app, &claim, 2).await,
        ["evidence_removed", "signoff_voided"]
    );
}

/// The kinds of the claim's last `n` events, oldest first.
async fn last_events(app: &TestApp, claim: &str, n: usize) -> Vec<String> {
    let history = app
        .get(&format!("/api/v1/claims/{claim}/history"))
        .await
        .body;
    let kinds: Vec<String> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds[kinds.len() - n..].to_vec()
}

#[rocket::async_test]
async fn adding_evidence_to_a_signed_off_verdict_voids_the_sign_off_and_unpublishes_it() {
    let app = spawn_app().await;
    let (claim, _) = a_verdict_on(&app, 1).await;
    app.sign_off_as_a_reviewer(&claim, None).await;
    let signed = app.get(&format!("/api/v1/claims/{claim}")).await;
    let published = format!("/api/v1/claims/{claim}/claimreview");
    assert_eq!(app.get(&published).await.status, Status::Ok);

    // The verdict's own editor adds a link nobody else has looked at.
    app.add_evidence(&claim, "supports").await;

    let after = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(after.body["signed_off_by"], Value::Null, "{after:#?}");
    assert_eq!(after.body["signed_off_at"], Value::Null);
    assert_eq!(after.body["status"], "false", "the verdict itself stands");
    assert_eq!(after.body["evidence"].as_array().unwrap().len(), 2);
    let version = signed.body["version"].as_i64().unwrap();
    assert_eq!(
        after.body["version"],
        version + 1,
        "a sign-off's ETag is stale"
    );
    assert_eq!(
        last_events(&app, &claim, 2).await,
        ["evidence_added", "signoff_voided"]
    );
    app.get(&published).await.assert_problem(404);

    // Evidence on a verdict not signed off leaves the version alone, as before.
    app.add_evidence(&claim, "context").await;
    let later = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(later.body["version"], version + 1);
    assert_eq!(last_events(&app, &claim, 1).await, ["evidence_added"]);
}
