#![allow(dead_code)] // Each test module uses its own part of the kit.
//! Each test gets its own database, cloned from a template that is migrated once per schema
//! version, and the app built by `factdesk::rocket` exactly as production builds it.
pub mod html;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use factdesk::Config;
use factdesk::domain::roles::Role;
use factdesk::store::credentials;
use factdesk::store::users::{NewUser, User};
use rocket::http::{ContentType, Header, Method, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use serde_json::Value;
use std::hash::{Hash, Hasher};
use tokio::sync::OnceCell;
use url::Url;
use uuid::Uuid;

/// The server the tests use: `FACTDESK_TEST_DATABASE_URL`, else the local Postgres.
pub fn server_url() -> Url {
    let url = std::env::var("FACTDESK_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://localhost/postgres".into());
    Url::parse(&url).expect("FACTDESK_TEST_DATABASE_URL is a postgres:// URL")
}

pub fn database_url(name: &str) -> String {
    let mut url = server_url();
    url.set_path(&format!("/{name}"));
    url.into()
}

pub async fn admin() -> AsyncPgConnection {
    AsyncPgConnection::establish(server_url().as_str())
        .await
        .expect("the tests need a running PostgreSQL (see README)")
}

/// Named after the migrations it holds, so a changed migration gets a fresh template.
fn template_name() -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut entries: Vec<_> = walk(&dir);
    entries.sort();
    for path in entries {
        path.to_string_lossy().hash(&mut hasher);
        std::fs::read(&path).unwrap().hash(&mut hasher);
    }
    format!("factdesk_template_{:016x}", hasher.finish())
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|entry| {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// A new test database's name: it carries this process's id, so a later run can tell the
/// databases of a run that was killed (and never dropped them) from those of one still running.
pub fn test_database_name() -> String {
    format!(
        "factdesk_test_{}_{}",
        std::process::id(),
        Uuid::new_v4().simple()
    )
}

/// Whether the test database `name` was left by a process that is gone: one of this machine's
/// (the name's process id is not running), or of an older name without one.
fn left_behind(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("factdesk_test_") else {
        return false;
    };
    match rest.split_once('_') {
        Some((pid, _)) => pid
            .parse::<u32>()
            .is_ok_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists()),
        None => true,
    }
}

#[derive(diesel::QueryableByName)]
struct Named {
    #[diesel(sql_type = diesel::sql_types::Text)]
    datname: String,
}

/// Drops the test databases of runs that were killed before they could drop their own.
pub async fn sweep(conn: &mut AsyncPgConnection) {
    use diesel_async::RunQueryDsl;
    let names: Vec<Named> = diesel::sql_query(
        "SELECT datname::text AS datname FROM pg_database WHERE datname LIKE 'factdesk\\_test\\_%'",
    )
    .load(conn)
    .await
    .unwrap();
    for Named { datname } in names.into_iter().filter(|n| left_behind(&n.datname)) {
        let dropped = conn
            .batch_execute(&format!("DROP DATABASE IF EXISTS {datname} WITH (FORCE)"))
            .await;
        if let Err(error) = dropped {
            eprintln!("could not drop {datname}, left by an earlier run: {error}");
        }
    }
}

/// Creates and migrates the template once; an advisory lock keeps concurrent test runs apart.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let mut conn = admin().await;
            conn.batch_execute("SELECT pg_advisory_lock(7034)")
                .await
                .unwrap();
            sweep(&mut conn).await;
            let ready: Vec<i32> = {
                use diesel_async::RunQueryDsl;
                diesel::sql_query(
                    "SELECT 1 AS one FROM pg_database WHERE datname = $1 AND datistemplate",
                )
                .bind::<diesel::sql_types::Text, _>(&name)
                .load::<One>(&mut conn)
                .await
                .unwrap()
                .into_iter()
                .map(|row| row.one)
                .collect()
            };
            if ready.is_empty() {
                // A run that died half-way may have left an unfinished template behind.
                conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .unwrap();
                conn.batch_execute(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                factdesk::store::database::migrate(&database_url(&name))
                    .await
                    .unwrap();
                conn.batch_execute(&format!("ALTER DATABASE {name} WITH IS_TEMPLATE true"))
                    .await
                    .unwrap();
            }
            conn.batch_execute("SELECT pg_advisory_unlock(7034)")
                .await
                .unwrap();
            name
        })
        .await
}

#[derive(diesel::QueryableByName)]
struct One {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    one: i32,
}

/// A database of the test's own, dropped when the test ends (pass or fail).
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let template = template().await;
        let name = test_database_name();
        admin()
            .await
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .await
            .unwrap();
        TestDb {
            url: database_url(&name),
            name,
        }
    }

    /// A direct connection, for looking behind the API's back.
    pub async fn conn(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.url).await.unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop cannot await, and may run inside the test's runtime: use a thread of its own.
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async move { admin().await.batch_execute(&statement).await })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

pub struct TestApp {
    pub client: Client,
    pub db: TestDb,
    /// The editor every request acts as unless it says otherwise, and their bearer token.
    pub editor: User,
    pub token: String,
}

/// The one password of every test user (hashed once: argon2 is slow on purpose).
pub const PASSWORD: &str = "correct horse battery staple";

fn password_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| factdesk::domain::password::hash(PASSWORD))
}

/// The app on a fresh, migrated, empty database.
pub async fn spawn_app() -> TestApp {
    let db = TestDb::new().await;
    let config = Config::from_env()
        .unwrap()
        .with_database_url(&db.url)
        .unwrap();
    let client = Client::tracked(factdesk::rocket(config))
        .await
        .expect("a valid rocket");
    let (editor, token) = add_user(&db, Role::Editor).await;
    TestApp {
        client,
        db,
        editor,
        token,
    }
}

/// A user of `role` (named after it) with an API token.
pub async fn add_user(db: &TestDb, role: Role) -> (User, String) {
    let tag = Uuid::new_v4().simple().to_string();
    add_user_with_email(db, role, &format!("{role}-{tag}@factdesk.test")).await
}

/// A user of `role` with the email given, and their bearer token.
pub async fn add_user_with_email(db: &TestDb, role: Role, email: &str) -> (User, String) {
    add_user_at(&db.url, role, email).await
}

/// A user of `role` with the email given, and their bearer token, in the database at `url`
/// (one that is not a [`TestDb`], such as on a cluster a test runs itself).
pub async fn add_user_at(url: &str, role: Role, email: &str) -> (User, String) {
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    let tag = Uuid::new_v4().simple().to_string();
    let new = NewUser {
        name: format!("{} {}", role.label(), &tag[..6]),
        email: email.to_owned(),
        role,
        password_hash: password_hash().to_owned(),
    };
    let user = factdesk::store::users::add(&mut conn, &new).await.unwrap();
    let issued = credentials::issue(&mut conn, user.id, credentials::Kind::ApiToken)
        .await
        .unwrap();
    (user, issued.secret)
}

/// The app with one short piece and one claim on it; returns the claim's id too.
pub async fn spawn_app_with_claim() -> (TestApp, String) {
    let app = spawn_app().await;
    let piece = app
        .create_piece("The adviser said the strike was lawful.")
        .await;
    let (claim, _) = app.create_claim(&piece, "the strike was lawful").await;
    (app, claim)
}

/// The app with the demo piece loaded; returns the demo piece's id too.
pub async fn spawn_app_with_demo() -> (TestApp, factdesk::store::ids::PieceId) {
    let app = spawn_app().await;
    let piece = factdesk::store::demo::reload(&mut app.db.conn().await, false)
        .await
        .unwrap();
    (app, piece)
}

/// A response read whole: status, headers of interest, and JSON body (Null when empty). The one
/// reader of the tests' answers.
#[derive(Debug)]
pub struct Answer {
    pub status: Status,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub location: Option<String>,
    pub www_authenticate: Option<String>,
    pub retry_after: Option<String>,
    pub body: Value,
}

impl Answer {
    pub async fn read(response: LocalResponse<'_>) -> Answer {
        let status = response.status();
        let header = |name: &str| response.headers().get_one(name).map(str::to_owned);
        let (content_type, etag, location) =
            (header("Content-Type"), header("ETag"), header("Location"));
        let (www_authenticate, retry_after) = (header("WWW-Authenticate"), header("Retry-After"));
        let text = response.into_string().await.unwrap_or_default();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer {
            status,
            content_type,
            etag,
            location,
            www_authenticate,
            retry_after,
            body,
        }
    }

    /// Asserts an RFC 9457 problem with this status, and returns its detail.
    #[track_caller]
    pub fn assert_problem(&self, status: u16) -> &str {
        assert_eq!(self.status.code, status, "expected {status}, got {self:#?}");
        assert_eq!(
            self.content_type.as_deref(),
            Some("application/problem+json"),
            "{self:#?}"
        );
        assert_eq!(self.body["status"], status, "{self:#?}");
        for key in ["type", "title", "detail"] {
            assert!(
                self.body[key].as_str().is_some_and(|s| !s.is_empty()),
                "problem without {key}: {self:#?}"
            );
        }
        self.body["detail"].as_str().unwrap()
    }

    /// The field names listed in a 422's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| e["field"].as_str().unwrap().to_owned())
            .collect()
    }
}

impl TestApp {
    /// A user of `role` with an API token, in this app's database.
    pub async fn user(&self, role: Role) -> (User, String) {
        add_user(&self.db, role).await
    }

    /// Any request: `token` None sends no Authorization header at all.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        if_match: Option<&str>,
        body: Option<String>,
    ) -> Answer {
        let mut request = self.client.req(method, path.to_owned());
        if let Some(token) = token {
            request = request.header(Header::new("Authorization", format!("Bearer {token}")));
        }
        if let Some(tag) = if_match {
            request = request.header(Header::new("If-Match", tag.to_owned()));
        }
        if let Some(body) = body {
            request = request.header(ContentType::JSON).body(body);
        }
        Answer::read(request.dispatch().await).await
    }

    /// A claim's history as the API serves it, oldest first.
    pub async fn claim_history(&self, claim: &str) -> Vec<Value> {
        self.history(&format!("/api/v1/claims/{claim}/history"))
            .await
    }

    /// A piece's history of edits as the API serves it, oldest first.
    pub async fn piece_history(&self, piece: &str) -> Vec<Value> {
        self.history(&format!("/api/v1/pieces/{piece}/history"))
            .await
    }

    async fn history(&self, path: &str) -> Vec<Value> {
        let answer = self.get(path).await;
        assert_eq!(answer.status, Status::Ok, "{answer:#?}");
        answer.body.as_array().unwrap().clone()
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::Get, path, Some(&self.token), None, None)
            .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.post_raw(path, &body.to_string()).await
    }

    pub async fn post_raw(&self, path: &str, body: &str) -> Answer {
        self.send(
            Method::Post,
            path,
            Some(&self.token),
            None,
            Some(body.to_owned()),
        )
        .await
    }

    /// PATCH with an optional If-Match header.
    pub async fn patch(&self, path: &str, if_match: Option<&str>, body: &Value) -> Answer {
        self.send(
            Method::Patch,
            path,
            Some(&self.token),
            if_match,
            Some(body.to_string()),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::Delete, path, Some(&self.token), None, None)
            .await
    }

    /// Creates a piece with `body` and a sentence of its own after it as its text, for tests that
    /// need several pieces of the same words (a desk refuses the same text twice); returns its id.
    pub async fn create_another_piece(&self, body: &str) -> String {
        let tag = Uuid::new_v4().simple().to_string();
        self.create_piece(&format!("{body}\n\nFiled as {}.", &tag[..8]))
            .await
    }

    /// Creates a piece with `body` as its text; returns its id.
    pub async fn create_piece(&self, body: &str) -> String {
        let answer = self
            .post("/api/v1/pieces", &serde_json::json!({ "title": "A test piece", "body": body, "published_at": "2020-01-13" }))
            .await;
        assert_eq!(answer.status, Status::Created, "{answer:#?}");
        answer.body["id"].as_str().unwrap().to_owned()
    }

    /// Creates a claim on `piece` quoting `quote`; returns (claim id, ETag).
    pub async fn create_claim(&self, piece: &str, quote: &str) -> (String, String) {
        let answer = self
            .post(
                &format!("/api/v1/pieces/{piece}/claims"),
                &serde_json::json!({ "quote": quote }),
            )
            .await;
        assert_eq!(answer.status, Status::Created, "{answer:#?}");
        (
            answer.body["id"].as_str().unwrap().to_owned(),
            answer.etag.unwrap(),
        )
    }

    /// Adds an evidence link with `stance` to a claim, at an address of its own (a claim refuses
    /// the same address twice); returns its id.
    pub async fn add_evidence(&self, claim: &str, stance: &str) -> String {
        let tag = Uuid::new_v4().simple().to_string();
        let url = format!("https://www.state.gov/briefings/{}/", &tag[..8]);
        let body = serde_json::json!({ "url": url, "title": "A source", "stance": stance });
        let answer = self
            .post(&format!("/api/v1/claims/{claim}/evidence"), &body)
            .await;
        assert_eq!(answer.status, Status::Created, "{answer:#?}");
        answer.body["id"].as_str().unwrap().to_owned()
    }

    /// Changes `claim` through the API as the desk's editor, at the version it is at now; the
    /// change must be taken. Returns the claim's new ETag.
    pub async fn change_claim(&self, claim: &str, changes: &Value) -> String {
        let path = format!("/api/v1/claims/{claim}");
        let seen = self.get(&path).await.etag;
        let answer = self.patch(&path, seen.as_deref(), changes).await;
        assert_eq!(answer.status, Status::Ok, "{answer:#?}");
        answer.etag.expect("a changed claim has an ETag")
    }

    /// Gives `claim` a verdict (`changes` holds its status and reason, and any wording) after
    /// adding the evidence link a verdict needs; returns the claim's new ETag.
    pub async fn give_verdict(&self, claim: &str, changes: &Value) -> String {
        self.add_evidence(claim, "supports").await;
        self.change_claim(claim, changes).await
    }

    /// Signs `claim`'s verdict off as a new reviewer (the two-person rule: not the editor who set
    /// it), with `note` if any; returns the reviewer's token.
    pub async fn sign_off_as_a_reviewer(&self, claim: &str, note: Option<&str>) -> String {
        let (_, reviewer) = self.user(Role::Reviewer).await;
        let path = format!("/api/v1/claims/{claim}");
        let seen = self.get(&path).await.etag;
        let body = match note {
            Some(note) => serde_json::json!({ "note": note }),
            None => serde_json::json!({}),
        };
        let answer = self
            .send(
                Method::Post,
                &format!("{path}/signoff"),
                Some(&reviewer),
                seen.as_deref(),
                Some(body.to_string()),
            )
            .await;
        assert_eq!(answer.status, Status::Ok, "{answer:#?}");
        reviewer
    }

    /// Rows in a table, counted behind the API's back (to prove a refused request wrote nothing).
    pub async fn count(&self, table: &str) -> i64 {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let query = format!("SELECT count(*) AS n FROM {table}");
        diesel::sql_query(query)
            .get_result::<Count>(&mut self.db.conn().await)
            .await
            .unwrap()
            .n
    }
}
