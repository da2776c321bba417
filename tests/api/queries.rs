//! Each page sends a fixed number of SQL statements, whatever it shows (issue 4): every page, and
//! the claim page's forms, are counted once on a desk with one piece and one claim and again on
//! a desk with several pieces, sixty claims, people, notes, evidence and a long history. A query
//! in a loop over claims, notes, evidence or events would make the two counts differ.
//!
//! The count is the app's own `QueryCount`, fed by diesel's instrumentation on every pooled
//! connection; the answers are read by the same local client, one request at a time, so nothing
//! else runs between the two readings.
use crate::support::html::tags;
use crate::support::{PASSWORD, TestApp, add_user, spawn_app};
use chrono::{Duration, Utc};
use factdesk::domain::claimreview::ClaimantKind;
use factdesk::domain::roles::Role;
use factdesk::domain::workflow::{Priority, Stance, Status as ClaimStatus};
use factdesk::store::Conn;
use factdesk::store::claims::{self, ClaimChanges, NewClaim};
use factdesk::store::database::QueryCount;
use factdesk::store::evidence::{self, NewEvidence};
use factdesk::store::ids::{ClaimId, PieceId, UserId};
use factdesk::store::listing::Cursor;
use factdesk::store::notes;
use factdesk::store::pieces::{self, NewPiece};
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::LocalRequest;
use uuid::Uuid;

/// Sentences in the main piece: room for every claim the large desk anchors in it.
const SENTENCES: usize = 70;

fn sentence(i: usize) -> String {
    format!("Sentence {i} says the rate rose by {i} percent. ")
}

/// A quote found exactly once in a piece of `sentence`s.
fn quote(i: usize) -> String {
    format!("Sentence {i} says")
}

fn body(sentences: usize) -> String {
    (0..sentences).map(sentence).collect()
}

/// The app's statement count (the one the pool feeds).
fn counter(app: &TestApp) -> QueryCount {
    app.client
        .rocket()
        .state::<QueryCount>()
        .expect("the app manages its QueryCount")
        .clone()
}

/// The statements sent while `request` was answered, its status and its body.
async fn counted(queries: &QueryCount, request: LocalRequest<'_>) -> (u64, Status, String) {
    let before = queries.get();
    let response = request.dispatch().await;
    let sent = queries.get() - before;
    let status = response.status();
    (
        sent,
        status,
        response.into_string().await.unwrap_or_default(),
    )
}

fn form(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

fn csrf_token(html: &str) -> String {
    tags(html)
        .into_iter()
        .find(|tag| tag.name == "input" && tag.attribute("name") == Some("csrf_token"))
        .and_then(|tag| tag.attribute("value").map(str::to_owned))
        .expect("the page carries a csrf_token")
}

/// Signs the app's editor in through the form; the tracked client keeps the cookies.
async fn sign_in(app: &TestApp) {
    let login = app.client.get("/login").dispatch().await;
    let token = csrf_token(&login.into_string().await.unwrap());
    let fields = [
        ("email", app.editor.email.as_str()),
        ("password", PASSWORD),
        ("csrf_token", &token),
    ];
    let answer = app
        .client
        .post("/login")
        .header(ContentType::Form)
        .body(form(&fields))
        .dispatch()
        .await;
    assert_eq!(answer.status(), Status::SeeOther, "sign-in");
}

async fn add_piece(conn: &mut Conn, actor: UserId, title: &str, sentences: usize) -> PieceId {
    let new = NewPiece {
        title: title.to_owned(),
        outlet: Some("The Daily Test".into()),
        url: None,
        authors: vec!["A. Writer".into()],
        published_at: Utc::now() - Duration::days(3),
        // The title too: a desk refuses a piece whose text it already holds.
        body: format!("{title}. {}", body(sentences)),
    };
    pieces::create(conn, actor, &new).await.unwrap().piece.id
}

/// A claim quoting sentence `i` of `piece`: its id and version.
async fn add_claim(conn: &mut Conn, actor: UserId, piece: PieceId, i: usize) -> (ClaimId, i32) {
    let new = NewClaim {
        quote: quote(i),
        start: None,
        claimant: format!("Minister {i}"),
        claimant_kind: ClaimantKind::Person,
        summary: String::new(),
        priority: Priority::ALL[i % Priority::ALL.len()],
    };
    let claim = claims::create(conn, actor, piece, &new).await.unwrap();
    (claim.id, claim.version)
}

/// Applies `changes` to a claim at `version`; its new version.
async fn change(
    conn: &mut Conn,
    actor: UserId,
    claim: ClaimId,
    version: i32,
    changes: ClaimChanges,
) -> i32 {
    claims::update(conn, actor, claim, &[version], &changes)
        .await
        .unwrap()
        .claim
        .version
}

fn to(status: ClaimStatus, reason: Option<&str>) -> ClaimChanges {
    ClaimChanges {
        status: Some(status),
        reason: reason.map(str::to_owned),
        ..ClaimChanges::default()
    }
}

fn source(n: usize) -> NewEvidence {
    NewEvidence {
        url: format!("https://www.example.org/source/{n}"),
        title: format!("Source {n}"),
        publisher: "Statistics Office".into(),
        stance: Stance::ALL[n % Stance::ALL.len()],
        note: "Table 4".into(),
        archived_url: Some(format!("https://web.archive.org/web/2020/{n}")),
    }
}

/// What the small desk holds: the piece and the claim the pages show.
struct Shown {
    piece: PieceId,
    claim: ClaimId,
    version: i32,
}

/// Grows the desk: more people, more pieces, sixty claims on `piece` (some assigned to the
/// editor, open and in progress), and a claim with ten pieces of evidence, twenty notes and a
/// long history (edits, assignments, a verdict signed off and reopened), left unchecked so its
/// forms can be sent as on the small desk. Returns that claim and its version.
async fn grow(app: &TestApp, piece: PieceId) -> (ClaimId, i32) {
    let mut conn = app.db.conn().await;
    let me = app.editor.id;
    let (editor, _) = add_user(&app.db, Role::Editor).await;
    let (reviewer, _) = add_user(&app.db, Role::Reviewer).await;
    let (admin, _) = add_user(&app.db, Role::Admin).await;
    let people = [me, editor.id, reviewer.id, admin.id];

    for n in 0..3 {
        let other = add_piece(&mut conn, editor.id, &format!("Another piece {n}"), 5).await;
        for i in 0..5 {
            let (id, version) = add_claim(&mut conn, editor.id, other, i).await;
            let assignee = ClaimChanges {
                assignee: Some(Some(people[i % people.len()])),
                ..ClaimChanges::default()
            };
            change(&mut conn, editor.id, id, version, assignee).await;
        }
    }

    let mut main = Vec::new();
    for i in 1..60 {
        let (id, mut version) = add_claim(&mut conn, me, piece, i).await;
        let assignee = ClaimChanges {
            assignee: Some(Some(people[i % people.len()])),
            ..ClaimChanges::default()
        };
        version = change(&mut conn, me, id, version, assignee).await;
        if i % 3 == 0 {
            version = change(
                &mut conn,
                me,
                id,
                version,
                to(ClaimStatus::InProgress, None),
            )
            .await;
            notes::add(&mut conn, reviewer.id, id, "Asked the *ministry*.")
                .await
                .unwrap();
        }
        main.push((id, version));
    }

    let (claim, mut version) = main[0];
    for n in 0..10 {
        let by = [me, editor.id][n % 2];
        evidence::add(&mut conn, by, claim, &source(n))
            .await
            .unwrap();
    }
    for n in 0..20 {
        let by = people[n % people.len()];
        let body = format!(
            "Note {n}: checked **table {n}** against [the release](https://www.example.org/{n})."
        );
        notes::add(&mut conn, by, claim, &body).await.unwrap();
    }
    for n in 0..5 {
        let edit = ClaimChanges {
            summary: Some(format!("The rate rose by 1 percent (draft {n})")),
            assignee: Some(Some(people[n % people.len()])),
            ..ClaimChanges::default()
        };
        version = change(&mut conn, me, claim, version, edit).await;
    }
    version = change(
        &mut conn,
        me,
        claim,
        version,
        to(ClaimStatus::InProgress, None),
    )
    .await;
    let verdict = to(ClaimStatus::False, Some("The release says 0.4 percent"));
    version = change(&mut conn, me, claim, version, verdict).await;
    version = claims::sign_off(&mut conn, reviewer.id, claim, &[version], Some("Agreed"))
        .await
        .unwrap()
        .claim
        .version;
    let reopen = to(ClaimStatus::InProgress, Some("A revised release"));
    version = change(&mut conn, admin.id, claim, version, reopen).await;
    version = change(
        &mut conn,
        me,
        claim,
        version,
        to(ClaimStatus::Unchecked, None),
    )
    .await;
    (claim, version)
}

/// Every page, as the signed-in editor opens it.
fn pages(shown: &Shown, me: UserId) -> Vec<(&'static str, String)> {
    let (piece, claim) = (shown.piece, shown.claim);
    // A cursor past every claim: the search's "later page" path, whatever the desk holds.
    let cursor = Cursor {
        at: Utc::now() + Duration::days(1),
        id: Uuid::from_u128(u128::MAX),
    }
    .encode();
    vec![
        ("/ (desk)", "/".to_owned()),
        (
            "/ (desk, filtered)",
            format!("/?status=in_progress&assignee={me}"),
        ),
        ("/claims (search)", "/claims".to_owned()),
        (
            "/claims (search, filtered)",
            format!("/claims?status=unchecked&piece={piece}&assignee={me}&q=Sentence"),
        ),
        (
            "/claims (search, a later page)",
            format!("/claims?cursor={cursor}"),
        ),
        ("/pieces/{id}", format!("/pieces/{piece}")),
        ("/pieces/{id}/edit", format!("/pieces/{piece}/edit")),
        ("/claims/{id}", format!("/claims/{claim}")),
        ("/pieces/new", "/pieces/new".to_owned()),
        ("/login", "/login".to_owned()),
    ]
}

/// The statements each page sends (each must answer 200).
async fn count_pages(app: &TestApp, shown: &Shown) -> Vec<(&'static str, u64)> {
    let queries = counter(app);
    let mut counts = Vec::new();
    for (label, path) in pages(shown, app.editor.id) {
        let (sent, status, body) = counted(&queries, app.client.get(path.clone())).await;
        assert_eq!(status, Status::Ok, "{label} ({path}): {body}");
        counts.push((label, sent));
    }
    counts
}

/// One of the claim page's forms as a browser sends it, and the answer it should get.
struct Sent<'a> {
    label: &'static str,
    action: &'static str,
    fields: Vec<(&'static str, &'a str)>,
    expected: Status,
}

/// The statements each of the claim page's forms sends: a stale status change (answered with
/// the page as the claim is now), a status change, a note and evidence (each answered 303).
async fn count_forms(app: &TestApp, shown: &Shown) -> Vec<(&'static str, u64)> {
    let queries = counter(app);
    let page = format!("/claims/{}", shown.claim);
    let version = shown.version.to_string();
    let stale = (shown.version - 1).to_string();
    let forms = [
        Sent {
            label: "POST status (stale: 412 page)",
            action: "status",
            fields: vec![("status", "in_progress"), ("version", &stale)],
            expected: Status::PreconditionFailed,
        },
        Sent {
            label: "POST status",
            action: "status",
            fields: vec![("status", "in_progress"), ("version", &version)],
            expected: Status::SeeOther,
        },
        Sent {
            label: "POST notes",
            action: "notes",
            fields: vec![("body", "Called the office: *no answer* yet.")],
            expected: Status::SeeOther,
        },
        Sent {
            label: "POST evidence",
            action: "evidence",
            fields: vec![
                ("url", "https://www.example.org/release"),
                ("title", "The release"),
                ("stance", "context"),
            ],
            expected: Status::SeeOther,
        },
    ];
    let mut counts = Vec::new();
    for sent in forms {
        let opened = app.client.get(page.clone()).dispatch().await;
        let token = csrf_token(&opened.into_string().await.unwrap());
        let mut fields = sent.fields;
        fields.push(("csrf_token", &token));
        let request = app
            .client
            .post(format!("{page}/{}", sent.action))
            .header(ContentType::Form)
            .body(form(&fields));
        let (statements, status, body) = counted(&queries, request).await;
        assert_eq!(status, sent.expected, "{}: {body}", sent.label);
        counts.push((sent.label, statements));
    }
    counts
}

/// Prints the counts side by side, for the README and for whoever reads a failure.
fn print(what: &str, small: &[(&str, u64)], large: &[(&str, u64)]) {
    eprintln!("statements per request ({what}): small desk, large desk");
    for ((label, few), (_, many)) in small.iter().zip(large) {
        eprintln!("  {label:<32} {few:>3} {many:>3}");
    }
}

#[rocket::async_test]
async fn every_page_and_claim_form_sends_as_many_statements_on_a_large_desk_as_on_a_small_one() {
    let app = spawn_app().await;
    let me = app.editor.id;
    let (piece, claim, version) = {
        let mut conn = app.db.conn().await;
        let piece = add_piece(&mut conn, me, "The main piece", SENTENCES).await;
        let (claim, version) = add_claim(&mut conn, me, piece, 0).await;
        (piece, claim, version)
    };
    sign_in(&app).await;
    let small = Shown {
        piece,
        claim,
        version,
    };
    let small_pages = count_pages(&app, &small).await;
    for (label, sent) in &small_pages {
        // Every page but the sign-in form looks the session up: a count of 0 would mean the
        // counter saw nothing, and the comparison below would prove nothing.
        assert!(*label == "/login" || *sent > 0, "{label} sent {sent}");
    }
    let small_forms = count_forms(&app, &small).await;

    let (claim, version) = grow(&app, piece).await;
    let large = Shown {
        piece,
        claim,
        version,
    };
    let large_pages = count_pages(&app, &large).await;
    let large_forms = count_forms(&app, &large).await;

    print("pages", &small_pages, &large_pages);
    print("claim page forms", &small_forms, &large_forms);
    assert_eq!(
        small_pages, large_pages,
        "a page's count grew with the desk"
    );
    assert_eq!(
        small_forms, large_forms,
        "a form's count grew with the claim"
    );
}

/// The counter sees every statement of the pool's connections, the pool's own check included:
/// a new connection is not checked, a reused one is (`SELECT 1`) before it is handed out.
#[rocket::async_test]
async fn the_count_includes_every_statement_and_the_pools_check() {
    let app = spawn_app().await;
    let queries = counter(&app);
    assert_eq!(queries.get(), 0, "nothing has used the pool yet");
    let (first, status, _) = counted(&queries, app.client.get("/readyz")).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(first, 1, "a new connection runs only the readiness query");
    let (again, _, _) = counted(&queries, app.client.get("/readyz")).await;
    assert_eq!(
        again, 2,
        "a reused connection is checked, then runs the query"
    );
    let (free, _, _) = counted(&queries, app.client.get("/healthz")).await;
    assert_eq!(free, 0, "liveness does not touch the database");
}

diesel::define_sql_function! {
    /// The server's clock as each statement runs (not as its transaction began).
    fn clock_timestamp() -> diesel::sql_types::Timestamptz;
}

/// When each of five reads joined on one connection ran: by a statement prepared once per
/// connection (`typed`) or one prepared anew each time (`sql`, as diesel-async treats SQL text).
async fn clocks(conn: &Conn, typed: bool) -> Vec<chrono::DateTime<Utc>> {
    let (a, b, c, d, e) = futures_util::try_join!(
        clock(conn, typed),
        clock(conn, typed),
        clock(conn, typed),
        clock(conn, typed),
        clock(conn, typed)
    )
    .unwrap();
    vec![a, b, c, d, e]
}

async fn clock(mut conn: &Conn, typed: bool) -> diesel::QueryResult<chrono::DateTime<Utc>> {
    use diesel_async::RunQueryDsl;
    if typed {
        diesel::select(clock_timestamp())
            .get_result(&mut conn)
            .await
    } else {
        let text = diesel::dsl::sql::<diesel::sql_types::Timestamptz>("clock_timestamp()");
        diesel::select(text).get_result(&mut conn).await
    }
}

/// The claim page, the piece page and the desk join their reads on one connection and rely on
/// Postgres running them in the order joined: the latest event is read first, so a change made
/// while the rest is read is told to the page by its live stream, not missed. That order is
/// diesel-async's (its statement cache is locked first come, first served, and each query is
/// sent as it gets it), so it is checked here, on a new connection and on a warm one.
#[rocket::async_test]
async fn reads_joined_on_one_connection_run_in_the_order_they_are_joined() {
    let app = spawn_app().await;
    for typed in [true, false] {
        let conn = app.db.conn().await;
        for round in ["new connection", "warm connection"] {
            let times = clocks(&conn, typed).await;
            assert!(
                times.windows(2).all(|w| w[0] < w[1]),
                "typed {typed}, {round}: {times:?}"
            );
        }
    }
}
