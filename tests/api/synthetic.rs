//! `factdesk seed-synthetic`: the made-up newsroom keeps every rule the app enforces, row by
//! row, the API serves it, a seed always makes the same one, and a database with pieces in it is
//! refused untouched.
use crate::cli::run;
use crate::support::{TestDb, spawn_app};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use factdesk::domain::workflow::{Status, TransitionFacts, check_sign_off, check_transition};
use factdesk::store::schema::{claims, events, evidence, notes};
use factdesk::store::synthetic::{self, COMMON_WORD, Options, RARE_WORD, Seeded};
use factdesk::store::{StoreError, dump};
use rocket::http::Status as Http;
use std::collections::HashMap;
use uuid::Uuid;

fn options(pieces: u32, claims_per_piece: u32, seed: u64) -> Options {
    Options {
        pieces,
        claims_per_piece,
        seed,
        now: "2026-11-25T00:00:00Z".parse().unwrap(),
    }
}

async fn seed(db: &TestDb, options: Options) -> Result<Seeded, StoreError> {
    synthetic::seed(vec![db.conn().await, db.conn().await], options).await
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn count(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

#[rocket::async_test]
async fn a_seeded_newsroom_keeps_every_rule_the_app_enforces() {
    let app = spawn_app().await;
    // 1,000 claims: enough for the rare word to be there.
    let seeded = seed(&app.db, options(25, 40, 7)).await.unwrap();
    let conn = &mut app.db.conn().await;
    assert_eq!(
        (seeded.pieces, seeded.claims, seeded.users),
        (25, 1_000, 20)
    );
    for (table, n) in [
        ("pieces", seeded.pieces),
        ("claims", seeded.claims),
        ("evidence", seeded.evidence),
        ("notes", seeded.notes),
        ("events", seeded.events),
        ("claim_search", seeded.claims),
    ] {
        let sql = format!("SELECT count(*) AS n FROM {table}");
        assert_eq!(count(conn, &sql).await, n as i64, "{table}");
    }
    // Nobody can sign in as a synthetic user; the demo was never loaded.
    let sql = "SELECT count(*) AS n FROM users WHERE email LIKE '%@synthetic.factdesk.invalid' \
               AND password_hash IS NULL AND NOT disabled";
    assert_eq!(count(conn, sql).await, 20);
    let sql = "SELECT count(*) AS n FROM pieces WHERE id = '20200113-de30-4000-8000-000000000001'";
    assert_eq!(count(conn, sql).await, 0);

    // Each quote is its body's characters [start, end), with 32 characters of context each side.
    let sql = "SELECT count(*) AS n FROM claims c JOIN pieces p ON p.id = c.piece_id \
               WHERE substr(p.body, c.quote_start + 1, c.quote_end - c.quote_start) <> c.quote_exact \
                  OR right(left(p.body, c.quote_start), 32) <> c.quote_prefix \
                  OR left(substr(p.body, c.quote_end + 1), 32) <> c.quote_suffix";
    assert_eq!(count(conn, sql).await, 0);
    let sql = "SELECT count(*) AS n FROM pieces \
               WHERE array_length(regexp_split_to_array(body, '\\s+'), 1) NOT BETWEEN 2000 AND 4100";
    assert_eq!(count(conn, sql).await, 0);

    // Each search document is what claim_search_refresh(id) builds from the claim as it is.
    let sql = "SELECT count(*) AS n FROM claims c LEFT JOIN claim_search s ON s.claim_id = c.id \
               WHERE s.document IS DISTINCT FROM ( \
                   setweight(to_tsvector(factdesk_search_config(), c.quote_exact || ' ' || c.summary), 'A') \
                || setweight(to_tsvector(factdesk_search_config(), c.claimant), 'B') \
                || setweight(to_tsvector(factdesk_search_config(), coalesce( \
                       (SELECT string_agg(e.title, ' ' ORDER BY e.added_at, e.id) FROM evidence e \
                         WHERE e.claim_id = c.id AND e.removed_at IS NULL), '')), 'C') \
                || setweight(to_tsvector(factdesk_search_config(), coalesce( \
                       (SELECT string_agg(n.body, ' ' ORDER BY n.created_at, n.id) FROM notes n \
                         WHERE n.claim_id = c.id), '')), 'D'))";
    assert_eq!(count(conn, sql).await, 0);

    // Every verdict has a reason, who set it and when, and evidence it rests on; a sign-off is
    // someone else's, after the verdict; nothing else has a verdict or a sign-off.
    let verdicts = "('accurate', 'misleading', 'false', 'unverifiable')";
    let sql = format!(
        "SELECT count(*) AS n FROM claims c WHERE status IN {verdicts} AND ( \
             status_reason IS NULL OR btrim(status_reason) = '' OR verdict_by IS NULL \
             OR verdict_at IS NULL OR NOT EXISTS ( \
                 SELECT 1 FROM evidence e WHERE e.claim_id = c.id AND e.removed_at IS NULL))"
    );
    assert_eq!(count(conn, &sql).await, 0);
    let sql = format!(
        "SELECT count(*) AS n FROM claims WHERE status NOT IN {verdicts} \
         AND (verdict_by IS NOT NULL OR signed_off_by IS NOT NULL)"
    );
    assert_eq!(count(conn, &sql).await, 0);
    let sql = "SELECT count(*) AS n FROM claims WHERE signed_off_by IS NOT NULL \
               AND (signed_off_by = verdict_by OR signed_off_at < verdict_at)";
    assert_eq!(count(conn, sql).await, 0);
    let sql = "SELECT count(*) AS n FROM claims WHERE assignee_id IS NOT NULL AND assignee_id NOT IN \
               (SELECT id FROM users WHERE NOT disabled AND id <> '00000000-0000-0000-0000-000000000000')";
    assert_eq!(count(conn, sql).await, 0);

    // The shares promised: statuses, sign-offs, assignments, the two words, rewordings.
    let share = async |conn: &mut AsyncPgConnection, condition: &str| {
        let sql = format!("SELECT count(*) AS n FROM claims WHERE {condition}");
        count(conn, &sql).await as f64 / 1_000.0
    };
    let unchecked = share(conn, "status = 'unchecked'").await;
    let in_progress = share(conn, "status = 'in_progress'").await;
    let verdict = share(conn, &format!("status IN {verdicts}")).await;
    let signed = share(conn, "signed_off_by IS NOT NULL").await;
    assert!((0.33..0.47).contains(&unchecked), "{unchecked}");
    assert!((0.15..0.25).contains(&in_progress), "{in_progress}");
    assert!((0.33..0.47).contains(&verdict), "{verdict}");
    assert!(
        (0.35..0.65).contains(&(signed / verdict)),
        "{signed} of {verdict}"
    );
    assert!(share(conn, "assignee_id IS NOT NULL").await > 0.1);
    assert!(share(conn, "summary <> ''").await > 0.75);
    let common = share(conn, &format!("quote_exact LIKE '%{COMMON_WORD}%'")).await;
    assert!((0.2..=0.3).contains(&common), "{common}");
    assert_eq!(seeded.common_quotes as f64 / 1_000.0, common);
    let rare = format!("quote_exact LIKE '%{RARE_WORD}%'");
    assert_eq!(share(conn, &rare).await, 0.001);
    assert_eq!(seeded.rare_quotes, 1);
    let sql = format!(
        "SELECT count(*) AS n FROM claim_search WHERE document @@ to_tsquery('english', '{RARE_WORD}')"
    );
    assert_eq!(count(conn, &sql).await, 1);
    // Rewordings of an earlier piece's claim, as "checked before" compares them.
    assert!(seeded.near_duplicates >= 25, "{seeded:?}");
    let sql = "SELECT count(*) AS n FROM claims me WHERE EXISTS ( \
                   SELECT 1 FROM claims c WHERE c.piece_id <> me.piece_id \
                      AND c.created_at < me.created_at \
                      AND similarity(claim_text(c.summary, c.quote_exact), \
                                     claim_text(me.summary, me.quote_exact)) >= 0.5)";
    let similar = count(conn, sql).await;
    assert!(
        similar >= seeded.near_duplicates as i64,
        "{similar} of {seeded:?}"
    );
    assert!(
        similar <= 2 * seeded.near_duplicates as i64,
        "{similar} of {seeded:?}"
    );

    replay_history(conn).await;

    // The app serves the seeded claims as it serves its own.
    let ids: Vec<(Uuid, i32)> = diesel::sql_query(
        "SELECT DISTINCT ON (status) id, version FROM claims ORDER BY status, signed_off_by NULLS LAST, id",
    )
    .load::<IdVersion>(conn)
    .await
    .unwrap()
    .into_iter()
    .map(|row| (row.id, row.version))
    .collect();
    assert_eq!(ids.len(), 6);
    for (id, version) in ids {
        let answer = app.get(&format!("/api/v1/claims/{id}")).await;
        assert_eq!(answer.status, Http::Ok, "{answer:#?}");
        assert_eq!(answer.body["version"], version);
        assert_eq!(answer.etag, Some(format!("\"{version}\"")));
    }
    let duplicate: IdVersion = diesel::sql_query(
        "SELECT me.id, me.version FROM claims me WHERE EXISTS ( \
             SELECT 1 FROM claims c WHERE c.piece_id <> me.piece_id AND c.created_at < me.created_at \
                AND similarity(claim_text(c.summary, c.quote_exact), \
                               claim_text(me.summary, me.quote_exact)) >= 0.6) \
         ORDER BY me.id LIMIT 1",
    )
    .get_result(conn)
    .await
    .unwrap();
    let answer = app
        .get(&format!("/api/v1/claims/{}/similar", duplicate.id))
        .await;
    assert_eq!(answer.status, Http::Ok, "{answer:#?}");
    assert!(!answer.body.as_array().unwrap().is_empty(), "{answer:#?}");
    let answer = app.get(&format!("/api/v1/claims?q={RARE_WORD}")).await;
    assert_eq!(answer.status, Http::Ok, "{answer:#?}");
    assert_eq!(
        answer.body["items"].as_array().unwrap().len(),
        1,
        "{answer:#?}"
    );
}

#[derive(QueryableByName)]
struct IdVersion {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    version: i32,
}

type EventRow = (
    Uuid,
    Uuid,
    DateTime<Utc>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Uuid>,
);

/// Plays each claim's history through the workflow's rules and checks it ends where the claim
/// is: status, version (one per write that changes the claim: events of one write share their
/// time, as they share `now()` in the app), verdict, sign-off, assignee, last change.
async fn replay_history(conn: &mut AsyncPgConnection) {
    let all: Vec<EventRow> = events::table
        .order(events::seq)
        .select((
            events::claim_id,
            events::actor_id,
            events::at,
            events::kind,
            events::field,
            events::from_value,
            events::to_value,
            events::reason,
            events::subject_id,
        ))
        .load(conn)
        .await
        .unwrap();
    let mut by_claim: HashMap<Uuid, Vec<EventRow>> = HashMap::new();
    for event in all {
        by_claim.entry(event.0).or_default().push(event);
    }
    let evidence: HashMap<Uuid, (Uuid, DateTime<Utc>, Uuid, String)> = evidence::table
        .select((
            evidence::id,
            evidence::claim_id,
            evidence::added_at,
            evidence::added_by,
            evidence::url,
        ))
        .load::<(Uuid, Uuid, DateTime<Utc>, Uuid, String)>(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|(id, claim, at, by, url)| (id, (claim, at, by, url)))
        .collect();
    let notes: HashMap<Uuid, (Uuid, DateTime<Utc>, Uuid)> = notes::table
        .select((
            notes::id,
            notes::claim_id,
            notes::created_at,
            notes::author_id,
        ))
        .load::<(Uuid, Uuid, DateTime<Utc>, Uuid)>(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|(id, claim, at, by)| (id, (claim, at, by)))
        .collect();
    type ClaimState = (
        Uuid,
        String,
        Option<String>,
        i32,
        DateTime<Utc>,
        Uuid,
        DateTime<Utc>,
        Uuid,
        Option<Uuid>,
        (Option<Uuid>, Option<DateTime<Utc>>),
        (Option<Uuid>, Option<DateTime<Utc>>),
    );
    let rows: Vec<ClaimState> = claims::table
        .select((
            claims::id,
            claims::status,
            claims::status_reason,
            claims::version,
            claims::created_at,
            claims::created_by,
            claims::updated_at,
            claims::updated_by,
            claims::assignee_id,
            (claims::verdict_by, claims::verdict_at),
            (claims::signed_off_by, claims::signed_off_at),
        ))
        .load(conn)
        .await
        .unwrap();
    let (mut evidence_seen, mut notes_seen) = (0, 0);
    for row in rows {
        let (id, status, status_reason, version, created_at, created_by, updated_at, updated_by) =
            (row.0, &row.1, &row.2, row.3, row.4, row.5, row.6, row.7);
        let history = &by_claim[&id];
        let first = &history[0];
        assert_eq!(
            (first.3.as_str(), first.6.as_deref(), first.2, first.1),
            ("created", Some("unchecked"), created_at, created_by)
        );
        let mut now = Status::Unchecked;
        let mut reason: Option<String> = None;
        let mut replayed_version = 1;
        let mut live = 0;
        let mut assignee = None;
        let mut verdict: (Option<Uuid>, Option<DateTime<Utc>>) = (None, None);
        let mut signed: (Option<Uuid>, Option<DateTime<Utc>>) = (None, None);
        let writes = history[1..].chunk_by(|a, b| a.2 == b.2);
        let mut last = (first.2, first.1);
        for write in writes {
            assert!(write[0].2 > last.0, "history of {id} goes back in time");
            let mut versioned = false;
            let mut voidable = signed.0;
            for (_, actor, at, kind, field, from, to, why, subject) in write {
                match kind.as_str() {
                    "status_changed" => {
                        let to: Status = to.as_deref().unwrap().parse().unwrap();
                        assert_eq!(from.as_deref(), Some(now.as_str()), "{id}");
                        let facts = TransitionFacts {
                            evidence_count: live,
                            reason: why.as_deref(),
                        };
                        check_transition(now, to, &facts).unwrap();
                        now = to;
                        reason = why.clone();
                        verdict = (
                            to.is_verdict().then_some(*actor),
                            to.is_verdict().then_some(*at),
                        );
                        signed = (None, None);
                        versioned = true;
                    }
                    "signoff_voided" => {
                        assert_eq!(from.as_deref(), voidable.map(|u| u.to_string()).as_deref());
                        voidable = None;
                        signed = (None, None);
                        versioned = true;
                    }
                    "signed_off" => {
                        check_sign_off(now, signed.0.is_some(), verdict.0 == Some(*actor)).unwrap();
                        assert_eq!(to.as_deref(), Some(now.as_str()));
                        signed = (Some(*actor), Some(*at));
                        versioned = true;
                    }
                    "edited" => {
                        assert_eq!(field.as_deref(), Some("assignee"));
                        assignee = to.as_deref().map(|to| to.parse::<Uuid>().unwrap());
                        versioned = true;
                    }
                    "evidence_added" => {
                        let (claim, added_at, by, url) = &evidence[&subject.unwrap()];
                        assert_eq!(
                            (claim, added_at, by, Some(url)),
                            (&id, at, actor, to.as_ref())
                        );
                        live += 1;
                        evidence_seen += 1;
                    }
                    "note_added" => {
                        let (claim, created, by) = &notes[&subject.unwrap()];
                        assert_eq!((claim, created, by), (&id, at, actor));
                        notes_seen += 1;
                    }
                    other => panic!("unexpected event {other} for {id}"),
                }
            }
            replayed_version += i32::from(versioned);
            let end = write.last().unwrap();
            last = (end.2, end.1);
        }
        assert_eq!(status.as_str(), now.as_str(), "{id}");
        assert_eq!(status_reason, &reason, "{id}");
        assert_eq!(version, replayed_version, "{id}");
        assert_eq!((updated_at, updated_by), last, "{id}");
        assert_eq!(row.8, assignee, "{id}");
        assert_eq!(row.9, verdict, "{id}");
        assert_eq!(row.10, signed, "{id}");
    }
    assert_eq!(evidence_seen, evidence.len());
    assert_eq!(notes_seen, notes.len());
}

/// Everything but the users the test kit adds: what a seed makes.
async fn seeded_rows(db: &TestDb) -> String {
    let mut document = dump::export(&mut db.conn().await, false).await.unwrap();
    document
        .users
        .retain(|user| user.email.ends_with("@synthetic.factdesk.invalid"));
    serde_json::to_string(&document).unwrap()
}

#[rocket::async_test]
async fn a_seed_always_makes_the_same_newsroom() {
    let (one, two, other) = (
        TestDb::new().await,
        TestDb::new().await,
        TestDb::new().await,
    );
    let a = seed(&one, options(6, 12, 42)).await.unwrap();
    // One writer instead of two: the same rows, whoever commits first.
    let b = synthetic::seed(vec![two.conn().await], options(6, 12, 42))
        .await
        .unwrap();
    seed(&other, options(6, 12, 43)).await.unwrap();
    assert_eq!(a, b);
    let rows = seeded_rows(&one).await;
    assert_eq!(rows, seeded_rows(&two).await);
    assert_ne!(rows, seeded_rows(&other).await);
    // The app's next event comes after the seeded history.
    let sql = "SELECT count(*) AS n FROM events WHERE seq >= nextval(pg_get_serial_sequence('events', 'seq'))";
    assert_eq!(count(&mut one.conn().await, sql).await, 0);
}

#[rocket::async_test]
async fn a_database_with_pieces_is_refused_and_left_as_it_was() {
    let db = TestDb::new().await;
    let first = run(
        &db.url,
        &[
            "seed-synthetic",
            "--pieces",
            "2",
            "--claims-per-piece",
            "5",
            "--seed",
            "3",
        ],
        "",
    );
    let line = first.ok();
    assert!(
        line.starts_with("factdesk: seeded 2 pieces and 10 claims ("),
        "{line}"
    );
    let words = format!("common word: {COMMON_WORD} (in ");
    assert!(line.contains(&words), "{line}");
    assert!(
        line.trim_end()
            .ends_with(&format!("rare word: {RARE_WORD} (in 0)")),
        "{line}"
    );
    assert_eq!(line.lines().count(), 1);
    let before = seeded_rows(&db).await;
    assert!(
        !before.contains("20200113-de30-4000-8000-000000000001"),
        "the demo was loaded"
    );

    let again = run(&db.url, &["seed-synthetic", "--pieces", "1"], "");
    let refusal = again.refused_in_one_line();
    assert!(refusal.contains("already holds 2 pieces"), "{refusal}");
    let refused = seed(&db, options(1, 1, 1)).await.unwrap_err();
    assert!(matches!(refused, StoreError::Conflict(_)), "{refused:?}");
    assert_eq!(seeded_rows(&db).await, before);

    // Out-of-range options are usage errors, before any database work.
    let bad = run(&db.url, &["seed-synthetic", "--pieces", "0"], "");
    assert_eq!(bad.code, Some(2), "{bad:#?}");
}
