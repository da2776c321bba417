//! Accounts on the API: signing in for a token and out again, the sign-in throttle, the
//! two-person rule on verdicts, and what each role may do.
use crate::support::{Answer, PASSWORD, TestApp, add_user_with_email, spawn_app};
use chrono::{DateTime, Duration, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Binary, Text};
use diesel_async::RunQueryDsl;
use factdesk::domain::roles::Role;
use factdesk::store::users::User;
use rocket::http::{ContentType, Header, Method, Status};
use serde_json::{Value, json};

const UNKNOWN: &str = "6f1c2a36-52a4-4c1e-9d7b-3f0c6c1d2e90";
const SYSTEM_USER: &str = "00000000-0000-0000-0000-000000000000";
const HERE: &str = "10.1.2.3:5000";
const THERE: &str = "10.9.8.7:5000";

// ---------------------------------------------------------------------------------------------
// Requests with any Authorization header, from any address

/// A request with `authorization` as the raw Authorization header (None: no header at all).
async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    authorization: Option<&str>,
    body: Option<&Value>,
) -> Answer {
    let mut request = app.client.req(method, path.to_owned());
    if let Some(value) = authorization {
        request = request.header(Header::new("Authorization", value.to_owned()));
    }
    if let Some(body) = body {
        request = request.header(ContentType::JSON).body(body.to_string());
    }
    Answer::read(request.dispatch().await).await
}

/// POST /api/v1/tokens from `address`.
async fn sign_in_from(app: &TestApp, address: &str, email: &str, password: &str) -> Answer {
    let request = app
        .client
        .post("/api/v1/tokens")
        .remote(address.parse().unwrap())
        .header(ContentType::JSON)
        .body(json!({ "email": email, "password": password }).to_string());
    Answer::read(request.dispatch().await).await
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> Answer {
    sign_in_from(app, HERE, email, password).await
}

/// Asserts a 401 problem that says how to authenticate, and returns its detail.
#[track_caller]
fn assert_unauthorized(reply: &Answer) -> String {
    let detail = reply.assert_problem(401).to_owned();
    assert_eq!(
        reply.www_authenticate.as_deref(),
        Some("Bearer realm=\"factdesk\""),
        "{reply:#?}"
    );
    assert!(reply.body.get("token").is_none(), "{reply:#?}");
    detail
}

/// Asserts a 429 problem whose Retry-After is a whole number of seconds within the window.
#[track_caller]
fn assert_throttled(reply: &Answer) {
    reply.assert_problem(429);
    let seconds: u64 = reply
        .retry_after
        .as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("Retry-After is not a number of seconds: {reply:#?}"));
    assert!((1..=60).contains(&seconds), "{reply:#?}");
    assert!(reply.body.get("token").is_none(), "{reply:#?}");
}

/// The user as the API shows it.
fn shown(user: &User) -> Value {
    json!({ "id": user.id, "name": user.name, "email": user.email, "role": user.role })
}

async fn me(app: &TestApp, token: &str) -> Answer {
    app.send(Method::Get, "/api/v1/users/me", Some(token), None, None)
        .await
}

async fn disable(app: &TestApp, user: &User) {
    factdesk::store::users::set_disabled(&mut app.db.conn().await, &user.email, true)
        .await
        .unwrap();
}

#[derive(QueryableByName)]
struct Rows {
    #[diesel(sql_type = Text)]
    counts: String,
}

/// Row counts of every table a request could write to, to prove a refusal wrote nothing.
async fn rows(app: &TestApp) -> String {
    let query = [
        "users",
        "credentials",
        "pieces",
        "claims",
        "evidence",
        "notes",
        "events",
    ]
    .map(|table| format!("{table} ' || (SELECT count(*) FROM {table})"))
    .join(" || ', ");
    diesel::sql_query(format!("SELECT '{query} AS counts"))
        .get_result::<Rows>(&mut app.db.conn().await)
        .await
        .unwrap()
        .counts
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[rocket::async_test]
async fn signing_in_answers_a_token_good_for_30_days_with_the_user_and_the_token_works() {
    let app = spawn_app().await;
    let (reviewer, _) = app.user(Role::Reviewer).await;

    let reply = sign_in(&app, &reviewer.email, PASSWORD).await;

    let answer = &reply;
    assert_eq!(answer.status, Status::Created, "{reply:#?}");
    assert_eq!(answer.location.as_deref(), Some("/api/v1/tokens/current"));
    for (field, value) in shown(&reviewer).as_object().unwrap() {
        assert_eq!(&answer.body["user"][field], value, "{field}");
    }
    assert!(
        answer.body["user"].get("password_hash").is_none(),
        "{reply:#?}"
    );
    let expires_at: DateTime<Utc> = answer.body["expires_at"].as_str().unwrap().parse().unwrap();
    let thirty_days = Utc::now() + Duration::days(30);
    assert!(
        (thirty_days - expires_at).num_seconds().abs() < 60,
        "expires {expires_at}, not about {thirty_days}"
    );
    let token = answer.body["token"].as_str().unwrap();
    assert!(token.len() >= 32, "a guessable token: {token}");
    let me = me(&app, token).await;
    assert_eq!(me.status, Status::Ok, "{me:#?}");
    assert_eq!(me.body, answer.body["user"]);
}

#[rocket::async_test]
async fn the_email_signs_in_whatever_its_case() {
    let app = spawn_app().await;
    let email = app.editor.email.clone();
    let capitalised = email[..1].to_uppercase() + &email[1..];
    for typed in [email.to_uppercase(), capitalised] {
        let reply = sign_in(&app, &typed, PASSWORD).await;
        assert_eq!(reply.status, Status::Created, "{typed}: {reply:#?}");
        assert_eq!(reply.body["user"]["id"], json!(app.editor.id));
    }
}

#[rocket::async_test]
async fn a_wrong_password_an_unknown_email_and_a_disabled_user_are_refused_alike() {
    let app = spawn_app().await;
    let (disabled, _) = app.user(Role::Editor).await;
    disable(&app, &disabled).await;
    let cases = [
        (
            "a wrong password",
            app.editor.email.as_str(),
            "not the password",
        ),
        ("an unknown email", "nobody@factdesk.test", PASSWORD),
        ("a disabled user", disabled.email.as_str(), PASSWORD),
    ];
    let mut details = Vec::new();
    for (case, email, password) in cases {
        let before = rows(&app).await;
        let reply = sign_in(&app, email, password).await;
        details.push(assert_unauthorized(&reply));
        assert_eq!(rows(&app).await, before, "{case} was refused but wrote");
    }
    assert!(
        details.iter().all(|detail| *detail == details[0]),
        "the refusals tell the cases apart: {details:#?}"
    );
}

#[rocket::async_test]
async fn signing_out_revokes_the_token_at_once() {
    let app = spawn_app().await;
    let (_, token) = app.user(Role::Reviewer).await;
    assert_eq!(me(&app, &token).await.status, Status::Ok);

    let out = app
        .send(
            Method::Delete,
            "/api/v1/tokens/current",
            Some(&token),
            None,
            None,
        )
        .await;

    assert_eq!(
        (out.status, &out.body),
        (Status::NoContent, &Value::Null),
        "{out:#?}"
    );
    let bearer = format!("Bearer {token}");
    let after = raw(&app, Method::Get, "/api/v1/users/me", Some(&bearer), None).await;
    assert_unauthorized(&after);
    let again = raw(
        &app,
        Method::Delete,
        "/api/v1/tokens/current",
        Some(&bearer),
        None,
    )
    .await;
    assert_unauthorized(&again);
    assert_eq!(
        me(&app, &app.token).await.status,
        Status::Ok,
        "other tokens live on"
    );
}

#[rocket::async_test]
async fn a_missing_malformed_or_unknown_credential_is_401_with_www_authenticate_and_writes_nothing()
{
    let app = spawn_app().await;
    let piece = json!({ "title": "A piece", "body": "Crime fell.", "published_at": "2020-01-13" });
    let basic = format!("Basic {}", "ZWRpdG9yOnBhc3N3b3Jk");
    let cases = [
        None,
        Some("Bearer 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        Some("Bearer not a token at all"),
        Some(basic.as_str()),
        Some("Bearer"),
        Some("Bearer "),
        Some("Bearer    "),
        Some(app.token.as_str()),
    ];
    for authorization in cases {
        for (method, path, body) in [
            (Method::Get, "/api/v1/users/me", None),
            (Method::Get, "/api/v1/pieces", None),
            (Method::Post, "/api/v1/pieces", Some(&piece)),
        ] {
            let before = rows(&app).await;
            let reply = raw(&app, method, path, authorization, body).await;
            assert_unauthorized(&reply);
            assert_eq!(
                rows(&app).await,
                before,
                "{method} {path} as {authorization:?} was refused but wrote"
            );
        }
    }
}

#[rocket::async_test]
async fn disabling_a_user_stops_their_token_at_once() {
    let app = spawn_app().await;
    let (editor, token) = app.user(Role::Editor).await;
    assert_eq!(me(&app, &token).await.status, Status::Ok);

    disable(&app, &editor).await;

    let bearer = format!("Bearer {token}");
    assert_unauthorized(&raw(&app, Method::Get, "/api/v1/users/me", Some(&bearer), None).await);
    assert_eq!(
        me(&app, &app.token).await.status,
        Status::Ok,
        "others live on"
    );
}

#[derive(QueryableByName)]
struct Stored {
    #[diesel(sql_type = BigInt)]
    rows: i64,
    #[diesel(sql_type = BigInt)]
    plain: i64,
    #[diesel(sql_type = BigInt)]
    hashed: i64,
}

#[rocket::async_test]
async fn tokens_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let reply = sign_in(&app, &app.editor.email, PASSWORD).await;
    assert_eq!(reply.status, Status::Created, "{reply:#?}");
    let token = reply.body["token"].as_str().unwrap();

    // `plain`: a row holding the token's text as its hash, or anywhere in any column (the row
    // as text shows a bytea as hex, so raw bytes whose hex is the token count too).
    let stored: Stored = diesel::sql_query(
        "SELECT count(*) AS rows,
                count(*) FILTER (WHERE c.secret_hash = $1
                                    OR position($1 IN c.secret_hash) > 0
                                    OR position($2 IN c::text) > 0) AS plain,
                count(*) FILTER (WHERE c.secret_hash = sha256($1)) AS hashed
         FROM credentials c",
    )
    .bind::<Binary, _>(token.as_bytes().to_vec())
    .bind::<Text, _>(token)
    .get_result(&mut app.db.conn().await)
    .await
    .unwrap();

    assert_eq!(
        (stored.rows, stored.plain, stored.hashed),
        (2, 0, 1),
        "two tokens (the kit's and this one): only this one's SHA-256 is kept"
    );
}

// ---------------------------------------------------------------------------------------------
// The sign-in throttle

#[rocket::async_test]
async fn ten_wrong_passwords_for_one_email_hold_off_the_eleventh_attempt_even_with_the_right_one() {
    let app = spawn_app().await;
    let email = app.editor.email.clone();
    for attempt in 1..=10 {
        let reply = sign_in(&app, &email, &format!("wrong password {attempt}")).await;
        assert_unauthorized(&reply);
    }

    let before = rows(&app).await;
    let held_off = sign_in(&app, &email, PASSWORD).await;
    assert_throttled(&held_off);
    assert_eq!(
        rows(&app).await,
        before,
        "a held-off sign-in issued a token"
    );
    // The account is held off from every address, in any case.
    assert_throttled(&sign_in_from(&app, THERE, &email.to_uppercase(), PASSWORD).await);

    let (other, _) = app.user(Role::Reviewer).await;
    let unaffected = sign_in_from(&app, THERE, &other.email, PASSWORD).await;
    assert_eq!(unaffected.status, Status::Created, "{unaffected:#?}");
}

#[rocket::async_test]
async fn ten_wrong_passwords_under_ten_spellings_of_one_email_are_ten_tries_of_one_account() {
    let app = spawn_app().await;
    let email = "iiii@factdesk.test";
    add_user_with_email(&app.db, Role::Editor, email).await;
    // Postgres's lower() finds the account under each spelling (U+0130 folds to `i`), where
    // Rust's to_lowercase() makes `i` + U+0307 of it: a different throttle key for each.
    let spelling = |n: usize| -> String {
        let local: String = (0..4)
            .map(|bit| if n >> bit & 1 == 1 { 'İ' } else { 'i' })
            .collect();
        format!("{local}@factdesk.test")
    };
    let signed_in = sign_in_from(&app, "10.0.0.99:5000", &spelling(15), PASSWORD).await;
    assert_eq!(signed_in.status, Status::Created, "{signed_in:#?}");
    for n in 0..10 {
        // From ten addresses, so only the account's count can hold the last one off.
        let address = format!("10.0.1.{n}:5000");
        let reply = sign_in_from(&app, &address, &spelling(n), "a wrong password").await;
        assert_unauthorized(&reply);
    }
    let held_off = sign_in_from(&app, "10.0.2.1:5000", &spelling(12), PASSWORD).await;
    assert_throttled(&held_off);
    assert_throttled(&sign_in_from(&app, "10.0.2.2:5000", email, PASSWORD).await);
}

#[rocket::async_test]
async fn ten_failures_from_one_address_hold_off_that_address_whichever_email_it_tries_next() {
    let app = spawn_app().await;
    let emails: Vec<String> = (0..10)
        .map(|i| format!("guess-{i}@factdesk.test"))
        .collect();
    for email in &emails {
        assert_unauthorized(&sign_in_from(&app, HERE, email, "a guess at it").await);
    }

    let before = rows(&app).await;
    let held_off = sign_in_from(&app, HERE, &app.editor.email, PASSWORD).await;
    assert_throttled(&held_off);
    assert_eq!(
        rows(&app).await,
        before,
        "a held-off sign-in issued a token"
    );

    // Elsewhere, the account signs in, and each of those emails, having failed only once, is
    // refused for its password, not held off.
    let elsewhere = sign_in_from(&app, THERE, &app.editor.email, PASSWORD).await;
    assert_eq!(elsewhere.status, Status::Created, "{elsewhere:#?}");
    for email in &emails {
        assert_unauthorized(&sign_in_from(&app, THERE, email, "a guess at it").await);
    }
}

#[rocket::async_test]
async fn attempts_sent_all_at_once_are_counted_one_by_one() {
    let app = spawn_app().await;
    let email = app.editor.email.clone();
    let attempts = (0..30).map(|_| sign_in(&app, &email, "a guess at it"));
    let replies = rocket::futures::future::join_all(attempts).await;
    let refused = replies
        .iter()
        .filter(|r| r.status == Status::Unauthorized)
        .count();
    let held_off: Vec<&Answer> = replies
        .iter()
        .filter(|r| r.status == Status::TooManyRequests)
        .collect();
    // An attempt that finds another under way is held off at once rather than queued: however
    // they interleave, no more than the limit are ever looked at, and none gets past it.
    assert!(
        (1..=10).contains(&refused),
        "{refused} refused: {replies:#?}"
    );
    assert_eq!(refused + held_off.len(), 30, "{replies:#?}");
    for reply in held_off {
        assert_throttled(reply);
    }
    assert_eq!(app.count("sign_in_failures").await, refused as i64);
}

/// The advisory lock a sign-in for `account` (a user's id) takes, held by someone else until the
/// answer is dropped.
async fn hold_the_account_lock(app: &TestApp, account: &str) -> diesel_async::AsyncPgConnection {
    let mut conn = app.db.conn().await;
    diesel::sql_query("SELECT pg_advisory_lock(hashtext('factdesk sign-in account ' || $1))")
        .bind::<Text, _>(account)
        .execute(&mut conn)
        .await
        .unwrap();
    conn
}

#[rocket::async_test]
async fn a_sign_in_that_finds_another_under_way_for_the_account_is_told_to_retry_in_a_second_not_queued()
 {
    let app = spawn_app().await;
    let email = app.editor.email.clone();
    let account = app.editor.id.to_string();
    let holder = hold_the_account_lock(&app, &account).await;
    let before = rows(&app).await;

    let attempt = sign_in(&app, &email, PASSWORD);
    let reply = rocket::tokio::time::timeout(std::time::Duration::from_secs(10), attempt)
        .await
        .expect("the attempt waited for the lock, holding a pooled connection");

    assert_throttled(&reply);
    assert_eq!(reply.retry_after.as_deref(), Some("1"), "{reply:#?}");
    assert_eq!(rows(&app).await, before, "a held-off sign-in wrote");
    assert_eq!(app.count("sign_in_failures").await, 0, "nor counted");
    // Released explicitly: dropping the connection would free the lock only once the server
    // notices the closed socket, which a quick retry can beat.
    let mut holder = holder;
    diesel::sql_query("SELECT pg_advisory_unlock(hashtext('factdesk sign-in account ' || $1))")
        .bind::<Text, _>(&account)
        .execute(&mut holder)
        .await
        .unwrap();
    let reply = sign_in(&app, &email, PASSWORD).await;
    assert_eq!(reply.status, Status::Created, "{reply:#?}");
}

/// Credentials no account can have: a NUL in the email, an email of kilobytes, a password of 1 MiB.
pub fn impossible_credentials(email: &str) -> Vec<(&'static str, String, String)> {
    vec![
        (
            "a NUL in the email",
            email.replacen('@', "\0@", 1),
            PASSWORD.to_owned(),
        ),
        (
            "a 5,000-character email",
            format!("{}{email}", "a".repeat(5_000 - email.len())),
            PASSWORD.to_owned(),
        ),
        ("a 1 MiB password", email.to_owned(), "a".repeat(1 << 20)),
    ]
}

#[rocket::async_test]
async fn an_impossible_email_or_password_is_refused_like_wrong_credentials_and_writes_nothing() {
    let app = spawn_app().await;
    let expected =
        assert_unauthorized(&sign_in_from(&app, THERE, "nobody@factdesk.test", PASSWORD).await);
    let failures = app.count("sign_in_failures").await;
    for (what, email, password) in impossible_credentials(&app.editor.email) {
        let before = rows(&app).await;

        let reply = sign_in(&app, &email, &password).await;

        assert_eq!(assert_unauthorized(&reply), expected, "{what}: {reply:#?}");
        assert_eq!(rows(&app).await, before, "{what} was refused but wrote");
        assert_eq!(
            app.count("sign_in_failures").await,
            failures,
            "{what}: no database work at all"
        );
    }
}

#[rocket::async_test]
async fn an_impossible_sign_in_is_refused_before_a_database_connection_is_taken() {
    let config = factdesk::Config::from_env()
        .unwrap()
        .with_database_url("postgres://factdesk@127.0.0.1:9/factdesk")
        .unwrap();
    let client = rocket::local::asynchronous::Client::tracked(factdesk::rocket(config))
        .await
        .unwrap();
    let post = |email: &str, password: &str| {
        client
            .post("/api/v1/tokens")
            .remote(HERE.parse().unwrap())
            .header(ContentType::JSON)
            .body(json!({ "email": email, "password": password }).to_string())
    };
    // With no database to be had, a possible sign-in is 503, saying when to try again …
    let possible = Answer::read(post("jane@factdesk.test", PASSWORD).dispatch().await).await;
    possible.assert_problem(503);
    assert_eq!(possible.retry_after.as_deref(), Some("2"), "{possible:#?}");

    // … and an impossible one is refused without trying for a connection.
    for (what, email, password) in impossible_credentials("jane@factdesk.test") {
        let reply = Answer::read(post(&email, &password).dispatch().await).await;
        assert_eq!(reply.status, Status::Unauthorized, "{what}: {reply:#?}");
        assert_unauthorized(&reply);
    }
}

#[rocket::async_test]
async fn a_forged_forwarding_header_does_not_escape_the_address_throttle() {
    let app = spawn_app().await;
    for i in 0..10 {
        let request = app
            .client
            .post("/api/v1/tokens")
            .remote(HERE.parse().unwrap())
            .header(Header::new("X-Real-IP", format!("203.0.113.{i}")))
            .header(ContentType::JSON)
            .body(
                json!({ "email": format!("guess-{i}@factdesk.test"), "password": "a guess" })
                    .to_string(),
            );
        assert_unauthorized(&Answer::read(request.dispatch().await).await);
    }
    assert_throttled(&sign_in_from(&app, HERE, &app.editor.email, PASSWORD).await);
}

#[rocket::async_test]
async fn the_bearer_scheme_is_case_insensitive_and_the_token_is_not() {
    let app = spawn_app().await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let header = format!("{scheme} {}", app.token);
        let reply = raw(&app, Method::Get, "/api/v1/users/me", Some(&header), None).await;
        assert_eq!(reply.status, Status::Ok, "{scheme}: {reply:#?}");
    }
    let header = format!("Bearer {}", app.token.to_uppercase());
    assert_unauthorized(&raw(&app, Method::Get, "/api/v1/users/me", Some(&header), None).await);
}

// ---------------------------------------------------------------------------------------------
// The two-person rule

fn claim_path(claim: &str) -> String {
    format!("/api/v1/claims/{claim}")
}

fn signoff_path(claim: &str) -> String {
    format!("/api/v1/claims/{claim}/signoff")
}

async fn a_claim(app: &TestApp) -> (String, String) {
    let piece = app
        .create_another_piece("The minister said crime fell by a third last year.")
        .await;
    app.create_claim(&piece, "crime fell by a third").await
}

/// A claim that the kit's editor found false (with evidence and a reason); returns its id.
async fn a_verdict(app: &TestApp) -> String {
    let (claim, _) = a_claim(app).await;
    app.add_evidence(&claim, "refutes").await;
    let tag = app.get(&claim_path(&claim)).await.etag;
    let verdict = app
        .patch(
            &claim_path(&claim),
            tag.as_deref(),
            &json!({ "status": "false", "reason": "The ONS says 8%" }),
        )
        .await;
    assert_eq!(verdict.status, Status::Ok, "{verdict:#?}");
    claim
}

/// A sign-off of the claim as it stands now (its current ETag in If-Match).
async fn sign_off(app: &TestApp, claim: &str, token: Option<&str>, body: &Value) -> Answer {
    // An unknown claim has no ETag: any tag will do to reach the 404.
    let seen = app
        .get(&claim_path(claim))
        .await
        .etag
        .unwrap_or_else(|| "\"1\"".into());
    app.send(
        Method::Post,
        &signoff_path(claim),
        token,
        Some(&seen),
        Some(body.to_string()),
    )
    .await
}

/// The claim as served, its ETag, and the row counts: what a refused request must leave alone.
async fn snapshot(app: &TestApp, claim: &str) -> (Value, Option<String>, String) {
    let answer = app.get(&claim_path(claim)).await;
    (answer.body, answer.etag, rows(app).await)
}

/// Sends a sign-off that must be refused with `status`; proves it wrote nothing; returns the detail.
async fn refused_sign_off(app: &TestApp, claim: &str, token: Option<&str>, status: u16) -> String {
    let before = snapshot(app, claim).await;
    let answer = sign_off(app, claim, token, &json!({ "note": "Looks right" })).await;
    let detail = answer.assert_problem(status).to_owned();
    assert_eq!(
        snapshot(app, claim).await,
        before,
        "a refused sign-off ({status}) wrote"
    );
    detail
}

fn is_time(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.parse::<DateTime<Utc>>().is_ok())
}

#[rocket::async_test]
async fn a_verdict_records_who_set_it_and_only_someone_else_can_sign_it_off() {
    let app = spawn_app().await;
    let claim = a_verdict(&app).await;
    let set = app.get(&claim_path(&claim)).await;
    assert_eq!(set.body["verdict_by"], json!(app.editor.id), "{set:#?}");
    assert!(is_time(&set.body["verdict_at"]), "{set:#?}");
    assert_eq!(
        (&set.body["signed_off_by"], &set.body["signed_off_at"]),
        (&Value::Null, &Value::Null)
    );

    refused_sign_off(&app, &claim, None, 401).await;
    let detail = refused_sign_off(&app, &claim, Some(&app.token), 403).await;
    assert!(detail.contains("two-person rule"), "{detail}");

    let (reviewer, token) = app.user(Role::Reviewer).await;
    let note = "Checked the transcript";
    let signed = sign_off(&app, &claim, Some(&token), &json!({ "note": note })).await;

    assert_eq!(signed.status, Status::Ok, "{signed:#?}");
    assert_eq!(signed.body["signed_off_by"], json!(reviewer.id));
    assert!(is_time(&signed.body["signed_off_at"]), "{signed:#?}");
    assert_eq!(signed.body["verdict_by"], json!(app.editor.id));
    let version = set.body["version"].as_i64().unwrap() + 1;
    assert_eq!(signed.body["version"], version);
    assert_eq!(signed.etag, Some(format!("\"{version}\"")));
    assert_eq!(app.get(&claim_path(&claim)).await.body, signed.body);
    let event = app.claim_history(&claim).await.pop().unwrap();
    assert_eq!(
        (&event["kind"], &event["actor"], &event["reason"]),
        (
            &json!("signed_off"),
            &json!({ "id": reviewer.id, "name": reviewer.name }),
            &json!(note)
        )
    );
}

#[rocket::async_test]
async fn a_verdict_is_signed_off_once_only() {
    let app = spawn_app().await;
    let claim = a_verdict(&app).await;
    let (_, first) = app.user(Role::Reviewer).await;
    let (_, second) = app.user(Role::Reviewer).await;
    let signed = sign_off(&app, &claim, Some(&first), &json!({})).await;
    assert_eq!(signed.status, Status::Ok, "{signed:#?}");

    for token in [&first, &second] {
        let detail = refused_sign_off(&app, &claim, Some(token), 409).await;
        assert!(detail.contains("already been signed off"), "{detail}");
    }
}

#[rocket::async_test]
async fn only_a_verdict_can_be_signed_off() {
    let app = spawn_app().await;
    let (_, reviewer) = app.user(Role::Reviewer).await;
    let (unchecked, _) = a_claim(&app).await;
    let (in_progress, tag) = a_claim(&app).await;
    let started = app
        .patch(
            &claim_path(&in_progress),
            Some(&tag),
            &json!({ "status": "in_progress" }),
        )
        .await;
    assert_eq!(started.status, Status::Ok, "{started:#?}");

    for (claim, status) in [(unchecked, "unchecked"), (in_progress, "in_progress")] {
        let detail = refused_sign_off(&app, &claim, Some(&reviewer), 409).await;
        assert!(detail.contains(status), "{detail}");
    }
}

#[rocket::async_test]
async fn reopening_a_signed_off_verdict_clears_it_and_records_the_sign_off_as_void() {
    let app = spawn_app().await;
    let claim = a_verdict(&app).await;
    let (reviewer, token) = app.user(Role::Reviewer).await;
    let signed = sign_off(&app, &claim, Some(&token), &json!({ "note": "Fine" })).await;
    assert_eq!(signed.status, Status::Ok, "{signed:#?}");

    let reason = "A reader sent a newer table";
    let reopened = app
        .patch(
            &claim_path(&claim),
            signed.etag.as_deref(),
            &json!({ "status": "in_progress", "reason": reason }),
        )
        .await;

    assert_eq!(reopened.status, Status::Ok, "{reopened:#?}");
    for field in [
        "verdict_by",
        "verdict_at",
        "signed_off_by",
        "signed_off_at",
        "signoff_note",
    ] {
        assert_eq!(reopened.body[field], Value::Null, "{field}: {reopened:#?}");
    }
    let events = app.claim_history(&claim).await;
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds[kinds.len() - 3..],
        ["signed_off", "status_changed", "signoff_voided"]
    );
    let voided = events.last().unwrap();
    assert_eq!(
        (&voided["actor"]["id"], &voided["from"], &voided["reason"]),
        (&json!(app.editor.id), &json!(reviewer.id), &json!(reason))
    );

    // The next verdict needs a sign-off of its own.
    let again = app
        .patch(
            &claim_path(&claim),
            reopened.etag.as_deref(),
            &json!({ "status": "false", "reason": "Still 8%" }),
        )
        .await;
    assert_eq!(again.status, Status::Ok, "{again:#?}");
    assert_eq!(again.body["signed_off_by"], Value::Null);
    let signed = sign_off(&app, &claim, Some(&token), &json!({})).await;
    assert_eq!(signed.status, Status::Ok, "{signed:#?}");
}

#[rocket::async_test]
async fn signing_off_an_unknown_claim_is_404_and_writes_nothing() {
    let app = spawn_app().await;
    let (_, reviewer) = app.user(Role::Reviewer).await;
    for claim in [UNKNOWN, "not-a-uuid"] {
        let before = rows(&app).await;
        let answer = sign_off(&app, claim, Some(&reviewer), &json!({})).await;
        assert!(answer.assert_problem(404).contains(claim), "{answer:#?}");
        assert_eq!(rows(&app).await, before);
    }
}

// ---------------------------------------------------------------------------------------------
// Roles

#[rocket::async_test]
async fn a_reviewer_can_change_nothing_but_notes_and_each_refusal_names_the_role() {
    let app = spawn_app().await;
    let (claim, _) = a_claim(&app).await;
    let evidence = app.add_evidence(&claim, "supports").await;
    let shown = app.get(&claim_path(&claim)).await;
    let (piece, tag) = (
        shown.body["piece_id"].as_str().unwrap(),
        shown.etag.unwrap(),
    );
    let (reviewer, token) = app.user(Role::Reviewer).await;
    let patch = |body: Value| (Method::Patch, claim_path(&claim), Some(body));
    let cases = [
        patch(json!({ "status": "in_progress" })),
        patch(json!({ "summary": "Crime fell" })),
        patch(json!({ "priority": "high" })),
        patch(json!({ "assignee": reviewer.id })),
        (
            Method::Post,
            "/api/v1/pieces".to_owned(),
            Some(
                json!({ "title": "A piece", "body": "Crime fell.", "published_at": "2020-01-13" }),
            ),
        ),
        (
            Method::Post,
            format!("/api/v1/pieces/{piece}/claims"),
            Some(json!({ "quote": "the minister" })),
        ),
        (
            Method::Post,
            format!("/api/v1/claims/{claim}/evidence"),
            Some(json!({ "url": "https://www.ons.gov.uk/", "title": "ONS", "stance": "refutes" })),
        ),
        (Method::Delete, format!("/api/v1/evidence/{evidence}"), None),
        (Method::Get, "/api/v1/users".to_owned(), None),
        (
            Method::Post,
            "/api/v1/users".to_owned(),
            Some(
                json!({ "name": "Pat", "email": "pat@factdesk.test", "role": "admin", "password": PASSWORD }),
            ),
        ),
    ];
    for (method, path, body) in cases {
        let before = snapshot(&app, &claim).await;
        let if_match = (method == Method::Patch).then_some(tag.as_str());
        let answer = app
            .send(
                method,
                &path,
                Some(&token),
                if_match,
                body.as_ref().map(Value::to_string),
            )
            .await;
        let detail = answer.assert_problem(403);
        assert!(detail.contains("reviewer"), "{method} {path}: {detail}");
        assert_eq!(
            snapshot(&app, &claim).await,
            before,
            "{method} {path} {body:?} was refused but wrote"
        );
        // The role is what is wrong: the same route with broken JSON and no If-Match is 403 too.
        if body.is_some() {
            let broken = app
                .send(
                    method,
                    &path,
                    Some(&token),
                    None,
                    Some("{\"status\": ".into()),
                )
                .await;
            assert!(
                broken.assert_problem(403).contains("reviewer"),
                "{method} {path}"
            );
        }
    }
}

#[rocket::async_test]
async fn a_reviewer_reads_the_desk_and_adds_notes_in_their_own_name() {
    let app = spawn_app().await;
    let (claim, _) = a_claim(&app).await;
    let (reviewer, token) = app.user(Role::Reviewer).await;
    for path in [
        claim_path(&claim),
        "/api/v1/pieces".to_owned(),
        "/api/v1/claims".to_owned(),
    ] {
        let answer = app.send(Method::Get, &path, Some(&token), None, None).await;
        assert_eq!(answer.status, Status::Ok, "{path}: {answer:#?}");
    }

    let note = app
        .send(
            Method::Post,
            &format!("/api/v1/claims/{claim}/notes"),
            Some(&token),
            None,
            Some(json!({ "body": "The transcript agrees." }).to_string()),
        )
        .await;

    assert_eq!(note.status, Status::Created, "{note:#?}");
    assert_eq!(
        note.body["author"],
        json!({ "id": reviewer.id, "name": reviewer.name })
    );
    let event = app.claim_history(&claim).await.pop().unwrap();
    assert_eq!(
        (&event["kind"], &event["actor"]["id"]),
        (&json!("note_added"), &json!(reviewer.id))
    );
}

#[rocket::async_test]
async fn only_an_admin_lists_the_users() {
    let app = spawn_app().await;
    let refused = app.get("/api/v1/users").await;
    assert!(
        refused.assert_problem(403).contains("editor"),
        "{refused:#?}"
    );

    let (admin, token) = app.user(Role::Admin).await;
    let listed = app
        .send(Method::Get, "/api/v1/users", Some(&token), None, None)
        .await;

    assert_eq!(listed.status, Status::Ok, "{listed:#?}");
    let users = listed.body.as_array().unwrap();
    let mut ids: Vec<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    let (editor_id, admin_id) = (app.editor.id.to_string(), admin.id.to_string());
    let mut expected = vec![editor_id.as_str(), admin_id.as_str()];
    expected.sort_unstable();
    assert_eq!(ids, expected, "System is not a user to list: {users:#?}");
    for user in users {
        assert!(user.get("password_hash").is_none(), "{user:#?}");
        assert_ne!(user["id"], SYSTEM_USER);
    }
}

fn new_user(email: &str, role: &str, password: &str) -> Value {
    json!({ "name": "Pat Doe", "email": email, "role": role, "password": password })
}

#[rocket::async_test]
async fn an_admin_adds_a_user_who_can_then_sign_in() {
    let app = spawn_app().await;
    let (_, admin) = app.user(Role::Admin).await;
    let sent = new_user("pat@factdesk.test", "reviewer", "a long enough password");

    let editor_tries = app.post("/api/v1/users", &sent).await;
    assert!(editor_tries.assert_problem(403).contains("editor"));
    let added = app
        .send(
            Method::Post,
            "/api/v1/users",
            Some(&admin),
            None,
            Some(sent.to_string()),
        )
        .await;

    assert_eq!(added.status, Status::Created, "{added:#?}");
    for field in ["name", "email", "role"] {
        assert_eq!(added.body[field], sent[field], "{field}");
    }
    assert_eq!(added.body["disabled"], false);
    assert!(added.body.get("password").is_none() && added.body.get("password_hash").is_none());
    let reply = sign_in(&app, "pat@factdesk.test", "a long enough password").await;
    assert_eq!(reply.status, Status::Created, "{reply:#?}");
    assert_eq!(reply.body["user"]["id"], added.body["id"]);
}

#[rocket::async_test]
async fn an_admin_is_refused_a_taken_email_a_short_password_or_an_unknown_role_naming_the_field() {
    let app = spawn_app().await;
    let (_, admin) = app.user(Role::Admin).await;
    let taken = app.editor.email.to_uppercase();
    let cases = [
        (new_user(&taken, "editor", PASSWORD), "email"),
        (
            new_user("pat@factdesk.test", "editor", "too short"),
            "password",
        ),
        (new_user("pat@factdesk.test", "owner", PASSWORD), "role"),
    ];
    for (body, field) in cases {
        let before = rows(&app).await;
        let answer = app
            .send(
                Method::Post,
                "/api/v1/users",
                Some(&admin),
                None,
                Some(body.to_string()),
            )
            .await;
        answer.assert_problem(422);
        assert_eq!(answer.error_fields(), [field], "{body}: {answer:#?}");
        assert_eq!(rows(&app).await, before, "{body} was refused but wrote");
    }
}
