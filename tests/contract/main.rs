//! The API against its own contract: schemathesis (tests/contract/requirements.txt) reads the
//! document the app serves and sends generated requests, valid and invalid, to every operation of
//! the app served over TCP, as an editor, on a database holding the demo piece. Any 5xx answer,
//! or any answer whose status, content type or body the document does not describe, fails the
//! test with schemathesis's report. The run is bounded (a fixed seed, a fixed number of cases per
//! operation) so it takes the same time and finds the same things every time.
//!
//! A test target of its own (`cargo test --test contract`); `tests/run` installs schemathesis.
#[allow(dead_code)]
#[path = "../browser/server.rs"]
mod server;
#[path = "../api/support/mod.rs"]
mod support;
#[allow(dead_code)]
#[path = "../browser/wire.rs"]
mod wire;

use crate::server::Server;
use crate::support::{TestApp, spawn_app_with_demo};
use factdesk::domain::roles::Role;
use factdesk::store::ids::PieceId;
use rocket::http::{Method, Status};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Cases per operation, besides the boundary cases schemathesis adds: the whole run takes
/// under a minute on two cores.
const EXAMPLES: &str = "50";

/// What every answer is held to. Left out: `missing_required_header`, which wants 400 or 422 for
/// a missing `If-Match` where this API answers 428 as RFC 6585 says; and `unsupported_method`,
/// since Rocket 0.5 answers 400 to a method it does not know (such as `QUERY`) before any route
/// or catcher sees it (tests/api/bad_input.rs checks 405 and `Allow` for the methods it knows).
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,ignored_auth";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The schemathesis the pins name, installed into `target/contract-venv` if it is not there yet
/// (`.ci/run` installs it first; this makes `cargo test` alone work wherever python3 does).
fn schemathesis() -> PathBuf {
    let venv = root().join("target/contract-venv");
    let python = venv.join("bin/python");
    let requirements = root().join("tests/contract/requirements.txt");
    let run = |command: &mut Command, what: &str| {
        let output = command
            .output()
            .unwrap_or_else(|e| panic!("the contract test needs {what}: {e}"));
        assert!(
            output.status.success(),
            "{what} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    if !python.exists() {
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv (python3 with venv)",
        );
    }
    // Quick when the pins are already met; brings an older venv up to them otherwise.
    run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
        "pip install -r tests/contract/requirements.txt",
    );
    venv.join("bin/schemathesis")
}

#[rocket::async_test]
async fn the_api_keeps_its_openapi_contract() {
    let cli = tokio::task::spawn_blocking(schemathesis).await.unwrap();
    let (app, piece) = spawn_app_with_demo().await;
    let config = std::env::temp_dir().join(format!("{}.schemathesis.toml", app.db.name));
    std::fs::write(&config, known_ids(&app, piece).await).unwrap();
    publish_one(&app, piece).await;
    let server = Server::start(&app.db).await;
    let mut command = Command::new(cli);
    command
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(format!("{}/api/openapi.json", server.origin))
        .args(["--header", &format!("Authorization: Bearer {}", app.token)])
        .args(["--checks", CHECKS])
        .args(["--max-examples", EXAMPLES])
        .args(["--seed", "1"])
        // One worker: with two threads, CPython 3.11's `ast` module (which hypothesis calls to
        // describe its filters) fails now and then with "AST constructor recursion depth
        // mismatch", a race in the interpreter, not an answer of ours.
        .args(["--workers", "1"])
        .args(["--request-timeout", "30"])
        // A timing check, not a contract one: it fails when the whole suite loads the machine.
        .args(["--suppress-health-check", "too_slow"])
        // Signing out would revoke the token every other request carries.
        .args(["--exclude-operation-id", "signOut"])
        .args(["--generation-database", "none"])
        .arg("--no-color")
        .current_dir(root().join("target"))
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("schemathesis runs");
    let _ = std::fs::remove_file(&config);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "schemathesis found answers that break the contract (src/web/openapi.json):\n{report}"
    );
    // The summary, for `cargo test -- --nocapture`.
    println!("{report}");
    // A run that skipped operations (say, one it could not read) would pass too: every
    // operation must have been tested but sign-out, left out above, and the document's own
    // address, which schemathesis leaves out when it reads the document from there.
    let tested = format!("Tested: {}", operations() - 2);
    assert!(
        report.contains(&tested),
        "schemathesis did not report `{tested}`:\n{report}"
    );
}

/// How many operations (method and path) the document describes.
fn operations() -> usize {
    let doc: serde_json::Value = serde_json::from_str(factdesk::web::openapi::DOCUMENT).unwrap();
    let paths = doc["paths"].as_object().unwrap().values();
    paths
        .flat_map(|item| item.as_object().unwrap().keys())
        .filter(|key| ["get", "post", "put", "patch", "delete"].contains(&key.as_str()))
        .count()
}

/// A schemathesis configuration that makes most generated requests name the demo piece and its
/// claims (and one claim seen before), a version they may be at, and words they contain, so that changes, sign-offs and new claims reach the
/// workflow instead of stopping at 404 or 412 (the rest stay random, for those answers).
async fn known_ids(app: &TestApp, piece: PieceId) -> String {
    let answer = app.get(&format!("/api/v1/pieces/{piece}")).await;
    let demo = answer.body["claims"]
        .as_array()
        .expect("the demo piece has claims");
    // A later piece repeating a demo claim's words, so that its claim has one seen before.
    let quote = demo[1]["selector"]["exact"].as_str().unwrap();
    let repeated = app.create_piece(quote).await;
    let (seen_before, _) = app.create_claim(&repeated, quote).await;
    let claims: Vec<String> = demo
        .iter()
        .map(|c| c["id"].to_string())
        .chain([format!("\"{seen_before}\"")])
        .collect();
    format!(
        r#"# Every run starts from nothing, so that it does the same on every machine.
[cache]
enabled = false

[dictionaries.pieces]
values = ["{piece}"]

[dictionaries.claims]
values = [{claims}]

[dictionaries.versions]
values = ['"1"', '"2"', '"3"']

[dictionaries.words]
values = ["Soleimani", "Iran drone strikes", "killed", "the"]

[[operations]]
include-path-regex = "^/api/v1/pieces/\\{{id\\}}"
parameters = {{ "path.id" = {{ dictionary = "pieces", probability = 0.7 }}, "header.If-Match" = {{ dictionary = "versions", probability = 0.7 }} }}

[[operations]]
include-path-regex = "^/api/v1/claims/\\{{id\\}}"
parameters = {{ "path.id" = {{ dictionary = "claims", probability = 0.7 }}, "header.If-Match" = {{ dictionary = "versions", probability = 0.7 }} }}

[[operations]]
include-path-regex = "^/api/v1/claims(\\.csv)?$"
parameters = {{ "query.q" = {{ dictionary = "words", probability = 0.6 }} }}
"#,
        claims = claims.join(", ")
    )
}

/// Gives the demo's first claim a signed-off verdict, so that what is published (ClaimReview,
/// the feed) is answered in full and checked against the document too.
async fn publish_one(app: &TestApp, piece: PieceId) {
    let answer = app.get(&format!("/api/v1/pieces/{piece}")).await;
    let claim = answer.body["claims"][0]["id"].as_str().unwrap().to_owned();
    app.add_evidence(&claim, "refutes").await;
    let path = format!("/api/v1/claims/{claim}");
    let etag = app.get(&path).await.etag.unwrap();
    let verdict = json!({ "status": "false", "reason": "The record says otherwise." });
    let set = app.patch(&path, Some(&etag), &verdict).await;
    assert_eq!(set.status, Status::Ok, "{set:#?}");
    let (_, reviewer) = app.user(Role::Reviewer).await;
    let signed = app
        .send(
            Method::Post,
            &format!("{path}/signoff"),
            Some(&reviewer),
            set.etag.as_deref(),
            Some("{}".into()),
        )
        .await;
    assert_eq!(signed.status, Status::Ok, "{signed:#?}");
}
