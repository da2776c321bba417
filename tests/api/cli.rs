//! `factdesk user …` as an administrator runs it: the real binary against a database of its own,
//! the password piped on standard input.
use crate::support::TestDb;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use factdesk::domain::password;
use factdesk::store::credentials::{self, Kind};
use factdesk::store::ids::UserId;
use factdesk::store::{SYSTEM_USER, schema::users};
use std::io::Write;
use std::process::{Command, Stdio};

const PASSWORD: &str = "correct horse battery";

/// What a run of the real `factdesk` binary did.
#[derive(Debug)]
pub(crate) struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts success; returns what it printed.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, Some(0), "{self:#?}");
        &self.stdout
    }

    /// Asserts exit code 1 with nothing on stdout and stderr saying `factdesk: …`; returns it.
    #[track_caller]
    pub fn refused(&self) -> &str {
        assert_eq!(self.code, Some(1), "{self:#?}");
        assert!(self.stderr.starts_with("factdesk: "), "{self:#?}");
        assert!(self.stdout.is_empty(), "{self:#?}");
        self.stderr.trim_end()
    }

    /// As `refused`, and the refusal is one line.
    #[track_caller]
    pub fn refused_in_one_line(&self) -> &str {
        assert_eq!(self.stderr.lines().count(), 1, "{self:#?}");
        self.refused()
    }
}

/// Runs `factdesk` against the database at `url` with `stdin` piped in.
pub(crate) fn run(url: &str, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_factdesk"))
        .args(args)
        .env("DATABASE_URL", url)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command refused before it reads (a bad role) closes the pipe: not this helper's concern.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Runs `factdesk` on the test's database with `stdin` piped in.
fn factdesk(db: &TestDb, args: &[&str], stdin: &str) -> Run {
    run(&db.url, args, stdin)
}

fn add(db: &TestDb, email: &str, name: &str, role: &str, stdin: &str) -> Run {
    let args = [
        "user", "add", "--email", email, "--name", name, "--role", role,
    ];
    factdesk(db, &args, stdin)
}

fn add_jane(db: &TestDb) {
    add(
        db,
        "jane@example.org",
        "Jane Doe",
        "editor",
        &format!("{PASSWORD}\n"),
    )
    .ok();
}

/// The `user list` lines, each split on whitespace.
fn listed(db: &TestDb) -> Vec<Vec<String>> {
    factdesk(db, &["user", "list"], "")
        .ok()
        .lines()
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// Users besides System, counted behind the binary's back.
async fn people(db: &TestDb) -> i64 {
    users::table
        .filter(users::id.ne(SYSTEM_USER))
        .count()
        .get_result(&mut db.conn().await)
        .await
        .unwrap()
}

async fn stored(db: &TestDb, email: &str) -> (UserId, String) {
    let (id, hash): (UserId, Option<String>) = users::table
        .filter(users::email.eq(email))
        .select((users::id, users::password_hash))
        .first(&mut db.conn().await)
        .await
        .unwrap();
    (id, hash.expect("a password hash"))
}

/// Whose credential `secret` is, if it still works.
async fn holder(conn: &mut AsyncPgConnection, secret: &str, kind: Kind) -> Option<String> {
    credentials::holder(conn, secret, kind)
        .await
        .unwrap()
        .map(|user| user.email)
}

#[rocket::async_test]
async fn add_stores_an_argon2id_hash_and_list_shows_the_user_with_their_role() {
    let db = TestDb::new().await;
    let added = add(
        &db,
        "jane@example.org",
        "Jane Doe",
        "editor",
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(
        added.ok(),
        "factdesk: added editor Jane Doe <jane@example.org>\n"
    );
    add(
        &db,
        "al@example.org",
        "Al",
        "admin",
        &format!("{PASSWORD}\n"),
    )
    .ok();

    let output = factdesk(&db, &["user", "list"], "");
    let lines: Vec<&str> = output.ok().lines().collect();
    assert_eq!(lines.len(), 2, "one line per user, System not among them");
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["al@example.org", "Al", "admin"]
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["jane@example.org", "Jane", "Doe", "editor"]
    );
    assert_eq!(
        lines[0].find("admin"),
        lines[1].find("editor"),
        "aligned: {lines:#?}"
    );

    let (_, hash) = stored(&db, "jane@example.org").await;
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(password::verify(PASSWORD, &hash));
    assert!(!password::verify("correct horse batterY", &hash));
}

#[rocket::async_test]
async fn the_same_email_in_another_case_is_refused_and_adds_no_one() {
    let db = TestDb::new().await;
    add_jane(&db);
    let again = add(
        &db,
        "JANE@Example.ORG",
        "Jane Again",
        "admin",
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(
        again.refused_in_one_line(),
        "factdesk: jane@example.org already has an account"
    );
    assert_eq!(people(&db).await, 1);
}

#[rocket::async_test]
async fn an_unknown_role_is_refused_with_the_roles_listed() {
    let db = TestDb::new().await;
    let refused = add(
        &db,
        "jane@example.org",
        "Jane Doe",
        "owner",
        &format!("{PASSWORD}\n"),
    );
    assert_ne!(refused.code, Some(0), "{refused:#?}");
    for role in ["reviewer", "editor", "admin"] {
        assert!(refused.stderr.contains(role), "{refused:#?}");
    }
    assert!(!refused.stderr.contains("panicked"), "{refused:#?}");
    assert_eq!(people(&db).await, 0);
}

#[rocket::async_test]
async fn a_short_or_missing_password_is_refused_and_adds_no_one() {
    let db = TestDb::new().await;
    let short = add(&db, "jane@example.org", "Jane Doe", "editor", "too short\n");
    let message = short.refused_in_one_line();
    assert!(message.contains("at least 10 characters"), "{message}");
    let missing = add(&db, "jane@example.org", "Jane Doe", "editor", "");
    let message = missing.refused_in_one_line();
    assert!(message.contains("standard input"), "{message}");
    assert_eq!(people(&db).await, 0);
}

#[rocket::async_test]
async fn a_bad_name_or_email_is_refused_and_adds_no_one() {
    let db = TestDb::new().await;
    let long_name = "N".repeat(201);
    for (email, name, expected) in [
        ("jane@example.org", "   ", "name"),
        ("jane@example.org", long_name.as_str(), "200"),
        ("jane.example.org", "Jane Doe", "@"),
        ("jane@", "Jane Doe", "@"),
        ("@example.org", "Jane Doe", "@"),
        ("jane@doe@example.org", "Jane Doe", "@"),
    ] {
        let refused = add(&db, email, name, "editor", &format!("{PASSWORD}\n"));
        let message = refused.refused_in_one_line();
        assert!(message.contains(expected), "{email} {name}: {message}");
    }
    assert_eq!(people(&db).await, 0);
}

#[rocket::async_test]
async fn disable_ends_credentials_issued_before_it_and_enable_does_not_revive_them() {
    let db = TestDb::new().await;
    add_jane(&db);
    let (id, _) = stored(&db, "jane@example.org").await;
    let mut conn = db.conn().await;
    let mut issued = Vec::new();
    for kind in [Kind::ApiToken, Kind::Session] {
        let secret = credentials::issue(&mut conn, id, kind)
            .await
            .unwrap()
            .secret;
        assert_eq!(
            holder(&mut conn, &secret, kind).await.as_deref(),
            Some("jane@example.org")
        );
        issued.push((kind, secret));
    }

    let disabled = factdesk(&db, &["user", "disable", "--email", "Jane@Example.org"], "");
    assert!(
        disabled
            .ok()
            .starts_with("factdesk: disabled Jane Doe <jane@example.org>"),
        "{disabled:#?}"
    );
    assert_eq!(
        listed(&db),
        [["jane@example.org", "Jane", "Doe", "editor", "disabled"]]
    );
    for (kind, secret) in &issued {
        assert_eq!(holder(&mut conn, secret, *kind).await, None, "{kind:?}");
    }

    let enabled = factdesk(&db, &["user", "enable", "--email", "jane@example.org"], "");
    assert_eq!(
        enabled.ok(),
        "factdesk: enabled Jane Doe <jane@example.org>\n"
    );
    assert_eq!(listed(&db), [["jane@example.org", "Jane", "Doe", "editor"]]);
    // A credential that may have leaked while the account was disabled stays dead; a new one works.
    for (kind, secret) in &issued {
        assert_eq!(holder(&mut conn, secret, *kind).await, None, "{kind:?}");
    }
    let fresh = credentials::issue(&mut conn, id, Kind::ApiToken)
        .await
        .unwrap()
        .secret;
    assert_eq!(
        holder(&mut conn, &fresh, Kind::ApiToken).await.as_deref(),
        Some("jane@example.org")
    );
}

#[rocket::async_test]
async fn passwd_replaces_the_hash_and_ends_the_sessions_made_with_the_old_one() {
    let db = TestDb::new().await;
    add_jane(&db);
    let (id, before) = stored(&db, "jane@example.org").await;
    let mut conn = db.conn().await;
    let old = credentials::issue(&mut conn, id, Kind::Session)
        .await
        .unwrap()
        .secret;
    // Only the line ending is stripped: spaces are part of the password.
    let new = "  a new passphrase  ";
    let changed = factdesk(
        &db,
        &["user", "passwd", "--email", "jane@example.org"],
        &format!("{new}\n"),
    );
    assert_eq!(
        changed.ok(),
        "factdesk: changed the password of Jane Doe <jane@example.org>; their sessions and API tokens were ended\n"
    );
    assert_eq!(holder(&mut conn, &old, Kind::Session).await, None);
    let (_, after) = stored(&db, "jane@example.org").await;
    assert_ne!(after, before);
    assert!(after.starts_with("$argon2id$"), "{after}");
    assert!(!password::verify(PASSWORD, &after));
    assert!(password::verify(new, &after));
    assert!(!password::verify(new.trim(), &after));

    let short = factdesk(
        &db,
        &["user", "passwd", "--email", "jane@example.org"],
        "short\n",
    );
    assert!(
        short
            .refused_in_one_line()
            .contains("at least 10 characters"),
        "{short:#?}"
    );
    assert_eq!(
        stored(&db, "jane@example.org").await.1,
        after,
        "a refused password changes nothing"
    );
}

#[rocket::async_test]
async fn disable_enable_and_passwd_refuse_an_unknown_email_or_the_system_user() {
    let db = TestDb::new().await;
    for email in ["nobody@example.org", "system@factdesk.invalid"] {
        for command in ["disable", "enable", "passwd"] {
            let refused = factdesk(
                &db,
                &["user", command, "--email", email],
                &format!("{PASSWORD}\n"),
            );
            let message = refused.refused_in_one_line();
            assert_eq!(
                message,
                format!("factdesk: no user has the email {email}"),
                "{command}"
            );
        }
    }
}

#[rocket::async_test]
async fn demo_refuses_to_throw_away_edits_to_the_demo_pieces_details_without_force() {
    use factdesk::domain::roles::Role;
    use factdesk::store::demo::{self, PIECE, TITLE};
    use factdesk::store::piece_edits::{self, PieceChanges};
    use factdesk::store::schema::{piece_events, pieces};
    use factdesk::store::users::NewUser;

    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    demo::reload(&mut conn, false).await.unwrap();
    let editor = factdesk::store::users::add(
        &mut conn,
        &NewUser {
            name: "Jane Doe".into(),
            email: "jane@example.org".into(),
            role: Role::Editor,
            password_hash: password::hash(PASSWORD),
        },
    )
    .await
    .unwrap();
    let changes = PieceChanges {
        title: Some("A headline of our own".into()),
        ..PieceChanges::default()
    };
    piece_edits::update(&mut conn, editor.id, PIECE, &[1], &changes)
        .await
        .unwrap();
    let title = async |conn: &mut AsyncPgConnection| -> String {
        pieces::table
            .find(PIECE)
            .select(pieces::title)
            .first(conn)
            .await
            .unwrap()
    };

    let refused = factdesk(&db, &["demo"], "");
    assert!(
        refused.refused_in_one_line().contains("--force"),
        "{refused:#?}"
    );
    assert_eq!(title(&mut conn).await, "A headline of our own");

    let forced = factdesk(&db, &["demo", "--force"], "");
    assert!(forced.ok().contains("demo piece reloaded"), "{forced:#?}");
    assert_eq!(title(&mut conn).await, TITLE);
    let history: i64 = piece_events::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(history, 0, "the old copy's history went with it");
}
