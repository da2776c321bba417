//! `GET /live` over a real socket (issue 10, live pages): for the signed-in only, a page catches
//! up from where it was read or from `Last-Event-ID`, and the instance's listener comes back on
//! its own when Postgres drops its connection. (The pages themselves: `browser/live.rs`.)
use crate::served::{Served, header, http_form, sign_in, status};
use crate::support::{TestApp, admin, spawn_app_with_claim};
use diesel_async::RunQueryDsl;
use serde_json::Value;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// An open `/live` stream, read as it comes.
struct Stream {
    socket: TcpStream,
    text: String,
}

impl Stream {
    fn open(served: &Served, cookie: &str, path: &str, last_event_id: Option<i64>) -> Stream {
        let mut socket = TcpStream::connect(&served.address).unwrap();
        let mut head = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\n",
            served.address
        );
        if let Some(id) = last_event_id {
            head.push_str(&format!("Last-Event-ID: {id}\r\n"));
        }
        socket.write_all(format!("{head}\r\n").as_bytes()).unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        Stream {
            socket,
            text: String::new(),
        }
    }

    /// The `change` events read so far (their JSON), waiting up to 20 s until there are `n`.
    fn changes(&mut self, n: usize) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let changes: Vec<Value> = self
                .text
                .split("event:change")
                .skip(1)
                .filter_map(|block| {
                    let data = block.split("data:").nth(1)?.lines().next()?;
                    serde_json::from_str(data.trim()).ok()
                })
                .collect();
            if changes.len() >= n || start.elapsed() > Duration::from_secs(20) {
                return changes;
            }
            let mut buffer = [0; 8192];
            match self.socket.read(&mut buffer) {
                Ok(0) => return changes,
                Ok(read) => self
                    .text
                    .push_str(&String::from_utf8_lossy(&buffer[..read])),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => panic!("{e}"),
            }
        }
    }
}

async fn note(app: &TestApp, claim: &str, body: &str) {
    let answer = app
        .post(
            &format!("/api/v1/claims/{claim}/notes"),
            &serde_json::json!({ "body": body }),
        )
        .await;
    assert_eq!(answer.status.code, 201, "{answer:#?}");
}

fn seqs(changes: &[Value]) -> Vec<i64> {
    changes.iter().map(|c| c["seq"].as_i64().unwrap()).collect()
}

#[test]
fn a_stream_is_for_the_signed_in_and_catches_up_from_where_the_page_was() {
    let runtime = rocket::tokio::runtime::Runtime::new().unwrap();
    let (app, claim) = runtime.block_on(async {
        let (app, claim) = spawn_app_with_claim().await;
        for n in 0..3 {
            note(&app, &claim, &format!("note {n}")).await;
        }
        (app, claim)
    });
    let served = Served::start(&app.db.url, &[]);
    let path = format!("/live?claim={claim}&after=0");

    let anonymous = http_form(&served.address, "GET", &path, &[], "");
    assert_eq!(status(&anonymous), 303, "{anonymous}");
    assert_eq!(header(&anonymous, "location"), Some("/login"));
    let cookie = sign_in(&served.address, &app.editor.email);
    let both = format!("/live?claim={claim}&piece={claim}");
    let refused = http_form(
        &served.address,
        "GET",
        &both,
        &[format!("Cookie: {cookie}")],
        "",
    );
    assert_eq!(status(&refused), 400, "{refused}");
    let unknown = format!("/live?claim={}", uuid::Uuid::new_v4());
    let unknown = http_form(
        &served.address,
        "GET",
        &unknown,
        &[format!("Cookie: {cookie}")],
        "",
    );
    assert_eq!(status(&unknown), 404, "{unknown}");
    assert!(unknown.contains("no claim with id"), "{unknown}");

    // From the start: the claim's creation and its three notes, in order, each saying who.
    let mut stream = Stream::open(&served, &cookie, &path, None);
    assert!(stream.text.is_empty() || stream.text.starts_with("HTTP/1.1 200"));
    let changes = stream.changes(4);
    let kinds: Vec<&str> = changes
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["created", "note_added", "note_added", "note_added"],
        "{}",
        stream.text
    );
    assert!(
        stream.text.contains("content-type: text/event-stream"),
        "{}",
        stream.text
    );
    let ids = seqs(&changes);
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
    assert_eq!(
        changes[1]["message"],
        format!("{} added a note", app.editor.name)
    );

    // A browser reconnecting says what it last heard, and hears only what came after.
    let mut again = Stream::open(&served, &cookie, &path, Some(ids[1]));
    assert_eq!(seqs(&again.changes(2)), ids[2..]);

    // And both go on hearing what happens next.
    runtime.block_on(note(&app, &claim, "written while they listen"));
    assert_eq!(stream.changes(5).len(), 5, "{}", stream.text);
    assert_eq!(again.changes(3).len(), 3, "{}", again.text);
}

#[test]
fn the_listener_comes_back_on_its_own_when_postgres_drops_its_connection() {
    let runtime = rocket::tokio::runtime::Runtime::new().unwrap();
    let (app, claim) = runtime.block_on(spawn_app_with_claim());
    let served = Served::start(&app.db.url, &[]);
    let cookie = sign_in(&served.address, &app.editor.email);
    // As a page opens it: from the last event it read (here, from the start: the claim's creation).
    let mut stream = Stream::open(
        &served,
        &cookie,
        &format!("/live?claim={claim}&after=0"),
        None,
    );
    assert_eq!(stream.changes(1).len(), 1, "{}", stream.text);
    runtime.block_on(note(&app, &claim, "before"));
    assert_eq!(stream.changes(2).len(), 2, "{}", stream.text);

    let ended = listening(&runtime, &app, true);
    assert_eq!(
        ended, 1,
        "the instance listens on one connection of its own"
    );

    // Written at once, while the listener may still be reconnecting: it catches up when back.
    runtime.block_on(note(&app, &claim, "after"));
    let changes = stream.changes(3);
    assert_eq!(changes.len(), 3, "{}", stream.text);
    assert_eq!(changes[2]["kind"], "note_added");

    // With its last page closed, the instance stops listening and gives the connection back.
    drop(stream);
    let start = Instant::now();
    while listeners(&runtime, &app) > 0 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "still listening for nobody"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[derive(diesel::QueryableByName)]
struct Counted {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The connections to the test's database that listen for live pages, ended if `end`.
fn listening(runtime: &rocket::tokio::runtime::Runtime, app: &TestApp, end: bool) -> i64 {
    let what = if end {
        "count(pg_terminate_backend(pid))"
    } else {
        "count(*)"
    };
    let query = format!(
        "SELECT {what} AS n FROM pg_stat_activity \
         WHERE application_name = 'factdesk-live' AND datname = $1"
    );
    runtime.block_on(async {
        diesel::sql_query(query)
            .bind::<diesel::sql_types::Text, _>(&app.db.name)
            .get_result::<Counted>(&mut admin().await)
            .await
            .unwrap()
            .n
    })
}

fn listeners(runtime: &rocket::tokio::runtime::Runtime, app: &TestApp) -> i64 {
    listening(runtime, app, false)
}
