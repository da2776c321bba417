//! Archive scale (issue 9): the counts and search documents that triggers keep agree with a
//! recount after every kind of write; pieces come a page at a time; on a seeded archive the claim
//! page's and the search's statements go through their indexes, "checked before" finds what
//! comparing every claim finds, and a common word's search says it ranked only the newest.
use crate::support::html::Browser;
use crate::support::{TestApp, TestDb, spawn_app, spawn_app_with_demo};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use factdesk::domain::workflow::Status;
use factdesk::store::claims;
use factdesk::store::ids::ClaimId;
use factdesk::store::listing::{self, COUNT_CAP, ClaimFilter};
use factdesk::store::search::{self, RANK_WINDOW, SIMILAR_AT_LEAST, SIMILAR_LIMIT};
use factdesk::store::synthetic::{self, COMMON_WORD, Options, RARE_WORD};
use factdesk::store::{StoreError, pieces};
use rocket::http::Status as Http;
use serde_json::json;
use std::collections::BTreeSet;
use uuid::Uuid;

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Progress {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    piece_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    claims: i64,
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

/// What the triggers keep equals what a recount from scratch gives: the counts of each piece's
/// claims by status, and every claim's search document (rebuilt in a transaction rolled back).
async fn assert_derived_data_is_current(db: &TestDb) {
    let conn = &mut db.conn().await;
    let kept: Vec<Progress> = diesel::sql_query(
        "SELECT piece_id, status, claims::bigint AS claims FROM piece_progress WHERE claims > 0
         ORDER BY 1, 2",
    )
    .load(conn)
    .await
    .unwrap();
    let recounted: Vec<Progress> = diesel::sql_query(
        "SELECT piece_id, status, count(*) AS claims FROM claims GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .load(conn)
    .await
    .unwrap();
    assert_eq!(kept, recounted);
    let stale = conn
        .transaction::<i64, diesel::result::Error, _>(async |conn| {
            diesel::sql_query(
                "CREATE TEMP TABLE kept ON COMMIT DROP AS SELECT claim_id, document FROM claim_search",
            )
            .execute(conn)
            .await?;
            // The build itself, now: the triggers' refresh would wait for a commit that never comes.
            diesel::sql_query("SELECT claim_search_rebuild(ARRAY(SELECT id FROM claims))")
                .execute(conn)
                .await?;
            let differ = "SELECT count(*) AS n FROM claims c
                            LEFT JOIN kept k ON k.claim_id = c.id
                            LEFT JOIN claim_search s ON s.claim_id = c.id
                           WHERE k.document IS DISTINCT FROM s.document";
            let n = diesel::sql_query(differ).get_result::<Count>(conn).await?.n;
            Err::<i64, _>(diesel::result::Error::RollbackTransaction).or(Ok(n))
        })
        .await
        .unwrap();
    assert_eq!(stale, 0, "search documents that a rebuild changes");
}

#[derive(QueryableByName, Debug, PartialEq, Eq)]
struct Written {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    inserted: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    updated: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pending: i64,
}

/// What this transaction has written to `claim_search` so far, and the claims it has noted.
async fn documents_written(conn: &mut AsyncPgConnection) -> Written {
    diesel::sql_query(
        "SELECT pg_stat_get_xact_tuples_inserted('claim_search'::regclass) AS inserted,
                pg_stat_get_xact_tuples_updated('claim_search'::regclass) AS updated,
                (SELECT count(*) FROM claim_search_pending) AS pending",
    )
    .get_result(conn)
    .await
    .unwrap()
}

/// A transaction that writes a claim, its evidence and its notes in several statements builds
/// the claim's document once, when it commits (migration 000008), and builds it right; one
/// rolled back to a savepoint leaves nothing noted of what it undid.
#[rocket::async_test]
async fn a_transaction_builds_each_claims_document_once_at_its_commit() {
    let (app, demo) = spawn_app_with_demo().await;
    let conn = &mut app.db.conn().await;
    let claim = Uuid::new_v4();
    let statements = [
        format!(
            "INSERT INTO claims (id, piece_id, quote_exact, quote_prefix, quote_suffix, quote_start,
                                 quote_end, claimant, summary, created_by, updated_by)
             SELECT '{claim}', id, 'countrywide safety adviser', '', '', 0, 27, 'an aide',
                    'the adviser spoke', '{system}', '{system}' FROM pieces WHERE id = '{demo}'",
            system = factdesk::store::SYSTEM_USER,
        ),
        format!(
            "INSERT INTO evidence (id, claim_id, url, title, publisher, stance, note, added_by)
             VALUES (gen_random_uuid(), '{claim}', 'https://example.org/a', 'Aardvark census',
                     'Example', 'supports', '', '{}')",
            factdesk::store::SYSTEM_USER
        ),
        format!(
            "INSERT INTO notes (id, claim_id, author_id, body)
             VALUES (gen_random_uuid(), '{claim}', '{}', 'the okapi said so')",
            factdesk::store::SYSTEM_USER
        ),
        format!("UPDATE claims SET summary = 'the adviser spoke of ocelots' WHERE id = '{claim}'"),
    ];
    conn.transaction::<(), diesel::result::Error, _>(async |conn| {
        for sql in &statements {
            diesel::sql_query(sql).execute(conn).await?;
        }
        let noted = Written {
            inserted: 0,
            updated: 0,
            pending: 1,
        };
        assert_eq!(
            documents_written(conn).await,
            noted,
            "nothing built before the commit"
        );
        // Undone changes leave no note behind: this one would note a second claim.
        conn.transaction::<(), diesel::result::Error, _>(async |conn| {
            diesel::sql_query(format!(
                "INSERT INTO notes (id, claim_id, author_id, body)
                 SELECT gen_random_uuid(), id, '{}', 'rolled back' FROM claims
                  WHERE id <> '{claim}' LIMIT 1",
                factdesk::store::SYSTEM_USER
            ))
            .execute(conn)
            .await?;
            assert_eq!(documents_written(conn).await.pending, 2);
            Err(diesel::result::Error::RollbackTransaction)
        })
        .await
        .unwrap_err();
        assert_eq!(documents_written(conn).await, noted);
        // What the commit would do, done now, so this transaction can count it.
        diesel::sql_query("SET CONSTRAINTS claim_search_flush IMMEDIATE")
            .execute(conn)
            .await?;
        let built = Written {
            inserted: 1,
            updated: 0,
            pending: 0,
        };
        assert_eq!(
            documents_written(conn).await,
            built,
            "one document, built once"
        );
        Ok(())
    })
    .await
    .unwrap();
    for word in ["countrywide", "aardvark", "okapi", "ocelot"] {
        let sql = format!(
            "SELECT count(*) AS n FROM claim_search
              WHERE claim_id = '{claim}' AND document @@ to_tsquery('english', '{word}')"
        );
        assert_eq!(count(conn, &sql).await, 1, "{word} is in the document");
    }
    let undone = "SELECT count(*) AS n FROM claim_search
                   WHERE document @@ to_tsquery('english', 'rolled')";
    assert_eq!(
        count(conn, undone).await,
        0,
        "an undone note is in no document"
    );
    let left = "SELECT (SELECT count(*) FROM claim_search_pending)
                     + (SELECT count(*) FROM claim_search_flush_due) AS n";
    assert_eq!(
        count(conn, left).await,
        0,
        "nothing is left noted after the commit"
    );
    assert_derived_data_is_current(&app.db).await;
}

#[rocket::async_test]
async fn counts_and_search_documents_follow_every_kind_of_write() {
    let (app, demo) = spawn_app_with_demo().await;
    assert_derived_data_is_current(&app.db).await;
    let piece = app
        .create_piece("The minister said the budget rose by 4%. Critics said it fell.")
        .await;
    let (rose, etag) = app.create_claim(&piece, "the budget rose by 4%").await;
    let (fell, _) = app.create_claim(&piece, "Critics said it fell").await;
    assert_derived_data_is_current(&app.db).await;

    // A status change moves a count; a verdict needs evidence; a note and an edit change words.
    let path = format!("/api/v1/claims/{rose}");
    let started = app
        .patch(&path, Some(&etag), &json!({ "status": "in_progress" }))
        .await;
    assert_eq!(started.status, Http::Ok, "{started:#?}");
    let evidence = app.add_evidence(&rose, "refutes").await;
    let verdict = app
        .patch(
            &path,
            started.etag.as_deref(),
            &json!({ "status": "false", "reason": "It fell by 2%.", "summary": "The budget grew 4%" }),
        )
        .await;
    assert_eq!(verdict.status, Http::Ok, "{verdict:#?}");
    let note = app
        .post(
            &format!("/api/v1/claims/{fell}/notes"),
            &json!({ "body": "Which critics? Ask the desk." }),
        )
        .await;
    assert_eq!(note.status, Http::Created, "{note:#?}");
    assert_derived_data_is_current(&app.db).await;

    // Reopening, then removing the evidence: its title leaves the document.
    let reopened = app
        .patch(
            &path,
            verdict.etag.as_deref(),
            &json!({ "status": "in_progress", "reason": "The figure is disputed." }),
        )
        .await;
    assert_eq!(reopened.status, Http::Ok, "{reopened:#?}");
    let removed = app.delete(&format!("/api/v1/evidence/{evidence}")).await;
    assert!(removed.status.code < 300, "{removed:#?}");
    assert_derived_data_is_current(&app.db).await;

    // Reloading the demo deletes a whole piece with its claims (cascades) and adds it again.
    crate::cli::run(&app.db.url, &["demo", "--force"], "").ok();
    assert_derived_data_is_current(&app.db).await;
    let conn = &mut app.db.conn().await;
    let demo_claims = format!(
        "SELECT coalesce(sum(claims), 0)::bigint AS n FROM piece_progress WHERE piece_id = '{demo}'"
    );
    assert_eq!(count(conn, &demo_claims).await, 55);
}

/// The pieces the desk lists, in order.
fn desk_pieces(page: &str) -> Vec<String> {
    page.match_indices("<h3><a href=\"/pieces/")
        .map(|(at, _)| {
            let id = &page[at + "<h3><a href=\"/pieces/".len()..];
            id[..36].to_owned()
        })
        .collect()
}

fn link(page: &str, label: &str) -> Option<String> {
    let end = page.find(&format!("\">{label}</a>"))?;
    let start = page[..end].rfind("href=\"")? + "href=\"".len();
    Some(page[start..end].replace("&amp;", "&"))
}

async fn page(browser: &Browser, path: &str) -> String {
    let page = browser.get(path).await;
    assert_eq!(page.status, Http::Ok, "GET {path}: {page:?}");
    page.body
}

#[rocket::async_test]
async fn the_desk_and_the_api_list_pieces_a_page_at_a_time() {
    let app = spawn_app().await;
    let mut made = Vec::new();
    for n in 0..25 {
        made.push(
            app.create_piece(&format!("Piece number {n} says something."))
                .await,
        );
    }
    // The API: pages of ten, then five, every piece once, no page past the last.
    let mut listed = Vec::new();
    let mut path = "/api/v1/pieces?limit=10".to_owned();
    loop {
        let page = app.get(&path).await;
        assert_eq!(page.status, Http::Ok, "{page:#?}");
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 10);
        listed.extend(items.iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/pieces?limit=10&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(listed.len(), 25);
    assert_eq!(
        listed.iter().collect::<BTreeSet<_>>(),
        made.iter().collect::<BTreeSet<_>>()
    );
    for bad in [
        "?limit=0",
        "?limit=101",
        "?cursor=nope",
        "?limit=x&cursor=1.2",
    ] {
        let refused = app.get(&format!("/api/v1/pieces{bad}")).await;
        refused.assert_problem(422);
    }

    // The desk: twenty, then the five older, each page linking to the other.
    let browser = app.browser_for(&app.editor).await;
    let first = page(&browser, "/").await;
    let shown = desk_pieces(&first);
    assert_eq!(shown, listed[..20]);
    assert!(link(&first, "Newest pieces").is_none());
    let older = link(&first, "Older pieces").expect("a link to older pieces");
    let second = page(&browser, &older).await;
    assert_eq!(desk_pieces(&second), listed[20..]);
    assert!(link(&second, "Older pieces").is_none());
    assert_eq!(link(&second, "Newest pieces").as_deref(), Some("/"));
}

fn options(pieces: u32, seed: u64) -> Options {
    Options {
        pieces,
        claims_per_piece: 40,
        seed,
        now: "2026-11-25T00:00:00Z".parse().unwrap(),
    }
}

/// A seeded archive, analysed as autovacuum would have by now.
async fn seeded(pieces: u32) -> TestApp {
    let app = spawn_app().await;
    synthetic::seed(
        vec![app.db.conn().await, app.db.conn().await],
        options(pieces, 3),
    )
    .await
    .unwrap();
    diesel::sql_query("VACUUM ANALYZE")
        .execute(&mut app.db.conn().await)
        .await
        .unwrap();
    app
}

#[derive(QueryableByName)]
struct Scans {
    #[diesel(sql_type = diesel::sql_types::Text)]
    relname: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    seq_scan: i64,
}

/// The sequential scans of `claims` and `claim_search` in this transaction so far.
async fn sequential_scans(conn: &mut AsyncPgConnection) -> Vec<(String, i64)> {
    let scans: Vec<Scans> = diesel::sql_query(
        "SELECT relname::text, seq_scan FROM pg_stat_xact_user_tables
          WHERE relname IN ('claims', 'claim_search') ORDER BY relname",
    )
    .load(conn)
    .await
    .unwrap();
    scans.into_iter().map(|s| (s.relname, s.seq_scan)).collect()
}

#[rocket::async_test]
async fn on_an_archive_the_claim_page_and_the_searches_go_through_their_indexes() {
    let app = seeded(500).await;
    let conn = &mut app.db.conn().await;
    let ids: Vec<Uuid> = claims_sample(conn, 20).await;
    let outcome = conn
        .transaction::<_, StoreError, _>(async |conn| {
            // The view also counts what this connection did before, not yet reported.
            let before = sequential_scans(conn).await;
            let since = async |conn: &mut AsyncPgConnection| -> Vec<(String, i64)> {
                let now = sequential_scans(conn).await;
                now.iter()
                    .zip(&before)
                    .map(|((table, n), (_, m))| (table.clone(), n - m))
                    .collect()
            };
            for id in &ids {
                claims::get(conn, ClaimId(*id)).await?;
                search::checked_before(conn, ClaimId(*id)).await?;
            }
            let claim_pages = since(conn).await;
            let words = |words: &str, status: Option<Status>| ClaimFilter {
                words: Some(words.to_owned()),
                status,
                limit: 50,
                ..ClaimFilter::default()
            };
            let filters = [
                words(COMMON_WORD, None),
                words(RARE_WORD, None),
                words(COMMON_WORD, Some(Status::Unchecked)),
                ClaimFilter {
                    limit: 50,
                    ..ClaimFilter::default()
                },
            ];
            let mut found = Vec::new();
            for filter in &filters {
                found.push(search::find(conn, filter).await?);
            }
            pieces::list(conn, 20, None).await?;
            let searches = since(conn).await;
            for filter in &filters {
                listing::count_by_status(conn, filter).await?;
            }
            Ok((found, claim_pages, searches, since(conn).await))
        })
        .await
        .unwrap();
    let (found, claim_pages, searches, with_counts) = outcome;
    let none = [("claim_search".to_owned(), 0), ("claims".to_owned(), 0)];
    assert_eq!(claim_pages, none, "sequential scans for claim pages");
    assert_eq!(
        searches, none,
        "sequential scans for searches and the desk's pieces"
    );
    assert_eq!(with_counts, none, "sequential scans for counts by status");
    // 20,000 claims, a quarter with the common word: more match than are ranked; the rare word's
    // few are all ranked.
    assert!(found[0].more_than_ranked && found[0].items.len() == 50);
    assert!(!found[1].more_than_ranked && !found[1].items.is_empty());
    let counts = listing::count_by_status(conn, &ClaimFilter::default())
        .await
        .unwrap();
    assert!(!counts.among_newest);
    let unchecked = counts
        .counts
        .iter()
        .find(|(s, _)| *s == Status::Unchecked)
        .unwrap()
        .1;
    assert_eq!(
        unchecked,
        COUNT_CAP + 1,
        "counted up to the cap and one more"
    );

    // A common word's counts are those of its newest matches, as a recount of them says.
    let common = listing::count_by_status(
        conn,
        &ClaimFilter {
            words: Some(COMMON_WORD.to_owned()),
            status: Some(Status::Accurate),
            ..ClaimFilter::default()
        },
    )
    .await
    .unwrap();
    assert!(common.among_newest);
    let recount: Vec<StatusTally> = diesel::sql_query(
        "SELECT status, count(*) AS n FROM (
             SELECT c.status FROM claims c JOIN claim_search s ON s.claim_id = c.id
              WHERE s.document @@ websearch_to_tsquery(factdesk_search_config(), $1)
              ORDER BY c.updated_at DESC, c.id DESC LIMIT $2) newest
          GROUP BY status",
    )
    .bind::<diesel::sql_types::Text, _>(COMMON_WORD)
    .bind::<diesel::sql_types::BigInt, _>(COUNT_CAP)
    .load(conn)
    .await
    .unwrap();
    for (status, n) in &common.counts {
        let expected = recount
            .iter()
            .find(|t| t.status == status.as_str())
            .map_or(0, |t| t.n);
        assert_eq!(*n, expected, "{status:?}");
    }
    assert_eq!(common.counts.iter().map(|(_, n)| n).sum::<i64>(), COUNT_CAP);
    // A rare word's few matches are counted whole, status by status.
    let rare = listing::count_by_status(
        conn,
        &ClaimFilter {
            words: Some(RARE_WORD.to_owned()),
            status: Some(Status::Accurate),
            ..ClaimFilter::default()
        },
    )
    .await
    .unwrap();
    let recount: Vec<StatusTally> = diesel::sql_query(
        "SELECT c.status, count(*) AS n FROM claims c JOIN claim_search s ON s.claim_id = c.id
          WHERE s.document @@ websearch_to_tsquery(factdesk_search_config(), $1)
          GROUP BY c.status",
    )
    .bind::<diesel::sql_types::Text, _>(RARE_WORD)
    .load(conn)
    .await
    .unwrap();
    assert!(!rare.among_newest);
    assert!(recount.iter().map(|t| t.n).sum::<i64>() > 0);
    for (status, n) in &rare.counts {
        let expected = recount
            .iter()
            .find(|t| t.status == status.as_str())
            .map_or(0, |t| t.n);
        assert_eq!(*n, expected, "{status:?}");
    }
    // The search page tallies them from its ranking's window when it names no status: the same.
    for status in [None, Some(Status::Accurate)] {
        let filter = ClaimFilter {
            words: Some(COMMON_WORD.to_owned()),
            status,
            ..ClaimFilter::default()
        };
        let (_, counted) = search::find_counted(conn, &filter).await.unwrap();
        assert_eq!(counted, common, "{status:?}");
    }

    // The search page says both.
    let browser = app.browser_for(&app.editor).await;
    let shown = page(&browser, &format!("/claims?q={COMMON_WORD}")).await;
    assert!(
        shown.contains(&format!("More than {RANK_WINDOW} claims match")),
        "{shown}"
    );
    assert!(shown.contains(&format!("more than {COUNT_CAP}")), "{shown}");
    assert!(
        shown.contains(&format!("among the {COUNT_CAP} changed most recently")),
        "{shown}"
    );
}

#[derive(diesel::QueryableByName)]
struct StatusTally {
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn claims_sample(conn: &mut AsyncPgConnection, n: i64) -> Vec<Uuid> {
    use factdesk::store::schema::claims;
    claims::table
        .select(claims::id)
        .order(claims::created_at.desc())
        .limit(n)
        .load(conn)
        .await
        .unwrap()
}

#[derive(QueryableByName)]
struct Near {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
}

#[derive(QueryableByName)]
struct NearBy {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Float4)]
    similarity: f32,
}

#[rocket::async_test]
async fn checked_before_finds_what_comparing_every_claim_finds() {
    let app = seeded(60).await;
    let conn = &mut app.db.conn().await;
    // The seeded rewordings, and as many claims besides.
    let rewordings: Vec<Near> = diesel::sql_query(
        "SELECT c.id FROM claims c WHERE EXISTS (
             SELECT 1 FROM claims d WHERE d.piece_id <> c.piece_id AND d.created_at < c.created_at
                AND similarity(claim_text(d.summary, d.quote_exact), claim_text(c.summary, c.quote_exact)) >= 0.5)
         ORDER BY c.id",
    )
    .load(conn)
    .await
    .unwrap();
    assert!(
        rewordings.len() >= 20,
        "the seed makes rewordings: {}",
        rewordings.len()
    );
    let mut asked: Vec<Uuid> = rewordings.iter().map(|n| n.id).collect();
    asked.extend(claims_sample(conn, rewordings.len() as i64).await);
    let (mut found_any, mut pairs, mut missed) = (0, 0, Vec::new());
    for id in asked {
        let everything: Vec<NearBy> = diesel::sql_query(
            "SELECT c.id, similarity(claim_text(c.summary, c.quote_exact), claim_text(me.summary, me.quote_exact)) AS similarity
               FROM claims me, claims c
              WHERE me.id = $1 AND c.piece_id <> me.piece_id AND c.created_at < me.created_at
                AND similarity(claim_text(c.summary, c.quote_exact), claim_text(me.summary, me.quote_exact)) >= $2
              ORDER BY 2 DESC, c.id",
        )
        .bind::<diesel::sql_types::Uuid, _>(id)
        .bind::<diesel::sql_types::Float4, _>(SIMILAR_AT_LEAST)
        .load(conn)
        .await
        .unwrap();
        let shown = search::checked_before(conn, ClaimId(id)).await.unwrap();
        // Nothing shown that comparing everything would not show, best first, at most ten.
        assert!(shown.len() <= SIMILAR_LIMIT as usize);
        for s in &shown {
            let truth = everything.iter().find(|n| n.id == s.id.0);
            assert_eq!(
                truth.map(|n| n.similarity),
                Some(s.similarity),
                "{id} shows {}",
                s.id
            );
        }
        assert!(shown.windows(2).all(|w| w[0].similarity >= w[1].similarity));
        // A rewording (0.7 and over) is never missed: the best one is shown first.
        if let Some(best) = <[NearBy]>::first(&everything).filter(|n| n.similarity >= 0.7) {
            assert_eq!(
                <[factdesk::store::search::CheckedBefore]>::first(&shown).map(|s| s.similarity),
                Some(best.similarity),
                "{id}"
            );
        }
        let expected = everything.len().min(SIMILAR_LIMIT as usize);
        pairs += expected;
        if shown.len() < expected {
            missed.push((id, expected - shown.len()));
        }
        found_any += usize::from(!shown.is_empty());
    }
    // Between 0.5 and 0.7 a text can share little but stop words with another: such pairs may
    // be left out, and few are.
    let missed_pairs: usize = missed.iter().map(|(_, n)| n).sum();
    assert!(
        missed_pairs * 20 <= pairs,
        "missed {missed_pairs} of {pairs}: {missed:?}"
    );
    assert!(
        found_any >= 20,
        "{found_any} claims had something checked before"
    );
}
