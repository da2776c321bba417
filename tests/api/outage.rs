//! Outage under load (issue 10, trials that run in CI): Postgres stops for a few seconds while
//! clients keep writing notes and reading, then starts again on the same port. While it is away
//! every answer is a prompt 503 with `Retry-After`, never a 500 or a hang, and the server stays up;
//! within seconds of Postgres answering again requests succeed, with no restart; and the database
//! holds exactly the notes whose writes were acknowledged, each with its history event, and
//! nothing of those that were refused.
//!
//! The cluster is the test's own (initdb in a temporary folder, a port of its own), so stopping
//! it disturbs no other test.
use crate::served::{Served, header, json_body, status, try_http};
use crate::support::add_user_at;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use factdesk::domain::roles::Role;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Fewer connections than clients, so requests also queue for the pool while Postgres is away.
const POOL: usize = 4;
const WRITERS: usize = 4;
const READERS: usize = 2;
/// Each client's pause between requests: a steady load, not a flood, on a shared machine.
const PACE: Duration = Duration::from_millis(25);
/// How long the pool waits for a connection (`wait_timeout` in src/store/database.rs): no 503
/// should take longer, and a little more for the request's own work.
const POOL_WAIT: Duration = Duration::from_secs(5);
const SLACK: Duration = Duration::from_secs(1);
/// An answer later than this is a hang (the client gives up and counts it as one).
const HANG: Duration = Duration::from_secs(15);
const BEFORE: Duration = Duration::from_secs(2);
/// How long before Postgres stops a claim is locked from outside.
const HELD: Duration = Duration::from_millis(500);
const DOWN_FOR: Duration = Duration::from_secs(4);
/// From Postgres answering again to requests succeeding, at most.
const RECOVERY: Duration = Duration::from_secs(5);
/// How long the load goes on after Postgres is back: past `RECOVERY`, so that requests that
/// start once it is over are seen to succeed.
const AFTER: Duration = Duration::from_secs(7);
const DATABASE: &str = "factdesk_outage";

#[test]
fn postgres_stopping_under_load_answers_503_promptly_and_loses_no_acknowledged_write() {
    let cluster = Cluster::new();
    let url = cluster.url(DATABASE);
    // `serve` creates the database and migrates it (as `cargo run --release` does).
    let mut served = Served::start(&url, &[("ROCKET_POOL_SIZE", &POOL.to_string())]);
    let runtime = rocket::tokio::runtime::Runtime::new().unwrap();
    let email = format!("editor-{}@factdesk.test", Uuid::new_v4().simple());
    let (_, token) = runtime.block_on(add_user_at(&url, Role::Editor, &email));
    let bearer = format!("Authorization: Bearer {token}");
    let claims = claims_to_write_to(&served, &bearer);

    let address = served.address.clone();
    let stop = AtomicBool::new(false);
    let mut timeline = Timeline::default();
    let sent: Vec<Sent> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..WRITERS + READERS)
            .map(|client| {
                let (address, bearer, claims, stop) = (&address, &bearer, &claims, &stop);
                scope.spawn(move || {
                    let claim = &claims[client % claims.len()];
                    let mut sent = Vec::new();
                    for turn in 0.. {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        sent.push(if client < WRITERS {
                            write_note(address, bearer, claim, client, turn)
                        } else {
                            read(address, bearer, claim, turn)
                        });
                        std::thread::sleep(PACE);
                    }
                    sent
                })
            })
            .collect();

        std::thread::sleep(BEFORE - HELD);
        // A write in the middle of its transaction when Postgres goes: the first writer's claim
        // is locked, so its next note waits on the row inside its transaction (the load's own
        // transactions are over in a few milliseconds and would rarely be caught in flight).
        let lock = runtime.block_on(lock_claim(&url, &claims[0]));
        std::thread::sleep(HELD);
        timeline.stop_began = Some(Instant::now());
        // Fast, as a restart or a failover stops it: each backend ends its transaction, and a
        // commit that was made is always answered. (Immediate can kill a backend between its
        // commit and its answer: a write refused yet kept, a doubt no server could resolve.)
        cluster.pg_ctl(&["stop", "-m", "fast"]);
        timeline.down = Some(Instant::now());
        drop(lock);
        std::thread::sleep(DOWN_FOR / 2);
        let midway = served.exited();
        std::thread::sleep(DOWN_FOR / 2);
        timeline.start_began = Some(Instant::now());
        cluster.pg_ctl(&["start"]);
        timeline.back = Some(Instant::now());
        std::thread::sleep(AFTER);
        stop.store(true, Ordering::Relaxed);
        assert!(midway.is_none(), "the server exited: {midway:?}");
        clients
            .into_iter()
            .flat_map(|client| client.join().unwrap())
            .collect()
    });
    let exited = served.exited();

    let stored = runtime.block_on(stored_notes(&url));
    let report = Report::new(&sent, &timeline, &stored);
    report.print();
    let log = served.log();
    let tail = log[log.len().saturating_sub(40)..].join("\n");
    assert!(
        exited.is_none(),
        "the server exited ({exited:?}); its last words:\n{tail}"
    );
    assert!(
        report.problems.is_empty(),
        "{} problems:\n{}\nthe server's last words:\n{tail}",
        report.problems.len(),
        report.problems[..report.problems.len().min(20)].join("\n")
    );
}

/// One claim per writer, on one piece, made through the API.
fn claims_to_write_to(served: &Served, bearer: &str) -> Vec<String> {
    let quotes: Vec<String> = (0..WRITERS).map(|i| format!("claim number {i}")).collect();
    let text: String = quotes
        .iter()
        .map(|quote| format!("Here is {quote}. "))
        .collect();
    let piece = serde_json::json!({ "title": "The outage trial", "body": text,
                                    "published_at": "2020-01-13" });
    let answer = served.request(
        "POST",
        "/api/v1/pieces",
        &[bearer.to_owned()],
        &piece.to_string(),
    );
    assert_eq!(status(&answer), 201, "{answer}");
    let piece = json_body(&answer)["id"].as_str().unwrap().to_owned();
    quotes
        .iter()
        .map(|quote| {
            let path = format!("/api/v1/pieces/{piece}/claims");
            let body = serde_json::json!({ "quote": quote }).to_string();
            let answer = served.request("POST", &path, &[bearer.to_owned()], &body);
            assert_eq!(status(&answer), 201, "{answer}");
            json_body(&answer)["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Note,
    Readyz,
    Claim,
}

/// One request and what came of it.
struct Sent {
    kind: Kind,
    /// A note's body: each is unique, so the database can be asked whether it holds it.
    note: Option<String>,
    started: Instant,
    ended: Instant,
    /// The answer, or what went wrong on the socket (a refusal, a reset, no answer in time).
    answer: Result<String, String>,
}

impl Sent {
    fn status(&self) -> u16 {
        self.answer.as_deref().map_or(0, status)
    }

    fn succeeded(&self) -> bool {
        (200..300).contains(&self.status())
    }

    fn took(&self) -> Duration {
        self.ended - self.started
    }

    /// The answer's head and the start of its body, for a message.
    fn shown(&self) -> String {
        let text = match &self.answer {
            Ok(answer) => answer.chars().take(600).collect(),
            Err(error) => format!("no answer: {error}"),
        };
        format!("{:?} after {:?}: {text}", self.kind, self.took())
    }
}

fn send(address: &str, method: &str, path: &str, headers: &[String], body: &str) -> Sent {
    let started = Instant::now();
    let answer = try_http(address, method, path, headers, body, HANG).map_err(|e| e.to_string());
    Sent {
        kind: Kind::Note,
        note: None,
        started,
        ended: Instant::now(),
        answer,
    }
}

fn write_note(address: &str, bearer: &str, claim: &str, client: usize, turn: usize) -> Sent {
    let note = format!(
        "outage trial note {client}-{turn}-{}",
        Uuid::new_v4().simple()
    );
    let body = serde_json::json!({ "body": note }).to_string();
    let path = format!("/api/v1/claims/{claim}/notes");
    Sent {
        note: Some(note),
        ..send(address, "POST", &path, &[bearer.to_owned()], &body)
    }
}

/// Alternately the readiness check and a claim (which a signed-in read needs the database for).
fn read(address: &str, bearer: &str, claim: &str, turn: usize) -> Sent {
    if turn % 2 == 0 {
        Sent {
            kind: Kind::Readyz,
            ..send(address, "GET", "/readyz", &[], "")
        }
    } else {
        let path = format!("/api/v1/claims/{claim}");
        Sent {
            kind: Kind::Claim,
            ..send(address, "GET", &path, &[bearer.to_owned()], "")
        }
    }
}

/// Locks `claim` in a transaction that is left open, until Postgres ends it.
async fn lock_claim(url: &str, claim: &str) -> AsyncPgConnection {
    use diesel_async::SimpleAsyncConnection;
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    let lock = format!("BEGIN; SELECT 1 FROM claims WHERE id = '{claim}' FOR UPDATE");
    conn.batch_execute(&lock).await.unwrap();
    conn
}

/// When the trial stopped and started Postgres.
#[derive(Default)]
struct Timeline {
    stop_began: Option<Instant>,
    /// `pg_ctl stop` has returned: the postmaster has exited.
    down: Option<Instant>,
    start_began: Option<Instant>,
    /// `pg_ctl start -w` has returned: Postgres accepts connections again.
    back: Option<Instant>,
}

/// The notes in the database afterwards, and whether each has its history event.
struct Stored {
    notes: HashSet<String>,
    /// Notes without their `note_added` event.
    without_event: Vec<String>,
    /// `note_added` events whose note is not there.
    events_without_note: i64,
}

async fn stored_notes(url: &str) -> Stored {
    #[derive(diesel::QueryableByName)]
    struct Body {
        #[diesel(sql_type = diesel::sql_types::Text)]
        body: String,
    }
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    let notes = diesel::sql_query("SELECT body FROM notes")
        .load::<Body>(&mut conn)
        .await
        .unwrap();
    let without_event = diesel::sql_query(
        "SELECT body FROM notes n WHERE NOT EXISTS (SELECT 1 FROM events e \
         WHERE e.kind = 'note_added' AND e.subject_id = n.id AND e.claim_id = n.claim_id)",
    )
    .load::<Body>(&mut conn)
    .await
    .unwrap();
    let events_without_note = diesel::sql_query(
        "SELECT count(*) AS n FROM events e WHERE e.kind = 'note_added' \
         AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.id = e.subject_id)",
    )
    .get_result::<Count>(&mut conn)
    .await
    .unwrap()
    .n;
    Stored {
        notes: notes.into_iter().map(|row| row.body).collect(),
        without_event: without_event.into_iter().map(|row| row.body).collect(),
        events_without_note,
    }
}

/// The figures of the trial, and everything it found wrong.
struct Report {
    sent: usize,
    writes: usize,
    acknowledged: usize,
    refused: usize,
    /// Acknowledged notes in the database afterwards (should be all of them).
    found: usize,
    /// Refused notes in the database afterwards (should be none).
    refused_found: usize,
    by_status: BTreeMap<(Kind, u16), usize>,
    while_down: BTreeMap<(Kind, u16), usize>,
    slowest_while_down: Duration,
    /// The answers to the writes caught inside their transaction by the stop.
    caught: Vec<u16>,
    slowest: Duration,
    recovered_after: Option<Duration>,
    problems: Vec<String>,
}

impl Report {
    fn new(sent: &[Sent], timeline: &Timeline, stored: &Stored) -> Report {
        let stop_began = timeline.stop_began.unwrap();
        let down = timeline.down.unwrap();
        let start_began = timeline.start_began.unwrap();
        let back = timeline.back.unwrap();
        let mut problems = Vec::new();
        let mut by_status = BTreeMap::new();
        let mut while_down = BTreeMap::new();
        for request in sent {
            *by_status
                .entry((request.kind, request.status()))
                .or_default() += 1;
            // Whatever Postgres is doing: an answer, in time, that is a success or a 503 saying
            // when to retry; never a 500, another error, or silence.
            let fine = match request.status() {
                200 => request.kind != Kind::Note,
                201 => request.kind == Kind::Note,
                503 => request
                    .answer
                    .as_deref()
                    .is_ok_and(|answer| header(answer, "Retry-After").is_some()),
                _ => false,
            };
            if !fine || request.took() > HANG {
                problems.push(request.shown());
            }
            if request.ended < stop_began && !request.succeeded() {
                problems.push(format!("before the outage: {}", request.shown()));
            }
            if request.started >= down && request.ended <= start_began {
                *while_down
                    .entry((request.kind, request.status()))
                    .or_default() += 1;
                if request.status() != 503 || request.took() > POOL_WAIT + SLACK {
                    problems.push(format!("while Postgres was down: {}", request.shown()));
                }
            }
            if request.started >= back + RECOVERY && !request.succeeded() {
                problems.push(format!(
                    "{:?} after Postgres was back: {}",
                    request.started - back,
                    request.shown()
                ));
            }
        }
        // The note that waited on the locked claim: in flight when the stop began, after waiting
        // longer than any other write takes (it may have been sent just before the lock was
        // taken; its backend ends before the postmaster does, so it is answered before `down`).
        let caught: Vec<u16> = sent
            .iter()
            .filter(|request| {
                request.kind == Kind::Note
                    && request.started < stop_began
                    && request.ended > stop_began
                    && request.took() > HELD / 2
            })
            .map(Sent::status)
            .collect();
        if caught.is_empty() {
            problems.push("no note write was inside its transaction when Postgres stopped".into());
        }
        if while_down.is_empty() {
            problems.push("no request was sent and answered while Postgres was down".into());
        }
        let recovered_after = sent
            .iter()
            .filter(|request| request.started >= back && request.succeeded())
            .map(|request| request.ended - back)
            .min();
        if recovered_after.is_none_or(|after| after > RECOVERY) {
            problems.push(format!(
                "the first success after Postgres was back came after {recovered_after:?}"
            ));
        }

        let writes: Vec<&Sent> = sent.iter().filter(|r| r.kind == Kind::Note).collect();
        let acknowledged: Vec<&str> = writes
            .iter()
            .filter(|r| r.succeeded())
            .filter_map(|r| r.note.as_deref())
            .collect();
        let refused: Vec<&str> = writes
            .iter()
            .filter(|r| !r.succeeded())
            .filter_map(|r| r.note.as_deref())
            .collect();
        for note in &acknowledged {
            if !stored.notes.contains(*note) {
                problems.push(format!("acknowledged, but not in the database: {note}"));
            }
        }
        for note in &refused {
            if stored.notes.contains(*note) {
                problems.push(format!("refused, but in the database: {note}"));
            }
        }
        let sent_notes: HashSet<&str> = writes.iter().filter_map(|r| r.note.as_deref()).collect();
        for note in &stored.notes {
            if !sent_notes.contains(note.as_str()) {
                problems.push(format!("in the database, but never sent: {note}"));
            }
        }
        for note in &stored.without_event {
            problems.push(format!(
                "in the database without its note_added event: {note}"
            ));
        }
        if stored.events_without_note > 0 {
            problems.push(format!(
                "{} note_added events without their note",
                stored.events_without_note
            ));
        }
        let slowest = |requests: &mut dyn Iterator<Item = &Sent>| {
            requests.map(Sent::took).max().unwrap_or_default()
        };
        Report {
            sent: sent.len(),
            writes: writes.len(),
            acknowledged: acknowledged.len(),
            refused: refused.len(),
            found: acknowledged
                .iter()
                .filter(|note| stored.notes.contains(**note))
                .count(),
            refused_found: refused
                .iter()
                .filter(|note| stored.notes.contains(**note))
                .count(),
            by_status,
            while_down,
            slowest_while_down: slowest(
                &mut sent
                    .iter()
                    .filter(|r| r.started >= down && r.ended <= start_began),
            ),
            caught,
            slowest: slowest(&mut sent.iter()),
            recovered_after,
            problems,
        }
    }

    fn print(&self) {
        let table = |counts: &BTreeMap<(Kind, u16), usize>| {
            counts
                .iter()
                .map(|((kind, status), n)| format!("{kind:?} {status}: {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!("outage trial: {} requests sent", self.sent);
        println!(
            "  note writes sent {}, acknowledged {} (found afterwards {}), refused {} (found afterwards {})",
            self.writes, self.acknowledged, self.found, self.refused, self.refused_found
        );
        println!("  answers by status: {}", table(&self.by_status));
        println!(
            "  the write waiting on a locked row inside its transaction when Postgres stopped: {:?}",
            self.caught
        );
        println!(
            "  while Postgres was down: {} (slowest {:?})",
            table(&self.while_down),
            self.slowest_while_down
        );
        println!(
            "  from Postgres back to the first success: {:?}; slowest answer of all {:?}",
            self.recovered_after, self.slowest
        );
    }
}

/// A PostgreSQL cluster of the test's own in a temporary folder, listening on 127.0.0.1 on a
/// free port with trust authentication; stopped (immediately) and removed on drop, so a
/// panicking test leaves no server behind.
struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// As root (as CI runs) initdb refuses to run, so it and pg_ctl run as this user.
    run_as: Option<&'static str>,
}

impl Cluster {
    fn new() -> Cluster {
        let dir = std::env::temp_dir().join(format!("factdesk-outage-{}", Uuid::new_v4().simple()));
        std::fs::create_dir(&dir).unwrap();
        // From here on the guard removes the folder, whatever fails.
        let cluster = Cluster {
            dir,
            bin: postgres_bin(),
            port: free_port(),
            run_as: is_root().then(unprivileged_user),
        };
        if let Some(user) = cluster.run_as {
            checked(Command::new("chown").arg(user).arg(&cluster.dir));
        }
        let data = cluster.data();
        let data = data.to_str().unwrap();
        cluster.pg(
            "initdb",
            &[
                "-D",
                data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                // Its files need not survive a power cut: the cluster lives for one test.
                "--no-sync",
            ],
        );
        let settings = format!(
            "\nlisten_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\n",
            cluster.port,
            cluster.dir.display()
        );
        let conf = cluster.data().join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).unwrap();
        text.push_str(&settings);
        std::fs::write(&conf, text).unwrap();
        cluster.pg_ctl(&["start"]);
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// `pg_ctl` on this cluster, waiting (`-w`) until the server has started or stopped.
    fn pg_ctl(&self, args: &[&str]) {
        let data = self.data();
        let log = self.dir.join("postgres.log");
        let mut all = vec!["-D", data.to_str().unwrap(), "-w", "-t", "60"];
        all.extend(["-l", log.to_str().unwrap()]);
        all.extend(args);
        self.pg("pg_ctl", &all);
    }

    /// One of the cluster's programs, as the user the cluster belongs to; panics (with the
    /// server's log) when it fails.
    fn pg(&self, program: &str, args: &[&str]) -> Output {
        let mut command = self.command(program);
        command.args(args);
        let output = command.output().unwrap();
        if !output.status.success() {
            let log = std::fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default();
            panic!("{command:?}: {output:?}\nthe server's log:\n{log}");
        }
        output
    }

    /// One of the cluster's programs, to run as the user the cluster belongs to.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let mut command = match self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        };
        // The cluster's user may not be allowed into the test's working directory.
        command.current_dir(&self.dir);
        command
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.data().join("postmaster.pid").exists() {
            let data = self.data();
            let stop = [
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ];
            // A panic in a drop that runs because of a panic would abort: report and go on.
            let stopped = self.command("pg_ctl").args(stop).output();
            if !stopped.as_ref().is_ok_and(|output| output.status.success()) {
                eprintln!(
                    "could not stop the test's cluster in {:?}: {stopped:?}",
                    self.dir
                );
            }
        }
        if let Err(error) = std::fs::remove_dir_all(&self.dir) {
            eprintln!("could not remove {:?}: {error}", self.dir);
        }
    }
}

/// The newest PostgreSQL installed the Debian way (/usr/lib/postgresql/<version>/bin), else
/// whatever `pg_config` names.
fn postgres_bin() -> PathBuf {
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .max();
    if let Some((_, bin)) = newest {
        return bin;
    }
    let output = Command::new("pg_config").arg("--bindir").output();
    let bin = output
        .ok()
        .filter(|output| output.status.success())
        .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
        .filter(|bin| bin.join("initdb").exists());
    bin.expect("the outage trial needs PostgreSQL's initdb and pg_ctl (/usr/lib/postgresql/<version>/bin or pg_config --bindir)")
}

/// Whether this process's effective user is root (the second field of `Uid:`).
fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let uid = status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .expect("Uid: in /proc/self/status");
    uid == "0"
}

/// The account Debian's packages run Postgres as, else `nobody`.
fn unprivileged_user() -> &'static str {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    if passwd.lines().any(|line| line.starts_with("postgres:")) {
        "postgres"
    } else {
        "nobody"
    }
}

/// A port nothing listens on now (the kernel's choice; free again once the probe is closed).
fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

fn checked(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{command:?}: {output:?}");
}

/// A guard that cannot get a connection answers 503, and the server's log says why: the
/// catcher, not the error's own responder, answers a failed guard, so the guard logs it itself.
#[test]
fn a_guard_that_cannot_reach_the_database_answers_503_and_logs_why() {
    let runtime = rocket::tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(crate::support::TestDb::new());
    let served = Served::start(&db.url, &[("ROCKET_POOL_SIZE", "2")]);
    let path = "/claimreview.json";
    assert_eq!(status(&served.request("GET", path, &[], "")), 200);
    // Gone, with the pool's connections to it: each new one is refused, naming the database.
    let gone = format!("DROP DATABASE {} WITH (FORCE)", db.name);
    runtime.block_on(async {
        use diesel_async::SimpleAsyncConnection;
        crate::support::admin()
            .await
            .batch_execute(&gone)
            .await
            .unwrap();
    });

    let answer = served.request("GET", path, &[], "");
    assert_eq!(status(&answer), 503, "{answer}");
    let logged = served.wait_for_log(&format!("GET {path}: "), Duration::from_secs(10));
    assert!(
        logged.is_some_and(|line| line.contains(&db.name)),
        "no line names the cause:\n{}",
        served.log().join("\n")
    );
}
