//! Graceful stop (issue 10, trials that run in CI): on SIGTERM, as an orchestrator sends it, a
//! request already in flight is finished and its write kept, a new connection is refused, and
//! the process exits with success within Rocket's shutdown periods, leaving no connection open
//! in Postgres.
use crate::served::{Served, json_body, status};
use crate::support::{TestDb, add_user, admin};
use diesel_async::RunQueryDsl;
use factdesk::domain::roles::Role;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Rocket's defaults for `shutdown.grace` and `shutdown.mercy`: neither Rocket.toml nor
/// src/config.rs sets them. After both, Rocket gives its tasks at most one more second.
const GRACE: Duration = Duration::from_secs(2);
const MERCY: Duration = Duration::from_secs(3);
const LAST_SECOND: Duration = Duration::from_secs(1);
/// Bytes of the body sent before the signal: past the 14 Rocket reads before routing, so the
/// route's guards have run and the handler waits for the rest.
const SENT: usize = 20;

#[test]
fn sigterm_finishes_the_request_in_flight_refuses_new_ones_and_exits_with_success() {
    let runtime = rocket::tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(TestDb::new());
    let (_, token) = runtime.block_on(add_user(&db, Role::Editor));
    let bearer = format!("Authorization: Bearer {token}");
    let mut served = Served::start(&db.url, &[("ROCKET_POOL_SIZE", "4")]);
    let claim = a_claim(&served, &bearer);
    // The pool holds the connections these used, so there is something for it to close.
    let open = runtime.block_on(connections(&db.name));
    assert!(open >= 1, "{open} connections before the signal");

    let note = format!("written while the server stops {}", Uuid::new_v4().simple());
    let body = serde_json::json!({ "body": note }).to_string();
    let mut in_flight = TcpStream::connect(&served.address).unwrap();
    let head = format!(
        "POST /api/v1/claims/{claim}/notes HTTP/1.1\r\nHost: {}\r\n{bearer}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        served.address,
        body.len()
    );
    in_flight.write_all(head.as_bytes()).unwrap();
    in_flight.write_all(&body.as_bytes()[..SENT]).unwrap();
    // Time for the server to read the head and run the guards (the token is looked up).
    std::thread::sleep(Duration::from_millis(300));

    let signalled = Instant::now();
    served.terminate();
    let noticed = served.wait_for_log("Shutdown requested", Duration::from_secs(5));
    assert!(noticed.is_some(), "no shutdown: {:#?}", served.log());
    // Hyper drops the listening socket as it begins to drain, right after Rocket logs that line.
    std::thread::sleep(Duration::from_millis(200));
    let refused = TcpStream::connect(&served.address);
    assert!(
        matches!(&refused, Err(error) if error.kind() == ErrorKind::ConnectionRefused),
        "a new connection after the signal: {refused:?}"
    );

    // The request in flight is finished and answered as if nothing had happened.
    in_flight.write_all(&body.as_bytes()[SENT..]).unwrap();
    in_flight
        .set_read_timeout(Some(GRACE + MERCY + LAST_SECOND))
        .unwrap();
    let mut answer = String::new();
    in_flight.read_to_string(&mut answer).unwrap();
    let answered = signalled.elapsed();
    assert_eq!(status(&answer), 201, "{answer}");
    assert_eq!(json_body(&answer)["body"], note.as_str(), "{answer}");

    let exited = served.wait_for_exit(GRACE + MERCY + LAST_SECOND);
    let stopped = signalled.elapsed();
    println!(
        "graceful stop: the request in flight answered {} {answered:?} after SIGTERM; \
         exited {exited:?} after {stopped:?}",
        status(&answer)
    );
    let exited = exited.unwrap_or_else(|| panic!("still running: {:#?}", served.log()));
    assert!(exited.success(), "{exited}: {:#?}", served.log());

    // Each backend leaves pg_stat_activity as it exits, a moment after its client has gone.
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut left = runtime.block_on(connections(&db.name));
    while left > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        left = runtime.block_on(connections(&db.name));
    }
    assert_eq!(left, 0, "connections left to {} after the exit", db.name);
    // Kept, with its history event, as a write answered 2xx must be.
    assert_eq!(
        runtime.block_on(kept(&db, &note)),
        1,
        "the note and its event"
    );
}

/// A piece with one claim, made through the API; the claim's id.
fn a_claim(served: &Served, bearer: &str) -> String {
    let piece = serde_json::json!({ "title": "The graceful stop", "published_at": "2020-01-13",
                                    "body": "The bridge cost four million. It opened in 2019." });
    let headers = [bearer.to_owned()];
    let answer = served.request("POST", "/api/v1/pieces", &headers, &piece.to_string());
    assert_eq!(status(&answer), 201, "{answer}");
    let piece = json_body(&answer)["id"].as_str().unwrap().to_owned();
    let quote = serde_json::json!({ "quote": "The bridge cost four million" }).to_string();
    let path = format!("/api/v1/pieces/{piece}/claims");
    let answer = served.request("POST", &path, &headers, &quote);
    assert_eq!(status(&answer), 201, "{answer}");
    json_body(&answer)["id"].as_str().unwrap().to_owned()
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Sessions open on the database `name` (counted from another database, so not counting itself).
async fn connections(name: &str) -> i64 {
    diesel::sql_query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result::<Count>(&mut admin().await)
        .await
        .unwrap()
        .n
}

/// Notes with this body that have their `note_added` event.
async fn kept(db: &TestDb, note: &str) -> i64 {
    let query = "SELECT count(*) AS n FROM notes n JOIN events e \
                 ON e.subject_id = n.id AND e.kind = 'note_added' WHERE n.body = $1";
    diesel::sql_query(query)
        .bind::<diesel::sql_types::Text, _>(note)
        .get_result::<Count>(&mut db.conn().await)
        .await
        .unwrap()
        .n
}
