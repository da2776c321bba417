//! Requests framed two ways at once (issue 10, defect 6), over a real socket.
use crate::served::{Served, until_closed};
use crate::support::TestDb;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn a_request_with_both_content_length_and_chunks_is_answered_once_and_its_connection_closed() {
    let db = rocket::tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(TestDb::new());
    let served = Served::start(&db.url, &[]);
    let host = &served.address;
    // The chunked body ends after `{}`; what follows would be a second request on the connection.
    let smuggled = format!(
        "POST /api/v1/tokens HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: 60\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n\
         GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n"
    );
    let mut stream = TcpStream::connect(host).unwrap();
    stream.write_all(smuggled.as_bytes()).unwrap();

    let answer = until_closed(&mut stream, Duration::from_secs(3))
        .expect("the connection was left open after an ambiguously framed request");
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer}");
    assert!(answer.starts_with("HTTP/1.1 422"), "{answer}");

    // A request framed one way keeps its connection for the next.
    let mut stream = TcpStream::connect(host).unwrap();
    let twice = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").repeat(2);
    stream.write_all(twice.as_bytes()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    while seen.matches("HTTP/1.1 200").count() < 2 {
        let read = stream
            .read(&mut buffer)
            .expect("both answers on one connection");
        assert!(read > 0, "closed early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
}

#[test]
fn a_request_without_one_valid_host_is_refused_as_rfc_9112_asks() {
    let db = rocket::tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(TestDb::new());
    let served = Served::start(&db.url, &[]);
    let host = &served.address;
    let ask = |head: String| {
        let mut stream = TcpStream::connect(host).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        until_closed(&mut stream, Duration::from_secs(10)).expect("the answer ends")
    };
    for (case, head) in [
        (
            "no Host",
            "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n".to_owned(),
        ),
        (
            "two Hosts",
            format!(
                "GET /healthz HTTP/1.1\r\nHost: {host}\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
            ),
        ),
        (
            "two Hosts, HTTP/1.0",
            format!("GET /healthz HTTP/1.0\r\nHost: {host}\r\nHost: evil.example\r\n\r\n"),
        ),
        (
            "a Host that is none",
            "GET /healthz HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n".to_owned(),
        ),
    ] {
        let answer = ask(head);
        assert!(
            answer.starts_with("HTTP/1.1 400") || answer.starts_with("HTTP/1.0 400"),
            "{case}: {answer}"
        );
        assert!(
            answer.contains("exactly one Host header"),
            "{case}: {answer}"
        );
    }
    // HTTP/1.0 had no Host header: its requests are served without one.
    let answer = ask("GET /healthz HTTP/1.0\r\n\r\n".to_owned());
    assert!(answer.contains(" 200 OK"), "{answer}");
    let answer = ask(format!(
        "GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    ));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
