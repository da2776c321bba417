//! Connections that send slowly or not at all (issue 10, defect 3): a request's head must arrive
//! within `header_timeout` of its first byte (or of the connection opening), its body within
//! `body_timeout`, and an answered connection that idles is closed after `keep_alive`. All are 1 s
//! here; before, each of these connections stayed open for as long as its client liked.
use crate::served::{Served, status, until_closed};
use crate::support::{TestDb, spawn_app_with_claim};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const ONE_SECOND: [(&str, &str); 3] = [
    ("ROCKET_HEADER_TIMEOUT", "1"),
    ("ROCKET_BODY_TIMEOUT", "1"),
    ("ROCKET_KEEP_ALIVE", "1"),
];
/// Far longer than the timeouts: a connection still open after it was left open.
const PATIENCE: Duration = Duration::from_secs(10);

fn database() -> TestDb {
    rocket::tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(TestDb::new())
}

/// Reads one whole answer (head and a `Content-Length` body) from a connection kept open.
fn one_answer(stream: &mut TcpStream) -> String {
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut bytes = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = crate::served::header(&text, "content-length")
                .and_then(|length| length.parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return format!("{head}\r\n\r\n{body}");
            }
        }
        let read = stream.read(&mut buffer).unwrap();
        assert!(read > 0, "closed mid-answer: {text}");
        bytes.extend_from_slice(&buffer[..read]);
    }
}

#[test]
fn half_sent_heads_and_idle_connections_are_closed_and_everyone_else_is_served() {
    let db = database();
    let served = Served::start(&db.url, &ONE_SECOND);
    let address = &served.address;

    // Thirty slowloris connections, each silent or stopped inside its request line or headers.
    let mut slow: Vec<TcpStream> = (0..30)
        .map(|n| {
            let mut stream = TcpStream::connect(address).unwrap();
            let partial = match n % 3 {
                0 => String::new(),
                1 => "GET /rea".to_owned(),
                _ => format!("GET /readyz HTTP/1.1\r\nHost: {address}\r\nX-Slow: "),
            };
            stream.write_all(partial.as_bytes()).unwrap();
            stream
        })
        .collect();
    // One kept alive after two requests and answers, then left idle.
    let mut idle = TcpStream::connect(address).unwrap();
    for _ in 0..2 {
        write!(idle, "GET /healthz HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
        assert_eq!(status(&one_answer(&mut idle)), 200);
    }

    for (n, stream) in slow.iter_mut().enumerate() {
        let answer = until_closed(stream, PATIENCE);
        assert!(answer.is_some(), "slow connection {n} is still open");
    }
    let answer = until_closed(&mut idle, PATIENCE);
    assert_eq!(
        answer.as_deref(),
        Some(""),
        "the idle connection is still open"
    );

    // A client that sends its request at once is not affected.
    assert_eq!(status(&served.request("GET", "/readyz", &[], "")), 200);
}

#[test]
fn a_body_that_stops_arriving_is_answered_408_and_writes_nothing() {
    let runtime = rocket::tokio::runtime::Runtime::new().unwrap();
    let (app, claim) = runtime.block_on(spawn_app_with_claim());
    let served = Served::start(&app.db.url, &ONE_SECOND);
    let note = br#"{"body": "a note that arrives whole or not at all"}"#;
    let send = |sent: usize| {
        let mut stream = TcpStream::connect(&served.address).unwrap();
        write!(
            stream,
            "POST /api/v1/claims/{claim}/notes HTTP/1.1\r\nHost: {}\r\n\
             Authorization: Bearer {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            served.address,
            app.token,
            note.len()
        )
        .unwrap();
        stream.write_all(&note[..sent]).unwrap();
        until_closed(&mut stream, PATIENCE)
            .unwrap_or_else(|| panic!("a body stopped after {sent} bytes is still waited for"))
    };

    // Stopped past the 14 bytes Rocket peeks before routing (the route's body guard waits), and
    // stopped inside them (Rocket's own peek waits).
    for sent in [20, 5] {
        let answer = send(sent);
        assert_eq!(status(&answer), 408, "{answer}");
        assert!(answer.contains("did not arrive within 1 s"), "{answer}");
    }
    assert_eq!(runtime.block_on(app.count("notes")), 0);

    // The same note sent whole is written.
    let answer = send(note.len());
    assert_eq!(status(&answer), 201, "{answer}");
    assert_eq!(runtime.block_on(app.count("notes")), 1);
}
