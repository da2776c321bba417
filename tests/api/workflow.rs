//! PATCH /claims/{id}: the status rules, plain edits, If-Match, and a race between writers.
use crate::support::{Answer, TestApp, spawn_app};
use chrono::{DateTime, Utc};
use rocket::futures::future::join_all;
use rocket::http::{Method, Status};
use serde_json::{Value, json};

const STATUSES: [&str; 6] = [
    "unchecked",
    "in_progress",
    "accurate",
    "misleading",
    "false",
    "unverifiable",
];
const SYSTEM_USER: &str = "00000000-0000-0000-0000-000000000000";

/// Where each status may go (given evidence and a reason), written out by hand from the rules
/// so the table checks the server instead of restating it.
fn allowed(from: &str) -> &'static [&'static str] {
    match from {
        "unchecked" => &[
            "in_progress",
            "accurate",
            "misleading",
            "false",
            "unverifiable",
        ],
        "in_progress" => &[
            "unchecked",
            "accurate",
            "misleading",
            "false",
            "unverifiable",
        ],
        "accurate" | "misleading" | "false" | "unverifiable" => &["in_progress"],
        other => panic!("not a status: {other}"),
    }
}

fn is_verdict(status: &str) -> bool {
    !matches!(status, "unchecked" | "in_progress")
}

/// A piece with `n` distinct sentences, so claim `i` can quote "Sentence {i:02}" unambiguously.
async fn piece_of(app: &TestApp, n: usize) -> String {
    let body: Vec<String> = (0..n)
        .map(|i| format!("Sentence {i:02} makes a claim about the world."))
        .collect();
    app.create_piece(&body.join(" ")).await
}

fn quote(i: usize) -> String {
    format!("Sentence {i:02}")
}

fn claim_path(id: &str) -> String {
    format!("/api/v1/claims/{id}")
}

fn tag(version: i64) -> String {
    format!("\"{version}\"")
}

/// Everything a refused PATCH must leave as it was: the claim as served, and its history.
#[derive(Debug, PartialEq)]
struct Snapshot {
    claim: Value,
    etag: Option<String>,
    history: Vec<Value>,
    events: i64,
}

async fn snapshot(app: &TestApp, claim: &str) -> Snapshot {
    let answer = app.get(&claim_path(claim)).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    Snapshot {
        claim: answer.body,
        etag: answer.etag,
        history: app.claim_history(claim).await,
        events: app.count("events").await,
    }
}

#[track_caller]
fn assert_ok(answer: &Answer, version: i64) {
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    assert_eq!(
        answer.etag.as_deref(),
        Some(tag(version).as_str()),
        "{answer:#?}"
    );
    assert_eq!(answer.body["version"], version, "{answer:#?}");
}

/// Creates claim `i` (with one evidence link when asked) and walks it to `status` through
/// allowed PATCHes; returns its id and current version.
async fn claim_in(
    app: &TestApp,
    piece: &str,
    i: usize,
    status: &str,
    with_evidence: bool,
) -> (String, i64) {
    let (id, _) = app.create_claim(piece, &quote(i)).await;
    if with_evidence {
        app.add_evidence(&id, "supports").await;
    }
    if status == "unchecked" {
        return (id, 1);
    }
    let body = if is_verdict(status) {
        json!({ "status": status, "reason": "the sources agree" })
    } else {
        json!({ "status": status })
    };
    let answer = app.patch(&claim_path(&id), Some(&tag(1)), &body).await;
    assert_ok(&answer, 2);
    assert_eq!(answer.body["status"], status);
    (id, 2)
}

/// The targets a 409's detail offers, as listed after "Allowed from `from`: ".
fn offered_targets(detail: &str, from: &str) -> Vec<String> {
    let (_, list) = detail
        .split_once(&format!("Allowed from `{from}`: "))
        .unwrap_or_else(|| panic!("the detail lists no allowed targets: {detail}"));
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn all_pairs() -> impl Iterator<Item = (&'static str, &'static str)> {
    STATUSES
        .into_iter()
        .flat_map(|from| STATUSES.into_iter().map(move |to| (from, to)))
}

#[rocket::async_test]
async fn every_allowed_transition_answers_200_with_a_new_version_and_a_status_changed_event() {
    let app = spawn_app().await;
    let pairs: Vec<_> = all_pairs()
        .filter(|(from, to)| allowed(from).contains(to))
        .collect();
    assert_eq!(
        pairs.len(),
        14,
        "5 + 5 from the open statuses, 1 reopen from each verdict"
    );
    let piece = piece_of(&app, pairs.len()).await;
    for (i, &(from, to)) in pairs.iter().enumerate() {
        let (id, version) = claim_in(&app, &piece, i, from, true).await;
        let before = app.claim_history(&id).await;
        let reason = format!("moving from {from} to {to}");

        let answer = app
            .patch(
                &claim_path(&id),
                Some(&tag(version)),
                &json!({ "status": to, "reason": reason }),
            )
            .await;

        assert_ok(&answer, version + 1);
        assert_eq!(answer.body["status"], to, "{from} -> {to}");
        assert_eq!(answer.body["status_reason"], reason, "{from} -> {to}");
        let after = app.claim_history(&id).await;
        assert_eq!(
            after.len(),
            before.len() + 1,
            "{from} -> {to}: one event per change: {after:#?}"
        );
        let event = after.last().unwrap();
        assert_eq!(
            (
                &event["kind"],
                &event["from"],
                &event["to"],
                &event["reason"]
            ),
            (
                &json!("status_changed"),
                &json!(from),
                &json!(to),
                &json!(reason)
            ),
            "{from} -> {to}"
        );
        let shown = app.get(&claim_path(&id)).await;
        assert_eq!(shown.etag, answer.etag, "{from} -> {to}");
        assert_eq!(shown.body["status"], to, "{from} -> {to}");
    }
}

#[rocket::async_test]
async fn every_refused_transition_answers_409_naming_the_allowed_targets_and_writes_nothing() {
    let app = spawn_app().await;
    let pairs: Vec<_> = all_pairs()
        .filter(|(from, to)| !allowed(from).contains(to))
        .collect();
    assert_eq!(
        pairs.len(),
        22,
        "6 same-to-same, 12 verdict-to-verdict, 4 verdict-to-unchecked"
    );
    let piece = piece_of(&app, pairs.len()).await;
    for (i, &(from, to)) in pairs.iter().enumerate() {
        // Evidence and a reason are present, so only the pair itself can be the reason to refuse.
        let (id, version) = claim_in(&app, &piece, i, from, true).await;
        let before = snapshot(&app, &id).await;

        let answer = app
            .patch(
                &claim_path(&id),
                Some(&tag(version)),
                &json!({ "status": to, "reason": "because I say so" }),
            )
            .await;

        let detail = answer.assert_problem(409);
        assert!(
            detail.contains(&format!("`{from}`")) && detail.contains(&format!("`{to}`")),
            "{detail}"
        );
        assert_eq!(
            offered_targets(detail, from),
            allowed(from),
            "{from} -> {to}: {detail}"
        );
        assert_eq!(
            snapshot(&app, &id).await,
            before,
            "{from} -> {to} wrote something"
        );
        assert_eq!(before.claim["version"], version);
        assert_eq!(before.claim["status"], from);
    }
}

#[derive(Clone, Copy, Debug)]
enum Evidence {
    None,
    Current,
    RemovedOnly,
}

#[rocket::async_test]
async fn verdicts_need_current_evidence_and_a_reason_and_reopening_needs_a_reason() {
    let app = spawn_app().await;
    let cases: [(&str, Evidence, Value, &str); 6] = [
        (
            "unchecked",
            Evidence::None,
            json!({ "status": "accurate", "reason": "checked" }),
            "needs at least one evidence link",
        ),
        (
            "in_progress",
            Evidence::None,
            json!({ "status": "false", "reason": "checked" }),
            "needs at least one evidence link",
        ),
        // A removed link is kept for the history but no longer supports anything.
        (
            "unchecked",
            Evidence::RemovedOnly,
            json!({ "status": "misleading", "reason": "checked" }),
            "needs at least one evidence link",
        ),
        (
            "unchecked",
            Evidence::Current,
            json!({ "status": "false" }),
            "a verdict needs a reason",
        ),
        (
            "in_progress",
            Evidence::Current,
            json!({ "status": "unverifiable" }),
            "a verdict needs a reason",
        ),
        (
            "accurate",
            Evidence::Current,
            json!({ "status": "in_progress" }),
            "reopening a verdict needs a reason",
        ),
    ];
    let piece = piece_of(&app, cases.len() + 2).await;
    for (i, (from, evidence, body, why)) in cases.into_iter().enumerate() {
        let (id, version) =
            claim_in(&app, &piece, i, from, matches!(evidence, Evidence::Current)).await;
        if matches!(evidence, Evidence::RemovedOnly) {
            let link = app.add_evidence(&id, "refutes").await;
            assert_eq!(
                app.delete(&format!("/api/v1/evidence/{link}")).await.status,
                Status::NoContent
            );
        }
        let before = snapshot(&app, &id).await;

        let answer = app
            .patch(&claim_path(&id), Some(&tag(version)), &body)
            .await;

        let detail = answer.assert_problem(409);
        assert!(detail.contains(why), "{from} {evidence:?} {body}: {detail}");
        assert_eq!(offered_targets(detail, from), allowed(from), "{detail}");
        assert_eq!(
            snapshot(&app, &id).await,
            before,
            "{from} {evidence:?} {body} wrote something"
        );
    }

    // A blank reason is refused before the rules are asked: blank strings are never accepted.
    let (id, version) = claim_in(&app, &piece, 6, "unchecked", true).await;
    let before = snapshot(&app, &id).await;
    let answer = app
        .patch(
            &claim_path(&id),
            Some(&tag(version)),
            &json!({ "status": "false", "reason": "  \t " }),
        )
        .await;
    answer.assert_problem(422);
    assert_eq!(answer.error_fields(), ["reason"]);
    assert_eq!(snapshot(&app, &id).await, before);

    // With a reason, the same reopening goes through and the reason is on the record.
    let (id, version) = claim_in(&app, &piece, 7, "accurate", true).await;
    let reason = "a newer report contradicts the source";
    let answer = app
        .patch(
            &claim_path(&id),
            Some(&tag(version)),
            &json!({ "status": "in_progress", "reason": reason }),
        )
        .await;
    assert_ok(&answer, version + 1);
    assert_eq!(
        (&answer.body["status"], &answer.body["status_reason"]),
        (&json!("in_progress"), &json!(reason))
    );
    let event = app.claim_history(&id).await.pop().unwrap();
    assert_eq!(
        (
            &event["kind"],
            &event["from"],
            &event["to"],
            &event["reason"]
        ),
        (
            &json!("status_changed"),
            &json!("accurate"),
            &json!("in_progress"),
            &json!(reason)
        )
    );
}

/// A user besides the system one, written behind the API's back (there is no users endpoint yet).
#[rocket::async_test]
async fn a_claim_is_assigned_only_to_an_active_person() {
    let app = spawn_app().await;
    let piece = piece_of(&app, 1).await;
    let (id, etag) = app.create_claim(&piece, &quote(0)).await;
    let (gone, _) = app.user(factdesk::domain::roles::Role::Reviewer).await;
    factdesk::store::users::set_disabled(&mut app.db.conn().await, &gone.email, true)
        .await
        .unwrap();
    let before = snapshot(&app, &id).await;
    for assignee in [SYSTEM_USER.to_owned(), gone.id.to_string()] {
        let answer = app
            .patch(
                &claim_path(&id),
                Some(&etag),
                &json!({ "assignee": assignee }),
            )
            .await;
        answer.assert_problem(422);
        assert_eq!(answer.error_fields(), ["assignee"], "{answer:#?}");
        assert_eq!(snapshot(&app, &id).await, before, "{assignee} was assigned");
    }
}

async fn add_user(app: &TestApp, name: &str) -> String {
    use diesel_async::RunQueryDsl;
    let id = uuid::Uuid::new_v4();
    diesel::sql_query("INSERT INTO users (id, name, email) VALUES ($1, $2, $3)")
        .bind::<diesel::sql_types::Uuid, _>(id)
        .bind::<diesel::sql_types::Text, _>(name)
        .bind::<diesel::sql_types::Text, _>(format!("{id}@example.org"))
        .execute(&mut app.db.conn().await)
        .await
        .unwrap();
    id.to_string()
}

#[rocket::async_test]
async fn each_edit_bumps_the_version_and_records_an_edited_event_with_from_and_to() {
    let app = spawn_app().await;
    let piece = piece_of(&app, 1).await;
    let (id, _) = app.create_claim(&piece, &quote(0)).await;
    let colleague = add_user(&app, "A. Colleague").await;
    let editor = app.editor.id.to_string();
    let edits = [
        (
            "summary",
            json!("The minister says crime fell"),
            json!(""),
            json!("The minister says crime fell"),
        ),
        (
            "claimant",
            json!("The minister"),
            json!(""),
            json!("The minister"),
        ),
        ("priority", json!("high"), json!("normal"), json!("high")),
        ("assignee", json!(editor), Value::Null, json!(editor)),
        (
            "assignee",
            json!(colleague),
            json!(editor),
            json!(colleague),
        ),
        ("assignee", Value::Null, json!(colleague), Value::Null),
    ];
    let mut version = 1;
    for (field, value, from, to) in edits {
        let before = app.claim_history(&id).await;

        let answer = app
            .patch(
                &claim_path(&id),
                Some(&tag(version)),
                &json!({ field: value }),
            )
            .await;

        version += 1;
        assert_ok(&answer, version);
        assert_eq!(answer.body[field], value, "{field}");
        assert_eq!(
            answer.body["status"], "unchecked",
            "an edit leaves the status alone"
        );
        let after = app.claim_history(&id).await;
        assert_eq!(after.len(), before.len() + 1, "{field}: {after:#?}");
        let event = after.last().unwrap();
        assert_eq!(
            (
                &event["kind"],
                &event["field"],
                &event["from"],
                &event["to"]
            ),
            (&json!("edited"), &json!(field), &from, &to),
            "{field}"
        );
    }

    // Several fields in one PATCH: one new version, one event per field.
    let answer = app
        .patch(
            &claim_path(&id),
            Some(&tag(version)),
            &json!({ "summary": "Crime fell by a third", "priority": "low" }),
        )
        .await;
    assert_ok(&answer, version + 1);
    let fields: Vec<Value> = app
        .claim_history(&id)
        .await
        .iter()
        .rev()
        .take(2)
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(fields, [json!("priority"), json!("summary")]);
}

#[rocket::async_test]
async fn a_patch_that_changes_nothing_answers_200_without_a_new_version_or_events() {
    let app = spawn_app().await;
    let piece = piece_of(&app, 1).await;
    let (id, _) = app.create_claim(&piece, &quote(0)).await;
    let answer = app
        .patch(
            &claim_path(&id),
            Some(&tag(1)),
            &json!({ "summary": "Crime fell", "priority": "high", "assignee": app.editor.id }),
        )
        .await;
    assert_ok(&answer, 2);
    let before = snapshot(&app, &id).await;

    let same = json!({ "summary": "Crime fell", "priority": "high", "assignee": app.editor.id });
    let answer = app.patch(&claim_path(&id), Some(&tag(2)), &same).await;

    assert_ok(&answer, 2);
    assert_eq!(
        answer.body, before.claim,
        "the answer is the claim as it stands"
    );
    assert_eq!(
        snapshot(&app, &id).await,
        before,
        "not even updated_at moves"
    );
}

#[rocket::async_test]
async fn an_empty_patch_and_an_unknown_assignee_are_refused_with_422_and_write_nothing() {
    let app = spawn_app().await;
    let piece = piece_of(&app, 1).await;
    let (id, _) = app.create_claim(&piece, &quote(0)).await;
    let before = snapshot(&app, &id).await;

    let empty = app.patch(&claim_path(&id), Some(&tag(1)), &json!({})).await;
    empty.assert_problem(422);
    assert!(
        empty.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nothing to change"),
        "{empty:#?}"
    );

    // A reason alone changes nothing either: it only explains a status change or an edit.
    let reason_only = app
        .patch(
            &claim_path(&id),
            Some(&tag(1)),
            &json!({ "reason": "just because" }),
        )
        .await;
    reason_only.assert_problem(422);

    let stranger = uuid::Uuid::new_v4().to_string();
    let unknown = app
        .patch(
            &claim_path(&id),
            Some(&tag(1)),
            &json!({ "summary": "Would be written", "assignee": stranger }),
        )
        .await;
    unknown.assert_problem(422);
    assert_eq!(unknown.error_fields(), ["assignee"]);
    assert!(
        unknown.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&stranger),
        "{unknown:#?}"
    );

    let malformed = app
        .patch(
            &claim_path(&id),
            Some(&tag(1)),
            &json!({ "assignee": "bob" }),
        )
        .await;
    malformed.assert_problem(422);

    assert_eq!(snapshot(&app, &id).await, before);
}

#[rocket::async_test]
async fn if_match_is_required_strong_and_current() {
    let app = spawn_app().await;
    let piece = piece_of(&app, 1).await;
    let (id, etag) = app.create_claim(&piece, &quote(0)).await;
    assert_eq!(etag, tag(1));
    let path = claim_path(&id);
    let change = json!({ "summary": "Crime fell" });
    let before = snapshot(&app, &id).await;

    // 30,000 tags, the current one among them: refused unread, not matched.
    let long_list = vec![etag.as_str(); 30_000].join(", ");
    let (twenty, twenty_one) = (vec!["\"9\""; 20].join(","), vec!["\"9\""; 21].join(","));
    for (if_match, status) in [
        (None, 428),
        (Some("*"), 428),
        (Some("banana"), 412),
        (Some("1"), 412),
        (Some("W/\"1\""), 412),
        (Some(twenty.as_str()), 412),
        (Some(twenty_one.as_str()), 400),
        (Some(long_list.as_str()), 400),
    ] {
        let answer = app.patch(&path, if_match, &change).await;
        let detail = answer.assert_problem(status);
        assert!(
            ["If-Match", "ETag", "version"]
                .iter()
                .any(|word| detail.contains(word)),
            "{:?}: {detail}",
            if_match.map(|tags| &tags[..tags.len().min(100)])
        );
        assert!(
            detail.len() < 300,
            "the answer does not echo the list: {detail}"
        );
        assert_eq!(
            snapshot(&app, &id).await,
            before,
            "{status}: wrote something"
        );
    }

    let answer = app.patch(&path, Some(&etag), &change).await;
    assert_ok(&answer, 2);
    assert_eq!(answer.body["summary"], "Crime fell");
    assert_eq!(app.get(&path).await.etag, answer.etag);

    let moved = snapshot(&app, &id).await;
    let stale = app
        .patch(&path, Some(&etag), &json!({ "summary": "Crime rose" }))
        .await;
    let detail = stale.assert_problem(412);
    assert!(
        detail.contains("version 2"),
        "the answer says where the claim is now: {detail}"
    );
    assert_eq!(snapshot(&app, &id).await, moved);

    // A list matches when any of its tags does (RFC 9110), and only then.
    let answer = app
        .patch(
            &path,
            Some("\"7\", \"9\""),
            &json!({ "summary": "Crime rose" }),
        )
        .await;
    answer.assert_problem(412);
    assert_eq!(snapshot(&app, &id).await, moved);
    let answer = app
        .patch(
            &path,
            Some("\"1\", \"2\""),
            &json!({ "summary": "Crime rose" }),
        )
        .await;
    assert_ok(&answer, 3);
}

#[rocket::async_test]
async fn of_twenty_concurrent_patches_with_the_same_etag_exactly_one_wins() {
    let app = spawn_app().await;
    let piece = piece_of(&app, 1).await;
    let (id, etag) = app.create_claim(&piece, &quote(0)).await;
    let path = claim_path(&id);
    let summaries: Vec<String> = (0..20).map(|i| format!("Summary by writer {i}")).collect();

    let bodies: Vec<Value> = summaries.iter().map(|s| json!({ "summary": s })).collect();

    let answers = join_all(
        bodies
            .iter()
            .map(|body| app.patch(&path, Some(&etag), body)),
    )
    .await;

    let winners: Vec<usize> = (0..answers.len())
        .filter(|&i| answers[i].status == Status::Ok)
        .collect();
    assert_eq!(winners.len(), 1, "{answers:#?}");
    for answer in answers.iter().filter(|a| a.status != Status::Ok) {
        answer.assert_problem(412);
    }
    let winner = &summaries[winners[0]];
    assert_ok(&answers[winners[0]], 2);
    let stored = app.get(&path).await;
    assert_eq!(
        (&stored.body["version"], &stored.body["summary"]),
        (&json!(2), &json!(winner))
    );
    let events = app.claim_history(&id).await;
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "edited"]);
    assert_eq!(events[1]["to"], json!(winner));
}

#[rocket::async_test]
async fn a_history_written_by_forty_writers_at_once_reads_in_time_order() {
    let app = spawn_app().await;
    let piece = piece_of(&app, 1).await;
    let (id, _) = app.create_claim(&piece, &quote(0)).await;
    let notes: Vec<Value> = (0..40)
        .map(|i| json!({ "body": format!("note {i}") }))
        .collect();
    let path = format!("{}/notes", claim_path(&id));
    let answers = join_all(notes.iter().map(|note| app.post(&path, note))).await;
    assert!(
        answers.iter().all(|a| a.status == Status::Created),
        "{answers:#?}"
    );

    // Each event's time is when it was written, after the claim's lock was had: the order the
    // history is read in (its sequence) is the order of its times.
    let events = app.claim_history(&id).await;
    assert_eq!(events.len(), 41);
    let times: Vec<DateTime<Utc>> = events
        .iter()
        .map(|e| e["at"].as_str().unwrap().parse().unwrap())
        .collect();
    let backwards: Vec<_> = times
        .windows(2)
        .filter(|pair| pair[1] < pair[0])
        .take(3)
        .collect();
    assert!(
        backwards.is_empty(),
        "events earlier than the one before them, such as {backwards:?}"
    );
}

#[rocket::async_test]
async fn new_wording_voids_a_sign_off_and_a_new_priority_does_not() {
    let app = spawn_app().await;
    let piece = piece_of(&app, 1).await;
    let (id, etag) = app.create_claim(&piece, &quote(0)).await;
    app.add_evidence(&id, "refutes").await;
    let verdict = app
        .patch(
            &claim_path(&id),
            Some(&etag),
            &json!({ "status": "false", "reason": "The ONS says 8%" }),
        )
        .await;
    let (_, reviewer) = app.user(factdesk::domain::roles::Role::Reviewer).await;
    let sign_off = |tag: Option<String>| {
        let (app, id, reviewer) = (&app, id.clone(), reviewer.clone());
        async move {
            app.send(
                Method::Post,
                &format!("{}/signoff", claim_path(&id)),
                Some(&reviewer),
                tag.as_deref(),
                Some("{}".into()),
            )
            .await
        }
    };
    // The sign-off is of the version the reviewer read: without it 428, with an old one 412.
    sign_off(None).await.assert_problem(428);
    sign_off(Some(tag(1))).await.assert_problem(412);
    let signed = sign_off(verdict.etag.clone()).await;
    assert_eq!(signed.status, Status::Ok, "{signed:#?}");

    let reprioritised = app
        .patch(
            &claim_path(&id),
            signed.etag.as_deref(),
            &json!({ "priority": "high" }),
        )
        .await;
    assert!(
        reprioritised.body["signed_off_by"].is_string(),
        "{reprioritised:#?}"
    );
    // A write carries every other column over as it was (the edit is written whole).
    let unchanged = |before: &Value, after: &Value, fields: &[&str]| {
        for field in fields {
            assert_eq!(after[field], before[field], "{field}: {after:#?}");
        }
    };
    let verdict_fields = ["status", "status_reason", "verdict_by", "verdict_at"];
    let sign_off_fields = ["signed_off_by", "signed_off_at", "signoff_note"];
    let wording = ["summary", "claimant", "assignee", "selector"];
    for fields in [&verdict_fields[..], &sign_off_fields, &wording] {
        unchanged(&signed.body, &reprioritised.body, fields);
    }
    assert_eq!(reprioritised.body["priority"], json!("high"));
    let reworded = app
        .patch(
            &claim_path(&id),
            reprioritised.etag.as_deref(),
            &json!({ "summary": "Crime fell by 8%", "reason": "sharper" }),
        )
        .await;
    assert_eq!(reworded.status, Status::Ok, "{reworded:#?}");
    for field in sign_off_fields {
        assert_eq!(reworded.body[field], Value::Null, "{field}: {reworded:#?}");
    }
    // The verdict stands: only its sign-off, of the old wording, is void.
    unchanged(&reprioritised.body, &reworded.body, &verdict_fields);
    unchanged(
        &reprioritised.body,
        &reworded.body,
        &["priority", "claimant"],
    );
    let kinds: Vec<String> = app
        .claim_history(&id)
        .await
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds[kinds.len() - 2..], ["edited", "signoff_voided"]);
}
