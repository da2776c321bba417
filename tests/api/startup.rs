//! The binary as a user runs it: `factdesk`, `factdesk migrate`, `factdesk demo`.
use crate::support::{TestDb, database_url};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use uuid::Uuid;

fn factdesk(database_url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_factdesk"));
    command
        .args(args)
        .env("DATABASE_URL", database_url)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn run(database_url: &str, args: &[&str]) -> Output {
    factdesk(database_url, args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A database name nobody has created yet; dropped at the end if the binary created it.
fn unborn_database() -> TestDb {
    let name = format!("factdesk_test_{}", Uuid::new_v4().simple());
    TestDb {
        url: database_url(&name),
        name,
    }
}

#[test]
fn with_postgres_unreachable_it_exits_with_one_line_naming_the_url_and_the_fix() {
    let url = "postgres://factdesk:secret@127.0.0.1:9/factdesk";
    let output = run(url, &[]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("127.0.0.1:9/factdesk"), "{stderr}");
    assert!(stderr.contains("pg_ctlcluster"), "{stderr}");
    assert!(!stderr.contains("secret"), "the password leaked: {stderr}");
}

#[test]
fn migrate_creates_a_missing_database_and_demo_reloads_the_demo() {
    let db = unborn_database();
    let output = run(&db.url, &["migrate"]);
    assert!(output.status.success(), "{output:?}");
    for _ in 0..2 {
        let output = run(&db.url, &["demo"]);
        assert!(output.status.success(), "{output:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("/api/v1/pieces/"),
            "{output:?}"
        );
    }
    let pieces = rocket::tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(async {
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;
            use factdesk::store::schema::pieces;
            pieces::table
                .count()
                .get_result::<i64>(&mut db.conn().await)
                .await
                .unwrap()
        });
    assert_eq!(
        pieces, 1,
        "reloading the demo must replace it, not add a second copy"
    );
}

/// GET over a plain socket: enough HTTP for a smoke test of the real server.
fn http_get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn serve_on_an_empty_database_creates_it_loads_the_demo_and_answers() {
    let db = unborn_database();
    let mut child = factdesk(&db.url, &["serve"])
        .env("ROCKET_PORT", "0")
        .env("ROCKET_CLI_COLORS", "false")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = lines.by_ref().map_while(Result::ok).find_map(|line| {
        line.split_once("launched from http://")
            .map(|(_, a)| a.trim().to_owned())
    });
    let answer = address
        .as_deref()
        .map(|address| http_get(address, "/api/v1/pieces"));
    child.kill().unwrap();
    child.wait().unwrap();
    let answer = answer.expect("the server never said where it listens");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains("NBC News") && answer.contains("\"claim_count\":55"),
        "{answer}"
    );
}
