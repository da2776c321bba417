//! Exports and imports: `GET /api/v1/claims.csv`, and `factdesk export`, `import` and
//! `import-piece` run as an operator runs them (the real binary, a database of its own).
use crate::cli::{Run, run};
use crate::support::{TestApp, TestDb, add_user, database_url, spawn_app, spawn_app_with_demo};
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use factdesk::domain::roles::Role;
use factdesk::store::SYSTEM_USER;
use factdesk::store::database::QueryCount;
use factdesk::store::ids::ClaimId;
use rocket::http::{Header, Method, Status};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use uuid::Uuid;

// ---------------------------------------------------------------- the CSV

const HEADER: [&str; 10] = [
    "piece",
    "quote",
    "claimant",
    "summary",
    "status",
    "verdict reason",
    "evidence urls",
    "assignee",
    "updated at",
    "claim id",
];

struct Sheet {
    status: Status,
    content_type: Option<String>,
    disposition: Option<String>,
    text: String,
}

impl Sheet {
    /// The rows after the header, each a map from column name to cell.
    #[track_caller]
    fn rows(&self) -> Vec<std::collections::HashMap<String, String>> {
        assert_eq!(self.status, Status::Ok, "{}", self.text);
        let body = self.text.strip_prefix('\u{FEFF}').expect("a UTF-8 BOM");
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(header, HEADER);
        reader
            .records()
            .map(|record| {
                let record = record.unwrap();
                header
                    .iter()
                    .cloned()
                    .zip(record.iter().map(str::to_owned))
                    .collect()
            })
            .collect()
    }

    fn ids(&self) -> BTreeSet<String> {
        self.rows()
            .into_iter()
            .map(|r| r["claim id"].clone())
            .collect()
    }
}

async fn sheet(app: &TestApp, query: &str, token: Option<&str>) -> Sheet {
    let mut request = app.client.get(format!("/api/v1/claims.csv{query}"));
    if let Some(token) = token {
        request = request.header(Header::new("Authorization", format!("Bearer {token}")));
    }
    let response = request.dispatch().await;
    let header = |name: &str| response.headers().get_one(name).map(str::to_owned);
    let (content_type, disposition) = (header("Content-Type"), header("Content-Disposition"));
    Sheet {
        status: response.status(),
        content_type,
        disposition,
        text: response.into_string().await.unwrap_or_default(),
    }
}

/// Every claim id `GET /api/v1/claims` lists for `query`, page after page.
async fn listed(app: &TestApp, query: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/claims?limit=100{query}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = app.get(&path).await;
        assert_eq!(page.status, Status::Ok, "{page:#?}");
        for item in page.body["items"].as_array().unwrap() {
            ids.insert(item["id"].as_str().unwrap().to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
    }
}

#[rocket::async_test]
async fn the_csv_has_a_bom_a_header_and_one_row_per_claim_as_an_attachment() {
    let (app, _piece) = spawn_app_with_demo().await;
    let sheet = sheet(&app, "", Some(&app.token)).await;
    assert_eq!(
        sheet.content_type.as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        sheet.disposition.as_deref(),
        Some("attachment; filename=\"claims.csv\"")
    );
    assert!(sheet.text.starts_with("\u{FEFF}piece,quote,claimant,"));
    assert!(sheet.text.contains("\r\n"), "RFC 4180 line ends");
    let rows = sheet.rows();
    assert_eq!(rows.len() as i64, app.count("claims").await);
    assert_eq!(sheet.ids(), listed(&app, "").await);
    // The demo's curly quotes and dashes survive as UTF-8.
    assert!(rows.iter().any(|r| r["piece"].contains('’')), "{rows:?}");
    assert!(rows.iter().all(|r| r["status"] == "Unchecked"));
}

#[rocket::async_test]
async fn cells_with_commas_quotes_line_breaks_and_formulas_are_quoted_and_defused() {
    let app = spawn_app().await;
    let body = "She said: =HYPERLINK(\"http://evil\"), then\n\"über, naïve\" 5% -3 @all.";
    let piece = app.create_piece(body).await;
    let (claim, etag) = app
        .create_claim(&piece, "=HYPERLINK(\"http://evil\"), then\n\"über")
        .await;
    let changes = json!({ "claimant": "@mayor, \"Bob\"", "summary": "-3 percent\nor +3" });
    let answer = app
        .patch(&format!("/api/v1/claims/{claim}"), Some(&etag), &changes)
        .await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    app.add_evidence(&claim, "refutes").await;
    let evidence_url = app.get(&format!("/api/v1/claims/{claim}")).await.body["evidence"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();

    let sheet = sheet(&app, "", Some(&app.token)).await;
    let rows = sheet.rows();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["quote"], "'=HYPERLINK(\"http://evil\"), then\n\"über");
    assert_eq!(row["claimant"], "'@mayor, \"Bob\"");
    assert_eq!(row["summary"], "'-3 percent\nor +3");
    assert_eq!(row["piece"], "A test piece");
    assert_eq!(row["evidence urls"], evidence_url);
    assert_eq!(row["claim id"], claim);
    // RFC 4180 on the wire: the cell quoted, inner quotes doubled, the line break kept inside.
    assert!(
        sheet
            .text
            .contains("\"'=HYPERLINK(\"\"http://evil\"\"), then\n\"\"über\""),
        "{}",
        sheet.text
    );
}

#[rocket::async_test]
async fn a_verdict_row_has_its_label_reason_evidence_in_order_and_assignee() {
    let app = spawn_app().await;
    let piece = app
        .create_piece("Crime fell by half. Taxes rose a little.")
        .await;
    let (claim, _) = app.create_claim(&piece, "Crime fell by half").await;
    let (other, _) = app.create_claim(&piece, "Taxes rose a little").await;
    let removed = app.add_evidence(&claim, "refutes").await;
    let second = json!({ "url": "https://example.org/b", "title": "B", "stance": "refutes" });
    let added = app
        .post(&format!("/api/v1/claims/{claim}/evidence"), &second)
        .await;
    assert_eq!(added.status, Status::Created);
    let third = json!({ "url": "https://example.org/c", "title": "C", "stance": "context" });
    let added = app
        .post(&format!("/api/v1/claims/{claim}/evidence"), &third)
        .await;
    assert_eq!(added.status, Status::Created);
    assert_eq!(
        app.delete(&format!("/api/v1/evidence/{removed}"))
            .await
            .status,
        Status::NoContent
    );
    let etag = app.get(&format!("/api/v1/claims/{claim}")).await.etag;
    let verdict = json!({ "status": "false", "reason": "Police figures: it rose.", "assignee": app.editor.id });
    let answer = app
        .patch(
            &format!("/api/v1/claims/{claim}"),
            etag.as_deref(),
            &verdict,
        )
        .await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");

    let rows = sheet(&app, "", Some(&app.token)).await.rows();
    let row = rows.iter().find(|r| r["claim id"] == claim).unwrap();
    assert_eq!(row["status"], "False");
    assert_eq!(row["verdict reason"], "Police figures: it rose.");
    assert_eq!(
        row["evidence urls"],
        "https://example.org/b\nhttps://example.org/c"
    );
    assert_eq!(row["assignee"], app.editor.name);
    let updated = chrono::DateTime::parse_from_rfc3339(&row["updated at"]).unwrap();
    assert!((chrono::Utc::now() - updated.to_utc()).num_minutes() < 5);
    let plain = rows.iter().find(|r| r["claim id"] == other).unwrap();
    assert_eq!(
        (plain["verdict reason"].as_str(), plain["assignee"].as_str()),
        ("", "")
    );
}

#[rocket::async_test]
async fn the_csv_applies_the_same_filters_as_the_listing() {
    let (app, demo) = spawn_app_with_demo().await;
    let other = app.create_piece("Crime fell by half this year.").await;
    let (mine, etag) = app.create_claim(&other, "Crime fell by half").await;
    let assign = json!({ "status": "in_progress", "assignee": app.editor.id });
    let answer = app
        .patch(&format!("/api/v1/claims/{mine}"), Some(&etag), &assign)
        .await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    let editor = app.editor.id;
    for query in [
        format!("piece={demo}"),
        format!("piece={other}"),
        "status=in_progress".to_owned(),
        "status=unchecked".to_owned(),
        format!("assignee={editor}"),
        "q=Soleimani".to_owned(),
        format!("q=Soleimani&piece={other}"),
    ] {
        let exported = sheet(&app, &format!("?{query}"), Some(&app.token))
            .await
            .ids();
        assert_eq!(
            exported,
            listed(&app, &format!("&{query}")).await,
            "{query}"
        );
    }
    assert_eq!(
        sheet(&app, &format!("?assignee={editor}"), Some(&app.token))
            .await
            .ids(),
        BTreeSet::from([mine.clone()])
    );
    // A bad filter is refused as the listing refuses it.
    let bad = app.get("/api/v1/claims.csv?status=maybe&piece=nope").await;
    bad.assert_problem(422);
    assert_eq!(bad.error_fields(), ["piece", "status"]);
}

/// Claims straight into the table, `n` of them on `piece`: faster than the API for thousands.
async fn many_claims(app: &TestApp, piece: &str, n: usize) {
    app.db
        .conn()
        .await
        .batch_execute(&format!(
            "INSERT INTO claims (id, piece_id, quote_exact, quote_prefix, quote_suffix, quote_start, quote_end, created_by, updated_by, updated_at)
             SELECT gen_random_uuid(), '{piece}', 'Crime', '', ' fell', 0, 5, '{SYSTEM_USER}', '{SYSTEM_USER}',
                    now() - i * interval '1 second'
             FROM generate_series(1, {n}) AS i"
        ))
        .await
        .unwrap();
}

#[rocket::async_test]
async fn every_page_is_exported_in_a_fixed_number_of_queries_up_to_the_cap() {
    let app = spawn_app().await;
    let piece = app.create_piece("Crime fell.").await;
    let queries = app.client.rocket().state::<QueryCount>().unwrap().clone();
    let counted = async |app: &TestApp| {
        let before = queries.get();
        let sheet = sheet(app, "", Some(&app.token)).await;
        (queries.get() - before, sheet)
    };
    many_claims(&app, &piece, 3).await;
    let (few, small) = counted(&app).await;
    assert_eq!(small.rows().len(), 3);
    many_claims(&app, &piece, 900).await;
    let (more, large) = counted(&app).await;
    assert_eq!(large.rows().len(), 903);
    assert_eq!(few, more, "no query per claim");
    // Past one page of 1,000: the rest comes too, with one more query.
    many_claims(&app, &piece, 200).await;
    let (paged, all) = counted(&app).await;
    assert_eq!(all.ids(), listed(&app, "").await);
    assert_eq!(all.ids().len(), 1_103);
    assert_eq!(paged, few + 1);
    // With words every match comes too, newest change first: the sheet is not cut to the
    // matches a search ranks (the API's pages rank the newest 1,000 and say there are more).
    let searched = sheet(&app, "?q=crime", Some(&app.token)).await;
    assert_eq!(searched.ids(), all.ids());
    assert_eq!(listed(&app, "&q=crime").await.len(), 1_000);
    // Past the cap, a refusal rather than a sheet cut short.
    many_claims(&app, &piece, 10_000 - 1_103).await;
    assert_eq!(counted(&app).await.1.rows().len(), 10_000);
    many_claims(&app, &piece, 1).await;
    let refused = app.get("/api/v1/claims.csv").await;
    assert!(
        refused.assert_problem(422).contains("more than 10000"),
        "{refused:#?}"
    );
}

#[rocket::async_test]
async fn the_csv_needs_a_token_and_any_role_may_have_it() {
    let (app, _) = spawn_app_with_demo().await;
    let anonymous = app
        .send(Method::Get, "/api/v1/claims.csv", None, None, None)
        .await;
    anonymous.assert_problem(401);
    let wrong = app
        .send(Method::Get, "/api/v1/claims.csv", Some("nope"), None, None)
        .await;
    wrong.assert_problem(401);
    for role in Role::ALL {
        let (_, token) = app.user(role).await;
        assert_eq!(sheet(&app, "", Some(&token)).await.rows().len(), 55);
    }
}

// ---------------------------------------------------------------- the command line

/// Runs `factdesk` against the database at `url`.
fn factdesk(url: &str, args: &[&str]) -> Run {
    run(url, args, "")
}

/// A file of the test's own, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(contents: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("factdesk-{}.txt", Uuid::new_v4()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A database name that does not exist yet; dropped (if made) with the returned guard.
fn missing_database() -> TestDb {
    let name = crate::support::test_database_name();
    TestDb {
        url: database_url(&name),
        name,
    }
}

/// Rows in each table, to prove a refused import wrote nothing.
async fn census(url: &str) -> Vec<(String, i64)> {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn =
        <diesel_async::AsyncPgConnection as diesel_async::AsyncConnection>::establish(url)
            .await
            .unwrap();
    let mut counts = Vec::new();
    for table in [
        "users",
        "pieces",
        "claims",
        "evidence",
        "notes",
        "events",
        "piece_events",
        "credentials",
    ] {
        let count: Count = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
            .get_result(&mut conn)
            .await
            .unwrap();
        counts.push((table.to_owned(), count.n));
    }
    counts
}

/// The demo with work on it: a verdict with removed evidence, signed off by someone else;
/// notes; an assignment; an edited piece; and people with passwords and tokens.
async fn worked_on_desk() -> (TestApp, Uuid) {
    let (app, piece) = spawn_app_with_demo().await;
    let (reviewer, reviewer_token) = app.user(Role::Reviewer).await;
    app.user(Role::Admin).await;
    let detail = app.get(&format!("/api/v1/pieces/{piece}")).await;
    let claim = detail.body["claims"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/claims/{claim}");
    let gone = app.add_evidence(&claim, "context").await;
    app.add_evidence(&claim, "refutes").await;
    assert_eq!(
        app.delete(&format!("/api/v1/evidence/{gone}")).await.status,
        Status::NoContent
    );
    let note = json!({ "body": "Asked the **Pentagon**; no answer yet." });
    let added = app.post(&format!("{path}/notes"), &note).await;
    assert_eq!(added.status, Status::Created);
    // The note reworded by its author: its first words are in the history.
    let reworded = json!({ "body": "Asked the **Pentagon**; they answered on Tuesday." });
    let note_path = format!("/api/v1/notes/{}", added.body["id"].as_str().unwrap());
    let edited = app.patch(&note_path, Some("\"1\""), &reworded).await;
    assert_eq!(edited.status, Status::Ok, "{edited:#?}");
    // Another claim archived, with its reason.
    let other = detail.body["claims"][1]["id"].as_str().unwrap().to_owned();
    let other_tag = detail.body["claims"][1]["version"].to_string();
    let archived = app
        .send(
            Method::Post,
            &format!("/api/v1/claims/{other}/archive"),
            Some(&app.token),
            Some(&format!("\"{other_tag}\"")),
            Some(json!({ "reason": "Claimed twice." }).to_string()),
        )
        .await;
    assert_eq!(archived.status, Status::Ok, "{archived:#?}");
    let etag = app.get(&path).await.etag;
    let verdict = json!({ "status": "misleading", "reason": "Seven months, but with conditions.", "assignee": reviewer.id });
    let answer = app.patch(&path, etag.as_deref(), &verdict).await;
    assert_eq!(answer.status, Status::Ok, "{answer:#?}");
    let signed = app
        .send(
            Method::Post,
            &format!("{path}/signoff"),
            Some(&reviewer_token),
            answer.etag.as_deref(),
            Some(json!({ "note": "Checked the sources." }).to_string()),
        )
        .await;
    assert_eq!(signed.status, Status::Ok, "{signed:#?}");
    let piece_tag = detail.etag;
    let edit = json!({ "title": "Trump authorised it — 7 months ago", "outlet": "NBC", "authors": ["A. Writer"] });
    let edited = app
        .patch(
            &format!("/api/v1/pieces/{piece}"),
            piece_tag.as_deref(),
            &edit,
        )
        .await;
    assert_eq!(edited.status, Status::Ok, "{edited:#?}");
    // A correction: its revisions, the claim it changed (`anchor`), and their histories.
    let body = detail.body["body"]
        .as_str()
        .unwrap()
        .replace("countrywide safety adviser", "national security adviser");
    let correction = json!({ "body": body, "reason": "Correction: Bolton's title." });
    let corrected = app
        .patch(
            &format!("/api/v1/pieces/{piece}"),
            edited.etag.as_deref(),
            &correction,
        )
        .await;
    assert_eq!(corrected.status, Status::Ok, "{corrected:#?}");
    (app, piece.into())
}

#[rocket::async_test]
async fn export_import_export_gives_the_same_document() {
    let (app, _) = worked_on_desk().await;
    let first = factdesk(&app.db.url, &["export"]);
    let dump = first.ok().to_owned();
    let document: Value = serde_json::from_str(&dump).unwrap();
    assert_eq!(document["format"], "factdesk-dump");
    assert_eq!(document["version"], 1);
    // The schema is named by the newest migration the database carries.
    let newest = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .max()
        .unwrap();
    assert_eq!(document["schema"], newest.as_str());
    assert_eq!(document["users"].as_array().unwrap().len(), 3);
    assert!(!dump.contains("password_hash") && !dump.contains("$argon2"));
    assert_eq!(document["credentials"], json!([]));
    let evidence = document["evidence"].as_array().unwrap();
    assert!(evidence.iter().any(|e| !e["removed_at"].is_null()));
    assert!(
        document["claims"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| !c["signed_off_by"].is_null())
    );
    // Three details changed and one correction of the text.
    assert_eq!(document["piece_events"].as_array().unwrap().len(), 4);
    let revisions = document["piece_revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 2, "the text as added and as corrected");
    assert!(
        document["claims"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["anchor"] == "changed")
    );
    assert_eq!(document["notes"].as_array().unwrap().len(), 1);
    assert_eq!(document["notes"][0]["version"], 2, "the note as edited");
    let archived: Vec<&Value> = document["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["archived_at"].is_null())
        .collect();
    assert_eq!(archived.len(), 1, "the archived claim, archived");
    assert_eq!(archived[0]["archive_reason"], "Claimed twice.");
    // Stable: the same data, the same bytes.
    assert_eq!(factdesk(&app.db.url, &["export"]).ok(), dump);

    // Into a database that does not exist yet: the import creates and migrates it.
    let copy = missing_database();
    let file = TempFile::new(&dump);
    let imported = factdesk(&copy.url, &["import", file.path()]);
    assert!(
        imported
            .ok()
            .contains("imported 3 users, 1 piece and 55 claims"),
        "{imported:#?}"
    );
    assert!(
        imported
            .stderr
            .contains("3 users imported without a password")
            && imported.stderr.contains("factdesk user passwd"),
        "{imported:#?}"
    );
    let again = factdesk(&copy.url, &["export"]);
    assert_eq!(again.ok(), dump);
    let without_credentials = |counts: Vec<(String, i64)>| {
        counts
            .into_iter()
            .filter(|(table, _)| table != "credentials")
            .collect::<Vec<_>>()
    };
    assert_eq!(
        without_credentials(census(&copy.url).await),
        without_credentials(census(&app.db.url).await)
    );

    // The search index is derived, not dumped: the import rebuilds it.
    let search = |url: String| async move {
        let filter = factdesk::store::listing::ClaimFilter {
            words: Some("Soleimani killing".into()),
            limit: 100,
            ..Default::default()
        };
        let conn =
            <diesel_async::AsyncPgConnection as diesel_async::AsyncConnection>::establish(&url)
                .await
                .unwrap();
        let page = factdesk::store::search::find(&conn, &filter).await.unwrap();
        page.items
            .into_iter()
            .map(|hit| hit.claim.id)
            .collect::<Vec<_>>()
    };
    let found = search(app.db.url.clone()).await;
    assert!(!found.is_empty());
    assert_eq!(search(copy.url.clone()).await, found);

    // New history is numbered after the imported history (the sequence was moved on).
    let events = document["events"].as_array().unwrap();
    let last_seq = events.last().unwrap()["seq"].as_i64().unwrap();
    let claim: ClaimId = events[0]["claim_id"].as_str().unwrap().parse().unwrap();
    factdesk::store::notes::add(
        &mut copy.conn().await,
        SYSTEM_USER,
        claim,
        "After the move.",
    )
    .await
    .unwrap();
    let after: Value = serde_json::from_str(factdesk(&copy.url, &["export"]).ok()).unwrap();
    let newest = after["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(newest["kind"], "note_added");
    assert!(newest["seq"].as_i64().unwrap() > last_seq, "{newest}");
}

#[rocket::async_test]
async fn with_credentials_people_keep_their_passwords_and_tokens() {
    let (app, _) = worked_on_desk().await;
    let dump = factdesk(&app.db.url, &["export", "--with-credentials"]);
    let dump = dump.ok().to_owned();
    assert!(dump.contains("\"password_hash\": \"$argon2id$"));
    let copy = TestDb::new().await;
    let file = TempFile::new(&dump);
    let imported = factdesk(&copy.url, &["import", file.path()]);
    imported.ok();
    assert!(
        !imported.stderr.contains("without a password"),
        "{imported:#?}"
    );
    assert_eq!(
        factdesk(&copy.url, &["export", "--with-credentials"]).ok(),
        dump
    );
    // The editor's token works against the copy.
    let mut conn = copy.conn().await;
    let holder = factdesk::store::credentials::holder(
        &mut conn,
        &app.token,
        factdesk::store::credentials::Kind::ApiToken,
    )
    .await
    .unwrap();
    assert_eq!(holder.map(|u| u.id), Some(app.editor.id));
}

#[rocket::async_test]
async fn import_refuses_a_database_with_anything_in_it_and_writes_nothing() {
    let (app, _) = worked_on_desk().await;
    let dump = factdesk(&app.db.url, &["export"]).ok().to_owned();
    let file = TempFile::new(&dump);
    let before = census(&app.db.url).await;
    let refused = factdesk(&app.db.url, &["import", file.path()]);
    assert!(refused.refused().contains("not empty"), "{refused:#?}");
    assert_eq!(census(&app.db.url).await, before);

    // One user is enough to refuse (the System user alone is empty).
    let target = TestDb::new().await;
    add_user(&target, Role::Reviewer).await;
    let before = census(&target.url).await;
    let refused = factdesk(&target.url, &["import", file.path()]);
    assert!(refused.refused().contains("1 user,"), "{refused:#?}");
    assert_eq!(census(&target.url).await, before);
}

#[rocket::async_test]
async fn import_refuses_another_format_or_version_and_malformed_json_before_touching_anything() {
    let (app, _) = worked_on_desk().await;
    let dump: Value = serde_json::from_str(factdesk(&app.db.url, &["export"]).ok()).unwrap();
    let with = |key: &str, value: Value| {
        let mut changed = dump.clone();
        changed[key] = value;
        changed.to_string()
    };
    let mut bad_claim = dump.clone();
    bad_claim["claims"][3]["status"] = json!(7);
    let mut broken_history = dump.clone();
    // Refused by the database half-way through the load: the transaction leaves nothing behind.
    broken_history["events"][5]["kind"] = json!("invented");
    let cases = [
        (with("version", json!(2)), "version 2"),
        (with("format", json!("other-tool")), "not a Factdesk dump"),
        (
            with("schema", json!("2099-01-01-000001_future")),
            "does not know",
        ),
        (
            "{\"format\": \"factdesk-dump\", ".to_owned(),
            "cannot read it as JSON",
        ),
        ("[1, 2]".to_owned(), "not a Factdesk dump"),
        (bad_claim.to_string(), "claims[3].status"),
        (broken_history.to_string(), "nothing was imported"),
    ];
    let fresh = TestDb::new().await;
    let empty = census(&fresh.url).await;
    for (text, why) in cases {
        let file = TempFile::new(&text);
        let refused = factdesk(&fresh.url, &["import", file.path()]);
        assert!(refused.refused().contains(why), "{why}: {refused:#?}");
        assert_eq!(census(&fresh.url).await, empty, "{why}");
    }
    // A file refused before anything else does not even create the database.
    let missing = missing_database();
    let file = TempFile::new("not json");
    factdesk(&missing.url, &["import", file.path()]).refused();
    let created: i64 = {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<diesel::sql_types::Text, _>(&missing.name)
            .get_result::<Count>(&mut crate::support::admin().await)
            .await
            .unwrap()
            .n
    };
    assert_eq!(created, 0);
    let unreadable = factdesk(&fresh.url, &["import", "/nonexistent/dump.json"]);
    assert!(
        unreadable
            .refused()
            .contains("cannot read /nonexistent/dump.json")
    );
}

#[rocket::async_test]
async fn import_piece_adds_the_file_as_the_api_would() {
    let app = spawn_app().await;
    let text = "  The minister said crime fell by half — “a record”.\nSecond line.\n";
    let file = TempFile::new(text);
    let run = factdesk(
        &app.db.url,
        &[
            "import-piece",
            file.path(),
            "--title",
            "Crime report",
            "--published",
            "2020-01-13",
            "--outlet",
            "The Times",
            "--url",
            "https://example.org/crime",
        ],
    );
    let lines: Vec<&str> = run.ok().lines().collect();
    let id = lines[0];
    assert_eq!(lines, [id, &format!("/pieces/{id}")]);
    let piece = app.get(&format!("/api/v1/pieces/{id}")).await;
    assert_eq!(piece.status, Status::Ok);
    assert_eq!(piece.body["body"], text, "the text is kept exactly");
    assert_eq!(piece.body["title"], "Crime report");
    assert_eq!(piece.body["outlet"], "The Times");
    assert_eq!(piece.body["url"], "https://example.org/crime");
    assert_eq!(piece.body["published_at"], "2020-01-13T00:00:00Z");
    // A claim can be anchored in it like in any other piece.
    app.create_claim(id, "crime fell by half — “a record”")
        .await;
}

#[rocket::async_test]
async fn import_piece_refuses_what_the_api_refuses_naming_the_option() {
    let app = spawn_app().await;
    let file = TempFile::new("Crime fell.");
    let empty = TempFile::new("   \n");
    let cases: [(Vec<&str>, &[&str]); 5] = [
        (
            vec![file.path(), "--title", "T", "--published", "yesterday"],
            &["--published"],
        ),
        (
            vec![file.path(), "--title", " ", "--published", "2020-01-13"],
            &["--title"],
        ),
        (
            vec![
                file.path(),
                "--title",
                "T",
                "--published",
                "2020-01-13",
                "--url",
                "ftp://x",
            ],
            &["--url"],
        ),
        (
            vec![empty.path(), "--title", "T", "--published", "2020-01-13"],
            &["FILE"],
        ),
        (
            vec![
                file.path(),
                "--title",
                "",
                "--published",
                "no",
                "--outlet",
                "",
            ],
            &["--title", "--published", "--outlet"],
        ),
    ];
    for (args, named) in cases {
        let mut all = vec!["import-piece"];
        all.extend(args);
        let run = factdesk(&app.db.url, &all);
        let message = run.refused();
        for option in named {
            assert!(message.contains(option), "{option}: {run:#?}");
        }
    }
    let missing = factdesk(
        &app.db.url,
        &[
            "import-piece",
            "/nonexistent.txt",
            "--title",
            "T",
            "--published",
            "2020-01-13",
        ],
    );
    assert!(missing.refused().contains("cannot read /nonexistent.txt"));
    assert_eq!(app.count("pieces").await, 0);
}

/// Tables the dump leaves out, each for its reason: what the import rebuilds from the dumped
/// rows, or what belongs to one database and not to its data.
const NOT_DUMPED: [(&str, &str); 7] = [
    (
        "__diesel_schema_migrations",
        "the import migrates the new database itself",
    ),
    ("claim_search", "the search index, rebuilt by the import"),
    (
        "claim_search_pending",
        "the search index's queue, empty once a write commits",
    ),
    (
        "claim_search_flush_due",
        "the search index's queue, empty once a write commits",
    ),
    (
        "claim_checked_before",
        "a cache of \"checked before\", found again when asked for",
    ),
    (
        "piece_progress",
        "counts of claims by status, kept by triggers from the claims",
    ),
    (
        "sign_in_failures",
        "the throttle's recent failures, of this database's sign-ins",
    ),
];

#[derive(diesel::QueryableByName)]
struct Column {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
}

/// The dump is checked against the database itself, not against the code that writes it: a
/// table or column a migration adds and the dump forgets is lost by a round trip without any
/// difference between the two exports.
#[rocket::async_test]
async fn the_dump_holds_every_column_of_every_table_but_those_rebuilt_from_it() {
    let (app, _) = worked_on_desk().await;
    sign_in_from_the_api(&app).await;
    let dump = factdesk(&app.db.url, &["export", "--with-credentials"]);
    let document: Value = serde_json::from_str(dump.ok()).unwrap();

    let columns: Vec<Column> = diesel::sql_query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name
           FROM information_schema.columns c
           JOIN information_schema.tables t USING (table_schema, table_name)
          WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'",
    )
    .load(&mut app.db.conn().await)
    .await
    .unwrap();
    let mut tables: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for column in columns {
        tables
            .entry(column.table_name)
            .or_default()
            .insert(column.column_name);
    }
    let left_out: BTreeSet<&str> = NOT_DUMPED.iter().map(|(table, _)| *table).collect();
    for table in &left_out {
        assert!(
            tables.contains_key(*table),
            "{table} is no table: update NOT_DUMPED"
        );
    }
    for (table, wanted) in tables
        .iter()
        .filter(|(t, _)| !left_out.contains(t.as_str()))
    {
        let rows = document[table]
            .as_array()
            .unwrap_or_else(|| panic!("the dump has no `{table}`"));
        assert!(!rows.is_empty(), "no {table} row to see the columns of");
        let dumped: BTreeSet<String> = rows
            .iter()
            .flat_map(|row| row.as_object().unwrap().keys().cloned())
            .collect();
        assert_eq!(&dumped, wanted, "the columns of {table} in the dump");
    }
}

/// A sign-in, so the database holds a session-like credential with a password behind it.
async fn sign_in_from_the_api(app: &TestApp) {
    let body = json!({ "email": app.editor.email, "password": crate::support::PASSWORD });
    let answer = app.post("/api/v1/tokens", &body).await;
    assert_eq!(answer.status, Status::Created, "{answer:#?}");
}

#[rocket::async_test]
async fn a_dump_made_before_claimant_kinds_loads_every_claimant_as_a_person() {
    let (app, _) = worked_on_desk().await;
    let mut document: Value =
        serde_json::from_str(factdesk(&app.db.url, &["export"]).ok()).unwrap();
    let kinds = |document: &Value| -> BTreeSet<String> {
        document["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["claimant_kind"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        kinds(&document),
        BTreeSet::from(["organization".to_owned(), "person".to_owned()]),
        "the demo has both"
    );
    // As the factdesk before migration 000015 wrote it: no claimant_kind, that schema.
    document["schema"] = json!("2026-12-03-000014_assigned_open_claims");
    for claim in document["claims"].as_array_mut().unwrap() {
        claim.as_object_mut().unwrap().remove("claimant_kind");
    }
    let copy = missing_database();
    let file = TempFile::new(&document.to_string());
    factdesk(&copy.url, &["import", file.path()]).ok();
    let again: Value = serde_json::from_str(factdesk(&copy.url, &["export"]).ok()).unwrap();
    assert_eq!(kinds(&again), BTreeSet::from(["person".to_owned()]));
    assert_eq!(
        again["claims"].as_array().unwrap().len(),
        document["claims"].as_array().unwrap().len()
    );
}
