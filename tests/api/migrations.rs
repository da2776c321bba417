use crate::support::{TestDb, admin, database_url};
use diesel::prelude::*;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::{AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::MigrationHarness;
use factdesk::store::database::MIGRATIONS;

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// Tables, functions and types in the public schema: what a migration leaves behind.
fn objects(conn: &mut AsyncConnectionWrapper<AsyncPgConnection>) -> Vec<String> {
    diesel::sql_query(
        "SELECT 'table ' || table_name AS name FROM information_schema.tables WHERE table_schema = 'public'
         UNION ALL SELECT 'function ' || routine_name FROM information_schema.routines WHERE routine_schema = 'public'
         UNION ALL SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = 'public'
         ORDER BY 1",
    )
    .load::<Name>(conn)
    .unwrap()
    .into_iter()
    .map(|n| n.name)
    .filter(|n| !n.contains("__diesel_schema_migrations"))
    .collect()
}

#[rocket::async_test]
async fn every_migration_runs_up_then_down_to_nothing_then_up_again() {
    let name = crate::support::test_database_name();
    admin()
        .await
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    // Dropped at the end like any test database, even when an assertion fails.
    let _db = TestDb {
        url: database_url(&name),
        name,
    };
    let url = _db.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn =
            <AsyncConnectionWrapper<AsyncPgConnection> as Connection>::establish(&url).unwrap();
        assert!(objects(&mut conn).is_empty());
        conn.run_pending_migrations(MIGRATIONS).unwrap();
        let migrated = objects(&mut conn);
        for table in ["users", "pieces", "claims", "evidence", "notes", "events"] {
            assert!(
                migrated.contains(&format!("table {table}")),
                "{table} missing from {migrated:?}"
            );
        }
        conn.revert_all_migrations(MIGRATIONS).unwrap();
        assert_eq!(
            objects(&mut conn),
            Vec::<String>::new(),
            "down.sql left objects behind"
        );
        conn.run_pending_migrations(MIGRATIONS).unwrap();
        assert_eq!(
            objects(&mut conn),
            migrated,
            "up after down differs from the first up"
        );
    })
    .await
    .unwrap();
}

#[rocket::async_test]
async fn the_database_refuses_to_change_or_delete_history() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    factdesk::store::demo::reload(&mut conn, false)
        .await
        .unwrap();
    for statement in [
        "UPDATE events SET reason = 'rewritten'",
        "DELETE FROM events",
        "DELETE FROM claims",
        "TRUNCATE events",
        "TRUNCATE claims CASCADE",
    ] {
        let error = conn.batch_execute(statement).await.expect_err(statement);
        assert!(
            error.to_string().contains("append-only"),
            "{statement}: {error}"
        );
    }
    // Reloading the demo is the one sanctioned purge.
    factdesk::store::demo::reload(&mut conn, false)
        .await
        .unwrap();
}

#[derive(QueryableByName)]
struct NullShare {
    #[diesel(sql_type = diesel::sql_types::Text)]
    column: String,
    #[diesel(sql_type = diesel::sql_types::Float4)]
    null_frac: f32,
}

/// A database with claims in it, migrated to the newest schema from the one before: the
/// columns the newest migration adds and every listing filters on (`archived_at IS NULL`)
/// have their statistics at once. Without them the planner takes such a filter to keep one row
/// in 200, and the search on a large desk slowed twentyfold until an ANALYZE ran
/// (bench/results.md, 2026-12-08).
#[rocket::async_test]
async fn the_archive_migration_leaves_statistics_for_the_columns_it_adds() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    factdesk::store::demo::reload(&mut conn, false)
        .await
        .unwrap();
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn =
            <AsyncConnectionWrapper<AsyncPgConnection> as Connection>::establish(&url).unwrap();
        diesel::sql_query(
            "INSERT INTO notes (id, claim_id, author_id, body) \
             SELECT gen_random_uuid(), id, created_by, 'A note.' FROM claims LIMIT 1",
        )
        .execute(&mut conn)
        .unwrap();
        conn.revert_last_migration(MIGRATIONS).unwrap();
        // As a database would stand before it: its tables analysed, the new columns not there.
        diesel::sql_query("ANALYZE claims, pieces, notes")
            .execute(&mut conn)
            .unwrap();
        conn.run_pending_migrations(MIGRATIONS).unwrap();
        let shares = diesel::sql_query(
            "SELECT tablename || '.' || attname AS column, null_frac FROM pg_stats \
             WHERE schemaname = 'public' \
               AND (tablename, attname) IN (('claims', 'archived_at'), ('pieces', 'archived_at'), \
                                            ('notes', 'withdrawn_at')) \
             ORDER BY 1",
        )
        .load::<NullShare>(&mut conn)
        .unwrap();
        let shares: Vec<(String, f32)> = shares
            .into_iter()
            .map(|s| (s.column, s.null_frac))
            .collect();
        assert_eq!(
            shares,
            [
                ("claims.archived_at".to_owned(), 1.0),
                ("notes.withdrawn_at".to_owned(), 1.0),
                ("pieces.archived_at".to_owned(), 1.0)
            ]
        );
    })
    .await
    .unwrap();
}
