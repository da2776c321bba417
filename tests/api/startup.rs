//! The binary as a user runs it: `factdesk`, `factdesk migrate`, `factdesk demo`.
use crate::served::{http, json_body};
use crate::support::{PASSWORD, TestDb, add_user, database_url};
use factdesk::domain::roles::Role;
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

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
    let name = crate::support::test_database_name();
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
fn instances_started_together_on_a_new_database_create_and_migrate_it_once() {
    let db = unborn_database();
    // Four at once, as a deploy starts its instances: one creates the database, one migrates it
    // under the advisory lock, and the others find it done.
    let children: Vec<_> = (0..4)
        .map(|_| {
            factdesk(&db.url, &["migrate"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{output:?}");
    }
    let applied: Vec<String> = rocket::tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(async {
            use diesel_async::RunQueryDsl;
            diesel::sql_query("SELECT version FROM __diesel_schema_migrations ORDER BY version")
                .load::<Version>(&mut db.conn().await)
                .await
                .unwrap()
        })
        .into_iter()
        .map(|row| row.version)
        .collect();
    let folders = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|entry| entry.as_ref().unwrap().path().is_dir())
        .count();
    assert_eq!(applied.len(), folders, "each migration once: {applied:?}");
}

#[derive(diesel::QueryableByName)]
struct Version {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
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

/// What the started server answered: anonymously, to signing in, and with the token it gave.
struct Answers {
    anonymous: String,
    sign_in: String,
    signed_in: String,
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
    let mut before_launch = Vec::new();
    let address = lines.by_ref().map_while(Result::ok).find_map(|line| {
        let address = line
            .split_once("launched from http://")
            .map(|(_, a)| a.trim().to_owned());
        before_launch.push(line);
        address
    });
    // Nobody can sign in to a new database, and the server says how to fix that.
    let told = before_launch.iter().any(|line| {
        line.contains("factdesk user add --email you@example.org --name 'Your Name' --role admin")
    });
    let answers = address.as_deref().map(|address| {
        let anonymous = http(address, "GET", "/api/v1/pieces", &[], "");
        // The server created and migrated the database; an account added behind its back signs in.
        let (user, _) = rocket::tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(add_user(&db, Role::Reviewer));
        let credentials = serde_json::json!({ "email": user.email, "password": PASSWORD });
        let sign_in = http(
            address,
            "POST",
            "/api/v1/tokens",
            &[],
            &credentials.to_string(),
        );
        let token = json_body(&sign_in)["token"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let bearer = format!("Authorization: Bearer {token}");
        let signed_in = http(address, "GET", "/api/v1/pieces", &[bearer], "");
        Answers {
            anonymous,
            sign_in,
            signed_in,
        }
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(told, "no first-admin hint in {before_launch:#?}");
    let answers = answers.expect("the server never said where it listens");
    let anonymous = answers.anonymous.to_lowercase();
    assert!(anonymous.starts_with("http/1.1 401"), "{anonymous}");
    assert!(
        anonymous.contains("content-type: application/problem+json")
            && anonymous.contains("www-authenticate: bearer"),
        "{anonymous}"
    );
    assert!(
        answers.sign_in.starts_with("HTTP/1.1 201"),
        "{}",
        answers.sign_in
    );
    let pieces = &answers.signed_in;
    assert!(pieces.starts_with("HTTP/1.1 200"), "{pieces}");
    assert!(
        pieces.contains("NBC News") && pieces.contains("\"claim_count\":55"),
        "{pieces}"
    );
}
