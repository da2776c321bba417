//! The test harness itself: what a run leaves behind.
use crate::support::{admin, sweep, test_database_name};
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};

#[derive(diesel::QueryableByName)]
struct Found {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn exists(name: &str) -> bool {
    let found: Found =
        diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<diesel::sql_types::Text, _>(name)
            .get_result(&mut admin().await)
            .await
            .unwrap();
    found.n == 1
}

#[rocket::async_test]
async fn a_run_sweeps_the_databases_a_killed_run_left_and_no_others() {
    // Process ids go up to 2^22 on Linux: this one is no process.
    let killed = "factdesk_test_4294967295_0123456789abcdef";
    let mine = test_database_name();
    let mut conn = admin().await;
    for name in [killed, &mine] {
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
    }
    sweep(&mut conn).await;
    assert!(!exists(killed).await, "the killed run's database is swept");
    assert!(exists(&mine).await, "a running process's database is kept");
    conn.batch_execute(&format!("DROP DATABASE {mine}"))
        .await
        .unwrap();
}
