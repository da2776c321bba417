//! A minute of reading (issue 10's memory trial): the desk's pages and the API, asked for again
//! and again by several clients, leave the server's memory where the first seconds put it. A leak
//! per request, or a cache without bound, shows as a peak that keeps climbing.
use crate::served::{Served, http_form, sign_in, status};
use crate::support::{TestDb, add_user};
use factdesk::domain::roles::Role;
use serde_json::Value;
use std::time::{Duration, Instant};

const CLIENTS: usize = 4;
const WARM_UP: Duration = Duration::from_secs(10);
const LOAD: Duration = Duration::from_secs(60);

fn json(answer: &str) -> Value {
    serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap()
}

#[test]
fn a_minute_of_reads_leaves_memory_flat() {
    let runtime = rocket::tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(TestDb::new());
    let (user, token) = runtime.block_on(add_user(&db, Role::Editor));
    let served = Served::start(&db.url, &[("ROCKET_LOAD_DEMO", "true")]);
    let address = &served.address;
    let bearer = format!("Authorization: Bearer {token}");
    let pieces = served.request("GET", "/api/v1/pieces", std::slice::from_ref(&bearer), "");
    let piece = json(&pieces)["items"][0]["id"].as_str().unwrap().to_owned();
    let claims = served.request(
        "GET",
        &format!("/api/v1/claims?piece={piece}"),
        std::slice::from_ref(&bearer),
        "",
    );
    let claim = json(&claims)["items"][0]["id"].as_str().unwrap().to_owned();
    let session = format!("Cookie: {}", sign_in(address, &user.email));

    let reads: Vec<(String, &String)> = vec![
        ("/".into(), &session),
        (format!("/pieces/{piece}"), &session),
        (format!("/claims/{claim}"), &session),
        ("/claims?q=strike".into(), &session),
        (format!("/api/v1/claims/{claim}"), &bearer),
        (format!("/api/v1/claims/{claim}/history"), &bearer),
        ("/api/v1/claims?q=adviser".into(), &bearer),
        (format!("/api/v1/pieces/{piece}"), &bearer),
    ];
    let start = Instant::now();
    let mut at_warm_up = None;
    let answered: usize = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|n| {
                let reads = &reads;
                scope.spawn(move || {
                    let mut answered = 0;
                    while start.elapsed() < LOAD {
                        let (path, credential) = &reads[(n + answered) % reads.len()];
                        let answer = http_form(address, "GET", path, &[credential.to_string()], "");
                        assert_eq!(status(&answer), 200, "{path}: {answer:.500}");
                        answered += 1;
                    }
                    answered
                })
            })
            .collect();
        std::thread::sleep(WARM_UP);
        at_warm_up = Some(served.peak_mib());
        clients.into_iter().map(|c| c.join().unwrap()).sum()
    });
    let (warm, end) = (at_warm_up.unwrap(), served.peak_mib());
    println!(
        "{answered} reads in {} s: peak memory {warm} MiB after {} s, {end} MiB at the end",
        LOAD.as_secs(),
        WARM_UP.as_secs()
    );
    assert!(
        answered > 1000,
        "only {answered} reads: the trial proved little"
    );
    assert!(end <= warm + 16, "memory kept growing: {warm} -> {end} MiB");
}
