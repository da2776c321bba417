//! A flood of sign-ins (issue 10, defect 1): each argon2 check fills 19 MiB, and anyone may ask
//! for one, so the server runs only a few at once, in buffers it reuses.
use crate::served::{Served, header, status};
use crate::support::TestDb;
use serde_json::json;

const AT_ONCE: usize = 100;

/// `AT_ONCE` sign-ins sent together, each for an unknown email from an address of its own.
fn flood(served: &Served, round: u8) -> Vec<String> {
    std::thread::scope(|scope| {
        let attempts: Vec<_> = (0..AT_ONCE)
            .map(|i| {
                scope.spawn(move || {
                    let body = json!({ "email": format!("guess-{round}-{i}@factdesk.test"),
                                       "password": "a guess" });
                    let address = format!("X-Real-IP: 198.51.{round}.{i}");
                    served.request("POST", "/api/v1/tokens", &[address], &body.to_string())
                })
            })
            .collect();
        attempts.into_iter().map(|a| a.join().unwrap()).collect()
    })
}

#[test]
fn a_flood_of_sign_ins_is_checked_a_few_at_a_time_and_leaves_memory_flat() {
    let db = rocket::tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(TestDb::new());
    // Each attempt from an address of its own, as a botnet's would be.
    let env = [
        ("ROCKET_IP_HEADER", "X-Real-IP"),
        ("ROCKET_PASSWORD_CHECKS", "2"),
    ];
    let served = Served::start(&db.url, &env);
    let before = served.peak_mib();

    let first = flood(&served, 0);
    let after_first = served.peak_mib();
    let second = flood(&served, 1);
    let after_second = served.peak_mib();
    eprintln!(
        "server peak memory: {before} MiB, {after_first} after a flood, {after_second} after two"
    );

    for (round, answers) in [&first, &second].into_iter().enumerate() {
        let mut checked = 0;
        for answer in answers {
            match status(answer) {
                401 => checked += 1,
                // Busy: told when to come back, never left hanging or answered 500.
                503 => assert_eq!(header(answer, "Retry-After"), Some("1"), "{answer}"),
                _ => panic!("round {round}: {answer}"),
            }
        }
        assert!(
            checked >= 2,
            "round {round}: only {checked} attempts were checked"
        );
        eprintln!("sign-in flood, round {round}: {checked} of {AT_ONCE} checked, the rest 503");
    }
    assert!(
        after_second < 300,
        "peak {after_second} MiB (started at {before} MiB)"
    );
    assert!(
        after_second <= after_first + 20,
        "a second flood took more memory: {after_first} -> {after_second} MiB"
    );
}
