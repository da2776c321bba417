//! Fifty clients at once on one claim (issue 10's race trial): editors set verdicts and reopen
//! them with `If-Match`, add and remove evidence, write notes; reviewers sign verdicts off. Each
//! write either lands whole or is refused; afterwards no acknowledged write is missing, the claim
//! is one the workflow allows, and its history, replayed from the start, arrives at it.
use crate::support::{TestApp, spawn_app};
use chrono::{DateTime, Utc};
use factdesk::domain::roles::Role;
use factdesk::domain::workflow::{
    Status as Claim, TransitionFacts, check_sign_off, check_transition,
};
use futures_util::future::join_all;
use rocket::http::{Method, Status};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

const CLIENTS: usize = 50;
const ROUNDS: usize = 3;
/// Tries per round of a client whose writes keep finding the claim changed.
const RETRIES: usize = 10;

/// What the server acknowledged (2xx) to one client.
#[derive(Default)]
struct Acknowledged {
    notes: Vec<String>,
    added: Vec<String>,
    removed: Vec<String>,
    /// The status each acknowledged change set, and the version it answered with.
    statuses: Vec<(String, i64)>,
    sign_offs: Vec<i64>,
    refused: Vec<u16>,
}

fn version(etag: Option<&str>) -> i64 {
    etag.and_then(|tag| tag.trim_matches('"').parse().ok())
        .expect("a write's answer carries its version")
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    if_match: Option<&str>,
    body: Option<Value>,
) -> crate::support::Answer {
    let body = body.map(|body| body.to_string());
    app.send(method, path, Some(token), if_match, body).await
}

/// One client: `ROUNDS` times, read the claim and do its part to it as it found it; when told the
/// claim changed since it was read (412), read it again and retry, as a person would.
async fn client(app: &TestApp, claim: &str, n: usize, token: &str) -> Acknowledged {
    let mut done = Acknowledged::default();
    let path = format!("/api/v1/claims/{claim}");
    let attempts = (0..ROUNDS).flat_map(|round| std::iter::repeat_n(round, RETRIES));
    let mut finished = None;
    for round in attempts {
        if finished == Some(round) {
            continue;
        }
        let read = send(app, Method::Get, &path, token, None, None).await;
        assert_eq!(read.status, Status::Ok, "{read:#?}");
        let status = read.body["status"].as_str().unwrap().to_owned();
        let etag = read.etag.clone();
        let answer = match n % 5 {
            // Editors who set a verdict, and editors who reopen one.
            0 | 1 => {
                let verdict = status == "unchecked" || status == "in_progress";
                let change = if n % 5 == 0 && verdict {
                    json!({ "status": "false", "reason": format!("client {n} round {round}") })
                } else {
                    json!({ "status": "in_progress", "reason": format!("reopened by {n}") })
                };
                let to = change["status"].as_str().unwrap().to_owned();
                let answer = send(
                    app,
                    Method::Patch,
                    &path,
                    token,
                    etag.as_deref(),
                    Some(change),
                )
                .await;
                if answer.status == Status::Ok {
                    done.statuses.push((to, version(answer.etag.as_deref())));
                }
                answer
            }
            2 => {
                let evidence = json!({
                    "url": format!("https://www.state.gov/{n}/{round}"),
                    "title": "A source",
                    "stance": if round % 2 == 0 { "refutes" } else { "context" },
                });
                let added = send(
                    app,
                    Method::Post,
                    &format!("{path}/evidence"),
                    token,
                    None,
                    Some(evidence),
                )
                .await;
                if added.status != Status::Created {
                    added
                } else {
                    let id = added.body["id"].as_str().unwrap().to_owned();
                    done.added.push(id.clone());
                    if round == 1 {
                        added
                    } else {
                        let gone = format!("/api/v1/evidence/{id}");
                        let removed = send(app, Method::Delete, &gone, token, None, None).await;
                        if removed.status == Status::NoContent {
                            done.removed.push(id);
                        }
                        removed
                    }
                }
            }
            3 => {
                let body = format!("note {n}.{round}");
                let note = json!({ "body": body });
                let answer = send(
                    app,
                    Method::Post,
                    &format!("{path}/notes"),
                    token,
                    None,
                    Some(note),
                )
                .await;
                if answer.status == Status::Created {
                    done.notes.push(body);
                }
                answer
            }
            // Reviewers, signing off the verdict they read.
            _ => {
                let signoff = format!("{path}/signoff");
                let answer = send(
                    app,
                    Method::Post,
                    &signoff,
                    token,
                    etag.as_deref(),
                    Some(json!({})),
                )
                .await;
                if answer.status == Status::Ok {
                    done.sign_offs.push(version(answer.etag.as_deref()));
                }
                answer
            }
        };
        let code = answer.status.code;
        assert!(code < 500, "client {n}: {answer:#?}");
        if !answer.status.class().is_success() {
            // Refusals a race may bring about, each a problem a person can act on.
            assert!([409, 412, 422].contains(&code), "client {n}: {answer:#?}");
            answer.assert_problem(code);
            done.refused.push(code);
        }
        if code != 412 {
            finished = Some(round);
        }
    }
    done
}

#[rocket::async_test]
async fn fifty_clients_on_one_claim_lose_nothing_and_leave_a_history_that_replays_to_it() {
    let app = spawn_app().await;
    let piece = app
        .create_piece("The adviser said the strike was lawful and the embassy was threatened.")
        .await;
    let (claim, _) = app.create_claim(&piece, "the strike was lawful").await;
    let first_evidence = app.add_evidence(&claim, "refutes").await;
    let mut tokens = Vec::new();
    for n in 0..CLIENTS {
        let role = if n % 5 == 4 {
            Role::Reviewer
        } else {
            Role::Editor
        };
        tokens.push(app.user(role).await.1);
    }

    let clients = (0..CLIENTS).map(|n| client(&app, &claim, n, &tokens[n]));
    let done: Vec<Acknowledged> = join_all(clients).await;

    let statuses: Vec<&(String, i64)> = done.iter().flat_map(|d| &d.statuses).collect();
    let sign_offs: Vec<i64> = done.iter().flat_map(|d| d.sign_offs.clone()).collect();
    let refused: Vec<u16> = done.iter().flat_map(|d| d.refused.clone()).collect();
    println!(
        "{CLIENTS} clients: {} status changes, {} sign-offs, {} notes, {} evidence added, {} \
         removed acknowledged; {} refused",
        statuses.len(),
        sign_offs.len(),
        done.iter().map(|d| d.notes.len()).sum::<usize>(),
        done.iter().map(|d| d.added.len()).sum::<usize>(),
        done.iter().map(|d| d.removed.len()).sum::<usize>(),
        refused.len()
    );
    // Without contention the trial would prove nothing: some writes must have been turned away
    // as stale, and some of each kind must have landed.
    assert!(
        refused.contains(&412),
        "no write was ever stale: {refused:?}"
    );
    assert!(
        !statuses.is_empty() && !sign_offs.is_empty(),
        "{statuses:?} {sign_offs:?}"
    );

    // No two acknowledged versioned writes answered with the same version: none overwrote another.
    let mut versions: Vec<i64> = statuses
        .iter()
        .map(|(_, v)| *v)
        .chain(sign_offs.clone())
        .collect();
    let count = versions.len();
    versions.sort();
    versions.dedup();
    assert_eq!(
        versions.len(),
        count,
        "two writes answered with one version"
    );

    let now = app.get(&format!("/api/v1/claims/{claim}")).await;
    let history = app.get(&format!("/api/v1/claims/{claim}/history")).await;
    let events = history.body.as_array().unwrap();

    // Every acknowledged note and evidence link is there; every acknowledged removal is gone.
    let notes: BTreeSet<&str> = events
        .iter()
        .filter(|e| e["kind"] == "note_added")
        .map(|e| e["subject_id"].as_str().unwrap())
        .collect();
    let written: usize = done.iter().map(|d| d.notes.len()).sum();
    assert_eq!(notes.len(), written);
    assert_eq!(app.count("notes").await as usize, written);
    let live: BTreeSet<String> = now.body["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    let mut expected: BTreeSet<String> = done.iter().flat_map(|d| d.added.clone()).collect();
    expected.insert(first_evidence);
    for removed in done.iter().flat_map(|d| &d.removed) {
        expected.remove(removed);
    }
    assert_eq!(live, expected);

    // Replayed from the start, the history keeps every rule and arrives at the claim as it is.
    let mut status = Claim::Unchecked;
    let mut evidence = 0;
    let mut version = 1;
    let mut verdict_by: Option<&str> = None;
    let mut signed_by: Option<&str> = None;
    let mut last_at: Option<DateTime<Utc>> = None;
    let mut landed: HashMap<(String, i64), usize> = HashMap::new();
    // A status change, or evidence added or removed, voids a standing sign-off, and says so in the
    // next event: part of the same write (a status change's) or a write of its own (evidence's).
    let mut void_owed: Option<(&str, bool)> = None;
    for event in &events[1..] {
        let kind = event["kind"].as_str().unwrap();
        if kind != "signoff_voided" {
            assert_eq!(
                void_owed, None,
                "a sign-off outlived what voids it: {event}"
            );
        }
        let at: DateTime<Utc> = event["at"].as_str().unwrap().parse().unwrap();
        assert!(
            last_at.is_none_or(|last| last <= at),
            "history goes back in time: {event}"
        );
        last_at = Some(at);
        let actor = event["actor"]["id"].as_str().unwrap();
        match kind {
            "status_changed" => {
                let to: Claim = event["to"].as_str().unwrap().parse().unwrap();
                assert_eq!(event["from"].as_str(), Some(status.as_str()), "{event}");
                let facts = TransitionFacts {
                    evidence_count: evidence,
                    reason: event["reason"].as_str(),
                };
                check_transition(status, to, &facts).unwrap_or_else(|e| panic!("{e}: {event}"));
                status = to;
                verdict_by = to.is_verdict().then_some(actor);
                void_owed = signed_by.take().map(|signer| (signer, false));
                version += 1;
                *landed.entry((to.as_str().to_owned(), version)).or_default() += 1;
            }
            "signed_off" => {
                check_sign_off(status, signed_by.is_some(), verdict_by == Some(actor))
                    .unwrap_or_else(|e| panic!("{e}: {event}"));
                signed_by = Some(actor);
                version += 1;
                *landed
                    .entry(("signed_off".to_owned(), version))
                    .or_default() += 1;
            }
            "signoff_voided" => {
                let (signer, own_write) = void_owed.take().expect("a sign-off voided twice");
                version += i64::from(own_write);
                assert_eq!(event["from"].as_str(), Some(signer), "{event}");
            }
            "evidence_added" => {
                evidence += 1;
                void_owed = signed_by.take().map(|signer| (signer, true));
            }
            "evidence_removed" => {
                assert!(
                    evidence > 1 || !status.is_verdict(),
                    "a verdict lost its last evidence"
                );
                evidence -= 1;
                void_owed = signed_by.take().map(|signer| (signer, true));
            }
            "note_added" => {}
            other => panic!("unexpected event {other}: {event}"),
        }
    }
    assert_eq!(
        now.body["status"].as_str(),
        Some(status.as_str()),
        "{now:#?}"
    );
    assert_eq!(now.body["version"].as_i64(), Some(version), "{now:#?}");
    assert_eq!(now.body["evidence"].as_array().unwrap().len(), evidence);
    assert_eq!(void_owed, None, "the last write left a sign-off it voids");
    assert_eq!(now.body["signed_off_by"].as_str(), signed_by, "{now:#?}");
    // Each acknowledged write is in the history, at the version it answered with.
    for (to, at_version) in statuses {
        assert_eq!(
            landed.get(&(to.clone(), *at_version)),
            Some(&1),
            "{to} at {at_version}"
        );
    }
    for at_version in sign_offs {
        let key = ("signed_off".to_owned(), at_version);
        assert_eq!(landed.get(&key), Some(&1), "sign-off at {at_version}");
    }
}
